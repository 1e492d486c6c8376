# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The check registry: every audit check declared once.

A check is one function registered with :func:`check`, which records its id,
title, the facts it needs, the profile keys it reads and, in words, the
evidence that makes it pass. The registry drives evaluation, profile
validation (``controls`` are keyed by check id), the generated docs table and
the list of checks Molecule requires.

Status is ``pass``, ``fail``, ``error`` (could not be measured) or ``skip``
(not measured in this run). ``error`` and ``skip`` never count as pass.
"""

from __future__ import annotations

STATUSES = ("pass", "fail", "error", "skip")
# Facts a check can need, and what produces each.
FACTS = {
    "endpoint": "baresip_info on the endpoint: service, log of the running invocation, sockets, key files",
    "tls": "audit_probe from the auditor, its tls part (tls_probe): the profile's offer and the sweep",
    "client_auth": "audit_probe from the auditor: no, a throwaway and a revoked client certificate",
    "certificate": "the certificate the UA served in the profile handshake, read on the controller"
    " (community.crypto's x509_certificate_info filter)",
    "receiver": "sip_receiver_probe: the UA dials an s_server on the endpoint",
    "revoked_server": "sip_receiver_probe serving the endpoint's revoked canary certificate: the UA dials it",
    "plaintext": "audit_probe from the auditor, plaintext part (sip_plaintext_probe): OPTIONS over UDP, TCP",
    "control": "audit_probe from the auditor, its control part (port_probe): the ctrl_tcp port",
    "calls": "audit_probe from the auditor, its calls part (sip_call_probe): SDES calls",
    "registration": "sip_registration_probe on the endpoint: reginfo over ctrl_tcp, its log, its connections",
    "crypto_module": "crypto_module_probe on the endpoint: the module the process mapped, its libcrypto under"
    " the service's configuration, fipsinstall -verify, the refusal test and the tree's imports",
    "rogue_registrar": "sip_registration_probe on the endpoint: the UA meets a registrar with an untrusted"
    " certificate",
}


class Check:
    """One registered check; call :meth:`run` with a context."""

    def __init__(self, func, check_id, title, needs, reads, passes_when, live, applies):
        self.func = func
        self.id = check_id
        self.title = title
        self.needs = tuple(needs)
        self.reads = tuple(reads)
        self.passes_when = " ".join(passes_when.split())
        self.live = live
        self.applies = applies

    def applies_to(self, profile, settings=None):
        """Whether the check belongs to an audit of ``profile`` (``settings`` None: any audit)."""
        return bool(self.applies(profile, settings)) if self.applies else True

    def doc(self):
        return {
            "id": self.id,
            "title": self.title,
            "needs": list(self.needs),
            "reads": list(self.reads),
            "passes_when": self.passes_when,
            "live": self.live,
        }


REGISTRY = []
# Report order: by family, then in the order the checks are defined.
FAMILIES = ("tls", "sip", "srtp", "media", "crypto", "host")


def check(check_id, title, needs, reads, passes_when, live=True, applies=None):
    """Register the decorated function ``f(ctx) -> Verdict`` as check ``check_id``.

    ``live``: the check observes the running UA, so it is ``error`` when the service was not
    running, or restarted, during the audit. ``applies(profile, settings)``: whether the check
    belongs to this audit; ``settings`` is None when asked about the profile alone.
    """

    def register(func):
        if any(c.id == check_id for c in REGISTRY):
            raise ValueError(f"check {check_id} registered twice")
        unknown = [n for n in needs if n not in FACTS]
        if unknown:
            raise ValueError(f"check {check_id} needs unknown facts {unknown}")
        family = check_id.split(".")[0]
        if family not in FAMILIES:
            raise ValueError(f"check {check_id}: family {family} is not one of {FAMILIES}")
        REGISTRY.append(Check(func, check_id, title, needs, reads, passes_when, live, applies))
        REGISTRY.sort(key=lambda c: FAMILIES.index(c.id.split(".")[0]))
        return func

    return register


def by_id(check_id):
    for c in REGISTRY:
        if c.id == check_id:
            return c
    raise KeyError(check_id)


def ids():
    return [c.id for c in REGISTRY]


class Verdict:
    """What a check function returns."""

    __slots__ = ("evidence", "expected", "observed", "status")

    def __init__(self, status, expected, observed, evidence=""):
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        self.status = status
        self.expected = expected
        self.observed = observed
        self.evidence = evidence or ""


def join(items):
    items = list(items or [])
    return ", ".join(str(i) for i in items) if items else "none"
