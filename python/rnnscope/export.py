"""rnnscope.export(): a trained PyTorch model to a file rnnscope opens, in one call.

It writes what docs/model-contract.md asks for — a TorchScript archive with rnnscope.json — and
then runs the checks of examples/check_model.py on the file it wrote. Models whose forward()
does not take a padded batch of token ids are wrapped, never rewritten:

- input="one_hot": forward() takes one-hot float vectors (the character-level name classifier
  tutorial's lineToTensor); the wrapper makes them from the ids.
- batched=False: forward() takes one sequence without a batch dimension (the LSTM part-of-speech
  tagger tutorial's `sentence`); the wrapper calls it once per sample.
- time_major=True: forward() takes [T, B, ...] (nn.RNN's default layout).
"""

import json
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Union

import torch
from torch import Tensor, nn

TASKS = ("classification", "tagging", "language_model", "regression")


class ExportError(Exception):
    """What export() could not do, in words that say what to change."""


class _Inputs(nn.Module):
    """forward(inputs: [B, T] ids) for a model that reads its input in another form (its forward
    takes the input alone)."""

    def __init__(self, model: nn.Module, one_hot: int, batched: bool, time_major: bool):
        super().__init__()
        self.model = model
        self.one_hot = one_hot  # the one-hot width, 0 for ids
        self.batched = batched
        self.time_major = time_major

    def form(self, ids: Tensor) -> Tensor:
        if self.one_hot > 0:
            return nn.functional.one_hot(ids, self.one_hot).float()
        return ids

    def forward(self, inputs: Tensor) -> Tensor:
        if self.batched:
            x = self.form(inputs)
            if self.time_major:
                x = x.transpose(0, 1)
            return self.model(x)
        outputs: List[Tensor] = []
        for row in inputs:  # one call per sample, as the model was written
            x = self.form(row)
            if self.one_hot > 0:
                x = x.unsqueeze(1)  # [T, 1, V]: the batch of one the model expects
            out = self.model(x)
            outputs.append(out if out.dim() > 1 and out.size(0) == 1 else out.unsqueeze(0))
        return torch.cat(outputs, 0)


class _InputsWithLengths(nn.Module):
    """forward(inputs: [B, T] ids, lengths: [B]) for a batched model whose forward(x, lengths)
    reads one-hot vectors or time-major input."""

    def __init__(self, model: nn.Module, one_hot: int, time_major: bool):
        super().__init__()
        self.model = model
        self.one_hot = one_hot
        self.time_major = time_major

    def forward(self, inputs: Tensor, lengths: Tensor) -> Tensor:
        x = nn.functional.one_hot(inputs, self.one_hot).float() if self.one_hot > 0 else inputs
        if self.time_major:
            x = x.transpose(0, 1)
        return self.model(x, lengths)


def _forward_arguments(model: nn.Module) -> int:
    """How many arguments the model's forward() takes (self excluded)."""
    import inspect
    try:
        return len([p for p in inspect.signature(model.forward).parameters.values()
                    if p.default is inspect.Parameter.empty])
    except (TypeError, ValueError):
        return 1


def _vocabulary(vocab) -> List[str]:
    """A list of tokens, id i at position i, from a list, a {token: id} dict, or an object with
    get_itos() (torchtext) or id_to_piece() (SentencePiece)."""
    if isinstance(vocab, dict):
        ids = sorted(vocab.values())
        if ids != list(range(len(ids))):
            raise ExportError("the vocab dict's ids must be 0, 1, 2, ... with no gaps")
        by_id = {i: t for t, i in vocab.items()}
        return [str(by_id[i]) for i in range(len(ids))]
    if hasattr(vocab, "get_itos"):
        return [str(t) for t in vocab.get_itos()]
    if hasattr(vocab, "id_to_piece") and hasattr(vocab, "get_piece_size"):
        return [vocab.id_to_piece(i) for i in range(vocab.get_piece_size())]
    if isinstance(vocab, str):
        return list(vocab)
    return [str(t) for t in vocab]


def _embedding_rows(model: nn.Module) -> List[int]:
    return [m.num_embeddings for m in model.modules() if isinstance(m, nn.Embedding)]


