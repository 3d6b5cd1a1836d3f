"""Checks that a TorchScript model follows rnnscope's model contract (docs/model-contract.md).

    /usr/bin/python3 examples/check_model.py MODEL.pt [--data FILE.tsv]

(examples/check_model.py runs this module; rnnscope.export() runs check() on what it saved.)

Loads the archive with its rnnscope.json, runs interpret() on a small padded batch (the first
lines of --data, or random tokens from the model's vocabulary) and prints:
  * a standard model without interpret() (docs/your-model.md): which recurrent modules rnnscope
    will capture from forward()'s own calls, and whether forward() runs on other lengths and
    batch sizes (a traced model may not);
  * the metadata and every key interpret() returns, with its shape;
  * whether padding leaks: each sample run alone must give the same logits as in the batch;
  * logits_from_embeddings(), when exported: the same logits as forward() from the embeddings;
  * for every nn.LSTM / nn.GRU / nn.RNN submodule, whether its input can be rebuilt from
    `inputs.<path>` (+ `h0.<path>`, `c0.<path>`): the module is run on it, and also unrolled by
    hand from its weights (what rnnscope does), and both are compared with `states.<path>`
    (and `states.<path>.cell`) when the model exposes them. Max abs diff must be <= 1e-5;
  * which recurrent modules each method calls where rnnscope's interventions can reach them.
Exits with status 1 when a check fails.
"""

import argparse
import json
import random
import re
import sys
import unicodedata
from typing import Dict, List, Optional, Tuple

import torch
from torch import Tensor

TOLERANCE = 1e-5
RECURRENT = ("LSTM", "GRU", "RNN")
failures: List[str] = []


def fail(message: str) -> None:
    failures.append(message)
    print(f"  FAIL: {message}")


def shape(t: Tensor) -> str:
    return f"[{', '.join(str(s) for s in t.shape)}] {str(t.dtype).replace('torch.', '')}"


# --- a small batch ------------------------------------------------------------------------

def normalized(text: str, steps: list) -> str:
    """input.normalize, as rnnscope applies it (docs/model-contract.md)."""
    for step in steps:
        if step == "lowercase":
            text = text.lower()
        elif step == "strip_accents":
            text = "".join(c for c in unicodedata.normalize("NFD", text)
                           if unicodedata.category(c) != "Mn")
        elif step == "separate_punctuation":
            text = "".join(f" {c} " if unicodedata.category(c).startswith("P") else c
                           for c in text)
        elif step == "trim":
            text = text.strip()
        elif isinstance(step, dict) and "replace" in step:
            text = re.sub(step["replace"], step.get("with", ""), text)
        else:
            fail(f"input.normalize: {step!r} is not a step rnnscope knows")
    return text


def tokenize(text: str, spec: dict) -> List[str]:
    text = normalized(text, spec.get("normalize", []))
    if spec.get("lowercase"):
        text = text.lower()
    return list(text) if spec["tokenizer"] == "char" else text.split()


def encode(tokens: List[str], vocab: List[str], unk: Optional[str]) -> List[int]:
    index = {t: i for i, t in enumerate(vocab)}
    return [index.get(t, index.get(unk, 0)) for t in tokens]


def pad(seqs: List[List[int]]) -> Tuple[Tensor, Tensor]:
    lengths = torch.tensor([len(s) for s in seqs])
    ids = torch.zeros(len(seqs), int(lengths.max()), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, :len(s)] = torch.tensor(s)
    return ids, lengths


def feature_columns(header: List[str], first_row: List[str]) -> List[int]:
    """The feature columns of a series CSV, as rnnscope reads them (docs/datasets.md): not the
    sequence/id column, not the time (named t/time/date/datetime/timestamp, or ISO dates), not
    target/target_* columns."""
    names = [h.strip().strip('"').lower() for h in header]
    time_names = {"t", "time", "date", "datetime", "timestamp"}
    iso = re.compile(r"^\d{4}-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?)?$")
    time = next((i for i, n in enumerate(names) if n in time_names), None)
    if time is None:
        time = next((i for i, c in enumerate(first_row) if iso.match(c.strip().strip('"'))), None)
    return [i for i, n in enumerate(names)
            if n not in ("sequence", "id") and i != time
            and n != "target" and not n.startswith("target_")]


