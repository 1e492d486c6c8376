# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SDES calls to a UA over SIP over TLS: INVITE with an offer, the answer, RTP received and
authenticated with the answered key, then BYE (or ACK of a refusal). Shared by
``sip_call_probe`` and ``audit_probe``; ``params`` are the options of ``sip_call_probe``."""

from __future__ import annotations

import contextlib
import os
import socket
import ssl
import time

from ansible_collections.voipsec.baresip.plugins.module_utils import _sdp, _sip, _srtp_auth


class Connection:
    """SIP over TLS: send messages, receive whole messages before a deadline."""

    def __init__(self, params):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        if params.get("cafile"):
            ctx.load_verify_locations(params["cafile"])
            ctx.verify_mode = ssl.CERT_REQUIRED
        else:
            ctx.verify_mode = ssl.CERT_NONE
        if params["tls_ciphers"]:
            ctx.set_ciphers(params["tls_ciphers"])
        if params.get("client_cert"):
            ctx.load_cert_chain(params["client_cert"], params.get("client_key"))
        raw = socket.create_connection((params["host"], params["port"]), timeout=params["timeout"])
        try:
            self.sock = ctx.wrap_socket(raw, server_hostname=None)
        except Exception:
            raw.close()
            raise
        self.buffer = b""
        self.pending = []

    @property
    def tls(self):
        cipher = self.sock.cipher()
        return {"protocol": self.sock.version(), "cipher": cipher[0] if cipher else None}

    def local(self):
        return self.sock.getsockname()[:2]

    def send(self, data):
        self.sock.sendall(data)

    def receive(self, deadline):
        """Next SIP message, or None at the deadline or when the peer closes."""
        while not self.pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(65535)
            except (socket.timeout, ssl.SSLError):
                return None
            if not chunk:
                return None
            messages, self.buffer = _sip.split_stream(self.buffer + chunk)
            self.pending.extend(messages)
        return _sip.parse_message(self.pending.pop(0))

    def close(self):
        with contextlib.suppress(OSError):
            self.sock.close()


def receive_rtp(sock, seconds, keep=500, enough=None):
    """Packets that look like RTP version 2 arriving on the media socket, for ``seconds`` or until
    ``enough`` of them arrived."""
    packets = []
    deadline = time.monotonic() + seconds
    while not (enough and len(packets) >= enough):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return packets
        sock.settimeout(remaining)
        try:
            data = sock.recv(2048)
        except (socket.timeout, OSError):
            return packets
        if len(data) >= 12 and data[0] >> 6 == 2 and len(packets) < keep:
            packets.append(data)
    return packets


def media_proof(final, suite, packets):
    """Authenticate the received packets with the answered key; a random key must fail."""
    proof = {
        "available": _srtp_auth.available(),
        "suite": suite,
        "packets": len(packets),
        "authenticated": 0,
        "rejected": 0,
        "wrong_key_authenticated": None,
        "error": None,
    }
    if not proof["available"]:
        proof["error"] = "pylibsrtp is not installed on the probing host"
        return proof
    crypto = [v for v in final["body"].replace("\r\n", "\n").split("\n") if v.startswith("a=crypto:")]
    values = [
        v[len("a=crypto:") :]
        for v in crypto
        if (_sdp.parse_crypto(v[len("a=crypto:") :]) or {}).get("suite") == suite
    ]
    key = _sdp.crypto_key(values[0]) if values else None
    if not key:
        proof["error"] = "no usable key in the answered a=crypto"
        return proof
    try:
        proof.update(_srtp_auth.authenticate(packets, key, suite))
        proof["wrong_key_authenticated"] = _srtp_auth.authenticate(packets, os.urandom(len(key)), suite)[
            "authenticated"
        ]
    except _srtp_auth.SrtpAuthError as exc:
        proof["error"] = str(exc)
    return proof


def _answer_facts(response):
    if not response.get("body"):
        return None
    try:
        sdp = _sdp.parse(response["body"])
    except _sdp.SdpError:
        return {"error": "answer body is not SDP"}
    audio = next((m for m in sdp["media"] if m["media"] == "audio"), None)
    if not audio:
        return {"error": "no audio media in the answer"}
    return {
        "media_proto": audio["proto"],
        "port": audio["port"],
        "connection": audio["connection"],
        "crypto": audio["crypto"],
        "invalid_crypto": audio["invalid_crypto"],
    }


def _final_for_invite(conn, deadline, result, evidence, dialog):
    while True:
        msg = conn.receive(deadline)
        if msg is None:
            return None
        if msg["kind"] == "request":
            evidence.append(f"<- {msg['method']} (request from the endpoint)")
            continue
        cseq = msg["headers"].get("cseq", [""])[0]
        if not cseq.endswith("INVITE"):
            continue
        evidence.append(f"<- SIP/2.0 {msg['status']} {msg['reason']}")
        dialog.learn(msg)
        if msg["status"] < 200:
            result["provisional"].append(msg["status"])
            continue
        return msg


def _await(conn, deadline, method, evidence):
    while True:
        msg = conn.receive(deadline)
        if msg is None:
            return None
        if msg["kind"] == "response" and msg["headers"].get("cseq", [""])[0].endswith(method):
            evidence.append(f"<- SIP/2.0 {msg['status']} {msg['reason']}")
            if msg["status"] >= 200:
                return msg


def call(params, offer):
    result = {
        "name": offer["name"],
        "offer": {"media_proto": offer["media_proto"], "crypto_suites": list(offer["crypto_suites"])},
        "outcome": "error",
        "status": None,
        "reason": None,
        "provisional": [],
        "answer": None,
        "answered_suite": None,
        "rtp_packets": 0,
        "srtp": None,
        "cleanup": None,
        "tls": None,
        "setup_seconds": None,
        "error": None,
        "evidence": None,
    }
    evidence = []
    try:
        conn = Connection(params)
    except (OSError, ssl.SSLError, ValueError) as exc:
        result["error"] = f"no SIP over TLS connection: {exc}"
        return result
    media = None
    try:
        result["tls"] = conn.tls
        local_host, local_port = conn.local()
        family = socket.AF_INET6 if ":" in local_host else socket.AF_INET
        media = socket.socket(family, socket.SOCK_DGRAM)
        media.bind((local_host, 0))
        sdp, _keys = _sdp.offer(
            local_host, media.getsockname()[1], offer["media_proto"], offer["crypto_suites"]
        )
        dialog = _sip.Dialog(params["host"], params["port"], params["to_user"], local_host, local_port)
        started = time.monotonic()
        conn.send(dialog.invite(sdp))
        evidence.append(
            f"-> INVITE {dialog.request_uri} ({offer['media_proto']} {' '.join(offer['crypto_suites'])})"
        )
        final = _final_for_invite(conn, started + params["timeout"], result, evidence, dialog)
        if final is None:
            if result["provisional"]:
                conn.send(dialog.cancel())
                evidence.append("-> CANCEL")
                done = _await(conn, time.monotonic() + params["timeout"], "CANCEL", evidence)
                late = _final_for_invite(conn, time.monotonic() + params["timeout"], result, evidence, dialog)
                if late is not None:
                    conn.send(dialog.ack(late))
                result["cleanup"] = f"CANCEL {done['status'] if done else 'unanswered'}"
            result["error"] = f"no final answer within {params['timeout']}s"
            return result
        result["setup_seconds"] = round(time.monotonic() - started, 3)
        result.update(status=final["status"], reason=final["reason"])
        if 200 <= final["status"] < 300:
            result["outcome"] = "established"
            result["answer"] = _answer_facts(final)
            crypto = (result["answer"] or {}).get("crypto") or []
            result["answered_suite"] = crypto[0]["suite"] if crypto else None
            conn.send(dialog.ack(final))
            evidence.append("-> ACK")
            packets = receive_rtp(media, params["hold"], enough=params["media_packets"])
            result["rtp_packets"] = len(packets)
            if params["authenticate_media"] and result["answered_suite"]:
                result["srtp"] = media_proof(final, result["answered_suite"], packets)
            conn.send(dialog.bye())
            evidence.append("-> BYE")
            bye = _await(conn, time.monotonic() + params["timeout"], "BYE", evidence)
            result["cleanup"] = f"ACK, BYE {bye['status'] if bye else 'unanswered'}"
        else:
            result["outcome"] = "rejected"
            conn.send(dialog.ack(final))
            evidence.append("-> ACK")
            result["cleanup"] = "ACK"
        return result
    except (OSError, ssl.SSLError, _sip.SipParseError) as exc:
        result["outcome"] = "error"
        result["error"] = f"{type(exc).__name__}: {exc}"
        return result
    finally:
        result["evidence"] = "\n".join(evidence)
        if media is not None:
            media.close()
        conn.close()


def run(params):
    """Every offer of ``params``, one call after another (a UA answers one call at a time):
    the ``sip_call_probe`` return values."""
    results = [call(params, offer) for offer in params["offers"]]
    return {"results": results, "established": [r["name"] for r in results if r["outcome"] == "established"]}


def option_spec():
    """Options of the probe besides the host (the single-probe module's and a part of ``audit_probe``)."""
    return dict(
        port=dict(type="int", default=5061),
        to_user=dict(type="str", required=True),
        offers=dict(
            type="list",
            elements="dict",
            required=True,
            options=dict(
                name=dict(type="str", required=True),
                media_proto=dict(type="str", default="RTP/SAVP", choices=["RTP/SAVP", "RTP/AVP"]),
                crypto_suites=dict(type="list", elements="str", default=[]),
            ),
        ),
        tls_ciphers=dict(type="str", default="ECDHE-ECDSA-AES256-GCM-SHA384"),
        client_cert=dict(type="path"),
        client_key=dict(type="path", no_log=False),
        cafile=dict(type="path"),
        timeout=dict(type="float", default=10),
        hold=dict(type="float", default=2),
        media_packets=dict(type="int", default=50),
        authenticate_media=dict(type="bool", default=True),
    )
