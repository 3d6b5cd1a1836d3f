"""The peer of bench_attribution: integrated gradients in plain PyTorch, as Captum computes them
(Captum is not packaged for Debian), on the same TorchScript model and input.

All steps + 1 interpolated embeddings go through logits_from_embeddings() as one batch, with one
backward pass, the trapezoid rule over the gradients, and the pad embedding as the baseline.

    /usr/bin/python3 bench/attribution/peer.py MODEL.pt TEXT STEPS REPEATS THREADS

prints one JSON line: best and median seconds, the completeness error and the scores.
"""

import json
import sys
import time

import torch


def main() -> None:
    path, text, steps, repeats, threads = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])
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
        alphas = torch.linspace(0, 1, steps + 1).view(-1, 1, 1)
        points = (pad + alphas * (x - pad)).requires_grad_(True)  # [steps + 1, T, E]
        out = model.logits_from_embeddings(points, lengths.expand(steps + 1))[:, target]
        (grads,) = torch.autograd.grad(out.sum(), points)
        weights = torch.ones(steps + 1)
        weights[0] = weights[-1] = 0.5
        integral = (weights.view(-1, 1, 1) * grads).sum(0) / steps
        scores = ((x - pad) * integral).sum(1)
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