def by_model_names(header: List[str], columns: List[int], model_names: List[str],
                   data: str) -> Optional[List[int]]:
    """The feature columns in the model's order when the file names the model's features
    (input.names), as rnnscope reads them (docs/datasets.md, "Features by name"); `columns`
    unchanged when it names none of them; None (and a failure) when it names some but not all,
    or has other feature columns beside them."""
    if not model_names:
        return columns
    name_of = {i: header[i].strip().strip('"') for i in columns}
    found = {n.lower(): i for i, n in name_of.items()}
    ordered = [found[n.lower()] for n in model_names if n.lower() in found]
    if not ordered:
        return columns
    reads = ", ".join(model_names)
    absent = [f"'{n}'" for n in model_names if n.lower() not in found]
    if absent:
        fail(f"{data}: the model reads the features {reads}, but this file has no column named "
             f"{', '.join(absent)} (its feature columns: {', '.join(name_of.values())})")
        return None
    extra = [f"'{name_of[i]}'" for i in columns if i not in ordered]
    if len(extra) == 1:
        fail(f"{data}: column {extra[0]} is not a feature the model reads ({reads}); remove it, "
             f"or name it target_{extra[0][1:-1]} to keep it as a reference")
        return None
    if extra:
        fail(f"{data}: columns {', '.join(extra)} are not features the model reads ({reads}); "
             "remove them, or name them target_<name> to keep them as references")
        return None
    return ordered


def feature_batch(data: str, size: int,
                  model_names: Optional[List[str]] = None) -> Optional[Tuple[Tensor, Tensor]]:
    """Three windows of a feature dataset: the first rows of a series CSV (9, 4 and 6 of them),
    or the first three lines of a JSON Lines file ({"features": [...]}). None (and a failure)
    when they do not fit the model: the check goes on with random values."""
    windows = []
    if data.endswith(".jsonl"):
        with open(data, encoding="utf-8") as f:
            for _, line in zip(range(3), f):
                values = json.loads(line)["features"]
                windows.append([v if isinstance(v, list) else [v] for v in values])
    else:
        with open(data, encoding="utf-8") as f:
            text = [line.rstrip("\n") for line in f if line.strip()]
        if len(text) < 2:
            fail(f"{data} has no rows under its header: nothing to run the model on")
            return None
        delimiter = max([",", "\t", ";"], key=lambda d: text[0].count(d))
        rows = [line.split(delimiter) for line in text]
        columns = by_model_names(rows[0], feature_columns(rows[0], rows[1] if len(rows) > 1 else []),
                                 model_names or [], data)
        if columns is None:
            return None
        if len(columns) != size:
            fail(f"{data} has {len(columns)} feature columns "
                 f"({', '.join(rows[0][i] for i in columns)}), but the model reads {size} "
                 "features per step (input.size); name the time column t/time/date, and "
                 "targets target or target_*")
            return None
        try:
            body = [[float(r[i]) for i in columns] for r in rows[1:10]]
        except (ValueError, IndexError) as e:
            fail(f"{data}: the first rows are not numbers in every feature column ({e})")
            return None
        windows = [body[:n] for n in (9, 4, 6) if body[:n]]
    for w in windows:
        if len(w[0]) != size:
            fail(f"{data}: a window has {len(w[0])} features per step; the model reads {size}")
            return None
    lengths = torch.tensor([len(w) for w in windows])
    x = torch.zeros(len(windows), int(lengths.max()), size)
    for i, w in enumerate(windows):
        x[i, :len(w)] = torch.tensor(w)
    return (x, lengths)


