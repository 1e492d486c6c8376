# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of revocation: certificates the fleet CA revoked are refused in both directions.

The evidence comes from revocation canaries - certificates the fleet CA issued
and revoked at once (pki role): the auditor presents its canary as TLS client,
and the endpoint's canary is served to the UA when it dials out.
"""

from __future__ import annotations

from ansible_collections.voipsec.baresip.plugins.module_utils._registry import Verdict, check


def _demanded(profile, settings):
    return bool(profile["tls"].get("revocation"))


@check(
    "tls.revocation_server",
    "As TLS server the UA refuses a client certificate the fleet CA revoked",
    needs=["tls", "client_auth"],
    reads=["tls.revocation"],
    passes_when="""The profile's offer with the auditor's revoked canary certificate from the fleet CA was
        refused with a TLS alert, while the same offer with the auditor's valid fleet certificate
        was accepted in the same run.""",
    applies=_demanded,
)
def revocation_server(ctx):
    expected = (
        "revoked client certificate refused (alert certificate revoked); valid fleet certificate accepted"
    )
    results = {r.get("name"): r for r in ctx.facts["client_auth"].get("results") or []}
    revoked = results.get("revoked_client_certificate")
    fleet = ((ctx.facts["tls"].get("results") or [{}])[0]).get("outcome")
    if revoked is None:
        return Verdict(
            "error",
            expected,
            "no revoked client certificate was offered (baresip_verify_revoked_client_cert)",
        )
    observed = f"revoked certificate: {revoked.get('outcome')}"
    if revoked.get("alert") or revoked.get("error"):
        observed += f" ({revoked.get('alert') or revoked.get('error')})"
    observed += f"; fleet certificate: {fleet}"
    if revoked.get("outcome") == "accepted":
        return Verdict("fail", expected, observed, revoked.get("evidence"))
    if revoked.get("outcome") != "refused" or fleet != "accepted":
        return Verdict("error", expected, observed, revoked.get("evidence"))
    return Verdict("pass", expected, observed, revoked.get("evidence"))


@check(
    "tls.revocation_client",
    "As TLS client the UA refuses a server certificate the fleet CA revoked",
    needs=["receiver", "revoked_server"],
    reads=["tls.revocation"],
    passes_when="""Told to call a TLS server that presents the endpoint's revoked canary certificate from the
        fleet CA, the UA refused the handshake with a TLS alert, while in the same run it completed
        the handshake and sent its INVITE to the same kind of server presenting its valid
        certificate.""",
    applies=_demanded,
)
def revocation_client(ctx):
    expected = "revoked server certificate refused by the UA; valid one accepted"
    revoked, valid = ctx.facts["revoked_server"], ctx.facts["receiver"]
    observed = f"revoked server: {revoked.get('outcome')}"
    if revoked.get("alert"):
        observed += f" (alert {revoked['alert']})"
    observed += f"; valid server: {valid.get('outcome')}"
    if revoked.get("outcome") == "captured":
        return Verdict(
            "fail",
            expected,
            observed + ": the UA sent its INVITE to a revoked server",
            revoked.get("evidence"),
        )
    if revoked.get("outcome") != "refused" or valid.get("outcome") != "captured":
        return Verdict("error", expected, observed, revoked.get("evidence"))
    return Verdict("pass", expected, observed, revoked.get("evidence"))
