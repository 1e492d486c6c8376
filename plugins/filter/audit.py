# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that judge probe facts against a profile and render the reports."""

from __future__ import annotations

from ansible_collections.voipsec.baresip.plugins.module_utils import _checks, _report


def compliance_checks(facts, profile, owner="baresip"):
    return _checks.evaluate(profile, facts, owner)


def sdes_call_offers(profile):
    return _checks.call_offers(profile)


def host_report(checks, host, profile):
    return _checks.host_report(host, profile, checks)


def audit_summary(reports):
    return _report.summary(reports)


def junit_report(reports):
    return _report.junit(reports)


def html_report(reports, generated_at, title="baresip compliance audit"):
    return _report.page(reports, generated_at, title)


class FilterModule:
    def filters(self):
        return {
            "compliance_checks": compliance_checks,
            "host_report": host_report,
            "sdes_call_offers": sdes_call_offers,
            "audit_summary": audit_summary,
            "junit_report": junit_report,
            "html_report": html_report,
        }
