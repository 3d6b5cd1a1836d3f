"""Standard PyTorch models with no interpret() (#22: "your own model in a few lines"), written
beside the other test models, and what PyTorch itself computes for them.

The models are written as a user writes them: an embedding, nn.LSTM / nn.GRU / nn.RNN, a linear
head, forward() returning the logits, nothing exported for rnnscope. Some are scripted, some
traced (torch.jit.trace), and forward() takes the token ids alone or ids and lengths:

    standard_lstm.pt         classification; 1-layer bidirectional LSTM over a packed sequence;
                             forward(inputs, lengths); head on the final hidden states
    standard_lstm_traced.pt  the same model, traced with a batch of two lengths
    standard_gru.pt          tagging; 2-layer GRU, batch first; forward(inputs) only
    standard_gru_traced.pt   the same model, traced
    standard_rnn_traced.pt   classification; 2-layer RNN relu, time-major (batch_first=False);
                             forward(inputs) only, traced
    standard_unbatched.pt    tagging; reads one sentence [T] at a time (the LSTM tagger
                             tutorial's forward), saved by rnnscope.export(batched=False), which
                             calls it once per sample of a batch

standard_reference.json holds, for a few inputs each run alone, the logits and every layer's and
direction's hidden state (and LSTM cell) per step, computed here by stepping one-layer,
one-direction copies of each module with its weights, one step at a time:

    {"inputs": [TEXT, ...], "models": {FILE: {"logits": [[[...]]], "embeddings": [[[...]]],
     "tracks": [{"sample", "module", "layer", "direction", "kind", "values": [[...]]}],
     "gradient": [[...]]}}}

"gradient" is d logit / d embeddings of the first input's first output (class 0), by autograd:
what attribution of a model without logits_from_embeddings() must reproduce.
"""

import json
import sys
from pathlib import Path
from typing import Dict, List

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence

INPUTS = ["hello world", "abc", "a (b) c", "z", "bca"]


class StandardLstm(nn.Module):
    def __init__(self, vocab: int):
        super().__init__()
        self.embedding = nn.Embedding(vocab, 6, padding_idx=0)
        self.lstm = nn.LSTM(6, 8, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(16, 3)

    def forward(self, inputs: Tensor, lengths: Tensor) -> Tensor:
        packed = pack_padded_sequence(self.embedding(inputs), lengths, batch_first=True,
                                      enforce_sorted=False)
        _, (h, _) = self.lstm(packed)
        return self.fc(torch.cat([h[-2], h[-1]], dim=1))


class StandardGru(nn.Module):
    def __init__(self, vocab: int):
        super().__init__()
        self.embedding = nn.Embedding(vocab, 5)
        self.gru = nn.GRU(5, 7, num_layers=2, batch_first=True)
        self.tags = nn.Linear(7, 3)

    def forward(self, inputs: Tensor) -> Tensor:
        out, _ = self.gru(self.embedding(inputs))
        return self.tags(out)


class Unbatched(nn.Module):
    def __init__(self, vocab: int):
        super().__init__()
        self.embedding = nn.Embedding(vocab, 4)
        self.lstm = nn.LSTM(4, 5)
        self.tags = nn.Linear(5, 3)

    def forward(self, sentence: Tensor) -> Tensor:
        out, _ = self.lstm(self.embedding(sentence).view(len(sentence), 1, -1))
        return self.tags(out.view(len(sentence), -1))


class StandardRnn(nn.Module):
    def __init__(self, vocab: int):
        super().__init__()
        self.embedding = nn.Embedding(vocab, 4)
        self.rnn = nn.RNN(4, 6, num_layers=2, nonlinearity="relu")
        self.out = nn.Linear(6, 2)

    def forward(self, inputs: Tensor) -> Tensor:
        out, _ = self.rnn(self.embedding(inputs).transpose(0, 1))
        return self.out(out[-1])


def layer_copy(module: nn.RNNBase, layer: int, direction: int) -> nn.RNNBase:
    """A one-layer, one-direction copy of `module`'s layer and direction."""
    suffix = f"_l{layer}" + ("_reverse" if direction else "")
    w_ih = getattr(module, "weight_ih" + suffix)
    kind = type(module).__name__
    if kind == "RNN":
        copy = nn.RNN(w_ih.size(1), module.hidden_size, nonlinearity=module.nonlinearity,
                      batch_first=True)
    else:
        copy = getattr(nn, kind)(w_ih.size(1), module.hidden_size, batch_first=True)
    with torch.no_grad():
        for name in ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]:
            getattr(copy, name + "_l0").copy_(getattr(module, name + suffix))
    return copy


