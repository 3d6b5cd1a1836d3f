"""NumPy peer of bench_errors: the same filters, sorts and confusion matrix over the same
1,000,000 rows (an [N, 5] float32 .npy: confidence, loss, length, true class, predicted class),
as a pandas/NumPy notebook would compute them. Prints one line per operation: name and ms
(best of --repeat)."""
import sys
import time

import numpy as np


def best_ms(fn, repeat):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, (time.perf_counter() - t) * 1000.0)
    return best


def main():
    path, repeat = sys.argv[1], int(sys.argv[2])
    rows = np.load(path)
    conf, loss, length = rows[:, 0], rows[:, 1], rows[:, 2]
    truth, pred = rows[:, 3].astype(np.int32), rows[:, 4].astype(np.int32)
    classes = int(truth.max()) + 1
    ops = {
        "filter wrong only": lambda: np.nonzero(truth != pred)[0],
        "filter class pair + confidence": lambda: np.nonzero(
            (truth == 3) & (pred == 5) & (conf >= 0.2) & (conf <= 0.8))[0],
        "filter length range": lambda: np.nonzero((length >= 20) & (length <= 60))[0],
        "sort by confidence": lambda: np.argsort(-conf, kind="stable"),
        "sort by loss": lambda: np.argsort(loss, kind="stable"),
        "confusion matrix": lambda: np.bincount(truth * classes + pred,
                                                minlength=classes * classes),
    }
    for name, fn in ops.items():
        print(f"{name}\t{best_ms(fn, repeat):.2f}")


if __name__ == "__main__":
    main()