def export(model: nn.Module, path: Union[str, Path], *, task: str, vocab,
           labels: Optional[Sequence[str]] = None, tokenizer: str = "char",
           lowercase: bool = False, normalize: Optional[list] = None,
           pad: Optional[str] = None, unk: Optional[str] = None,
           input: str = "ids", batched: bool = True, time_major: bool = False,
           name: Optional[str] = None, check: bool = True) -> Path:
    """Saves `model` so rnnscope opens it, and checks the file. Returns the path.

    task: "classification", "tagging", "language_model" or "regression".
    vocab: the input tokens, id i first at position i (a list, a string of characters, a dict
        {token: id}, a torchtext vocab or a SentencePiece processor).
    labels: class or tag names, logit i first (classification, tagging).
    tokenizer: "char" or "whitespace"; lowercase: lowercase text before looking tokens up.
    normalize: the model's own text preprocessing, declared (input.normalize in
        docs/model-contract.md): "lowercase", "strip_accents", "separate_punctuation", "trim" or
        {"replace": REGEX, "with": TEXT}, in order.
    pad, unk: the padding token (must be vocab[0]) and the token unknown ones become; found by
        name ("<pad>", "<unk>") when not given; a model without them still opens.
    input: "ids" (forward takes token ids) or "one_hot" (float one-hot vectors over vocab).
    batched: forward() takes a batch; False when it takes one sequence at a time.
    time_major: forward() takes [T, B, ...] rather than [B, T, ...].

    The file holds the model in eval mode (dropout off); `model` itself is given back in the
    mode it came in, so export() can save a checkpoint in the middle of training.
    """
    path = Path(path)
    if task not in TASKS:
        raise ExportError(f"task must be one of {', '.join(TASKS)}; seq2seq models need "
                          f"interpret() and generate() (docs/model-contract.md)")
    if task in ("classification", "tagging") and not labels:
        raise ExportError(f"a {task} model needs labels=[...], the name of each logit")
    if isinstance(vocab, dict) and not vocab:
        raise ExportError("the vocabulary is empty")
    if input not in ("ids", "one_hot"):
        raise ExportError('input must be "ids" or "one_hot"')
    tokens = _vocabulary(vocab)
    if len(set(tokens)) != len(tokens):
        raise ExportError("the vocabulary has a token twice; each token needs its own id")
    rows = _embedding_rows(model)
    if input == "ids" and rows and len(tokens) not in rows:
        raise ExportError(f"the vocabulary has {len(tokens)} tokens, but the model's "
                          f"nn.Embedding has {', '.join(map(str, rows))} rows: pass the "
                          f"vocabulary the model was trained with")
    spec: Dict = {"type": "tokens", "tokenizer": tokenizer, "vocab": tokens,
                  "lowercase": lowercase}
    if normalize:
        spec["normalize"] = list(normalize)
    pad = pad if pad is not None else next(
        (t for t in ("<pad>", "<PAD>", "[PAD]") if t in tokens), None)
    unk = unk if unk is not None else next(
        (t for t in ("<unk>", "<UNK>", "[UNK]", "<oov>", "<OOV>") if t in tokens), None)
    if pad is not None:
        if tokens[0] != pad:
            raise ExportError(f"the padding token {pad!r} must have id 0")
        spec["pad"] = pad
    if unk is not None:
        if unk not in tokens:
            raise ExportError(f"unk {unk!r} is not in the vocabulary")
        spec["unk"] = unk
    meta: Dict = {"task": task, "input": spec, "name": name or path.stem}
    if labels:
        meta["labels"] = [str(label) for label in labels]

    # Saved in eval mode (dropout off), but given back as it came: export() is called from
    # training loops (one checkpoint per epoch), whose dropout must stay on.
    modes = [(module, module.training) for module in model.modules()]
    try:
        return _save(model, path, meta, tokens, input, batched, time_major, check)
    finally:
        for module, training in modes:
            module.train(training)


def _save(model: nn.Module, path: Path, meta: Dict, tokens, input: str, batched: bool,
          time_major: bool, check: bool) -> Path:
    model = model.eval()
    wrapped = model
    one_hot = len(tokens) if input == "one_hot" else 0
    takes_lengths = _forward_arguments(model) >= 2
    if takes_lengths and not batched:
        raise ExportError("batched=False is for a forward() that takes one sequence alone; this "
                          "forward() also takes lengths, so it reads a batch: leave batched=True")
    if input == "one_hot" or not batched or time_major:
        wrapped = (_InputsWithLengths(model, one_hot, time_major) if takes_lengths
                   else _Inputs(model, one_hot, batched, time_major)).eval()
    try:
        saved = torch.jit.script(wrapped)
    except Exception as e:  # TorchScript's own message says which line it cannot compile
        why = " ".join(line.strip() for line in str(e).strip().splitlines()[:3])
        raise ExportError(f"torch.jit.script cannot compile the model: {why}. Make forward() "
                          f"scriptable (docs/your-model.md, \"Scripted or traced\"): rnnscope "
                          f"also opens a traced model saved with torch.jit.save, when its "
                          f"forward() has no shape-dependent loops") from e
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.jit.save(saved, str(path), _extra_files={"rnnscope.json": json.dumps(meta)})
    if check:
        from rnnscope.check import check as run_checks
        failures = run_checks(str(path))
        if failures:
            raise ExportError(f"{path} was written, but {len(failures)} check(s) failed: "
                              + "; ".join(failures))
    return path
