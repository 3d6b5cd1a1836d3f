"""Fortunes: a word-level classifier on real quotes, which tells the fortune file (category) a
quote was filed in: computers, definitions, politics, science, startrek or zippy.

Data: Debian's `fortunes` and `fortunes-min` packages (/usr/share/games/fortunes/<category>,
quotes separated by lines holding a single "%"); install them with
`apt-get install fortunes fortunes-min`. Nobody here wrote these texts, which is the point.

Model: embedding -> bidirectional nn.LSTM (run packed, so padding never reaches the reverse
direction) -> attention pooling over the valid words -> linear. interpret() returns the pooling
weights as `attention` [B, 1, T], so rnnscope shows which words the decision rested on.

    /usr/bin/python3 examples/fortunes.py [--out DIR] [--epochs N] [--seed S]

Writes <out>/fortunes.pt, fortunes.tsv (held-out split, text<TAB>label), fortunes-train.tsv and
metrics.json. This model is not committed: it is the example to train yourself on real text.
"""

import re
import sys
from pathlib import Path
from typing import Dict, List, Tuple

import torch
from torch import Tensor, nn

import common

FORTUNES = Path("/usr/share/games/fortunes")
CATEGORIES = ["computers", "definitions", "politics", "science", "startrek", "zippy"]
PER_CATEGORY = 450  # cap, so the big files do not drown the small ones
MAX_WORDS = 80


# --- data ---------------------------------------------------------------------------------

def clean(quote: str) -> str:
    """One line, punctuation split off words: the file keeps the text the whitespace tokenizer
    reads, so "Hello, world." is stored as "Hello , world ." and "world" is one known word."""
    quote = re.sub(r"([^\w\s']+)", r" \1 ", quote)
    return " ".join(quote.split())


def read_category(name: str) -> List[str]:
    text = (FORTUNES / name).read_text(encoding="utf-8", errors="replace")
    quotes = [clean(q) for q in re.split(r"^%\n", text, flags=re.M)]
    return [q for q in quotes if q and len(q.split()) <= MAX_WORDS]


def make_splits(rng) -> Tuple[List[Tuple[str, str]], List[Tuple[str, str]]]:
    """80/20 per category, so every category is in both splits in proportion."""
    train, test = [], []
    for name in CATEGORIES:
        quotes = sorted(set(read_category(name)))
        rng.shuffle(quotes)
        quotes = quotes[:PER_CATEGORY]
        cut = len(quotes) // 5
        test += [(q, name) for q in quotes[:cut]]
        train += [(q, name) for q in quotes[cut:]]
    rng.shuffle(train)
    return train, test


# --- model --------------------------------------------------------------------------------

class FortuneClassifier(nn.Module):
    def __init__(self, vocab_size: int, classes: int, embed_size: int = 64, hidden_size: int = 64):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_size, padding_idx=0)
        self.dropout = nn.Dropout(0.3)
        self.lstm = nn.LSTM(embed_size, hidden_size, batch_first=True, bidirectional=True)
        self.score = nn.Linear(2 * hidden_size, 1)  # attention pooling: one score per word
        self.out = nn.Linear(2 * hidden_size, classes)

    def forward(self, inputs: Tensor, lengths: Tensor) -> Tensor:
        return self.interpret(inputs, lengths)["logits"]

    @torch.jit.export
    def logits_from_embeddings(self, embeddings: Tensor, lengths: Tensor) -> Tensor:
        """The logits as a function of the embeddings, for attribution (docs/model-contract.md)."""
        return self.from_embeddings(embeddings, lengths)["logits"]

    @torch.jit.export
    def interpret(self, inputs: Tensor, lengths: Tensor) -> Dict[str, Tensor]:
        return self.from_embeddings(self.embed(inputs), lengths)

    def from_embeddings(self, x: Tensor, lengths: Tensor) -> Dict[str, Tensor]:
        read = self.dropout(x)  # what the LSTM reads; the same as x in eval()
        packed = nn.utils.rnn.pack_padded_sequence(read, lengths, batch_first=True,
                                                   enforce_sorted=False)
        h, _ = self.lstm(packed)
        h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=x.size(1))
        valid = torch.arange(x.size(1)).unsqueeze(0) < lengths.unsqueeze(1)  # [B, T]
        scores = self.score(h).squeeze(2).masked_fill(~valid, float("-inf"))  # [B, T]
        weights = torch.softmax(scores, dim=1)  # [B, T], zero on padding
        pooled = torch.bmm(weights.unsqueeze(1), h).squeeze(1)  # [B, 2H]
        return {
            "logits": self.out(self.dropout(pooled)),  # [B, classes]
            "attention": weights.unsqueeze(1),  # [B, 1, T]
            "embeddings": x,
            "inputs.lstm": read,
            "lengths.lstm": lengths,
            "states.lstm": h,  # [B, T, 2H], forward then reverse half, zero past each length
        }