def make_batch(meta: dict, data: Optional[str]) -> Tuple[Tensor, ...]:
    """Three samples of different lengths, so that padding is exercised."""
    spec = meta["input"]
    rng = random.Random(0)
    if spec["type"] == "features":
        batch = feature_batch(data, int(spec["size"]), spec.get("names")) if data else None
        if batch is not None:
            return batch
        lengths = torch.tensor([9, 4, 6])
        x = torch.randn(3, 9, int(spec["size"]), generator=torch.Generator().manual_seed(0))
        return (x, lengths)
    vocab = spec["vocab"]
    specials = {spec.get("pad"), spec.get("unk")}
    lines = []
    if data:
        with open(data, encoding="utf-8") as f:
            lines = [line.rstrip("\n").split("\t") for _, line in zip(range(3), f)]
    if lines:
        sources = [tokenize(line[0], spec) for line in lines]
    else:
        words = [t for t in vocab if t not in specials]
        sources = [[rng.choice(words) for _ in range(n)] for n in (9, 4, 6)]
    src, src_lengths = pad([encode(s, vocab, spec.get("unk")) for s in sources])
    if meta["task"] != "seq2seq":
        return (src, src_lengths)
    tvocab = meta["target_vocab"]
    if lines and len(lines[0]) > 1:
        targets = [tokenize(line[1], {"tokenizer": spec["tokenizer"]}) for line in lines]
    else:
        words = [t for t in tvocab if t not in (meta["bos"], meta["eos"], meta.get("pad"))]
        targets = [[rng.choice(words) for _ in range(n)] for n in (5, 3, 4)]
    tgt, tgt_lengths = pad([encode([meta["bos"]] + t + [meta["eos"]], tvocab, None)
                            for t in targets])
    return (src, src_lengths, tgt, tgt_lengths)


# --- unrolling a recurrent module by hand ---------------------------------------------------

def unroll(module, x: Tensor, h0: Optional[Tensor],
           c0: Optional[Tensor]) -> Tuple[Tensor, Optional[Tensor]]:
    """x [T, I] for one sample. Returns the top layer's hidden states [T, H * directions] and,
    for a single-layer LSTM, its cell states [T, H * directions]. Same equations as PyTorch's
    nn.LSTM / nn.GRU / nn.RNN documentation; this is what rnnscope does in C++."""
    mode = module.mode
    layers, dirs, hidden = module.num_layers, 2 if module.bidirectional else 1, module.hidden_size
    params = dict(module.named_parameters())
    cells: List[Tensor] = []
    for layer in range(layers):
        outs = []
        cells = []
        for d in range(dirs):
            sfx = f"_l{layer}" + ("_reverse" if d else "")
            w_ih, w_hh = params["weight_ih" + sfx], params["weight_hh" + sfx]
            b_ih = params.get("bias_ih" + sfx, torch.zeros(w_ih.size(0)))
            b_hh = params.get("bias_hh" + sfx, torch.zeros(w_hh.size(0)))
            k = layer * dirs + d
            h = h0[k, 0] if h0 is not None else torch.zeros(hidden)
            c = c0[k, 0] if c0 is not None else torch.zeros(hidden)
            steps = range(x.size(0) - 1, -1, -1) if d else range(x.size(0))
            hs, cs = [None] * x.size(0), [None] * x.size(0)
            for t in steps:
                gi, gh = w_ih @ x[t] + b_ih, w_hh @ h + b_hh
                if mode == "LSTM":
                    i, f, g, o = (gi + gh).chunk(4)
                    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
                    h = torch.sigmoid(o) * torch.tanh(c)
                elif mode == "GRU":
                    ir, iz, inn = gi.chunk(3)
                    hr, hz, hn = gh.chunk(3)
                    r, z = torch.sigmoid(ir + hr), torch.sigmoid(iz + hz)
                    n = torch.tanh(inn + r * hn)
                    h = (1 - z) * n + z * h
                else:
                    h = torch.tanh(gi + gh) if mode == "RNN_TANH" else torch.relu(gi + gh)
                hs[t], cs[t] = h, c
            outs.append(torch.stack(hs))
            cells.append(torch.stack(cs))
        x = torch.cat(outs, 1)  # the next layer reads both directions
    return x, (torch.cat(cells, 1) if module.mode == "LSTM" else None)


