"""Models to compare (#25: "compare models"), written beside the other test models, and what
NumPy computes for the comparison from the states PyTorch computes:

    compare_a.pt           classification (balanced brackets or not); embedding, 1-layer LSTM of
                           8 units over a packed sequence, head on the last hidden state; briefly
                           trained so its predictions mean something
    compare_a_permuted.pt  compare_a.pt with its 8 units put in another order: every weight that
                           reads or writes a unit permuted to match, so it predicts exactly what
                           compare_a.pt predicts and each of its units is one of compare_a's
    compare_gru.pt         a GRU of 10 units trained on the same data from another seed
    compare_tags.pt        compare_a.pt with other labels ("a", "b"): predictions not comparable
    compare.tsv            60 held-out samples, text<TAB>label
    checkpoints/           compare_a.pt after 5, 40 and 300 training steps (the last is
                           compare_a.pt), and compare-step100.pt, which is not a model

compare_reference.json:

    {"samples": N, "tokens": T, "permutation": [P...],   # unit j of the permuted model is
                                                         # unit P[j] of compare_a
     "predictions": {FILE: [label, ...]},
     "pairs": {FILE_B: {"cka": {"TRACK_A/TRACK_B": x}, "svcca": {...},
                        "alignment_r2": {...}}},  (same-kind pairs only)
     "mcnemar": {"only_a": b, "only_b": c, "p": p},      # compare_a against compare_gru
     "checkpoints": [{"name", "step", "accuracy", "loss", "cka_to_final": {TRACK: x}}]}

CKA is linear CKA on the centred token states (Kornblith et al. 2019), SVCCA the mean canonical
correlation after keeping the singular directions of 99% of the variance (Raghu et al. 2017),
both computed here on the data matrices with NumPy's SVD and QR, not from covariances.
"""

import json
import math
import random
from pathlib import Path
from typing import Dict, List

import numpy as np
import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence

OPEN, CLOSE = "([", ")]"


class Classifier(nn.Module):
    def __init__(self, vocab: int, cell: str, hidden: int):
        super().__init__()
        self.embedding = nn.Embedding(vocab, 6, padding_idx=0)
        self.rnn = getattr(nn, cell)(6, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, 2)

    def forward(self, inputs: Tensor, lengths: Tensor) -> Tensor:
        packed = pack_padded_sequence(self.embedding(inputs), lengths, batch_first=True,
                                      enforce_sorted=False)
        _, h = self.rnn(packed)
        if isinstance(h, tuple):
            h = h[0]
        return self.fc(h[-1])


def balanced(text: str) -> bool:
    stack: List[str] = []
    for ch in text:
        if ch in OPEN:
            stack.append(CLOSE[OPEN.index(ch)])
        elif not stack or stack.pop() != ch:
            return False
    return not stack


def random_balanced(rng: random.Random, pairs: int) -> str:
    if pairs == 0:
        return ""
    inside = rng.randrange(pairs)
    k = rng.randrange(len(OPEN))
    return OPEN[k] + random_balanced(rng, inside) + CLOSE[k] + random_balanced(rng, pairs - 1 - inside)


def samples(rng: random.Random, n: int) -> List[tuple]:
    """Half balanced strings; half the same strings with one bracket changed or moved."""
    out = []
    while len(out) < n:
        text = random_balanced(rng, rng.randrange(1, 7))
        if len(out) % 2:
            chars = list(text)
            i = rng.randrange(len(chars))
            if rng.random() < 0.5:
                chars[i] = rng.choice(OPEN + CLOSE)
            else:
                chars.insert(rng.randrange(len(chars) + 1), chars.pop(i))
            text = "".join(chars)
        out.append((text, "yes" if balanced(text) else "no"))
    return out


def batch(rows, ids):
    lengths = torch.tensor([len(t) for t, _ in rows])
    x = torch.zeros(len(rows), int(lengths.max()), dtype=torch.long)
    for i, (t, _) in enumerate(rows):
        x[i, :len(t)] = torch.tensor([ids[c] for c in t])
    y = torch.tensor([1 if label == "yes" else 0 for _, label in rows])
    return x, lengths, y


