"""Pieces shared by the rnnscope example scripts (dates.py, brackets.py, fortunes.py).

Each script builds a dataset, trains a small recurrent model on the CPU and saves it as a
TorchScript archive that follows docs/model-contract.md. What they share lives here: command
line, seeding, vocabularies, padding, TSV files, saving with the rnnscope.json metadata and the
final metrics printout.

Run the scripts with Debian's interpreter, /usr/bin/python3 (it has python3-torch).
"""

import argparse
import collections
import json
import os
import random
import time
from pathlib import Path
from typing import Dict, Iterator, List, Sequence, Tuple

import torch

REPO = Path(__file__).resolve().parent.parent

# Special tokens. The contract wants the padding token at index 0 of every vocabulary, so that
# generate() can pad finished sequences with id 0 and embeddings can use padding_idx=0.
PAD, UNK, BOS, EOS = "<pad>", "<unk>", "<bos>", "<eos>"


def parse_args(name: str, description: str, epochs: int, extra=None) -> argparse.Namespace:
    """--out/--epochs/--seed, the same for every script; `extra(parser)` adds a script's own."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, default=REPO / "resources" / "demo" / name,
                        help="folder for the model, the dataset files and metrics.json "
                             "(default: resources/demo/%(prog)s's name)")
    parser.add_argument("--epochs", type=int, default=epochs, help="passes over the training set")
    parser.add_argument("--seed", type=int, default=0,
                        help="seeds the data generator, the split and the weights")
    parser.add_argument("--weights-from", type=Path, default=None, metavar="MODEL.pt",
                        help="skip training and take the weights of an earlier export of the "
                             "same model (to re-export it with a new method)")
    if extra:
        extra(parser)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    return args


def seed_everything(seed: int) -> random.Random:
    """Makes a run repeatable: same seed, same data, same weights, same metrics.

    One thread: the machine is shared with C++ builds, and a fixed thread count also keeps
    floating-point reductions in the same order from run to run."""
    random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    return random.Random(seed)


# --- tokens and vocabularies --------------------------------------------------------------

def tokenize(text: str, tokenizer: str, lowercase: bool = False) -> List[str]:
    """The two tokenizers rnnscope re-implements in C++: one token per character, or
    whitespace-separated words. Keep them this simple, or the app would tokenize differently."""
    if lowercase:
        text = text.lower()
    if tokenizer == "char":
        return list(text)
    if tokenizer == "whitespace":
        return text.split()
    raise ValueError(f"unknown tokenizer {tokenizer!r}")


def build_vocab(token_lists: Sequence[Sequence[str]], specials: Sequence[str],
                min_count: int = 1) -> List[str]:
    """specials first (PAD must be first), then tokens by falling frequency, ties by name,
    so the same data always gives the same ids."""
    counts = collections.Counter(t for tokens in token_lists for t in tokens)
    words = sorted((t for t, c in counts.items() if c >= min_count and t not in specials),
                   key=lambda t: (-counts[t], t))
    assert specials[0] == PAD
    return list(specials) + words


def encode(tokens: Sequence[str], vocab: Sequence[str]) -> List[int]:
    index = {t: i for i, t in enumerate(vocab)}
    unk = index.get(UNK)
    return [index[t] if t in index else unk for t in tokens]


def token_input_meta(vocab: Sequence[str], tokenizer: str, lowercase: bool = False) -> dict:
    """The `input` entry of rnnscope.json for a token model."""
    return {"type": "tokens", "tokenizer": tokenizer, "vocab": list(vocab),
            "pad": PAD, "unk": UNK, "lowercase": lowercase}


# --- batches ------------------------------------------------------------------------------

def pad_batch(seqs: Sequence[Sequence[int]], pad: int = 0) -> Tuple[torch.Tensor, torch.Tensor]:
    """Right-pads id lists: returns ids [B, T] int64 and lengths [B] int64."""
    lengths = torch.tensor([len(s) for s in seqs], dtype=torch.long)
    ids = torch.full((len(seqs), int(lengths.max())), pad, dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, :len(s)] = torch.tensor(s, dtype=torch.long)
    return ids, lengths


def minibatches(n: int, batch_size: int, rng: random.Random = None) -> Iterator[List[int]]:
    """Index lists covering range(n); shuffled with rng when given, in order otherwise."""
    order = list(range(n))
    if rng is not None:
        rng.shuffle(order)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


def bucketed_minibatches(lengths: Sequence[int], batch_size: int,
                         rng: random.Random) -> List[List[int]]:
    """Shuffled batches of similar lengths. The Debian PyTorch here multiplies matrices with the
    reference BLAS, so every padded step costs real time: sorting each pool of 50 batches by
    length before cutting it roughly halves an epoch, while the pools keep batches random."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    pool = 50 * batch_size
    batches = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start:start + pool], key=lambda i: lengths[i])
        batches += [chunk[i:i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


# --- files --------------------------------------------------------------------------------

def write_tsv(path: Path, rows: Sequence[Sequence[str]]) -> None:
    """One sample per line, fields separated by TAB, no header (the format rnnscope reads)."""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            for field in row:
                assert "\t" not in field and "\n" not in field, field
            f.write("\t".join(row) + "\n")


def load_weights(module: torch.nn.Module, archive: Path) -> None:
    """Copies the parameters of an earlier TorchScript export of the same model into `module`."""
    module.load_state_dict(torch.jit.load(str(archive)).state_dict())
    print(f"weights from {archive}: training skipped")


def save_model(module: torch.nn.Module, path: Path, meta: dict) -> torch.jit.ScriptModule:
    """Scripts the module and saves it with rnnscope.json, the metadata rnnscope reads."""
    module.eval()
    scripted = torch.jit.script(module)
    torch.jit.save(scripted, str(path), _extra_files={"rnnscope.json": json.dumps(meta)})
    print(f"saved {path} ({os.path.getsize(path) / 1024:.0f} KiB)")
    return scripted


def write_metrics(out: Path, metrics: Dict[str, object], name: str = "metrics.json") -> None:
    """Prints the held-out metrics and keeps them in <out>/<name>."""
    print("held-out metrics:")
    width = max(len(k) for k in metrics)
    for key, value in metrics.items():
        text = f"{value:.4f}" if isinstance(value, float) else str(value)
        print(f"  {key:<{width}}  {text}")
    with open(out / name, "w", encoding="utf-8") as f:
        json.dump(metrics, f, indent=2)
        f.write("\n")


class Stopwatch:
    """Wall-clock and CPU seconds since creation. Both are reported: on a machine shared with
    compiles the wall-clock time says little, the CPU time (one thread) says what training costs."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.cpu_start = time.process_time()

    def seconds(self) -> float:
        return time.monotonic() - self.start

    def cpu_seconds(self) -> float:
        return time.process_time() - self.cpu_start