def run_module(m, seq: Tensor, hx) -> Tensor:
    """Calls a scripted recurrent submodule. nn.LSTM/GRU/RNN declare forward() as an overload
    (Tensor or PackedSequence input), so TorchScript compiles it as forward__0 (Tensor) and
    forward__1 (PackedSequence), and a loaded module has no method called forward."""
    forward = m.forward__0 if m._c._has_method("forward__0") else m.forward
    return forward(seq, hx)[0]


def module_lengths(path: str, out: Dict[str, Tensor], batch: Tuple[Tensor, ...],
                   task: str) -> Tensor:
    """Valid steps per sample for a module: lengths.<path>, else the rule of the contract."""
    if f"lengths.{path}" in out:
        return out[f"lengths.{path}"]
    steps = out[f"inputs.{path}"].size(1)
    if steps == batch[0].size(1):
        return batch[1]
    if task == "seq2seq" and steps == batch[2].size(1) - 1:
        return batch[3] - 1
    return torch.full_like(batch[1], steps)


def check_recurrent(model, out: Dict[str, Tensor], batch, task: str) -> None:
    modules = [(p, m) for p, m in model.named_modules() if m.original_name in RECURRENT]
    print(f"recurrent submodules: {', '.join(p for p, _ in modules) or 'none'}")
    for path, m in modules:
        kind = f"{m.mode}, {m.num_layers} layer(s){', bidirectional' if m.bidirectional else ''}"
        if f"inputs.{path}" not in out:
            print(f"  {path} ({kind}): no inputs.{path}; rnnscope cannot unroll it")
            continue
        x_all = out[f"inputs.{path}"]  # batch first by contract, whatever the module's layout
        h0_all, c0_all = out.get(f"h0.{path}"), out.get(f"c0.{path}")
        lengths = module_lengths(path, out, batch, task)
        states, cells = out.get(f"states.{path}"), out.get(f"states.{path}.cell")
        worst_module = worst_hand = 0.0
        for b in range(x_all.size(0)):
            n = int(lengths[b])
            x = x_all[b, :n]  # [T, I]
            h0 = h0_all[:, b:b + 1] if h0_all is not None else None
            c0 = c0_all[:, b:b + 1] if c0_all is not None else None
            hx = None if h0 is None else ((h0, c0 if c0 is not None else torch.zeros_like(h0))
                                          if m.mode == "LSTM" else h0)
            seq = x.unsqueeze(0) if m.batch_first else x.unsqueeze(1)
            with torch.no_grad():
                y = run_module(m, seq, hx)
            y = y[0] if m.batch_first else y[:, 0]  # [T, H * dirs]
            hand, hand_c = unroll(m, x, h0, c0)
            worst_hand = max(worst_hand, float((hand - y).abs().max()) if n else 0.0)
            if states is not None and n:
                worst_module = max(worst_module, float((states[b, :n] - y).abs().max()))
            if cells is not None and hand_c is not None and n and m.num_layers == 1:
                worst_module = max(worst_module, float((cells[b, :n] - hand_c).abs().max()))
        compared = "states" + (" and cells" if cells is not None else "") \
            if states is not None else "no states.<path> exposed"
        print(f"  {path} ({kind}): inputs {shape(x_all)}"
              f"{', h0 ' + shape(h0_all) if h0_all is not None else ''}"
              f"{', c0 ' + shape(c0_all) if c0_all is not None else ''}")
        print(f"    module run on inputs vs model's {compared}: max abs diff "
              f"{worst_module:.2e}" if states is not None else f"    {compared}")
        print(f"    hand unroll from weights vs module: max abs diff {worst_hand:.2e}")
        if worst_module > TOLERANCE or worst_hand > TOLERANCE:
            fail(f"{path}: rebuilt states differ by more than {TOLERANCE}")


# --- the checks ---------------------------------------------------------------------------

