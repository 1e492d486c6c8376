# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""baresip accounts that register with a SIP registrar: what is wrong with them, and what an audit
may know of them (never the password)."""

from __future__ import annotations

import re

# baresip reads an account parameter up to the next ';' or white space; quotes, angle brackets and
# commas end or split values elsewhere in its account syntax.
_PASSWORD = re.compile(r"^[\x21-\x7e]+$")
_PASSWORD_FORBIDDEN = set(';"<>,')
_HOST = re.compile(r"^(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<host>[A-Za-z0-9.-]+))(?::(?P<port>\d{1,5}))?$")
_TOKEN = re.compile(r"^[A-Za-z0-9._~!$&'()*+=%-]+$")
REGINT_MIN, REGINT_MAX = 60, 899
DEFAULT_REGINT = 300
DEFAULT_PORT = 5061


def parse_registrar(value):
    """``host``, ``host:port`` or ``[v6]:port`` -> (host, port); ValueError when it is neither."""
    m = _HOST.match(str(value or "").strip())
    if not m:
        raise ValueError("not host or host:port")
    port = int(m.group("port") or DEFAULT_PORT)
    if not 0 < port < 65536:
        raise ValueError(f"port {port} out of range")
    return (m.group("v6") or m.group("host")), port


def problems(accounts, verify_server=True):
    """Why ``accounts`` (baresip_accounts) cannot be deployed, one sentence each; the password is
    never part of a sentence."""
    out = []
    if not isinstance(accounts, list):
        return ["baresip_accounts must be a list of accounts"]
    for index, acc in enumerate(accounts):
        if not isinstance(acc, dict):
            out.append(f"account {index + 1} is not a dict")
            continue
        name = f"account {acc.get('user')}@{acc.get('domain')}"
        missing = [k for k in ("user", "domain") if acc.get(k) in (None, "")]
        if missing:
            out.append(f"account {index + 1}: {' and '.join(missing)} missing")
            continue
        for key in ("user", "domain", "auth_user"):
            if acc.get(key) not in (None, "") and not _TOKEN.match(str(acc[key])):
                out.append(f"{name}: {key} has characters a SIP URI cannot carry unescaped")
        registrar = acc.get("registrar") or ""
        password = acc.get("password")
        regint = acc.get("regint")
        if not registrar:
            if password not in (None, "") or acc.get("auth_user"):
                out.append(f"{name}: auth_user and password need a registrar")
            if regint not in (None, 0):
                out.append(f"{name}: regint {regint} needs a registrar (without one it is 0)")
            continue
        try:
            parse_registrar(registrar)
        except ValueError as exc:
            out.append(f"{name}: registrar {registrar!r} is {exc}")
        if password in (None, ""):
            out.append(f"{name}: a registrar needs a digest password (password, from ansible-vault)")
        elif (
            not isinstance(password, str)
            or not _PASSWORD.match(password)
            or _PASSWORD_FORBIDDEN & set(password)
        ):
            out.append(
                f'{name}: the password has white space, a control character or one of ; " < > , '
                "(baresip's account syntax cannot carry them)"
            )
        if regint is not None and not (isinstance(regint, int) and REGINT_MIN <= regint <= REGINT_MAX):
            out.append(
                f"{name}: regint {regint} is outside {REGINT_MIN}-{REGINT_MAX} s (baresip drops a TLS "
                "connection idle for 900 s; the registrar could not reach the endpoint after that)"
            )
        if not verify_server:
            out.append(
                f"{name}: baresip_sip_verify_server is false, so the password would go to any server "
                "that answers at the registrar's address"
            )
    return out


def registrations(accounts):
    """What the audit expects of each account that registers: aor, registrar host and port, auth user,
    interval. No password."""
    out = []
    for acc in accounts or []:
        if not isinstance(acc, dict) or not acc.get("registrar"):
            continue
        host, port = parse_registrar(acc["registrar"])
        out.append(
            {
                "aor": f"sip:{acc.get('user')}@{acc.get('domain')}",
                "user": acc.get("user"),
                "domain": acc.get("domain"),
                "registrar": str(acc["registrar"]),
                "host": host,
                "port": port,
                "auth_user": acc.get("auth_user") or acc.get("user"),
                "regint": acc.get("regint") or DEFAULT_REGINT,
            }
        )
    return out


_PARAM = re.compile(r';\s*(?P<k>[A-Za-z0-9_]+)(?:=(?P<v>"[^"]*"|[^;]*))?')
# What a stand-in account copies from the account it stands in for: how it offers media.
_MEDIA_PARAMS = ("mediaenc", "audio_codecs")


def stand_in_account(accounts_text, user, host):
    """The account line for a peer-to-peer stand-in of the first account in ``accounts_text`` (an
    accounts file) when that account sends its requests to an outbound proxy: same media
    parameters, no registrar, no credentials. None when the first account has no outbound proxy
    (it can dial a probe itself) or there is no account."""
    for raw in (accounts_text if isinstance(accounts_text, str) else "").splitlines():
        line = raw.strip()
        if not line.startswith("<"):
            continue
        _address, sep, params = line.partition(">")
        if not sep:
            return None
        found = {m.group("k"): (m.group("v") or "") for m in _PARAM.finditer(params)}
        if not any(k.startswith("outbound") for k in found):
            return None
        media = "".join(f";{k}={found[k]}" for k in _MEDIA_PARAMS if found.get(k))
        return f"<sip:{user}@{host};transport=tls>;regint=0{media}"
    return None
