"""The Python peers of the projection benchmark: scikit-learn 1.2 (PCA, TSNE) and umap-learn 0.5.3,
run the way a researcher runs them, on the same .npy and the same thread count as rnnscope.

    /usr/bin/python3 bench/projection/peers.py METHOD X.npy OUT.npy --threads T [--seed S]

METHOD: sklearn-pca, sklearn-tsne or umap-learn. Writes the layout to OUT.npy and prints one JSON
line: {"seconds": fit time, "explained": [...] (PCA)}. The time covers the fit alone (not the
interpreter start, the imports or the file reading), as rnnscope-cli reports its own.
"""

import argparse
import json
import os
import sys
import time

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("method", choices=["sklearn-pca", "sklearn-tsne", "umap-learn"])
    parser.add_argument("states")
    parser.add_argument("out")
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--iterations", type=int, default=1000)
    args = parser.parse_args()
    # BLAS and numba follow these; set before the imports below load them.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                "NUMBA_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    x = np.load(args.states)
    result = {}
    if args.method == "sklearn-pca":
        from sklearn.decomposition import PCA
        model = PCA(n_components=2, svd_solver="randomized", random_state=args.seed)
        start = time.perf_counter()
        y = model.fit_transform(x)
        result["seconds"] = time.perf_counter() - start
        result["explained"] = [float(v) for v in model.explained_variance_ratio_]
    elif args.method == "sklearn-tsne":
        from sklearn.manifold import TSNE
        model = TSNE(n_components=2, perplexity=30.0, init="pca", learning_rate="auto",
                     n_iter=args.iterations, n_jobs=args.threads, random_state=args.seed)
        start = time.perf_counter()
        y = model.fit_transform(x)
        result["seconds"] = time.perf_counter() - start
    else:
        import umap
        # No random_state: umap-learn turns its parallel SGD off when given one, and the
        # benchmark runs everybody on the same number of threads.
        model = umap.UMAP(n_components=2, n_neighbors=15, min_dist=0.1, n_jobs=args.threads)
        start = time.perf_counter()
        y = model.fit_transform(x)
        result["seconds"] = time.perf_counter() - start
    np.save(args.out, np.ascontiguousarray(y, dtype=np.float32))
    print(json.dumps(result))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