def check_meta(meta: dict) -> None:
    tasks = ("classification", "tagging", "language_model", "seq2seq", "regression")
    if meta.get("task") not in tasks:
        fail(f"task {meta.get('task')!r} is not one of {', '.join(tasks)}")
    spec = meta.get("input", {})
    if meta.get("task") in ("classification", "tagging") and not meta.get("labels"):
        fail(f"a {meta.get('task')} model needs \"labels\": the name of each logit")
    if spec.get("type") == "tokens":
        vocab = spec.get("vocab", [])
        if not isinstance(vocab, list) or not all(isinstance(t, str) for t in vocab):
            fail("input.vocab must be a list of tokens, token i having id i (not a dict)")
            return
        if not vocab:
            fail("input.vocab is empty")
        elif "pad" in spec and vocab[0] != spec["pad"]:
            fail("input.pad must be input.vocab[0]")
        if "unk" in spec and spec["unk"] not in vocab:
            fail("input.unk must be in input.vocab")
        if spec.get("tokenizer") not in ("char", "whitespace"):
            fail("input.tokenizer must be char or whitespace")
    elif spec.get("type") == "features":
        if len(spec.get("names", [])) not in (0, spec.get("size")):
            fail("input.names must have input.size names")
    else:
        fail("input.type must be tokens or features")
    if meta.get("task") in ("seq2seq", "language_model") and "target_vocab" in meta:
        tv = meta["target_vocab"]
        for key in ("bos", "eos"):
            if meta.get(key) not in tv:
                fail(f"{key} must be in target_vocab")
        if meta.get("pad", tv[0]) != tv[0]:
            fail("pad must be target_vocab[0]")


def expected_classes(meta: dict) -> Optional[int]:
    if meta["task"] in ("classification", "tagging"):
        return len(meta["labels"])
    if meta["task"] == "regression":
        return len(meta["outputs"])
    if "target_vocab" in meta:
        return len(meta["target_vocab"])
    return len(meta["input"]["vocab"])


def check_outputs(meta: dict, out: Dict[str, Tensor], batch) -> None:
    task, B = meta["task"], batch[0].size(0)
    T_in = batch[0].size(1)
    if "logits" not in out:
        fail("interpret() returned no logits")
        return
    logits = out["logits"]
    C = expected_classes(meta)
    if task == "seq2seq":
        want = [B, batch[2].size(1) - 1, C]
    elif task in ("tagging", "language_model"):
        want = [B, T_in, C]
    elif task == "regression":
        want = [B, C] if logits.dim() == 2 else [B, T_in, C]
    else:
        want = [B, C]
    if list(logits.shape) != want:
        fail(f"logits are {list(logits.shape)}, expected {want}")
    for key, value in out.items():
        if key == "embeddings" and (value.dim() != 3 or value.shape[:2] != (B, T_in)):
            fail(f"embeddings must be [B, T, E], got {list(value.shape)}")
        if key == "attention" or key.startswith("attention."):  # every attention layer
            t_out = want[1] if task == "seq2seq" else 1
            ok = value.shape[0] == B and value.shape[-1] == T_in and value.shape[-2] == t_out \
                and value.dim() in (3, 4)
            if not ok:
                fail(f"{key} must be [B, {t_out}, T_in] or [B, heads, {t_out}, T_in], "
                     f"got {list(value.shape)}")
        if key.startswith("states.") and (value.dim() != 3 or value.size(0) != B):
            fail(f"{key} must be [B, T, H], got {list(value.shape)}")


def check_padding(model, meta: dict, out: Dict[str, Tensor], batch,
                  method: str = "interpret") -> None:
    """Each sample alone must give the logits it got inside the padded batch."""
    worst = 0.0
    for b in range(batch[0].size(0)):
        n = int(batch[1][b])
        alone = [batch[0][b:b + 1, :n], batch[1][b:b + 1]]
        if meta["task"] == "seq2seq":
            m = int(batch[3][b])
            alone += [batch[2][b:b + 1, :m], batch[3][b:b + 1]]
        with torch.no_grad():
            logits = model.interpret(*alone)["logits"] if method == "interpret" \
                else model(*alone)
        batched = out["logits"][b:b + 1]
        if logits.dim() == 3:  # per step: compare the valid steps only
            batched = batched[:, :logits.size(1)]
        worst = max(worst, float((logits - batched).abs().max()))
    print(f"padding: each sample alone vs in the padded batch, max abs logit diff {worst:.2e}")
    if worst > TOLERANCE:
        fail("padding changes the results: use lengths (packing, gathering, masks)")


