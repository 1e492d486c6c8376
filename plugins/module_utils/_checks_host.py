# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of the endpoint host itself."""

from __future__ import annotations

from ansible_collections.voipsec.baresip.plugins.module_utils._registry import Verdict, check, join


@check(
    "host.secrets",
    "Private keys are protected",
    needs=["endpoint"],
    reads=[],
    passes_when="""Every file that holds a private key exists, has mode 0600 and is owned by the service
        user.""",
    live=False,
)
def secrets(ctx):
    owner = ctx.settings.get("owner")
    expected = f"key files exist, mode 0600, owned by {owner}"
    files = ctx.facts["endpoint"].get("secret_files") or []
    if not files:
        return Verdict("error", expected, "no key file was read")
    bad = [
        f"{f['path']} {'missing' if not f['exists'] else f['mode'] + ' ' + str(f['owner'])}"
        for f in files
        if not f["exists"] or f["mode"] != "0600" or f["owner"] != owner
    ]
    observed = join([f"{f['path']} {f['mode']} {f['owner']}" for f in files if f["exists"]])
    if bad:
        return Verdict("fail", expected, observed + "; wrong: " + join(bad))
    return Verdict("pass", expected, observed)
