"""Reference results for rnnscope's interventions, computed by hand in PyTorch.

For three models — the brackets demo (LSTM), lstm_bi.pt (2-layer bidirectional LSTM over packed
sequences with attention pooling) and seq2seq.pt (bidirectional GRU encoder, GRU decoder called
step by step, teacher forced) — every recurrent layer is unrolled here step by step from the
saved weights, with the replacement of docs/interventions.md applied as each value is computed,
and everything after it (the next step, the layer above, attention, the head, the decoder) reading
the replaced value. Nothing here calls rnnscope or the model's own recurrent modules.

    /usr/bin/python3 tests/models/intervention_reference.py BRACKETS.pt TEST_MODELS_DIR OUT.json

OUT.json: {"cases": [{"model", "input", "target", "interventions": [{"spec", "steps"}],
"logits": [[...]], "track": name, "track_values": [[...]]}], "ablation": {...}}, where
track_values are the intervened run's values of the first intervention's state, one row per step,
and "ablation" is the brackets demo's dataset scored with cell units 24, 45 and 0 zeroed in turn
(and, for unit 45, per deepest nesting of the strings).
"""

import json
import sys
from typing import Dict, List, Optional, Tuple

import torch
from torch import Tensor

torch.set_grad_enabled(False)

LSTM_GATES = ["gate.input", "gate.forget", "gate.cell", "gate.output"]
GRU_GATES = ["gate.reset", "gate.update", "gate.new"]


class Edit:
    """One intervention: (module, layer, direction, kind), units, and what they become."""

    def __init__(self, spec: str, module: str, layer: int, direction: int, kind: str,
                 units: List[int], value: Optional[float] = None, scale: Optional[float] = None,
                 steps: str = ""):
        self.spec, self.steps = spec, steps
        self.module, self.layer, self.direction, self.kind = module, layer, direction, kind
        self.units, self.value, self.scale = units, value, scale
        if steps:
            a, dash, b = steps.partition("-")  # "A-B", "A-" (to the end) or "A"
            self.first = int(a) - 1
            self.last = int(b) - 1 if b else (10 ** 9 if dash else self.first)
        else:
            self.first, self.last = 0, 10 ** 9

    def apply(self, v: Tensor, position: int) -> Tensor:  # v: [H]
        if not (self.first <= position <= self.last):
            return v
        v = v.clone()
        for u in self.units:
            v[u] = v[u] * self.scale if self.scale is not None else self.value
        return v


def edits_of(edits: List[Edit], module: str, layer: int, direction: int, kind: str) -> List[Edit]:
    return [e for e in edits if (e.module, e.layer, e.direction, e.kind) ==
            (module, layer, direction, kind)]


def weights(rnn, layer: int, direction: int):
    sfx = f"_l{layer}" + ("_reverse" if direction else "")
    return (getattr(rnn, "weight_ih" + sfx), getattr(rnn, "weight_hh" + sfx),
            getattr(rnn, "bias_ih" + sfx), getattr(rnn, "bias_hh" + sfx))


