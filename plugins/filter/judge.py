# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judge every endpoint of an audit in one step on the controller."""

from __future__ import annotations

import re

from ansible_collections.voipsec.baresip.plugins.filter.audit import (
    compliance_checks,
    host_report,
    probe_fact,
    served_certificate,
    unmeasured_report,
)

# What the verify role leaves on each endpoint's host for the judge: its registered probe results
# and the facts it set before probing (reset to null at the start of each audit).
REGISTERED = {
    "endpoint": "__baresip_verify_endpoint",
    "endpoint_after": "__baresip_verify_endpoint_after",
    "receiver": "__baresip_verify_receiver",
    "revoked_server": "__baresip_verify_revoked_server",
    "registration": "__baresip_verify_registration",
    "crypto_module": "__baresip_verify_crypto_module",
    "batch_probe": "__baresip_verify_batch_probe",
}
AUDITOR = "__baresip_verify_probe_auditor"
PROFILE = "__baresip_verify_profile_data"
SETTINGS = "__baresip_verify_host_settings"
UNMEASURED = "__baresip_verify_unmeasured"
NOT_JUDGED = "no observation: the run failed for this host before its audit was judged"
_DEPLOYED = re.compile(r"[(]profile ([^)]+)[)]")


def _skipped(result):
    return not isinstance(result, dict) or bool(result.get("skipped"))


def _or(value, default):
    """Jinja's ``default(default, true)``: the default for any false value."""
    return value if value else default


def batch_part(host, results):
    """This endpoint's part of its auditor's one call: ``results`` is the registered call of the
    first endpoint of the batch that auditor audits (None when it did not run)."""
    did_not_run = {"failed": True, "msg": "the auditor's call for this batch did not run"}
    batch = did_not_run if _skipped(results) else results
    if isinstance(batch.get("endpoints"), dict):
        return batch["endpoints"].get(host) or {
            "failed": True,
            "msg": "the auditor returned nothing for this endpoint",
        }
    return batch


def observed_facts(host, registered, auditor):
    """The facts the checks judge, from one endpoint's registered probe results (``registered``:
    the names of ``REGISTERED`` to results; ``batch_probe`` is its batch's auditor call)."""
    net = batch_part(host, registered.get("batch_probe"))
    # the service as the last probe that ran on the endpoint read it
    last = next(
        (
            r
            for r in (registered.get(k) for k in ("revoked_server", "receiver", "endpoint_after"))
            if not _skipped(r)
        ),
        {"skipped": True},
    )
    if "service_error" in last:
        last = {"failed": True, "msg": last.get("service_error") or ""}
    tls_results = _or(_or(net.get("tls"), {}).get("results"), [{}])
    served = _or(_or(tls_results[0], {}).get("peer_certificate"), {}).get("pem") or ""
    control = dict(probe_fact(net, "results", "control") or {})
    control.update(_or(_or(net.get("control"), {}).get("results"), [{}])[0])
    control["from"] = auditor
    registration = registered.get("registration") or {"skipped": True}
    crypto = registered.get("crypto_module") or {"skipped": True}
    return {
        "endpoint": probe_fact(registered.get("endpoint"), "service"),
        "endpoint_after": probe_fact(last, "service"),
        "tls": probe_fact(net, "results", "tls"),
        "certificate": served_certificate(served),
        "receiver": probe_fact(registered.get("receiver"), "outcome"),
        "revoked_server": probe_fact(registered.get("revoked_server"), "outcome"),
        "plaintext": probe_fact(net, "results", "plaintext"),
        "control": control,
        "calls": probe_fact(net, "results", "calls"),
        "registration": probe_fact(registration, "registrations"),
        "rogue_registrar": probe_fact(registration, "rogue"),
        "client_auth": probe_fact(net, "results", "client_auth"),
        "crypto_module": probe_fact(crypto, "process"),
    }


def _vars(hostvars, host):
    """A host's variables; none for a host the inventory does not hold (``hostvars`` gives an
    undefined marker for it rather than a KeyError)."""
    return hostvars[host] if host in hostvars else {}  # noqa: SIM401


def audit_batches(batch, hostvars):
    """{auditor: the endpoints of ``batch`` it audits, in order}: the endpoints whose probes are
    prepared for that auditor. Its one call is made on the first of them and covers them all."""
    out = {}
    for host in batch:
        auditor = _vars(hostvars, host).get(AUDITOR)
        if auditor is not None:
            out.setdefault(auditor, []).append(host)
    return out


def deployed_profile(facts):
    """The profile the endpoint role named in the unit's description, '' when none."""
    service = (facts.get("endpoint") or {}).get("service") or {}
    found = _DEPLOYED.search(str(service.get("Description") or ""))
    return found.group(1) if found else ""


def judge_endpoints(hosts, hostvars, batch, profile, settings):
    """{host: {"report", "facts", "sbom"}} for each of ``hosts``, judged against its own profile and
    settings (``profile`` and ``settings`` for a host that has none). ``batch``: the play batch, in
    order; an endpoint's auditor call is the one made on the first endpoint of the batch with the
    same auditor. A host whose audit could not be judged gets an unmeasured report with the reason."""
    out = {}
    seen_by_host = {host: _vars(hostvars, host) for host in dict.fromkeys([*hosts, *batch])}
    # the endpoint each auditor's call was made on
    called_on = {auditor: audited[0] for auditor, audited in audit_batches(batch, seen_by_host).items()}
    for host in hosts:
        seen = seen_by_host[host]
        own_profile = seen.get(PROFILE) or profile
        own_settings = seen.get(SETTINGS) or settings
        reason = seen.get(UNMEASURED) or (None if seen.get(REGISTERED["endpoint"]) else NOT_JUDGED)
        if reason:
            report = unmeasured_report(host, own_profile, reason, own_settings)
            out[host] = {"report": report, "facts": None, "sbom": None}
            continue
        auditor = seen.get(AUDITOR)
        registered = {name: seen.get(var) for name, var in REGISTERED.items()}
        first = called_on.get(auditor)
        registered["batch_probe"] = seen_by_host[first].get(REGISTERED["batch_probe"]) if first else None
        try:
            facts = observed_facts(host, registered, auditor)
            checks = compliance_checks(facts, own_profile, own_settings)
            report = host_report(checks, host, own_profile, None, deployed_profile(facts), facts)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            # one endpoint's odd observation never takes the others' reports with it
            reason = f"the audit stopped at judging: {exc}"
            report = unmeasured_report(host, own_profile, reason, own_settings)
            out[host] = {"report": report, "facts": None, "sbom": None}
            continue
        sbom = (facts["endpoint"] or {}).get("sbom")
        out[host] = {"report": report, "facts": facts, "sbom": sbom if isinstance(sbom, dict) else None}
    return out


class FilterModule:
    def filters(self):
        return {"judge_endpoints": judge_endpoints, "audit_batches": audit_batches}
