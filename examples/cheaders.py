"""C headers: a character-level LSTM language model on the C headers under /usr/include, and the
hidden states it produces over held-out header text, for the projection benchmark (bench/projection).

Data: the *.h files under /usr/include, in sorted path order, printable ASCII only. Real text that
nobody here wrote, with structure an LSTM learns to track (comments, strings, brackets, #if
blocks). The first 90% of the characters train the model; the states are taken on the rest.

Model: character embedding (32) -> nn.LSTM (32 -> 128) -> linear over the vocabulary, trained
with truncated backpropagation on 64-character windows. interpret() returns the logits, the
embeddings and `states.lstm`, per docs/model-contract.md (task "language_model").

    /usr/bin/python3 examples/cheaders.py [--out DIR] [--epochs N] [--seed S]
        [--states N [N ...]] [--states-dir DIR]

Writes <out>/cheaders.pt, cheaders.tsv (held-out lines: a dataset to open in rnnscope) and
metrics.json; with --states, <states-dir>/cheaders-<N>.npy: float32 [N, 128], the LSTM's hidden
state after each of N consecutive held-out characters (the model reads the held-out text as 64
parallel streams, each carrying its state along). A model already in <out> is reused, so
asking for more states later costs seconds. Two threads, a few minutes in all.
"""

import argparse
import math
import random
import sys
from pathlib import Path
from typing import Dict, List

import numpy as np
import torch
from torch import Tensor, nn

import common

HEADERS = Path("/usr/include")
MAX_CHARS = 4_400_000  # enough for 1M held-out states at a 25% share and a real training set
HIDDEN = 128
# Debian's PyTorch multiplies matrices with the reference BLAS (~1 GFLOP/s): one step of 32
# windows of 64 characters costs about a second, so the model trains for a few hundred steps
# (~2.6 bits/char held out). Enough for states with structure; the benchmark needs no more.
WINDOW = 64
BATCH = 32
STEPS_PER_EPOCH = 100
STREAMS = 64


def read_headers(limit: int) -> str:
    """Printable ASCII of the headers, in a fixed order, up to `limit` characters."""
    parts, total = [], 0
    for path in sorted(HEADERS.rglob("*.h")):
        try:
            text = path.read_bytes().decode("ascii", errors="ignore")
        except OSError:
            continue
        text = "".join(c for c in text if c == "\n" or 32 <= ord(c) < 127)
        parts.append(text)
        total += len(text)
        if total >= limit:
            break
    return "".join(parts)[:limit]


class CharLstm(nn.Module):
    def __init__(self, vocab_size: int):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, 32, padding_idx=0)
        self.lstm = nn.LSTM(32, HIDDEN, batch_first=True)
        self.out = nn.Linear(HIDDEN, vocab_size)

    def forward(self, inputs: Tensor, lengths: Tensor) -> Tensor:
        return self.interpret(inputs, lengths)["logits"]

    @torch.jit.export
    def interpret(self, inputs: Tensor, lengths: Tensor) -> Dict[str, Tensor]:
        x = self.embed(inputs)  # [B, T, 32]
        states, _ = self.lstm(x)  # [B, T, 128]; unidirectional: padding never reaches valid steps
        return {"logits": self.out(states), "embeddings": x, "inputs.lstm": x,
                "states.lstm": states}


