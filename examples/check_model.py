"""Checks that a TorchScript model follows rnnscope's model contract (docs/model-contract.md).

    /usr/bin/python3 examples/check_model.py MODEL.pt [--data FILE.tsv]

The checks live in python/rnnscope/check.py, which rnnscope.export() also runs.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))

from rnnscope.check import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
