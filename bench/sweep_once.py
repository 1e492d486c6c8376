#!/usr/bin/env python
"""The audit's TLS sweep alone, from this machine like testssl.sh: the code the tls_probe module
runs (every version, cipher, group and signature algorithm offered alone, in its bounded pool),
without Ansible around it. Prints the accepted sets as JSON.

    bench/sweep_once.py HOST [PORT]
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / ".cache" / "collections"))

from ansible_collections.voipsec.baresip.plugins.module_utils import _tls_offer


def main():
    host, port = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5061
    ciphers = subprocess.run(
        ["openssl", *_tls_offer.CIPHER_LIST_ARGV], capture_output=True, text=True, check=True
    )
    params = {"host": host, "port": port, "openssl_path": "openssl"}
    params.update({k: spec.get("default") for k, spec in _tls_offer.option_spec().items() if k not in params})
    result = _tls_offer.run(params, [], ciphers.stdout)
    print(json.dumps({"sweep": result["sweep"], "handshakes": len(result["results"])}))
    return 0 if not result["sweep"]["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
