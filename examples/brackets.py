"""Balanced brackets: a character-level LSTM classifier whose units learn to count nesting depth.

Strings of (), [] and {} nested up to depth 10 are labelled `balanced` or `unbalanced`. Half the
unbalanced ones are hard negatives made from a balanced string by one small edit (a bracket
dropped, added, moved, flipped, retyped or swapped with its neighbour), so the model cannot
decide by length or by counting characters alone; it has to track the open brackets.

Model: embedding -> 1-layer nn.LSTM -> linear on the hidden state at the last valid step.
interpret() also returns the cell state per step, so rnnscope can show the depth-counting unit.

    /usr/bin/python3 examples/brackets.py [--out DIR] [--epochs N] [--seed S] [--cell gru]
                                          [--checkpoints DIR]

Writes <out>/brackets.pt, brackets.tsv (held-out split, text<TAB>label), brackets-train.tsv
and metrics.json. With --cell gru the same classifier with an nn.GRU of 64 units, trained on the
same data (the same --seed gives the same split): <out>/brackets_gru.pt and metrics_gru.json,
the model to compare with the LSTM (rnnscope's Compare Models, docs/compare.md). With
--checkpoints DIR, the model before training and after every epoch: DIR/brackets-epoch<N>.pt
(epoch0 is the untrained model).
"""

import json
import random
from pathlib import Path
from typing import Dict, List, Tuple

import torch
from torch import Tensor, nn

import common

OPEN, CLOSE = "([{", ")]}"
LABELS = ["balanced", "unbalanced"]
MAX_DEPTH = 10
MAX_LEN = 48


# --- data ---------------------------------------------------------------------------------

def is_balanced(text: str) -> bool:
    stack: List[str] = []
    for ch in text:
        if ch in OPEN:
            stack.append(CLOSE[OPEN.index(ch)])
        elif not stack or stack.pop() != ch:
            return False
    return not stack


def depth_profile(text: str) -> List[int]:
    """Open minus closed brackets after each character: the signal we look for in the units.
    (A plain counter, so it is defined for unbalanced strings too; it can go negative.)"""
    depth, out = 0, []
    for ch in text:
        depth += 1 if ch in OPEN else -1
        out.append(depth)
    return out


def random_balanced(rng: random.Random) -> str:
    """A random well-nested string. Its depth limit is drawn first (1..10) so that deep nesting
    is as common as shallow, then its length, then each step opens or closes at random."""
    limit = rng.randint(1, MAX_DEPTH)
    length = rng.randrange(2 * limit, MAX_LEN + 1, 2)
    p_open = rng.uniform(0.45, 0.75)
    out: List[str] = []
    stack: List[int] = []
    while len(out) < length:
        remaining = length - len(out)
        # Open only while there is still room to close everything (parity keeps it exact).
        can_open = len(stack) < limit and remaining > len(stack)
        if can_open and (not stack or rng.random() < p_open):
            kind = rng.randrange(len(OPEN))
            stack.append(kind)
            out.append(OPEN[kind])
        else:
            out.append(CLOSE[stack.pop()])
    return "".join(out)


def corrupt(text: str, rng: random.Random) -> str:
    """One small edit of a balanced string; the caller checks the result is unbalanced."""
    chars = list(text)
    i = rng.randrange(len(chars))
    edit = rng.choice(["drop", "add", "move", "flip", "retype", "swap"])
    if edit == "drop":  # off by one: a bracket missing
        del chars[i]
    elif edit == "add":  # off by one: a bracket too many
        chars.insert(i, rng.choice(OPEN + CLOSE))
    elif edit == "move":  # same counts, wrong place
        ch = chars.pop(i)
        chars.insert(rng.randrange(len(chars) + 1), ch)
    elif edit == "flip":  # ( <-> )
        ch = chars[i]
        chars[i] = CLOSE[OPEN.index(ch)] if ch in OPEN else OPEN[CLOSE.index(ch)]
    elif edit == "retype":  # ( -> [ : the counts still add up, the types do not
        ch = chars[i]
        same_side = OPEN if ch in OPEN else CLOSE
        chars[i] = rng.choice([c for c in same_side if c != ch])
    else:  # swap neighbours: "([)]" style wrong order
        if len(chars) > 1:
            i = min(i, len(chars) - 2)
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
    return "".join(chars)


def random_sample(rng: random.Random) -> Tuple[str, str]:
    if rng.random() < 0.5:
        return random_balanced(rng), "balanced"
    while True:
        if rng.random() < 0.8:  # hard negative
            text = corrupt(random_balanced(rng), rng)
        else:  # random bracket soup of even length
            length = rng.randrange(2, MAX_LEN + 1, 2)
            text = "".join(rng.choice(OPEN + CLOSE) for _ in range(length))
        if text and not is_balanced(text):
            return text, "unbalanced"


