"""The peer of `rnnscope-cli compare`: what a researcher scripts with PyTorch and NumPy to compare
the brackets LSTM with the brackets GRU over the held-out strings.

    /usr/bin/python3 peer.py LSTM.pt GRU.pt DATA.tsv THREADS

Both models run over the dataset in batches of 64: the LSTM through its interpret() (hidden and
cell state per step), the GRU's weights in an eager nn.GRU (a scripted nn.GRU cannot be called
from Python). Token states of the valid steps are stacked, then linear CKA and SVCCA of every
pair of states are computed with NumPy (centred states, SVD), and the two models' predictions
are paired. It does less than rnnscope does (no unit matching: SciPy is not installed), so the
ratio is in the peer's favour. Prints the wall time and the numbers as JSON.
"""

import json
import sys
import time

import numpy as np
import torch
from torch import nn


def linear_cka(x, y):
    x = x - x.mean(0)
    y = y - y.mean(0)
    return float(np.linalg.norm(y.T @ x) ** 2 / (np.linalg.norm(x.T @ x) * np.linalg.norm(y.T @ y)))


def svcca(x, y, kept=0.99):
    def reduce(m):
        m = m - m.mean(0)
        u, s, _ = np.linalg.svd(m, full_matrices=False)
        var = s ** 2
        k = int(np.searchsorted(np.cumsum(var) / var.sum(), kept - 1e-12) + 1)
        return u[:, :k] * s[:k]
    qx, _ = np.linalg.qr(reduce(x))
    qy, _ = np.linalg.qr(reduce(y))
    return float(np.linalg.svd(qx.T @ qy, compute_uv=False).clip(max=1.0).mean())


def main():
    lstm_path, gru_path, data_path, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    start = time.perf_counter()
    torch.set_num_threads(threads)
    extra = {"rnnscope.json": ""}
    lstm = torch.jit.load(lstm_path, _extra_files=extra).eval()
    meta = json.loads(extra["rnnscope.json"])
    gru_scripted = torch.jit.load(gru_path).eval()
    weights = gru_scripted.state_dict()
    embed = nn.Embedding.from_pretrained(weights["embed.weight"])
    gru = nn.GRU(weights["gru.weight_ih_l0"].size(1), weights["gru.weight_hh_l0"].size(1),
                 batch_first=True)
    gru.load_state_dict({k[4:]: v for k, v in weights.items() if k.startswith("gru.")})
    head = nn.Linear(gru.hidden_size, weights["out.weight"].size(0))
    head.load_state_dict({"weight": weights["out.weight"], "bias": weights["out.bias"]})
    vocab = {t: i for i, t in enumerate(meta["input"]["vocab"])}
    labels = meta["labels"]
    rows = [line.rstrip("\n").split("\t") for line in open(data_path, encoding="utf-8")]
    states = {"lstm_hidden": [], "lstm_cell": [], "gru_hidden": []}
    right_a, right_b = [], []
    with torch.no_grad():
        for first in range(0, len(rows), 64):
            batch = rows[first:first + 64]
            lengths = torch.tensor([len(t) for t, _ in batch])
            ids = torch.zeros(len(batch), int(lengths.max()), dtype=torch.long)
            for i, (t, _) in enumerate(batch):
                ids[i, :len(t)] = torch.tensor([vocab.get(c, vocab["<unk>"]) for c in t])
            out = lstm.interpret(ids, lengths)
            h, _ = gru(embed(ids))
            logits_b = head(h[torch.arange(len(batch)), lengths - 1])
            for i, (t, label) in enumerate(batch):
                n = len(t)
                states["lstm_hidden"].append(out["states.lstm"][i, :n].double().numpy())
                states["lstm_cell"].append(out["states.lstm.cell"][i, :n].double().numpy())
                states["gru_hidden"].append(h[i, :n].double().numpy())
                right_a.append(labels[int(out["logits"][i].argmax())] == label)
                right_b.append(labels[int(logits_b[i].argmax())] == label)
    stacked = {k: np.concatenate(v) for k, v in states.items()}
    result = {"tokens": int(stacked["gru_hidden"].shape[0]),
              "accuracy_a": sum(right_a) / len(right_a), "accuracy_b": sum(right_b) / len(right_b),
              "only_a_right": sum(a and not b for a, b in zip(right_a, right_b)),
              "only_b_right": sum(b and not a for a, b in zip(right_a, right_b)),
              "cka": {}, "svcca": {}}
    for a in ["lstm_hidden", "lstm_cell"]:
        result["cka"][a] = linear_cka(stacked[a], stacked["gru_hidden"])
        result["svcca"][a] = svcca(stacked[a], stacked["gru_hidden"])
    result["seconds"] = time.perf_counter() - start
    print(json.dumps(result))


if __name__ == "__main__":
    main()
