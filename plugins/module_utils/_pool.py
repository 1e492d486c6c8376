# Copyright: voipsec.baresip contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A bounded pool for independent probes, with results in the order of the inputs.

Each probe is a child process that mostly waits on the network, so threads are enough; the
bound keeps the target (a single-threaded UA) and the auditor from being flooded. The order of
the results never depends on which probe finished first, so a parallel run reports exactly what
a sequential one does.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor


def run_ordered(fn, items, workers):
    """``[fn(item) for item in items]``, at most ``workers`` at a time (1 runs them in turn)."""
    items = list(items)
    if workers < 1:
        raise ValueError(f"workers must be 1 or more, not {workers}")
    if workers == 1 or len(items) < 2:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
        return list(pool.map(fn, items))
