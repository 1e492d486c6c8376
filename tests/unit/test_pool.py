"""The bounded pool gives the sweep's results in offer order, whatever order they finish in."""

import threading
import time
from pathlib import Path

import pytest
from ansible_collections.voipsec.baresip.plugins.module_utils import _pool, _s_client
from ansible_collections.voipsec.baresip.plugins.module_utils import _tls_sweep as sw

FIXTURES = Path(__file__).parent / "fixtures"
CIPHERS = (FIXTURES / "openssl" / "ciphers_v_3.0.txt").read_text()


def recorded(name):
    return (FIXTURES / "s_client" / f"{name}.txt").read_text()


def recording_for(offer):
    """What a P-384/ECDSA endpoint under the FIPS profile answered to each kind of offer."""
    category, item = offer["category"], offer["item"]
    if category == "versions":
        return {"TLSv1.2": "accepted_fips", "TLSv1.3": "refused_tls13"}.get(item, "refused_tls11")
    if category == "tls12_ciphers":
        return "accepted_fips" if item == "ECDHE-ECDSA-AES256-GCM-SHA384" else "refused_cipher_aes128"
    if category == "tls13_ciphersuites":
        return "refused_tls13"
    if category == "groups":
        return (
            "accepted_fips" if item == "P-384" and offer["version"] == "TLSv1.2" else "refused_group_x25519"
        )
    return "refused_sigalg_sha256" if "SHA256" in item else "accepted_fips"


def test_parallel_sweep_equals_sequential_on_recorded_outputs():
    offers = sw.sweep_offers(sw.parse_cipher_list(CIPHERS))
    finished = []
    lock = threading.Lock()

    def probe(indexed):
        index, offer = indexed
        # later offers finish first: a pool that reported in completion order would differ
        time.sleep(0.002 * (len(offers) - index) / len(offers))
        with lock:
            finished.append(index)
        return dict(_s_client.parse(recorded(recording_for(offer))), name=offer["name"])

    sequential = _pool.run_ordered(probe, enumerate(offers), 1)
    assert finished == sorted(finished)
    finished.clear()
    parallel = _pool.run_ordered(probe, enumerate(offers), 8)
    assert finished != sorted(finished), "the offers did not overlap"
    assert parallel == sequential
    sets = sw.accepted_sets(offers, parallel)
    assert sets == sw.accepted_sets(offers, sequential)
    assert sets["versions"] == ["TLSv1.2"]
    assert sets["tls12_ciphers"] == ["ECDHE-ECDSA-AES256-GCM-SHA384"]
    assert sets["groups"] == ["P-384"] and sets["errors"] == []


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