def train(model: CharLstm, ids: torch.Tensor, epochs: int, rng: random.Random) -> float:
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
    lengths = torch.full((BATCH,), WINDOW, dtype=torch.long)
    loss = torch.tensor(0.0)
    for epoch in range(epochs):
        total = 0.0
        for _ in range(STEPS_PER_EPOCH):
            starts = [rng.randrange(0, len(ids) - WINDOW - 1) for _ in range(BATCH)]
            batch = torch.stack([ids[s:s + WINDOW + 1] for s in starts])  # [B, WINDOW + 1]
            logits = model(batch[:, :-1], lengths)  # [B, WINDOW, V]
            loss = nn.functional.cross_entropy(logits.reshape(-1, logits.size(-1)),
                                               batch[:, 1:].reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            total += loss.item()
        print(f"epoch {epoch + 1}/{epochs}: loss {total / STEPS_PER_EPOCH:.3f} "
              f"({total / STEPS_PER_EPOCH / math.log(2):.2f} bits/char)", flush=True)
    return float(loss)


@torch.no_grad()
def held_out_bits(model: CharLstm, ids: torch.Tensor, chars: int = 50_000) -> float:
    ids = ids[:chars + 1]
    x = ids[:-1].view(1, -1)
    states, _ = model.lstm(model.embed(x))
    logits = model.out(states)[0]
    return float(nn.functional.cross_entropy(logits, ids[1:]) / math.log(2))


@torch.no_grad()
def hidden_states(model: CharLstm, ids: torch.Tensor, n: int) -> np.ndarray:
    """[n, 128] float32: the hidden state after each of n held-out characters. The text is cut
    into STREAMS consecutive pieces run as one batch, each piece carrying its state."""
    per_stream = (n + STREAMS - 1) // STREAMS
    if per_stream * STREAMS > len(ids):
        sys.exit(f"cheaders.py: {n} states need {per_stream * STREAMS} held-out characters; "
                 f"only {len(ids)} were read (raise MAX_CHARS)")
    x = ids[:per_stream * STREAMS].view(STREAMS, per_stream)
    states = []
    h = None
    for start in range(0, per_stream, 2000):
        out, h = model.lstm(model.embed(x[:, start:start + 2000]), h)
        states.append(out)
    h_all = torch.cat(states, dim=1).reshape(-1, HIDDEN)  # [STREAMS * per_stream, 128]
    return h_all[:n].numpy().astype(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=common.REPO / "resources" / "demo" / "cheaders")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--states", type=int, nargs="*", default=[],
                        help="dump this many held-out hidden states (one file per count)")
    parser.add_argument("--states-dir", type=Path, default=None,
                        help="folder for cheaders-<N>.npy (default: --out)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    states_dir = args.states_dir or args.out
    states_dir.mkdir(parents=True, exist_ok=True)

    rng = common.seed_everything(args.seed)
    torch.set_num_threads(2)  # the machine has two cores; results stay fixed for a thread count
    clock = common.Stopwatch()
    text = read_headers(MAX_CHARS)
    vocab = common.build_vocab([text], [common.PAD, common.UNK])
    index = {c: i for i, c in enumerate(vocab)}
    ids = torch.tensor([index[c] for c in text], dtype=torch.long)
    cut = int(len(ids) * 0.75)
    train_ids, test_ids = ids[:cut], ids[cut:]
    print(f"{len(text):,} characters of /usr/include headers, vocabulary {len(vocab)}; "
          f"{len(train_ids):,} train, {len(test_ids):,} held out")

    model_path = args.out / "cheaders.pt"
    model = CharLstm(len(vocab))
    if model_path.exists():
        # Reuse the trained weights: the archive keeps the same parameters.
        scripted = torch.jit.load(str(model_path))
        model.load_state_dict(scripted.state_dict())
        print(f"reusing {model_path}")
    else:
        train(model, train_ids, args.epochs, rng)
        model.eval()
        meta = {"name": "cheaders", "task": "language_model",
                "description": "character LSTM language model on /usr/include C headers",
                "input": common.token_input_meta(vocab, "char")}
        common.save_model(model, model_path, meta)
        lines = [line for line in text[cut:cut + 200_000].split("\n") if line.strip()][:2000]
        common.write_tsv(args.out / "cheaders.tsv", [[line.replace("\t", " ")] for line in lines])
        common.write_metrics(args.out, {
            "held_out_bits_per_char": held_out_bits(model, test_ids),
            "train_seconds": clock.seconds(),
        })
    model.eval()
    for n in args.states:
        path = states_dir / f"cheaders-{n}.npy"
        states = hidden_states(model, test_ids, n)
        np.save(path, states)
        print(f"wrote {path}: {states.shape[0]:,} x {states.shape[1]} float32")


if __name__ == "__main__":
    main()
