"""The peer of bench_attribution: integrated gradients in plain PyTorch, as Captum computes them
(Captum is not packaged for Debian), on the same TorchScript model and input.

All interpolated embeddings go through logits_from_embeddings() as one batch, with one backward
pass, and the pad embedding as the baseline. RULE is riemann_trapezoid (the default: steps + 1
points, the ends weighted 1/2) or gausslegendre (Captum's default: NumPy's Gauss-Legendre nodes
mapped to [0, 1], with f(baseline) and f(input) evaluated beside them for completeness).

    /usr/bin/python3 bench/attribution/peer.py MODEL.pt TEXT STEPS REPEATS THREADS [RULE]

prints one JSON line: best and median seconds, the completeness error and the scores.
"""

import json
import sys
import time

import numpy
import torch


def main() -> None:
    path, text, steps, repeats, threads = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])
    rule = sys.argv[6] if len(sys.argv) > 6 else "riemann_trapezoid"
    if rule == "gausslegendre":
        nodes, weights = numpy.polynomial.legendre.leggauss(steps)
        alphas = [0.0] + list((nodes + 1) / 2) + [1.0]  # the ends only for completeness
        weights = [0.0] + list(weights / 2) + [0.0]
    elif rule == "riemann_trapezoid":
        alphas = [k / steps for k in range(steps + 1)]
        weights = [0.5 / steps] + [1.0 / steps] * (steps - 1) + [0.5 / steps]
    else:
        sys.exit(f"peer.py: unknown rule {rule}")
    alphas = torch.tensor(alphas, dtype=torch.float32).view(-1, 1, 1)
    weights = torch.tensor(weights, dtype=torch.float64).view(-1, 1, 1)
    torch.set_num_threads(threads)
    model = torch.jit.load(path).eval()
    extra = {"rnnscope.json": ""}
    torch.jit.load(path, _extra_files=extra)
    meta = json.loads(extra["rnnscope.json"])
    vocab = meta["input"]["vocab"]
    unk = vocab.index(meta["input"]["unk"])
    ids = torch.tensor([[vocab.index(c) if c in vocab else unk for c in text]])
    lengths = torch.tensor([ids.size(1)])

    def integrated_gradients():
        with torch.no_grad():
            x = model.interpret(ids, lengths)["embeddings"][0]  # [T, E]
            logits = model.forward(ids, lengths)[0]
            target = int(logits.argmax())
            pad = model.interpret(torch.zeros_like(ids), lengths)["embeddings"][0]  # [T, E]
        points = (pad + alphas * (x - pad)).requires_grad_(True)  # [points, T, E]
        out = model.logits_from_embeddings(points, lengths.expand(points.size(0)))[:, target]
        (grads,) = torch.autograd.grad(out.sum(), points)
        integral = (weights * grads.double()).sum(0)
        scores = ((x - pad).double() * integral).sum(1)
        change = float(out[-1] - out[0])
        return scores, abs(float(scores.sum()) - change) / abs(change)

    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        scores, completeness = integrated_gradients()
        times.append(time.perf_counter() - start)
    times.sort()
    print(json.dumps({"best": times[0], "median": times[len(times) // 2],
                      "completeness_error": completeness, "scores": scores.tolist()}))


if __name__ == "__main__":
    main()