# --- training and evaluation --------------------------------------------------------------

def predict(model, rows, vocab) -> List[int]:
    preds: List[int] = []
    with torch.no_grad():
        for idx in common.minibatches(len(rows), 128):
            tokens = [common.tokenize(rows[i][0], "whitespace", lowercase=True) for i in idx]
            ids, lengths = common.pad_batch([common.encode(t, vocab) for t in tokens])
            preds += model(ids, lengths).argmax(1).tolist()
    return preds


def main() -> None:
    args = common.parse_args("fortunes", __doc__.splitlines()[0], epochs=8)
    if not FORTUNES.is_dir():
        sys.exit(f"{FORTUNES} not found: apt-get install fortunes fortunes-min")
    rng = common.seed_everything(args.seed)
    clock = common.Stopwatch()

    train, test = make_splits(rng)
    common.write_tsv(args.out / "fortunes.tsv", test)
    common.write_tsv(args.out / "fortunes-train.tsv", train)
    tokens = [common.tokenize(text, "whitespace", True) for text, _ in train]
    # Words seen once are mostly names and typos; as <unk> they teach the model about unknowns.
    vocab = common.build_vocab(tokens, [common.PAD, common.UNK], min_count=2)
    train_ids = [common.encode(t, vocab) for t in tokens]
    train_y = torch.tensor([CATEGORIES.index(label) for _, label in train])
    print(f"{len(train)} training and {len(test)} held-out quotes, {len(vocab)} words")

    model = FortuneClassifier(len(vocab), len(CATEGORIES))
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-5)
    for epoch in range(args.epochs):
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
        model.eval()
        preds = predict(model, test, vocab)
        acc = sum(p == CATEGORIES.index(label) for p, (_, label) in zip(preds, test)) / len(test)
        print(f"epoch {epoch + 1:2d}  loss {total / len(train):.4f}  held-out acc {acc:.4f}"
              f"  ({clock.seconds():.0f} s)", flush=True)

    train_seconds, train_cpu_seconds = clock.seconds(), clock.cpu_seconds()

    meta = {
        "name": "fortunes",
        "description": "Word-level bidirectional LSTM with attention pooling that tells which "
                       "Debian fortune file a quote comes from.",
        "task": "classification",
        "input": common.token_input_meta(vocab, "whitespace", lowercase=True),
        "labels": CATEGORIES,
    }
    scripted = common.save_model(model, args.out / "fortunes.pt", meta)
    preds = predict(scripted, test, vocab)  # the saved model, as rnnscope sees it
    truth = [CATEGORIES.index(label) for _, label in test]
    metrics: Dict[str, object] = {
        "samples": len(test),
        "accuracy": sum(p == t for p, t in zip(preds, truth)) / len(test),
        "majority_baseline": max(truth.count(i) for i in range(len(CATEGORIES))) / len(test),
    }
    for i, name in enumerate(CATEGORIES):
        metrics[f"recall_{name}"] = sum(p == i for p, t in zip(preds, truth) if t == i) \
            / truth.count(i)
    metrics["train_seconds"] = round(train_seconds, 1)
    metrics["train_cpu_seconds"] = round(train_cpu_seconds, 1)
    common.write_metrics(args.out, metrics)


if __name__ == "__main__":
    main()
