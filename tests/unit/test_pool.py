"""The bounded pool gives the sweep's results in offer order, whatever order they finish in."""

import threading
import time
from pathlib import Path

import pytest
from ansible_collections.voipsec.baresip.plugins.module_utils import _pool, _s_client, _tls_offer
from ansible_collections.voipsec.baresip.plugins.module_utils import _tls_sweep as sw

FIXTURES = Path(__file__).parent / "fixtures"
CIPHERS = (FIXTURES / "openssl" / "ciphers_v_3.0.txt").read_text()


def recorded(name):
    return (FIXTURES / "s_client" / f"{name}.txt").read_text()


ACCEPTED = {
    "versions": "TLSv1.2",
    "tls12_ciphers": "ECDHE-ECDSA-AES256-GCM-SHA384",
    "groups": "P-384",
    "signature_algorithms": "ECDSA+SHA384",
}


def recording_for(offer):
    """What a P-384/ECDSA endpoint under the FIPS profile (TLS 1.2 only) answered to each kind of offer."""
    category, version = offer["category"], offer["version"]
    items = offer.get("items") or [offer["item"]]
    if version == "TLSv1.3" or category == "tls13_ciphersuites":
        return "refused_tls13"
    if ACCEPTED[category] in items:
        return "accepted_fips"
    return {
        "versions": "refused_tls11",
        "tls12_ciphers": "refused_cipher_aes128",
        "groups": "refused_group_x25519",
        "signature_algorithms": "refused_sigalg_sha256",
    }[category]


def test_parallel_sweep_equals_sequential_on_recorded_outputs(monkeypatch):
    finished = []
    lock = threading.Lock()

    def probe(_params, offer):
        # chains that start later finish first: a pool that reported in completion order would differ
        time.sleep(0.002 * (len(offer["name"]) % 7))
        with lock:
            finished.append(offer["name"])
        return dict(_s_client.parse(recorded(recording_for(offer))), name=offer["name"], offer=offer)

    monkeypatch.setattr(_tls_offer, "probe", probe)
    params = {"workers": 1}
    sequential = _tls_offer.run(params, [], CIPHERS)
    order = list(finished)
    finished.clear()
    parallel = _tls_offer.run(dict(params, workers=8), [], CIPHERS)
    assert finished != order, "the offers did not overlap"
    assert parallel == sequential
    sets = parallel["sweep"]
    assert sets["versions"] == ["TLSv1.2"]
    assert sets["tls12_ciphers"] == ["ECDHE-ECDSA-AES256-GCM-SHA384"]
    assert sets["tls13_ciphersuites"] == []
    assert sets["groups"] == ["P-384"] and sets["errors"] == []
    assert sets["signature_algorithms"] == ["ECDSA+SHA384"]
    assert (
        sets["handshakes"]
        == len(parallel["results"])
        < len(sw.sweep_offers(sw.parse_cipher_list(CIPHERS))) / 4
    )


def test_at_most_workers_run_at_once():
    running, peak = [0], [0]
    lock = threading.Lock()

    def probe(item):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.01)
        with lock:
            running[0] -= 1
        return item * 2

    assert _pool.run_ordered(probe, range(20), 3) == [i * 2 for i in range(20)]
    assert 1 < peak[0] <= 3


def test_an_exception_reaches_the_caller():
    def probe(item):
        if item == 3:
            raise RuntimeError("probe 3 broke")
        return item

    with pytest.raises(RuntimeError, match="probe 3 broke"):
        _pool.run_ordered(probe, range(6), 4)


@pytest.mark.parametrize("workers", [0, -1])
def test_no_workers_is_refused(workers):
    with pytest.raises(ValueError, match="workers must be 1 or more"):
        _pool.run_ordered(str, [1, 2], workers)


def test_empty_and_single():
    assert _pool.run_ordered(str, [], 4) == []
    assert _pool.run_ordered(str, [5], 4) == ["5"]