def make_splits(rng: random.Random, n_train: int, n_test: int):
    """Distinct strings; no held-out string occurs in the training set."""
    test: Dict[str, str] = {}
    while len(test) < n_test:
        text, label = random_sample(rng)
        test[text] = label
    train: List[Tuple[str, str]] = []
    while len(train) < n_train:
        text, label = random_sample(rng)
        if text not in test:
            train.append((text, label))
    return train, list(test.items())


# --- model --------------------------------------------------------------------------------

class BracketClassifier(nn.Module):
    def __init__(self, vocab_size: int, embed_size: int = 16, hidden_size: int = 64):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_size, padding_idx=0)
        self.lstm = nn.LSTM(embed_size, hidden_size, batch_first=True)
        self.out = nn.Linear(hidden_size, len(LABELS))

    def forward(self, inputs: Tensor, lengths: Tensor) -> Tensor:
        return self.logits_from_embeddings(self.embed(inputs), lengths)

    @torch.jit.export
    def logits_from_embeddings(self, embeddings: Tensor, lengths: Tensor) -> Tensor:
        """Everything forward() does after the embedding lookup, so rnnscope can take gradients
        with respect to the embeddings (attribution in the Error Browser)."""
        h, _ = self.lstm(embeddings)  # [B, T, H]
        # Unidirectional, so padding after a sequence's end cannot reach its last valid step.
        last = h[torch.arange(h.size(0)), lengths - 1]  # [B, H]
        return self.out(last)  # [B, classes]

    @torch.jit.export
    def interpret(self, inputs: Tensor, lengths: Tensor) -> Dict[str, Tensor]:
        x = self.embed(inputs)  # [B, T, E]
        batch, steps = inputs.size(0), inputs.size(1)
        # nn.LSTM returns the cell state of the last step only; stepping it one character at a
        # time gives the cell state at every step (same weights, same numbers as forward()).
        h = x.new_zeros(1, batch, self.lstm.hidden_size)
        c = x.new_zeros(1, batch, self.lstm.hidden_size)
        hs: List[Tensor] = []
        cs: List[Tensor] = []
        for t in range(steps):
            _, (h, c) = self.lstm(x[:, t:t + 1], (h, c))
            hs.append(h[0])
            cs.append(c[0])
        valid = (torch.arange(steps).unsqueeze(0) < lengths.unsqueeze(1)).unsqueeze(2)  # [B, T, 1]
        hidden = torch.stack(hs, 1) * valid  # [B, T, H], zero past each length
        cell = torch.stack(cs, 1) * valid  # [B, T, H]
        last = hidden[torch.arange(batch), lengths - 1]  # [B, H]
        return {
            "logits": self.out(last),  # [B, classes]
            "embeddings": x,  # [B, T, E]
            "inputs.lstm": x,  # what self.lstm read: the embeddings
            "states.lstm": hidden,
            "states.lstm.cell": cell,
            "lengths.lstm": lengths,
        }


class BracketGruClassifier(nn.Module):
    """The same classifier with a GRU: a standard model, with no interpret() (rnnscope finds its
    states in forward())."""

    def __init__(self, vocab_size: int, embed_size: int = 16, hidden_size: int = 64):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_size, padding_idx=0)
        self.gru = nn.GRU(embed_size, hidden_size, batch_first=True)
        self.out = nn.Linear(hidden_size, len(LABELS))

    def forward(self, inputs: Tensor, lengths: Tensor) -> Tensor:
        h, _ = self.gru(self.embed(inputs))  # [B, T, H]
        return self.out(h[torch.arange(h.size(0)), lengths - 1])


# --- training and evaluation --------------------------------------------------------------

def predict(model, rows, vocab, batch_size: int = 256) -> List[int]:
    preds: List[int] = []
    with torch.no_grad():
        for idx in common.minibatches(len(rows), batch_size):
            ids, lengths = common.pad_batch([common.encode(list(rows[i][0]), vocab) for i in idx])
            preds += model(ids, lengths).argmax(1).tolist()
    return preds


def best_depth_unit(model, rows, vocab) -> Tuple[float, str]:
    """Largest |Pearson r| between one hidden or cell unit and the nesting depth, over every
    character of the held-out set."""
    states, depths = [], []
    with torch.no_grad():
        for idx in common.minibatches(len(rows), 256):
            texts = [rows[i][0] for i in idx]
            ids, lengths = common.pad_batch([common.encode(list(t), vocab) for t in texts])
            if hasattr(model, "gru"):
                both, _ = model.gru(model.embed(ids))  # [B, T, H]
            else:
                out = model.interpret(ids, lengths)
                both = torch.cat([out["states.lstm"], out["states.lstm.cell"]], 2)  # [B, T, 2H]
            for b, text in enumerate(texts):
                states.append(both[b, :len(text)])
                depths += depth_profile(text)
    x = torch.cat(states).double()  # [N, 2H]
    d = torch.tensor(depths, dtype=torch.double)  # [N]
    x = x - x.mean(0)
    d = d - d.mean()
    r = (x * d[:, None]).sum(0) / (x.norm(dim=0) * d.norm() + 1e-12)  # [2H]
    best = int(r.abs().argmax())
    hidden = (model.gru if hasattr(model, "gru") else model.lstm).hidden_size
    name = f"{'hidden' if best < hidden else 'cell'} unit {best % hidden}"
    return float(r[best].abs()), name