def check_attribution(model, meta: dict, out: Dict[str, Tensor], batch, forward: Tensor) -> None:
    """The optional logits_from_embeddings() must be forward() after the embedding lookup."""
    if not hasattr(model, "logits_from_embeddings"):
        print("logits_from_embeddings: not exported (no attribution in the Error Browser)")
        return
    if "embeddings" not in out:
        fail("logits_from_embeddings() is exported but interpret() returns no 'embeddings'")
        return
    with torch.no_grad():
        logits = model.logits_from_embeddings(out["embeddings"], *batch[1:])
    worst = float((logits - forward).abs().max())
    print(f"logits_from_embeddings(interpret()['embeddings']) vs forward(): max abs diff "
          f"{worst:.2e}")
    if worst > TOLERANCE:
        fail("logits_from_embeddings() does not compute what forward() does after the "
             "embedding lookup")


def check_generate(model, meta: dict, batch) -> None:
    with torch.no_grad():
        ids = model.generate(batch[0], batch[1], 20)
    print(f"generate(src, src_lengths, 20) -> {shape(ids)}")
    eos = meta["target_vocab"].index(meta["eos"])
    for row in ids.tolist():
        if eos in row and any(i != 0 for i in row[row.index(eos) + 1:]):
            fail("generate() must pad with 0 after eos")


def check_decoder_steps(model, meta: dict, batch) -> None:
    """decode_start()/decode_step() (optional): batch first, and greedy stepping writes exactly
    what generate() writes for every sample of the batch."""
    has = [hasattr(model, m) for m in ("decode_start", "decode_step")]
    if not any(has):
        print("decode_start()/decode_step(): not exported (the Beam Tree panel and "
              "rnnscope-cli beam need them; docs/model-contract.md, \"Stepping the decoder\")")
        return
    if not all(has):
        fail("export both decode_start() and decode_step(), or neither")
        return
    from rnnscope.decoding import greedy_by_steps  # noqa: E402 (only for seq2seq models)
    vocab = meta["target_vocab"]
    bos, eos = vocab.index(meta["bos"]), vocab.index(meta["eos"])
    with torch.no_grad():
        state = model.decode_start(batch[0], batch[1])
        for key, value in state.items():
            if value.dim() == 0 or value.size(0) != batch[0].size(0):
                fail(f"decode_start()['{key}'] is {shape(value)}: every state tensor must have "
                     f"the batch first ({batch[0].size(0)} sentences)")
                return
        generated = model.generate(batch[0], batch[1], 20)
    for b in range(batch[0].size(0)):
        length = int(batch[1][b])
        stepped, _ = greedy_by_steps(model, batch[0][b:b + 1, :length], batch[1][b:b + 1],
                                     bos, eos, 20)
        want = [i for i in generated[b].tolist()]
        if eos in want:
            want = want[:want.index(eos) + 1]
        if stepped != want:
            fail(f"greedy decoding with decode_step() writes {stepped} for sample {b + 1}, "
                 f"generate() {want}: decode_step() must compute one step of generate()'s loop")
            return
    print(f"decode_step(): greedy stepping writes what generate() writes "
          f"({batch[0].size(0)} samples)")


def recurrent_calls(model, method: str) -> Dict[str, int]:
    """The nn.LSTM / nn.GRU / nn.RNN modules `method` calls, by attribute path, with how many call
    sites each has: what rnnscope's interventions (docs/interventions.md) reach. It finds them as
    rnnscope does, in the method's inlined graph, as aten::lstm / gru / rnn_tanh / rnn_relu
    calls whose weights are the module's."""
    graph = model._c._get_method(method).graph.copy()
    torch._C._jit_pass_inline(graph)
    self_value = next(graph.inputs())
    found: Dict[str, int] = {}

    def path_of(value) -> Optional[str]:
        node = value.node()
        if node.kind() == "prim::GetAttr":
            module = node.input()
        elif node.kind() == "prim::ListConstruct" and node.inputsSize() > 0 and \
                next(node.inputs()).node().kind() == "prim::GetAttr":
            module = next(node.inputs()).node().input()
        else:
            return None
        names = []
        while module.unique() != self_value.unique():
            get = module.node()
            if get.kind() != "prim::GetAttr":
                return None
            names.append(get.s("name"))
            module = get.input()
        return ".".join(reversed(names)) or None

    def visit(block) -> None:
        for node in block.nodes():
            for sub in node.blocks():
                visit(sub)
            if node.kind() not in ("aten::lstm", "aten::gru", "aten::rnn_tanh", "aten::rnn_relu"):
                continue
            inputs = list(node.inputs())
            packed = inputs[1].type().kind() == "TensorType" and (
                node.kind() == "aten::lstm" or inputs[2].type().kind() == "TensorType")
            path = path_of(inputs[3 if packed else 2])
            if path:
                found[path] = found.get(path, 0) + 1

    visit(graph)
    return found