def train(model: nn.Module, rows, ids, seed: int, snapshots=None) -> Dict[int, nn.Module]:
    """Trains for 300 steps; returns copies of the model after the steps in `snapshots`."""
    torch.manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.03)
    rng = random.Random(seed)
    copies = {}
    for step in range(1, 301):
        x, lengths, y = batch(rng.sample(rows, 32), ids)
        loss = nn.functional.cross_entropy(model(x, lengths), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if snapshots and step in snapshots:
            copy = copy_module(model)
            copies[step] = copy.eval()
    model.eval()
    return copies


def copy_module(model: nn.Module) -> nn.Module:
    copy = Classifier(model.embedding.num_embeddings, type(model.rnn).__name__,
                      model.rnn.hidden_size)
    copy.load_state_dict(model.state_dict())
    return copy


def permuted(model: Classifier, permutation: List[int]) -> Classifier:
    """The same LSTM with unit j of the copy being unit permutation[j] of `model`."""
    copy = Classifier(model.embedding.num_embeddings, "LSTM", model.rnn.hidden_size)
    copy.load_state_dict(model.state_dict())
    hidden = model.rnn.hidden_size
    p = torch.tensor(permutation)
    rows = torch.cat([p + k * hidden for k in range(4)])  # each gate's block: i, f, g, o
    with torch.no_grad():
        copy.rnn.weight_ih_l0.copy_(model.rnn.weight_ih_l0[rows])
        copy.rnn.weight_hh_l0.copy_(model.rnn.weight_hh_l0[rows][:, p])
        copy.rnn.bias_ih_l0.copy_(model.rnn.bias_ih_l0[rows])
        copy.rnn.bias_hh_l0.copy_(model.rnn.bias_hh_l0[rows])
        copy.fc.weight.copy_(model.fc.weight[:, p])
    return copy.eval()


def token_states(model: Classifier, rows, ids) -> Dict[str, np.ndarray]:
    """Every token's hidden (and LSTM cell) state, stepping the module one token at a time."""
    name = "rnn_l0_fwd_"
    hidden_rows, cell_rows = [], []
    with torch.no_grad():
        for text, _ in rows:
            x = model.embedding(torch.tensor([[ids[c] for c in text]]))
            state = None
            for t in range(x.size(1)):
                _, state = model.rnn(x[:, t:t + 1], state)
                h, c = state if isinstance(state, tuple) else (state, None)
                hidden_rows.append(h[0, 0].double().numpy())
                if c is not None:
                    cell_rows.append(c[0, 0].double().numpy())
    out = {name + "hidden": np.array(hidden_rows)}
    if cell_rows:
        out[name + "cell"] = np.array(cell_rows)
    return out


def linear_cka(x: np.ndarray, y: np.ndarray) -> float:
    x = x - x.mean(0)
    y = y - y.mean(0)
    return float(np.linalg.norm(y.T @ x) ** 2 /
                 (np.linalg.norm(x.T @ x) * np.linalg.norm(y.T @ y)))


def svcca(x: np.ndarray, y: np.ndarray, kept: float = 0.99) -> float:
    def reduce(m):
        m = m - m.mean(0)
        u, s, _ = np.linalg.svd(m, full_matrices=False)
        var = s ** 2
        s_keep = var > var[0] * 1e-10
        cumulative = np.cumsum(var) / var.sum()
        k = min(int(np.searchsorted(cumulative, kept - 1e-12) + 1), int(s_keep.sum()))
        return u[:, :k] * s[:k]
    qx, _ = np.linalg.qr(reduce(x))
    qy, _ = np.linalg.qr(reduce(y))
    return float(np.linalg.svd(qx.T @ qy, compute_uv=False).clip(max=1.0).mean())


def alignment_r2(x: np.ndarray, y: np.ndarray) -> float:
    """The share of x's variance the least-squares affine map from y explains."""
    xc = x - x.mean(0)
    yc = y - y.mean(0)
    w, *_ = np.linalg.lstsq(yc, xc, rcond=None)
    return float(1.0 - np.linalg.norm(xc - yc @ w) ** 2 / np.linalg.norm(xc) ** 2)


def mcnemar_p(b: int, c: int) -> float:
    n = b + c
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(min(b, c) + 1)) / 2 ** n
    return min(1.0, 2 * tail)


