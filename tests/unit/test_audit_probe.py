"""The auditor's probes run together in one call and report as the single modules do."""

import threading
import time
from pathlib import Path

from ansible_collections.voipsec.baresip.plugins.module_utils import (
    _audit_probe,
    _net_probe,
    _sip_call,
    _tls_offer,
)


def test_parts_take_the_single_modules_options_and_defaults():
    parts, problems = _audit_probe.validate(
        {
            "host": "192.0.2.5",
            "tls": {"sweep": True},
            "plaintext": {},
            "control": {"ports": [4444]},
            "calls": {
                "to_user": "ua1",
                "offers": [{"name": "p", "crypto_suites": ["AES_CM_128_HMAC_SHA1_80"]}],
            },
        }
    )
    assert problems == []
    assert parts["tls"]["port"] == 5061 and parts["tls"]["workers"] == 8 and parts["tls"]["settle"] == 2
    assert parts["plaintext"] == {"port": 5060, "transports": ["udp", "tcp"], "timeout": 3}
    assert parts["calls"]["hold"] == 2 and parts["calls"]["offers"][0]["media_proto"] == "RTP/SAVP"
    assert set(_audit_probe.SPECS["tls"]()) == set(_tls_offer.option_spec())
    assert (
        _audit_probe.SPECS["calls"] is _sip_call.option_spec
        and _audit_probe.SPECS["control"] is _net_probe.ports_spec
    )


def test_bad_part_options_are_refused_with_the_part_named():
    parts, problems = _audit_probe.validate(
        {
            "host": "h",
            "tls": {"offers": [], "workers": 0},
            "plaintext": {"transports": ["sctp"]},
            "control": {},
            "calls": {"offers": [{"name": "x", "media_proto": "RTP/XYZ"}]},
        }
    )
    text = "\n".join(problems)
    assert "tls: workers must be 1 or more" in text and "tls: nothing to offer" in text
    assert "plaintext:" in text and "sctp" in text
    assert "control:" in text and "ports" in text
    assert "calls:" in text and "to_user" in text
    assert set(parts) == {"tls"}


def test_parts_overlap_and_a_broken_part_leaves_the_others():
    running, peak = [0], [0]
    lock = threading.Lock()

    def slow(value):
        def runner(_options):
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            time.sleep(0.05)
            with lock:
                running[0] -= 1
            return value

        return runner

    def broken(_options):
        raise OSError("network is unreachable")

    runners = {"tls": slow({"results": ["t"]}), "control": slow({"results": ["c"]}), "calls": broken}
    out = _audit_probe.run("h", {"tls": {}, "control": {}, "calls": {}}, runners=runners)
    assert peak[0] == 2
    assert out["tls"] == {"results": ["t"]} and out["control"] == {"results": ["c"]}
    assert out["calls"] == {"failed": True, "msg": "calls probe broke: OSError: network is unreachable"}
    assert out["plaintext"] is None
    assert set(out["seconds"]) == {"tls", "control", "calls"} and out["seconds"]["tls"] >= 0.05


def test_a_real_unreachable_target_is_no_pass():
    # a closed port on this machine: every part reports what a closed endpoint gives, none passes
    parts, problems = _audit_probe.validate(
        {
            "host": "127.0.0.1",
            "tls": {"port": 9, "offers": [{"name": "profile", "version": "TLSv1.2"}], "timeout": 3},
            "plaintext": {"port": 9, "transports": ["tcp"]},
            "control": {"ports": [9]},
            "calls": {"port": 9, "to_user": "ua1", "offers": [{"name": "p"}], "timeout": 2},
        }
    )
    assert problems == []
    out = _audit_probe.run("127.0.0.1", parts)
    assert out["tls"]["results"][0]["outcome"] == "error" and out["tls"]["accepted"] == []
    assert out["plaintext"]["answered"] == [] and out["plaintext"]["results"][0]["connected"] is False
    assert out["control"]["open"] == [] and out["control"]["results"][0]["state"] == "closed"
    assert out["calls"]["established"] == [] and out["calls"]["results"][0]["outcome"] == "error"


def _udp_pair():
    import socket

    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(("127.0.0.1", 0))
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    tx.connect(rx.getsockname())
    return rx, tx


def test_media_is_received_until_enough_packets_arrived():
    rx, tx = _udp_pair()
    with rx, tx:
        tx.send(b"\x00" * 40)  # not RTP version 2
        tx.send(b"\x80\x00")  # truncated header
        for seq in range(60):
            tx.send(b"\x80\x00" + seq.to_bytes(2, "big") + b"\x00" * 8 + b"payload")
        started = time.monotonic()
        packets = _sip_call.receive_rtp(rx, 5, enough=50)
        assert len(packets) == 50 and time.monotonic() - started < 1
        assert packets[0][2:4] == b"\x00\x00" and packets[-1][2:4] == (49).to_bytes(2, "big")


def test_without_enough_packets_the_hold_is_waited_out():
    rx, tx = _udp_pair()
    with rx, tx:
        for seq in range(3):
            tx.send(b"\x80\x00" + seq.to_bytes(2, "big") + b"\x00" * 8)
        started = time.monotonic()
        assert len(_sip_call.receive_rtp(rx, 0.3, enough=50)) == 3
        assert time.monotonic() - started >= 0.3
        assert _sip_call.receive_rtp(rx, 0.1, enough=0) == []