def check_interventions(model) -> None:
    """Every recurrent module a method runs must be reachable, or interventions cannot act on it."""
    modules = [name for name, m in model.named_modules()
               if name and m.original_name in RECURRENT]
    methods = [m for m in ("interpret", "forward", "generate") if hasattr(model, m)]
    for method in methods:
        calls = recurrent_calls(model, method)
        missing = [m for m in modules if m not in calls]
        shown = ", ".join(f"{m} ({n} call{'s' if n > 1 else ''})" for m, n in calls.items())
        print(f"interventions in {method}(): {shown or 'no recurrent module reached'}")
        if method != "generate" and missing and calls:
            print(f"  not reached: {', '.join(missing)} (called some other way, or not in "
                  f"{method}()): interventions cannot act on it there")


def forward_arguments(model) -> int:
    """How many tensors forward() takes besides self."""
    return len(model.forward.schema.arguments) - 1


def is_traced(model) -> bool:
    """Saved by torch.jit.trace: its nn.LSTM / GRU / RNN modules keep no `mode` attribute."""
    return any(m.original_name in RECURRENT and not hasattr(m, "mode")
               for _, m in model.named_modules())


def check_vocabulary(model, meta: dict) -> None:
    """The input vocabulary must fit the model's embedding: an id past its last row fails."""
    if meta.get("input", {}).get("type") != "tokens":
        return
    size = len(meta["input"]["vocab"])
    tables = [(p, m.weight.size(0)) for p, m in model.named_modules()
              if m.original_name == "Embedding"]
    if tables and not any(rows == size for _, rows in tables):
        found = ", ".join(f"{p} has {rows} rows" for p, rows in tables)
        fail(f"rnnscope.json's input vocab has {size} tokens, but no nn.Embedding of the model "
             f"has that many rows ({found}); export the vocabulary the model was trained with")


