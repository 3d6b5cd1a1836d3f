"""The projection benchmark: rnnscope-cli project against scikit-learn, umap-learn, Rtsne and uwot,
in the same run, on the same data and the same thread count. Run through bench/projection/run.sh.

For every dataset and method it prints each tool's fit time, the neighbour preservation and
trustworthiness of its layout (scored here, the same way for everyone), and rnnscope's speed
ratio over each peer; for PCA also the explained variance against scikit-learn's. `--scale`
instead runs t-SNE and UMAP on a million LSTM states and reports time and peak memory.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

K = 10            # neighbours scored
SAMPLE = 5000     # points scored (seeded), as rnnscope-cli project --quality
TSNE_ITERATIONS = 1000  # every t-SNE runs the same number (sklearn's and Rtsne's default)

GOALS = {  # at 70,000 points: minimum speed ratio of rnnscope over the peer
    ("tsne", "Rtsne"): 3.0, ("tsne", "scikit-learn"): 10.0,
    ("umap", "uwot"): 2.0, ("umap", "umap-learn"): 5.0,
    ("pca", "scikit-learn"): 1.0,
}


class Quality:
    """Neighbour preservation (share of each point's K nearest neighbours in the input that are
    among its K nearest in the layout) and trustworthiness (Venna & Kaski 2001, as
    sklearn.manifold.trustworthiness), over a seeded sample of SAMPLE points whose neighbours
    are searched among all points, exactly.

    The input side is the same for every layout of a dataset, so it is computed once: each
    sampled point's K neighbours and its sorted distances to all points (for the ranks
    trustworthiness needs). Debian's numpy multiplies with the reference BLAS, so this is the
    slow part (about a minute at 70,000 points); scoring a layout then takes seconds."""

    def __init__(self, high: np.ndarray, seed: int = 0):
        n = high.shape[0]
        rng = np.random.default_rng(seed)
        self.n = n
        self.sample = np.sort(rng.choice(n, size=min(SAMPLE, n), replace=False))
        high = high.astype(np.float32)
        sq = (high.astype(np.float64) ** 2).sum(1).astype(np.float32)
        self.sorted = np.empty((len(self.sample), n), dtype=np.float32)
        self.neighbours = np.empty((len(self.sample), K), dtype=np.int64)
        for start in range(0, len(self.sample), 250):
            rows = self.sample[start:start + 250]
            d = sq[rows, None] + sq[None, :] - 2.0 * (high[rows] @ high.T)  # squared, [rows, n]
            d[np.arange(len(rows)), rows] = np.inf  # not its own neighbour
            self.neighbours[start:start + len(rows)] = np.argpartition(d, K, axis=1)[:, :K]
            self.sorted[start:start + len(rows)] = np.sort(d, axis=1)
        self.high = high
        self.sq = sq

    def score(self, low: np.ndarray) -> tuple:
        low = low.astype(np.float64)
        kept = 0
        penalty = 0.0
        for start in range(0, len(self.sample), 100):
            rows = self.sample[start:start + 100]
            dl = ((low[rows, None, :] - low[None, :, :]) ** 2).sum(-1)  # [rows, n]
            dl[np.arange(len(rows)), rows] = np.inf
            nl = np.argpartition(dl, K, axis=1)[:, :K]
            for i, r in enumerate(rows):
                nh = self.neighbours[start + i]
                kept += len(np.intersect1d(nh, nl[i], assume_unique=True))
                # layout neighbours that are not input neighbours, penalised by their input rank
                others = np.setdiff1d(nl[i], nh, assume_unique=True)
                if len(others):
                    diff = self.high[others] - self.high[r]
                    d = (diff.astype(np.float64) ** 2).sum(1)
                    ranks = np.searchsorted(self.sorted[start + i], d, side="left") + 1
                    penalty += float((ranks - K).sum())
        m = len(self.sample)
        preservation = kept / (m * K)
        trust = 1.0 - 2.0 / (m * K * (2.0 * self.n - 3.0 * K - 1.0)) * penalty
        return preservation, trust


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


class Bench:
    def __init__(self, args):
        self.args = args
        self.cli = args.cli
        self.src = Path(args.src)
        self.data = Path(args.data)
        self.work = self.data / "layouts"
        self.work.mkdir(parents=True, exist_ok=True)
        self.threads = args.threads
        self.rows = []

    # --- data -----------------------------------------------------------------------------

    def cheaders(self, n: int) -> Path:
        path = self.data / f"cheaders-{n}.npy"
        if not path.exists():
            print(f"  making {path.name} (examples/cheaders.py; cached for later runs)",
                  flush=True)
            run([sys.executable, str(self.src / "examples" / "cheaders.py"),
                 "--out", str(self.data / "cheaders-model"), "--states-dir", str(self.data),
                 "--states", str(n)], cwd=str(self.src / "examples"))
        return path

    def digits(self) -> Path:
        path = self.data / "digits.npy"
        if not path.exists():
            from sklearn.datasets import load_digits
            np.save(path, load_digits().data.astype(np.float32))
        return path

    # --- tools ----------------------------------------------------------------------------

    def ours(self, method: str, states: Path, out: Path, extra=()):
        cmd = [self.cli, "project", "--states", str(states), "--method", method, "--dims", "2",
               "--threads", str(self.threads), "--out", str(out), *extra]
        text = run(cmd).stdout
        seconds = float(re.search(r" in ([0-9.]+) s", text).group(1))
        explained = None
        m = re.search(r"explained variance ratio ([0-9. ]+)\(", text)
        if m:
            explained = [float(v) for v in m.group(1).split()]
        return seconds, explained

    def python_peer(self, method: str, states: Path, out: Path):
        text = run([sys.executable, str(self.src / "bench" / "projection" / "peers.py"), method,
                    str(states), str(out), "--threads", str(self.threads),
                    "--iterations", str(TSNE_ITERATIONS)]).stdout
        result = json.loads(text.strip().splitlines()[-1])
        return result["seconds"], result.get("explained")

    def r_peer(self, method: str, states: Path, out: Path):
        x = np.load(states)
        raw = out.with_suffix(".in.f32")
        np.ascontiguousarray(x, dtype=np.float32).tofile(raw)
        layout = out.with_suffix(".f32")
        text = run(["Rscript", str(self.src / "bench" / "projection" / "peers.R"), method,
                    str(raw), str(x.shape[0]), str(x.shape[1]), str(layout), str(self.threads),
                    "42", str(TSNE_ITERATIONS)]).stdout
        raw.unlink()
        np.save(out, np.fromfile(layout, dtype=np.float32).reshape(x.shape[0], 2))
        layout.unlink()
        return json.loads(text.strip().splitlines()[-1])["seconds"], None

    # --- one dataset ------------------------------------------------------------------------

    def dataset(self, name: str, states: Path):
        x = np.load(states)
        scorer = Quality(x)
        print(f"\n{name}: {x.shape[0]:,} points x {x.shape[1]} dimensions, "
              f"{self.threads} threads", flush=True)
        print(f"  {'method':<6} {'tool':<13} {'seconds':>9} {'preserv.':>9} {'trust.':>8} "
              f"{'ours x faster':>14}")
        self.neighbour_graphs(states, x.shape[0])
        plan = {
            "pca": [("scikit-learn", lambda o: self.python_peer("sklearn-pca", states, o))],
            "tsne": [("scikit-learn", lambda o: self.python_peer("sklearn-tsne", states, o)),
                     ("Rtsne", lambda o: self.r_peer("rtsne", states, o))],
            "umap": [("umap-learn", lambda o: self.python_peer("umap-learn", states, o)),
                     ("uwot", lambda o: self.r_peer("uwot", states, o))],
        }
        for method, peers in plan.items():
            if method not in self.args.methods:
                continue
            extra = ["--iterations", str(TSNE_ITERATIONS)] if method == "tsne" else []
            out = self.work / f"{name}-{method}-rnnscope.npy"
            try:
                ours_s, ours_ev = self.ours(method, states, out, extra)
            except subprocess.CalledProcessError as e:
                print(f"  {method:<6} rnnscope      failed: {e.stderr.strip()[-300:]}")
                continue
            q = scorer.score(np.load(out))
            print(f"  {method:<6} {'rnnscope':<13} {ours_s:9.2f} {q[0]:9.4f} {q[1]:8.4f}",
                  flush=True)
            best = [0.0, 0.0]
            for tool, call in peers:
                if tool in self.args.skip:
                    continue
                out = self.work / f"{name}-{method}-{tool}.npy"
                try:
                    s, ev = call(out)
                except subprocess.CalledProcessError as e:
                    print(f"  {method:<6} {tool:<13} failed: {e.stderr.strip()[-300:]}")
                    continue
                pq = scorer.score(np.load(out))
                best = [max(best[0], pq[0]), max(best[1], pq[1])]
                ratio = s / ours_s
                goal = GOALS.get((method, tool))
                verdict = ""
                if goal is not None and x.shape[0] >= 70000:
                    verdict = "  goal >= %gx: %s" % (goal, "met" if ratio >= goal else "MISSED")
                print(f"  {method:<6} {tool:<13} {s:9.2f} {pq[0]:9.4f} {pq[1]:8.4f} "
                      f"{ratio:13.2f}x{verdict}", flush=True)
                self.rows.append((name, method, tool, s, ours_s, ratio, pq, q))
                if ev is not None and ours_ev is not None:
                    diff = max(abs(a - b) for a, b in zip(ours_ev, ev))
                    print(f"         explained variance: rnnscope {ours_ev}, scikit-learn "
                          f"{[round(v, 5) for v in ev]}: largest difference {diff:.1e} "
                          f"({'within' if diff <= 1e-3 else 'NOT within'} 1e-3)")
            if method != "pca" and best[0] > 0:
                gap = max(best[0] - q[0], best[1] - q[1])
                print(f"         quality vs best peer: {-gap:+.4f} "
                      f"({'within' if gap <= 0.01 else 'MORE than'} 0.01 of the best peer)")

    def neighbour_graphs(self, states: Path, n: int):
        # The approximate (HNSW) graphs t-SNE and UMAP build on, with their recall@k against an
        # exact search; below 20,000 points both search exactly.
        knn = Path(self.cli).resolve().parent.parent / "bench" / "bench_knn"
        if n < 20000 or not knn.exists() or not {"tsne", "umap"} & set(self.args.methods):
            return
        text = run([str(knn), str(states), "--threads", str(self.threads)]).stdout
        for line in text.splitlines()[1:]:
            print("  neighbours " + line.strip(), flush=True)

    # --- a million points -------------------------------------------------------------------

    def scale(self):
        states = self.cheaders(1_000_000)
        x = np.load(states, mmap_mode="r")
        n, d = x.shape
        input_mb = n * d * 4 / 2**20
        print(f"\nscale: {n:,} LSTM states x {d}, {self.threads} threads; input {input_mb:.0f} MB")
        for method, k in (("tsne", 90), ("umap", 15)):
            # The neighbour graph: k int32 indices and k float32 distances per point (t-SNE's
            # k = 3 x perplexity), plus as much again for the symmetrised affinities.
            graph_mb = 2 * n * k * 8 / 2**20
            out = self.work / f"scale-{method}.npy"
            start = time.perf_counter()
            res = subprocess.run(["/usr/bin/time", "-v", self.cli, "project", "--states",
                                  str(states), "--method", method, "--threads",
                                  str(self.threads), "--out", str(out)],
                                 capture_output=True, text=True)
            wall = time.perf_counter() - start
            if res.returncode != 0:
                print(f"  {method}: failed: {res.stderr.strip()[-400:]}")
                continue
            rss_mb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)",
                                   res.stderr).group(1)) / 1024
            budget = 3 * input_mb + graph_mb
            m = re.search(r" in ([0-9.]+) s", res.stdout)
            print(f"  {method}: {float(m.group(1)) if m else wall:.1f} s projecting "
                  f"({wall:.1f} s in all), peak RSS {rss_mb:.0f} MB; input {input_mb:.0f} MB + "
                  f"graph {graph_mb:.0f} MB -> budget 3 x input + graph = {budget:.0f} MB: "
                  f"{'within' if rss_mb <= budget else 'OVER'}", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", required=True)
    parser.add_argument("--src", required=True)
    parser.add_argument("--data", required=True, help="cache folder for states and layouts")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--mode", choices=["quick", "full", "scale"], default="quick")
    parser.add_argument("--methods", nargs="*", default=["pca", "tsne", "umap"])
    parser.add_argument("--skip", nargs="*", default=[], help="peers to leave out")
    args = parser.parse_args()
    bench = Bench(args)
    print("Projection: rnnscope-cli project against scikit-learn 1.2, umap-learn 0.5.3, "
          "Rtsne 0.16, uwot 0.1.14")
    print(f"  same data, {args.threads} threads each; seconds = the fit alone (no start-up or "
          f"file IO); t-SNE {TSNE_ITERATIONS} iterations for every tool; quality: neighbour "
          f"preservation and trustworthiness at k={K} on the same {SAMPLE} seeded points, "
          f"scored by bench/projection/bench.py for every tool")
    if args.mode == "scale":
        bench.scale()
        return
    bench.dataset("digits", bench.digits())
    bench.dataset("cheaders-20k", bench.cheaders(20000))
    if args.mode == "full":
        bench.dataset("cheaders-70k", bench.cheaders(70000))


if __name__ == "__main__":
    main()