def test_throwaway_certificate_is_on_the_curve_and_digest_and_removed_after(tmp_path, monkeypatch):
    import subprocess

    cert, _key = _audit_probe.throwaway_certificate(str(tmp_path), "secp384r1", "sha384")
    text = subprocess.run(
        ["openssl", "x509", "-in", cert, "-noout", "-text"], capture_output=True, text=True, check=True
    ).stdout
    assert (
        "ASN1 OID: secp384r1" in text and "ecdsa-with-SHA384" in text and "CN = voipsec-audit-foreign" in text
    )
    assert oct((tmp_path / "foreign.key").stat().st_mode & 0o777) == "0o600"

    seen = {}

    def fake_run(params, offers, cipher_list=None):
        seen["params"], seen["offers"] = params, offers
        seen["files"] = [Path(o["client_cert"]).exists() for o in offers if o.get("client_cert")]
        return {"results": [{"name": o["name"]} for o in offers], "accepted": [], "errors": []}

    monkeypatch.setattr(_audit_probe._tls_offer, "run", fake_run)
    parts, problems = _audit_probe.validate(
        {
            "host": "h",
            "client_auth": {
                "client_cert": "/etc/fleet.pem",
                "offers": [{"name": "no_client_certificate", "version": "TLSv1.2"}],
                "foreign": {
                    "offer": {"name": "foreign_client_certificate", "version": "TLSv1.2"},
                    "curve": "prime256v1",
                    "digest": "sha256",
                },
            },
        }
    )
    assert problems == []
    out = _audit_probe.run("h", parts)
    assert [r["name"] for r in out["client_auth"]["results"]] == [
        "no_client_certificate",
        "foreign_client_certificate",
    ]
    assert seen["params"]["client_cert"] is None and seen["params"]["host"] == "h"
    assert seen["files"] == [True]
    assert not Path(seen["offers"][1]["client_cert"]).exists(), "the throwaway certificate outlived the probe"


def test_a_throwaway_certificate_that_cannot_be_made_is_a_failed_part():
    parts, _problems = _audit_probe.validate(
        {
            "host": "127.0.0.1",
            "client_auth": {
                "port": 9,
                "offers": [{"name": "no_client_certificate"}],
                "foreign": {
                    "offer": {"name": "foreign_client_certificate"},
                    "curve": "nonsense",
                    "digest": "sha256",
                },
            },
        }
    )
    out = _audit_probe.run("127.0.0.1", parts)
    assert out["client_auth"]["failed"] is True
    assert "cannot make the throwaway certificate" in out["client_auth"]["msg"]


def test_many_endpoints_each_as_alone_bounded_and_invalid_ones_reported():
    # the results are keyed by name and in no way depend on which endpoint finished first
    import threading

    lock, running, peak = threading.Lock(), [0], [0]

    def run_one(host, parts):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05 if host.endswith("1") else 0.01)
        with lock:
            running[0] -= 1
        return {"host": host, "parts": sorted(parts)}

    endpoints, problems = _audit_probe.validate_many(
        [
            {"name": "ua1", "host": "10.0.0.1", "control": {"ports": [4444]}},
            {"name": "ua2", "host": "10.0.0.2", "tls": {"port": 5061}},  # nothing to offer
            {"name": "ua3", "host": "10.0.0.3", "plaintext": {"port": 5060}},
            {"name": "ua4", "host": "10.0.0.4", "control": {"ports": [4444]}},
        ]
    )
    assert problems == []
    out = _audit_probe.run_many(endpoints, 2, run_one=run_one)
    assert list(out) == ["ua1", "ua2", "ua3", "ua4"] and peak[0] == 2
    assert out["ua1"] == {"host": "10.0.0.1", "parts": ["control"]}
    assert out["ua2"] == {"failed": True, "msg": "tls: nothing to offer: give offers or sweep=true"}
    assert out["ua3"] == {"host": "10.0.0.3", "parts": ["plaintext"]}


def test_a_name_given_twice_is_refused():
    _endpoints, problems = _audit_probe.validate_many(
        [{"name": "ua1", "host": "a"}, {"name": "ua2", "host": "b"}, {"name": "ua1", "host": "c"}]
    )
    assert problems == ["endpoint names given more than once: ua1"]


def test_many_real_endpoints_in_one_call_give_what_each_gives_alone():
    # two closed ports on this machine, probed together and alone: the same observations
    def request(name, port):
        return {
            "name": name,
            "host": "127.0.0.1",
            "plaintext": {"port": port, "transports": ["tcp"]},
            "control": {"ports": [port]},
        }

    endpoints, problems = _audit_probe.validate_many([request("a", 9), request("b", 7)])
    assert problems == []
    together = _audit_probe.run_many(endpoints, 2)
    for name, host, parts, _problems in endpoints:
        alone = _audit_probe.run(host, parts)
        for part in ("plaintext", "control"):
            assert together[name][part] == alone[part]
    assert together["a"]["control"]["results"][0]["port"] == 9
    assert together["b"]["control"]["results"][0]["port"] == 7