def check_standard(model, meta: dict, batch) -> None:
    """A model without interpret(): forward() must return the logits and run on any lengths."""
    traced = is_traced(model)
    modules = [p for p, m in model.named_modules() if p and m.original_name in RECURRENT]
    print(f"no interpret(): rnnscope records what forward() gives "
          f"{', '.join(modules) or 'its recurrent modules'} and unrolls them itself "
          f"(docs/your-model.md){'; saved with torch.jit.trace' if traced else ''}")
    if not modules:
        fail("forward() has no nn.LSTM / nn.GRU / nn.RNN submodule for rnnscope to capture")
    args = forward_arguments(model)
    if meta["task"] == "seq2seq" or args not in (1, 2):
        fail(f"forward() takes {args} tensors; a model without interpret() needs forward(inputs) "
             f"or forward(inputs, lengths) (seq2seq: interpret() and generate(), "
             f"docs/model-contract.md)")
        return
    classes = expected_classes(meta)

    def check_logits(out, samples: int) -> bool:
        if not isinstance(out, Tensor):
            fail(f"forward() returns {type(out).__name__}; it must return only the logits "
                 f"tensor (return other values from interpret(), docs/model-contract.md)")
            return False
        if out.dim() not in (2, 3) or out.size(0) != samples:
            fail(f"forward() returns {shape(out)} for {samples} sample(s); expected [B, C] or "
                 f"[B, T, C] with B = {samples} (a time-major model: export with "
                 f"time_major=True, docs/your-model.md)")
            return False
        if classes is not None and out.size(-1) != classes:
            fail(f"forward() returns {out.size(-1)} logits per output, but rnnscope.json names "
                 f"{classes} (labels, outputs or target_vocab)")
            return False
        return True

    try:
        with torch.no_grad():
            if args == 2:
                out = model(*batch)
                if not check_logits(out, batch[0].size(0)):
                    return
                print(f"forward(inputs, lengths) on the padded batch: {shape(out)}")
                check_padding(model, meta, {"logits": out}, batch, method="forward")
            else:  # no lengths: rnnscope runs samples of one length together
                for b in range(batch[0].size(0)):
                    n = int(batch[1][b])
                    out = model(batch[0][b:b + 1, :n])
                    if not check_logits(out, 1):
                        return
                print(f"forward(inputs), one sample of each length: {shape(out)} (last); "
                      f"rnnscope runs samples of equal length together")
    except RuntimeError as e:
        why = str(e).strip().splitlines()[-1]
        hint = ("; the model was saved with torch.jit.trace, which records one run and fixes "
                "what depended on that input's shape (a loop over its steps, its batch size, "
                "the length of a packed sequence): save it with torch.jit.script instead") \
            if traced else ""
        fail(f"forward() fails on a batch of lengths {batch[1].tolist()}: {why}{hint}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("--data", help="a dataset file whose first 3 lines are used as the batch")
    args = parser.parse_args()
    torch.set_num_threads(1)
    return 1 if check(args.model, args.data) else 0


def check(path: str, data: Optional[str] = None) -> List[str]:
    """Runs every check on the model file at `path`, printing as it goes; returns the failures
    (empty when the model follows the contract)."""
    failures.clear()
    files = {"rnnscope.json": ""}
    model = torch.jit.load(path, _extra_files=files)
    model.eval()
    if not files["rnnscope.json"]:
        fail("no rnnscope.json in the archive: save with "
             "torch.jit.save(m, path, _extra_files={'rnnscope.json': json.dumps(meta)})")
        return list(failures)
    meta = json.loads(files["rnnscope.json"])
    summary = {k: (f"[{len(v)} entries]" if isinstance(v, list) and len(v) > 12 else v)
               for k, v in meta.items() if k != "input"}
    summary["input"] = {k: (f"[{len(v)} entries]" if isinstance(v, list) and len(v) > 12 else v)
                        for k, v in meta.get("input", {}).items()}
    print(f"{path}: {json.dumps(summary)}")
    check_meta(meta)
    check_vocabulary(model, meta)
    if failures:
        print(f"{len(failures)} check(s) failed")
        return list(failures)

    batch = make_batch(meta, data)
    print("batch: " + ", ".join(shape(t) for t in batch))
    if not hasattr(model, "interpret"):
        check_standard(model, meta, batch)
        if not failures:
            check_interventions(model)
        print("OK" if not failures else f"{len(failures)} check(s) failed")
        return list(failures)
    with torch.no_grad():
        out = model.interpret(*batch)
    print("interpret() returned:")
    for key, value in out.items():
        print(f"  {key:28} {shape(value)}")
    check_outputs(meta, out, batch)
    with torch.no_grad():
        forward = model(*batch)
    if (forward - out["logits"]).abs().max() > TOLERANCE:
        fail("forward() and interpret()['logits'] differ")
    check_padding(model, meta, out, batch)
    check_attribution(model, meta, out, batch, forward)
    if meta["task"] == "seq2seq":
        check_generate(model, meta, batch)
        try:
            check_decoder_steps(model, meta, batch)
        except Exception as e:  # a step that fails on its own state: said, not a traceback
            fail(f"decode_start()/decode_step() failed on the test batch: {e}".splitlines()[0]
                 + " (decode_step() must return, beside 'logits', every tensor the next step "
                   "reads from state)")
    check_recurrent(model, out, batch, meta["task"])
    check_interventions(model)
    print("OK" if not failures else f"{len(failures)} check(s) failed")
    return list(failures)


if __name__ == "__main__":
    sys.exit(main())