def metadata(vocab: List[str], gru: bool, when: str = "") -> dict:
    cell = "GRU" if gru else "LSTM"
    return {
        "name": ("brackets_gru" if gru else "brackets") + (f" ({when})" if when else ""),
        "description": f"Character {cell} (16-d embedding, 64 units) that tells balanced from "
                       "unbalanced strings of (), [] and {} nested up to depth 10.",
        "task": "classification",
        "input": common.token_input_meta(vocab, "char"),
        "labels": LABELS,
    }


def main() -> None:
    def extra(parser):
        parser.add_argument("--cell", choices=["lstm", "gru"], default="lstm",
                            help="the recurrent layer (default lstm, the demo's)")
        parser.add_argument("--checkpoints", type=Path, default=None, metavar="DIR",
                            help="also save the model after every epoch into DIR")

    args = common.parse_args("brackets", __doc__.splitlines()[0], epochs=8, extra=extra)
    gru = args.cell == "gru"
    rng = common.seed_everything(args.seed)
    clock = common.Stopwatch()

    train, test = make_splits(rng, n_train=20000, n_test=1500)
    common.write_tsv(args.out / "brackets.tsv", test)
    common.write_tsv(args.out / "brackets-train.tsv", train)
    vocab = [common.PAD, common.UNK] + list(OPEN + CLOSE)
    label_id = {label: i for i, label in enumerate(LABELS)}
    train_ids = [common.encode(list(text), vocab) for text, _ in train]
    train_y = torch.tensor([label_id[label] for _, label in train])

    model = BracketGruClassifier(len(vocab)) if gru else BracketClassifier(len(vocab))
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)
    if args.weights_from:
        common.load_weights(model, args.weights_from)
    if args.checkpoints and not args.weights_from:  # the untrained model, as the run's start
        args.checkpoints.mkdir(parents=True, exist_ok=True)
        common.save_model(model, args.checkpoints / "brackets-epoch0.pt",
                          metadata(vocab, gru, "before training"))
    for epoch in range(0 if args.weights_from else args.epochs):
        model.train()
        total = 0.0
        for idx in common.bucketed_minibatches([len(t) for t in train_ids], 32, rng):
            ids, lengths = common.pad_batch([train_ids[i] for i in idx])
            loss = nn.functional.cross_entropy(model(ids, lengths), train_y[idx])
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            total += float(loss) * len(idx)
        schedule.step()
        model.eval()
        preds = predict(model, test, vocab)
        acc = sum(p == label_id[label] for p, (_, label) in zip(preds, test)) / len(test)
        print(f"epoch {epoch + 1:2d}  loss {total / len(train):.4f}  held-out acc {acc:.4f}"
              f"  ({clock.seconds():.0f} s)", flush=True)
        if args.checkpoints:
            args.checkpoints.mkdir(parents=True, exist_ok=True)
            common.save_model(model, args.checkpoints / f"brackets-epoch{epoch + 1}.pt",
                              metadata(vocab, gru, f"after epoch {epoch + 1}"))
    train_seconds, train_cpu_seconds = clock.seconds(), clock.cpu_seconds()
    if args.weights_from:  # keep what the training that made these weights cost
        earlier = json.loads((args.out / ("metrics_gru.json" if gru else "metrics.json")).read_text())
        train_seconds, train_cpu_seconds = earlier["train_seconds"], earlier["train_cpu_seconds"]

    scripted = common.save_model(model, args.out / ("brackets_gru.pt" if gru else "brackets.pt"),
                                 metadata(vocab, gru))

    # Metrics from the saved TorchScript model: what rnnscope will load.
    preds = predict(scripted, test, vocab)
    right = [p == label_id[label] for p, (_, label) in zip(preds, test)]

    def accuracy(keep) -> float:  # over the held-out samples for which keep(text, label)
        chosen = [ok for ok, (text, label) in zip(right, test) if keep(text, label)]
        return sum(chosen) / len(chosen)

    # A scripted nn.GRU cannot be called from Python: the eager model has the same weights.
    r, unit = best_depth_unit(model if gru else scripted, test, vocab)
    common.write_metrics(args.out, {
        "samples": len(test),
        "accuracy": accuracy(lambda text, label: True),
        "accuracy_balanced": accuracy(lambda text, label: label == "balanced"),
        # Unbalanced strings of even length: no parity count can catch these.
        "accuracy_unbalanced_even_length":
            accuracy(lambda text, label: label == "unbalanced" and len(text) % 2 == 0),
        "best_depth_unit_abs_pearson": r,
        "best_depth_unit": unit,
        "train_seconds": round(train_seconds, 1),
        "train_cpu_seconds": round(train_cpu_seconds, 1),
    }, "metrics_gru.json" if gru else "metrics.json")


if __name__ == "__main__":
    main()
