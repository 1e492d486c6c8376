import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The harness scripts, and the collection through the link `make collection-link` creates.
sys.path.insert(0, str(ROOT / "tests" / "harness"))
sys.path.insert(0, str(ROOT / ".cache" / "collections"))
