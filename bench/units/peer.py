"""The NumPy peer of bench_units: LSTMVis's pattern search and a unit finder, vectorised over the
whole [tokens, units] state matrix as LSTMVis does it (boolean arrays of the states over the
threshold), reading the states as LSTMVis reads them (h5py) or from an .npy file.

Prints one line: "search <seconds> finder <seconds> hits <n> best <unit> <r>". Time spent
reading the states counts for the HDF5 source (as it does for rnnscope's HDF5 store) and not
for the .npy one (the states are loaded before the clock starts, as for a store in memory).

    /usr/bin/python3 bench/units/peer.py (--npy X.npy | --h5 store.h5 --track NAME)
        --depth D.npy --lengths L.npy --units 3,5,9 [--length 3] [--threshold 0.3]
"""

import argparse
import time

import numpy as np


def search(states, lengths, units, length, threshold, min_score=0.2, max_hits=200):
    n, h = states.shape
    on = states >= threshold
    count = n - length + 1
    window = on[0:count].copy()
    for k in range(1, length):
        window &= on[k:count + k]
    starts = np.zeros(n, dtype=bool)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    starts[offsets] = True
    before = np.zeros_like(window)
    before[1:] = on[0:count - 1]
    before[starts[:count]] = False  # a sample's first step has no step before it
    window &= ~before
    # Windows that stay inside their sample.
    sample_end = np.repeat(offsets + lengths.astype(np.int64), lengths.astype(np.int64))
    inside = np.arange(count) + length <= sample_end[:count]
    shared = np.count_nonzero(window[:, units], axis=1)
    either = len(units) + np.count_nonzero(window, axis=1) - shared
    score = shared / np.maximum(either, 1)
    candidates = np.nonzero(inside & (score >= min_score) & (shared > 0))[0]
    best = candidates[np.argsort(-score[candidates], kind="stable")][:max_hits]
    return len(best)


def finder(states, signal):
    n = states.shape[0]
    y = signal.astype(np.float32)
    sx = states.sum(axis=0, dtype=np.float64)
    sxx = np.einsum("ij,ij->j", states, states, dtype=np.float64)
    sxy = (states.T @ y).astype(np.float64)
    sy, syy = float(y.sum(dtype=np.float64)), float((y.astype(np.float64) ** 2).sum())
    var_x = sxx - sx * sx / n
    var_y = syy - sy * sy / n
    r = (sxy - sx * sy / n) / np.sqrt(np.maximum(var_x * var_y, 1e-30))
    best = int(np.argmax(np.abs(r)))
    return best, float(r[best])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--npy")
    p.add_argument("--h5")
    p.add_argument("--track")
    p.add_argument("--depth", required=True)
    p.add_argument("--lengths", required=True)
    p.add_argument("--units", required=True)
    p.add_argument("--length", type=int, default=3)
    p.add_argument("--threshold", type=float, default=0.3)
    a = p.parse_args()
    units = np.array([int(u) for u in a.units.split(",")], dtype=np.int64)
    depth = np.load(a.depth).reshape(-1)
    lengths = np.load(a.lengths).reshape(-1).astype(np.int64)

    def states():
        if a.npy:
            return STATES
        import h5py
        with h5py.File(a.h5, "r") as f:
            return f["tracks"][a.track][...]

    if a.npy:
        global STATES
        STATES = np.load(a.npy)
    t0 = time.perf_counter()
    hits = search(states(), lengths, units, a.length, a.threshold)
    t1 = time.perf_counter()
    unit, r = finder(states(), depth)
    t2 = time.perf_counter()
    print(f"search {t1 - t0:.3f} finder {t2 - t1:.3f} hits {hits} best {unit} {r:.3f}")


if __name__ == "__main__":
    main()