def run_direction(kind: str, rnn, module: str, layer: int, direction: int, x: Tensor, h: Tensor,
                  c: Optional[Tensor], edits: List[Edit], first_position: int = 0):
    """x: [T, I] of one sample. Returns outputs [T, H] in input order, final h, final c, and
    every kind's per-step values (input order)."""
    w_ih, w_hh, b_ih, b_hh = weights(rnn, layer, direction)
    steps = x.size(0)
    order = range(steps - 1, -1, -1) if direction else range(steps)
    hidden = rnn.hidden_size
    out = [None] * steps
    record: Dict[str, List[Tensor]] = {}

    def put(name, t, v):
        record.setdefault(name, [None] * steps)[t] = v

    def edit(name, v, position):
        for e in edits_of(edits, module, layer, direction, name):
            v = e.apply(v, position)
        return v

    for t in order:
        position = t if direction else first_position + t
        if kind == "LSTM":
            g = x[t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh
            acts = [torch.sigmoid(g[:hidden]), torch.sigmoid(g[hidden:2 * hidden]),
                    torch.tanh(g[2 * hidden:3 * hidden]), torch.sigmoid(g[3 * hidden:])]
            acts = [edit(LSTM_GATES[k], a, position) for k, a in enumerate(acts)]
            i, f, gg, o = acts
            c = edit("cell", f * c + i * gg, position)
            h = edit("hidden", o * torch.tanh(c), position)
            put("cell", t, c)
            for k, a in enumerate(acts):
                put(LSTM_GATES[k], t, a)
        else:  # GRU
            gi = x[t] @ w_ih.T + b_ih
            gh = h @ w_hh.T + b_hh
            r = edit("gate.reset", torch.sigmoid(gi[:hidden] + gh[:hidden]), position)
            z = edit("gate.update", torch.sigmoid(gi[hidden:2 * hidden] + gh[hidden:2 * hidden]),
                     position)
            n = edit("gate.new", torch.tanh(gi[2 * hidden:] + r * gh[2 * hidden:]), position)
            h = edit("hidden", (1 - z) * n + z * h, position)
            for name, a in zip(GRU_GATES, [r, z, n]):
                put(name, t, a)
        put("hidden", t, h)
        out[t] = h
    return torch.stack(out), h, c, {k: torch.stack(v) for k, v in record.items()}


def run_rnn(kind: str, rnn, module: str, x: Tensor, edits: List[Edit], h0=None, c0=None,
            first_position: int = 0):
    """Every layer and direction of `rnn` over one sample x [T, I]."""
    dirs = 2 if rnn.bidirectional else 1
    finals_h, records = [], {}
    for layer in range(rnn.num_layers):
        outs = []
        for d in range(dirs):
            idx = layer * dirs + d
            h = h0[idx] if h0 is not None else torch.zeros(rnn.hidden_size)
            c = c0[idx] if c0 is not None else torch.zeros(rnn.hidden_size)
            o, h, c, rec = run_direction(kind, rnn, module, layer, d, x, h,
                                         c if kind == "LSTM" else None, edits, first_position)
            outs.append(o)
            finals_h.append(h)
            for k, v in rec.items():
                records[(layer, d, k)] = v
        x = torch.cat(outs, 1)
    return x, torch.stack(finals_h), records


def track_name(module: str, layer: int, direction: int, kind: str) -> str:
    name = f"{module}_l{layer}_{'rev' if direction else 'fwd'}_{kind}"
    return "".join(ch if ch.isalnum() else "_" for ch in name)


def ids(text: str, vocab: List[str]) -> Tensor:
    index = {t: i for i, t in enumerate(vocab)}
    return torch.tensor([index.get(ch, index["<unk>"]) for ch in text])


def brackets(model, vocab, text: str, edits: List[Edit]):
    x = model.embed.weight[ids(text, vocab)]
    out, _, rec = run_rnn("LSTM", model.lstm, "lstm", x, edits)
    logits = out[-1] @ model.out.weight.T + model.out.bias
    return logits.unsqueeze(0), rec


def lstm_bi(model, vocab, text: str, edits: List[Edit]):
    x = model.embed.weight[ids(text, vocab)]
    h, _, rec = run_rnn("LSTM", model.rnn, "rnn", x, edits)  # [T, 12]
    score = (h @ model.score.weight.T + model.score.bias).squeeze(1)
    w = torch.softmax(score, 0)
    pooled = (w.unsqueeze(1) * h).sum(0)
    return (pooled @ model.out.weight.T + model.out.bias).unsqueeze(0), rec


def seq2seq(model, vocab, target_vocab, text: str, target: str, edits: List[Edit]):
    enc = model.encoder
    x = enc.embed.weight[ids(text, vocab)]
    memory, h_n, rec = run_rnn("GRU", enc.rnn, "encoder.rnn", x, edits)  # [T_in, 12], [2, 6]
    h = torch.tanh(torch.cat([h_n[0], h_n[1]]) @ enc.bridge.weight.T + enc.bridge.bias)  # [6]
    dec = model.decoder
    tgt = [target_vocab.index("<bos>")] + ids(target, target_vocab).tolist() + \
        [target_vocab.index("<eos>")]
    logits, decoder_rec = [], {}
    for t in range(len(tgt) - 1):
        query = h @ dec.query.weight.T + dec.query.bias  # [12]
        weights = torch.softmax(memory @ query, 0)  # [T_in]
        context = weights @ memory  # [12]
        step_in = torch.cat([dec.embed.weight[tgt[t]], context]).unsqueeze(0)  # [1, 20]
        out, h_last, step_rec = run_rnn("GRU", dec.rnn, "decoder.rnn", step_in, edits,
                                        h0=h.unsqueeze(0), first_position=t)
        h = h_last[0]
        for k, v in step_rec.items():
            decoder_rec.setdefault(k, []).append(v[0])
        logits.append(torch.cat([out[0], context]) @ dec.out.weight.T + dec.out.bias)
    rec.update({k: torch.stack(v) for k, v in decoder_rec.items()})
    return torch.stack(logits), rec


def brackets_ablation(model, vocab, labels, data_path: str, units: List[int]) -> Dict:
    """Every sample of the brackets dataset at once (padded), with each of `units` of the cell
    state set to zero at every step, one unit at a time: accuracy, mean cross-entropy of the
    true label and mean probability of it, as rnnscope's ablation sweep reports them."""
    rows = [line.rstrip("\n").split("\t") for line in open(data_path, encoding="utf-8")]
    rows = [r for r in rows if len(r) == 2]
    lengths = torch.tensor([len(t) for t, _ in rows])
    steps = int(lengths.max())
    index = {t: i for i, t in enumerate(vocab)}
    ids_ = torch.zeros(len(rows), steps, dtype=torch.long)
    for n, (text, _) in enumerate(rows):
        ids_[n, :len(text)] = torch.tensor([index.get(ch, index["<unk>"]) for ch in text])
    truth = torch.tensor([labels.index(label) for _, label in rows])
    x = model.embed.weight[ids_]  # [N, T, E]
    w_ih, w_hh, b_ih, b_hh = weights(model.lstm, 0, 0)
    hidden = model.lstm.hidden_size

    def run(unit: Optional[int]) -> Tuple[Tensor, Tensor]:
        """Each sample's probabilities of the classes, and the true label's."""
        h = torch.zeros(len(rows), hidden)
        c = torch.zeros(len(rows), hidden)
        last = torch.zeros(len(rows), hidden)
        for t in range(steps):
            g = x[:, t] @ w_ih.T + b_ih + h @ w_hh.T + b_hh
            i, f = torch.sigmoid(g[:, :hidden]), torch.sigmoid(g[:, hidden:2 * hidden])
            gg, o = torch.tanh(g[:, 2 * hidden:3 * hidden]), torch.sigmoid(g[:, 3 * hidden:])
            c = f * c + i * gg
            if unit is not None:
                c[:, unit] = 0.0
            h = o * torch.tanh(c)
            ends = lengths == t + 1
            last[ends] = h[ends]
        probs = torch.softmax(last @ model.out.weight.T + model.out.bias, 1)
        return probs, probs[torch.arange(len(rows)), truth]

    def score(unit: Optional[int]) -> Dict:
        probs, p_true = run(unit)
        return {"accuracy": float((probs.argmax(1) == truth).double().mean()),
                "loss": float((-p_true.double().log()).mean()),
                "reference_probability": float(p_true.double().mean())}

    def by_depth(unit: int) -> Dict:
        """Accuracy per deepest nesting of the string (the largest count of opened minus closed
        brackets after any of its characters, counted by hand; negative for a string of closing
        brackets), as the model computes and with `unit` zeroed."""
        deepest = []
        for text, _ in rows:
            depth, best = 0, -10 ** 9
            for ch in text:
                depth += 1 if ch in "([{" else -1 if ch in ")]}" else 0
                best = max(best, depth)
            deepest.append(best)
        right = (run(None)[0].argmax(1) == truth).tolist()
        right_ablated = (run(unit)[0].argmax(1) == truth).tolist()
        groups: Dict[str, Dict] = {}
        for d, a, b in zip(deepest, right, right_ablated):
            g = groups.setdefault(str(d), {"samples": 0, "right": 0, "right_ablated": 0})
            g["samples"] += 1
            g["right"] += int(a)
            g["right_ablated"] += int(b)
        return groups

    return {"data": data_path, "track": "lstm_l0_fwd_cell", "baseline": score(None),
            "units": {str(u): score(u) for u in units}, "by_depth_45": by_depth(45)}


def main() -> None:
    brackets_path, test_models, out_path = sys.argv[1], sys.argv[2], sys.argv[3]
    cases = []

    def case(model_name, path, fn, text, edits, target=""):
        logits, rec = fn(text, edits)
        first = edits[0]
        cases.append({
            "model": path, "name": model_name, "input": text, "target": target,
            "interventions": [{"spec": e.spec, "steps": e.steps} for e in edits],
            "logits": logits.tolist(),
            "track": track_name(first.module, first.layer, first.direction, first.kind),
            "track_values": rec[(first.layer, first.direction, first.kind)].tolist()})

    m = torch.jit.load(brackets_path)
    vocab = _meta(brackets_path)["input"]["vocab"]
    run = lambda text, edits: brackets(m, vocab, text, edits)  # noqa: E731
    text = "(([])[(]))"
    case("brackets", brackets_path, run, text,
         [Edit("lstm_l0_fwd_hidden[3,7]=0", "lstm", 0, 0, "hidden", [3, 7], value=0.0)])
    case("brackets", brackets_path, run, text,
         [Edit("lstm_l0_fwd_cell[5,10-12]=0.5", "lstm", 0, 0, "cell", [5, 10, 11, 12],
               value=0.5, steps="2-4")])
    case("brackets", brackets_path, run, text,
         [Edit("lstm_l0_fwd_cell[1]=x2.5", "lstm", 0, 0, "cell", [1], scale=2.5, steps="3-")])
    case("brackets", brackets_path, run, text,
         [Edit("lstm_l0_fwd_gate_forget[0-63]=1", "lstm", 0, 0, "gate.forget",
               list(range(64)), value=1.0, steps="4-6"),
          Edit("lstm_l0_fwd_hidden[0-31]=-0.25", "lstm", 0, 0, "hidden", list(range(32)),
               value=-0.25, steps="9")])

    path = f"{test_models}/lstm_bi.pt"
    m = torch.jit.load(path)
    vocab = _meta(path)["input"]["vocab"]
    run = lambda text, edits: lstm_bi(m, vocab, text, edits)  # noqa: E731
    case("lstm_bi", path, run, "abc(d)e",
         [Edit("rnn_l0_rev_hidden[0,2]=0", "rnn", 0, 1, "hidden", [0, 2], value=0.0,
               steps="3-5")])
    case("lstm_bi", path, run, "abc(d)e",
         [Edit("rnn_l1_fwd_cell[4]=2", "rnn", 1, 0, "cell", [4], value=2.0, steps="2"),
          Edit("rnn_l0_fwd_gate_output[1-3]=x0", "rnn", 0, 0, "gate.output", [1, 2, 3],
               scale=0.0)])

    path = f"{test_models}/seq2seq.pt"
    m = torch.jit.load(path)
    meta = _meta(path)
    run = lambda text, edits: seq2seq(m, meta["input"]["vocab"],  # noqa: E731
                                      meta["target_vocab"], text, "abcd", edits)
    case("seq2seq", path, run, "hello",
         [Edit("decoder_rnn_l0_fwd_hidden[1,4]=0.75", "decoder.rnn", 0, 0, "hidden", [1, 4],
               value=0.75, steps="2-3")], target="abcd")
    case("seq2seq", path, run, "hello",
         [Edit("encoder_rnn_l0_rev_gate_update[0-5]=1", "encoder.rnn", 0, 1, "gate.update",
               list(range(6)), value=1.0, steps="2")], target="abcd")

    # The hand unroll itself, without interventions, must be the models' own computation.
    for c in cases:
        m = torch.jit.load(c["model"])
        meta = _meta(c["model"])
        src = ids(c["input"], meta["input"]["vocab"]).unsqueeze(0)
        lengths = torch.tensor([src.size(1)])
        if c["name"] == "seq2seq":
            tv = meta["target_vocab"]
            tgt = torch.cat([torch.tensor([tv.index("<bos>")]), ids(c["target"], tv),
                             torch.tensor([tv.index("<eos>")])]).unsqueeze(0)
            own = m.interpret(src, lengths, tgt, torch.tensor([tgt.size(1)]))["logits"][0]
            mine = seq2seq(m, meta["input"]["vocab"], tv, c["input"], c["target"], [])[0]
        else:
            own = m.interpret(src, lengths)["logits"]
            fn = brackets if c["name"] == "brackets" else lstm_bi
            mine = fn(m, meta["input"]["vocab"], c["input"], [])[0]
        assert (own - mine).abs().max() < 1e-5, (c["name"], (own - mine).abs().max())

    m = torch.jit.load(brackets_path)
    meta = _meta(brackets_path)
    ablation = brackets_ablation(m, meta["input"]["vocab"], meta["labels"],
                                 brackets_path[:-3] + ".tsv", [24, 45, 0])
    with open(out_path, "w") as f:
        json.dump({"cases": cases, "ablation": ablation}, f)


def _meta(path: str) -> dict:
    extra = {"rnnscope.json": ""}
    torch.jit.load(path, _extra_files=extra)
    return json.loads(extra["rnnscope.json"])


if __name__ == "__main__":
    main()