def step_by_step(module: nn.RNNBase, x: Tensor) -> List[Dict]:
    """Every layer and direction of `module` over x [T, I] (one sample), one step at a time."""
    tracks = []
    layer_input = x
    for layer in range(module.num_layers):
        outputs = []
        for direction in range(2 if module.bidirectional else 1):
            copy = layer_copy(module, layer, direction)
            order = range(x.size(0)) if direction == 0 else reversed(range(x.size(0)))
            h = torch.zeros(1, 1, module.hidden_size)
            c = torch.zeros(1, 1, module.hidden_size)
            hidden = [None] * x.size(0)
            cell = [None] * x.size(0)
            for t in order:
                step = layer_input[t].view(1, 1, -1)
                if isinstance(copy, nn.LSTM):
                    _, (h, c) = copy(step, (h, c))
                    cell[t] = c.view(-1)
                else:
                    _, h = copy(step, h)
                hidden[t] = h.view(-1)
            hidden_t = torch.stack(hidden)
            outputs.append(hidden_t)
            tracks.append({"layer": layer, "direction": direction, "kind": "hidden",
                           "values": hidden_t.tolist()})
            if isinstance(copy, nn.LSTM):
                tracks.append({"layer": layer, "direction": direction, "kind": "cell",
                               "values": torch.stack(cell).tolist()})
        layer_input = torch.cat(outputs, dim=1)
    return tracks


def gradient_of_first_logit(model: nn.Module, text: str, ids: Dict[str, int]) -> List:
    """d logit[class 0] / d embeddings of `text` alone (the first output position), by autograd,
    with the embedding's output swapped in by a forward hook."""
    x = torch.tensor([[ids[c] for c in text]])
    embedded = model.embedding(x).detach().requires_grad_(True)
    hook = model.embedding.register_forward_hook(lambda module, inputs, output: embedded)
    with torch.enable_grad():
        args = (x, torch.tensor([x.size(1)])) if isinstance(model, StandardLstm) else \
            (x[0],) if isinstance(model, Unbatched) else (x,)
        logits = model(*args)
        chosen = logits[0, 0] if logits.dim() == 2 else logits[0, 0, 0]
        (gradient,) = torch.autograd.grad(chosen, embedded)
    hook.remove()
    return gradient[0].tolist()


def write(out: Path, chars: List[str], meta_of) -> None:
    """Saves the standard models into `out` and their reference; `meta_of(task)` gives the
    rnnscope.json of a task over the `chars` vocabulary."""
    torch.manual_seed(22)
    vocab = len(chars)
    ids = {c: i for i, c in enumerate(chars)}
    lstm, gru, rnn = StandardLstm(vocab).eval(), StandardGru(vocab).eval(), StandardRnn(vocab).eval()
    unbatched = Unbatched(vocab).eval()
    example = torch.tensor([[2, 3, 4, 5, 6], [7, 8, 9, 0, 0]])
    example_lengths = torch.tensor([5, 3])
    saved = {
        "standard_lstm.pt": (torch.jit.script(lstm), lstm, "classification", "lstm"),
        "standard_lstm_traced.pt": (torch.jit.trace(lstm, (example, example_lengths)), lstm,
                                    "classification", "lstm"),
        "standard_gru.pt": (torch.jit.script(gru), gru, "tagging", "gru"),
        "standard_gru_traced.pt": (torch.jit.trace(gru, example), gru, "tagging", "gru"),
        "standard_rnn_traced.pt": (torch.jit.trace(rnn, example), rnn, "classification", "rnn"),
    }
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python"))
    import rnnscope
    rnnscope.export(unbatched, out / "standard_unbatched.pt", task="tagging", vocab=chars,
                    labels=meta_of("tagging", "")["labels"], batched=False, check=False)
    saved["standard_unbatched.pt"] = (None, unbatched, "tagging", "lstm")
    reference = {"inputs": INPUTS, "models": {}}
    with torch.no_grad():
        for name, (saved_module, model, task, path) in saved.items():
            if saved_module is not None:
                torch.jit.save(saved_module, str(out / name),
                               _extra_files={"rnnscope.json": json.dumps(meta_of(task, name))})
            entry = {"logits": [], "embeddings": [], "tracks": []}
            for sample, text in enumerate(INPUTS):
                x = torch.tensor([[ids[c] for c in text]])
                args = (x, torch.tensor([x.size(1)])) if model is lstm else \
                    (x[0],) if model is unbatched else (x,)
                entry["logits"].append(model(*args).view(-1, model(*args).size(-1)).tolist())
                embedded = model.embedding(x)[0]
                entry["embeddings"].append(embedded.tolist())
                for track in step_by_step(getattr(model, path), embedded):
                    # the export wrapper holds the model as `model`
                    entry["tracks"].append(dict(track, sample=sample, module=(
                        "model." + path if model is unbatched else path)))
            entry["gradient"] = gradient_of_first_logit(model, INPUTS[0], ids)
            reference["models"][name] = entry
    (out / "standard_reference.json").write_text(json.dumps(reference))
