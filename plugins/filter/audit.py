# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that judge probe facts against a profile and render the reports."""

from __future__ import annotations

import hashlib
import importlib
from datetime import datetime, timezone

from ansible.errors import AnsibleFilterError
from ansible_collections.voipsec.baresip.plugins.module_utils import _cert_rules

# Ansible forks a worker per task and host and looks a filter up by loading this collection's filter
# files: the checks, reports and drift code is imported by the filters that use it, so a task that
# only reads a probe's result does not compile it.


def _util(name):
    return importlib.import_module(f"ansible_collections.voipsec.baresip.plugins.module_utils.{name}")


def probe_fact(result, key, part=None):
    """A registered probe result as a fact: None when the task was skipped; ``{"unmeasured": why}``
    when it failed, its host was unreachable or the result lacks ``key`` (the probe's main
    return value); else the result itself. With ``part``, the fact is that part of a combined
    probe's result (``audit_probe``): None when the part was not run, judged like a result."""
    if not isinstance(result, dict) or result.get("skipped"):
        return None
    if result.get("unreachable"):
        return {"unmeasured": "host unreachable: " + str(result.get("msg") or "").strip()}
    if part is not None and not result.get("failed"):
        if result.get(part) is None:
            return None if part in result else {"unmeasured": f"no {part} in the probe's result"}
        return probe_fact(result[part], key)
    if result.get("failed") or key not in result:
        why = result.get("msg") or ("failed" if result.get("failed") else f"no {key} in the probe's result")
        return {"unmeasured": str(why).strip()}
    return result


def certificate_problems(info, profile, key_info=None):
    """What is wrong with a certificate (x509_certificate_info facts) under the profile's rules."""
    return _cert_rules.problems(info, profile["tls"]["certificate"], key_info)


def served_certificate(pem, now=None):
    """The certificate a UA served (PEM from the handshake) read on the controller by
    community.crypto's ``x509_certificate_info`` filter, with ``valid_at.now`` as the module's
    ``valid_at: {now: "+0s"}`` gives it; ``{"unmeasured": why}`` when there is none or it cannot
    be read. ``now`` (``YYYYMMDDHHMMSSZ``, UTC) defaults to the current time."""
    if not isinstance(pem, str) or "-----BEGIN CERTIFICATE-----" not in pem:
        return {"unmeasured": "the UA served no certificate (no completed handshake)"}
    try:
        # a dependency of the collection (galaxy.yml); imported here so that the other filters
        # load without it
        from ansible_collections.community.crypto.plugins.filter.x509_certificate_info import (
            x509_certificate_info_filter,
        )
    except ImportError as exc:
        return {"unmeasured": f"community.crypto is needed to read the served certificate: {exc}"}
    try:
        info = x509_certificate_info_filter(pem)
    except AnsibleFilterError as exc:
        return {"unmeasured": f"the served certificate cannot be read: {exc}"}
    now = now or datetime.now(timezone.utc).strftime("%Y%m%d%H%M%SZ")
    info["valid_at"] = {"now": info.get("not_before", "") <= now <= info.get("not_after", "")}
    return info


def auditor_for(host, auditors):
    """The auditor of ``host`` among ``auditors``: the one at index int(first 8 hex digits of
    sha256(host)) mod len(auditors). Stable for a host whatever else the inventory holds, and even on
    average; None when there are no auditors."""
    auditors = list(auditors or [])
    if not auditors:
        return None
    return auditors[int(hashlib.sha256(str(host).encode("utf-8")).hexdigest()[:8], 16) % len(auditors)]


def audit_check_ids(profile, settings=None):
    """Ids of the checks an audit of ``profile`` with ``settings`` runs, in report order."""
    return [c.id for c in _util("_checks").applicable(profile, settings or {})]


def compliance_checks(facts, profile, settings=None):
    return _util("_checks").evaluate(profile, facts, settings)


def sdes_call_offers(profile):
    return _util("_checks").call_offers(profile)


def host_report(checks, host, profile, reason=None, deployed_profile=None, facts=None):
    """One endpoint's report; with the profile it was deployed under, and when that differs from
    the audited one, a ``gap`` section: what it lacks for the audited profile. With the facts, an
    ``observations`` section: what the next audit compares (``_drift.observations``)."""
    report = _util("_checks").host_report(host, profile, checks, reason, deployed_profile)
    if facts is not None:
        report["observations"] = _util("_drift").observations(facts)
    return report


def unmeasured_report(host, profile, reason, settings=None):
    """The report of an endpoint that could not be audited: every check ``error`` with the reason."""
    return _util("_checks").host_report(
        host, profile, _util("_checks").unmeasured(profile, reason, settings), reason
    )


def audit_summary(reports):
    return _util("_report").summary(reports)


def junit_report(reports):
    return _util("_report").junit(reports)


def html_report(reports, generated_at, title="baresip compliance audit"):
    return _util("_report").page(reports, generated_at, title)


class FilterModule:
    def filters(self):
        return {
            "probe_fact": probe_fact,
            "compliance_checks": compliance_checks,
            "audit_check_ids": audit_check_ids,
            "certificate_problems": certificate_problems,
            "served_certificate": served_certificate,
            "auditor_for": auditor_for,
            "host_report": host_report,
            "unmeasured_report": unmeasured_report,
            "sdes_call_offers": sdes_call_offers,
            "audit_summary": audit_summary,
            "junit_report": junit_report,
            "html_report": html_report,
        }