def write(out: Path, chars: List[str], meta: dict) -> None:
    rng = random.Random(25)
    ids = {c: i for i, c in enumerate(chars)}
    train_rows, test_rows = samples(rng, 600), samples(rng, 60)
    torch.manual_seed(25)
    a = Classifier(len(chars), "LSTM", 8)
    snapshots = train(a, train_rows, ids, 1, snapshots={5, 40, 300})
    torch.manual_seed(26)
    gru = Classifier(len(chars), "GRU", 10)
    train(gru, train_rows, ids, 2)
    permutation = list(range(8))
    random.Random(3).shuffle(permutation)
    a_permuted = permuted(a, permutation)
    models = {"compare_a.pt": a, "compare_a_permuted.pt": a_permuted, "compare_gru.pt": gru}
    for name, model in models.items():
        torch.jit.save(torch.jit.script(model), str(out / name),
                       _extra_files={"rnnscope.json": json.dumps(
                           dict(meta, name=name.removesuffix(".pt")))})
    torch.jit.save(torch.jit.script(a), str(out / "compare_tags.pt"),
                   _extra_files={"rnnscope.json": json.dumps(dict(meta, labels=["a", "b"]))})
    (out / "compare.tsv").write_text("".join(f"{t}\t{label}\n" for t, label in test_rows))

    reference = {"samples": len(test_rows), "tokens": sum(len(t) for t, _ in test_rows),
                 "permutation": permutation, "predictions": {}, "pairs": {}}
    right = {}
    with torch.no_grad():
        x, lengths, y = batch(test_rows, ids)
        for name, model in models.items():
            predicted = model(x, lengths).argmax(1)
            reference["predictions"][name] = [meta["labels"][int(k)] for k in predicted]
            right[name] = (predicted == y).tolist()
    states = {name: token_states(model, test_rows, ids) for name, model in models.items()}
    for name in ["compare_a_permuted.pt", "compare_gru.pt"]:
        pair = {"cka": {}, "svcca": {}, "alignment_r2": {}}
        for track_a, xa in states["compare_a.pt"].items():
            for track_b, xb in states[name].items():
                pair["cka"][f"{track_a}/{track_b}"] = linear_cka(xa, xb)
                pair["svcca"][f"{track_a}/{track_b}"] = svcca(xa, xb)
                if track_a.split("_")[-1] == track_b.split("_")[-1]:  # hidden, or cell
                    pair["alignment_r2"][f"{track_a}/{track_b}"] = alignment_r2(xa, xb)
        reference["pairs"][name] = pair
    only_a = sum(1 for p, q in zip(right["compare_a.pt"], right["compare_gru.pt"]) if p and not q)
    only_b = sum(1 for p, q in zip(right["compare_a.pt"], right["compare_gru.pt"]) if q and not p)
    reference["mcnemar"] = {"only_a": only_a, "only_b": only_b, "p": mcnemar_p(only_a, only_b)}
    # compare_a's training, checkpointed: numbered so that a name sort would misorder them
    # (step5 after step40), and one file that is not a model, which must be skipped and named.
    folder = out / "checkpoints"
    folder.mkdir(exist_ok=True)
    reference["checkpoints"] = []
    final_states = states["compare_a.pt"]
    with torch.no_grad():
        for step, model in sorted(snapshots.items()):
            name = f"compare-step{step}.pt"
            torch.jit.save(torch.jit.script(model), str(folder / name),
                           _extra_files={"rnnscope.json": json.dumps(meta)})
            predicted = model(x, lengths).argmax(1)
            log_p = nn.functional.log_softmax(model(x, lengths), 1)
            own = token_states(model, test_rows, ids)
            reference["checkpoints"].append({
                "name": name, "step": step,
                "accuracy": float((predicted == y).double().mean()),
                "loss": float(-log_p[torch.arange(len(y)), y].mean()),
                "cka_to_final": {track: linear_cka(own[track], final_states[track])
                                 for track in own}})
    (folder / "compare-step100.pt").write_bytes(b"not a model")
    (out / "compare_reference.json").write_text(json.dumps(reference, indent=1))
