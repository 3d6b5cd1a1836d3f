"""Writes the small TorchScript models the rnnscope model tests open, into the folder argv[1].

Untrained, seeded weights: the tests check that rnnscope unrolls every recurrent layer exactly as
PyTorch does, not what the models predict. One model per case of docs/model-contract.md:

    lstm_bi.pt        classification, 2-layer bidirectional batch-first LSTM, attention pooling,
                      only `embeddings` exposed (the first recurrent module reads them);
                      logits_from_embeddings() for attribution
    attribution_wrong.pt  lstm_bi.pt whose logits_from_embeddings() is twice forward()
    lstm_proj.pt      tagging, whitespace tokens, lowercase, LSTM with proj_size, inputs.lstm,
                      learned non-zero h0.lstm / c0.lstm; logits_from_embeddings() [B, T, tags]
    gru_lm.pt         language model, 2-layer GRU with batch_first=False;
                      logits_from_embeddings() [B, T, V]
    rnn_tanh.pt       regression on feature vectors, RNN tanh (one output per sequence)
    gru_series.pt     regression with one output per step ([B, T, 1]): a GRU reading two
                      features per step (weather.csv's temp and pressure) and predicting `target`
    rnn_relu.pt       classification, 2-layer bidirectional RNN relu
    forward_only.pt   no interpret(): forward(inputs, lengths) returns the logits (captured from
                      forward()'s own calls)
    two_rnn.pt        LSTM then GRU; interpret() exposes no inputs.gru: the GRU is captured from what
                      it received (recorded)
    seq2seq.pt        GRU encoder, attention, nn.GRU decoder called step by step; exposes
                      inputs.decoder.rnn and h0.decoder.rnn; generate();
                      logits_from_embeddings(src_embeddings, src_lengths, tgt, tgt_lengths)
    max_len.pt        like lstm_bi.pt with "max_length": 8
    lstm_tutorial.pt  lstm_bi.pt with no padding_idx and a log_softmax head (log-probabilities)
    seq2seq_words.pt  seq2seq.pt read word by word (whitespace tokens, one-letter target words)
    seq2seq_steps.pt  seq2seq.pt with decode_start()/decode_step() and a plain greedy generate()
    seq2seq_steps_wrong.pt  the same steps beside seq2seq.pt's generate(), which stops early
    seq2seq_<mode>.pt seq2seq.pt returning attention that is two layers, or breaks the contract
                      (see Seq2Seq.mode)
    standard_*.pt     standard models with no interpret(), scripted and traced, and
                      standard_reference.json (standard_models.py)
    compare_*.pt      models to compare, compare.tsv and compare_reference.json
                      (compare_models.py)
  and files that must be refused with a clear message:
    garbage.pt, text.pt, empty.pt, truncated.pt, state_dict.pt, no_meta.pt, bad_json.pt, bad_key.pt,
    unknown_task.pt, vocab_mismatch.pt, bad_forward.pt, label_count.pt

    /usr/bin/python3 tests/models/make_test_models.py OUT_DIR
"""

import json
import random
import sys
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

import compare_models
import standard_models

PAD, UNK, BOS, EOS = "<pad>", "<unk>", "<bos>", "<eos>"
CHARS = [PAD, UNK] + list("abcdefghijklmnopqrstuvwxyz ()[]{}0123456789")
WORDS = [PAD, UNK, "the", "cat", "sat", "on", "mat", "a", "dog", "ran"]
TARGET = [PAD, UNK, BOS, EOS] + list("abcdefghij")
BOS_ID, EOS_ID = TARGET.index(BOS), TARGET.index(EOS)


def char_input(vocab: List[str] = CHARS) -> dict:
    return {"type": "tokens", "tokenizer": "char", "vocab": vocab, "pad": PAD, "unk": UNK,
            "lowercase": False}


def valid_mask(lengths: Tensor, steps: int) -> Tensor:
    return torch.arange(steps).unsqueeze(0) < lengths.unsqueeze(1)  # [B, T]


def last_valid(h: Tensor, lengths: Tensor) -> Tensor:
    return h[torch.arange(h.size(0)), lengths - 1]  # [B, H]


class LstmBi(nn.Module):
    """Classification: 2-layer bidirectional LSTM over packed sequences, attention pooling."""

    def __init__(self, tutorial: bool = False):
        super().__init__()
        # tutorial: as many tutorials write it, the embedding without padding_idx (its pad row
        # random, not zeros) and a log_softmax head (the outputs are log-probabilities).
        self.embed = nn.Embedding(len(CHARS), 8) if tutorial else nn.Embedding(len(CHARS), 8,
                                                                                padding_idx=0)
        self.rnn = nn.LSTM(8, 6, num_layers=2, bidirectional=True, batch_first=True)
        self.score = nn.Linear(12, 1)
        self.out = nn.Linear(12, 3)
        self.attribution_scale = 1.0
        self.log_softmax = tutorial

    def run(self, x: Tensor, lengths: Tensor) -> Tuple[Tensor, Tensor]:
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        h, _ = self.rnn(packed)
        h, _ = pad_packed_sequence(h, batch_first=True, total_length=x.size(1))  # [B, T, 12]
        score = self.score(h).squeeze(2)  # [B, T]
        score = score.masked_fill(~valid_mask(lengths, x.size(1)), -1e9)
        weights = torch.softmax(score, 1)  # [B, T]
        pooled = (weights.unsqueeze(2) * h).sum(1)  # [B, 12]
        out = self.out(pooled)
        if self.log_softmax:
            out = torch.log_softmax(out, 1)
        return out, weights.unsqueeze(1)

    def forward(self, inputs: Tensor, lengths: Tensor) -> Tensor:
        return self.run(self.embed(inputs), lengths)[0]

    @torch.jit.export
    def interpret(self, inputs: Tensor, lengths: Tensor) -> Dict[str, Tensor]:
        x = self.embed(inputs)  # [B, T, E]
        logits, attention = self.run(x, lengths)
        return {"logits": logits, "embeddings": x, "attention": attention}

    @torch.jit.export
    def logits_from_embeddings(self, embeddings: Tensor, lengths: Tensor) -> Tensor:
        return self.run(embeddings, lengths)[0] * self.attribution_scale


class LstmBiWrongAttribution(LstmBi):
    """logits_from_embeddings that disagrees with forward: rnnscope must say so, not attribute."""

    def __init__(self):
        super().__init__()
        self.attribution_scale = 2.0


class LstmProj(nn.Module):
    """Tagging: LSTM with projections and a learned initial state."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(len(WORDS), 8, padding_idx=0)
        self.lstm = nn.LSTM(8, 10, proj_size=4, batch_first=True)
        self.h0 = nn.Parameter(torch.randn(1, 1, 4))
        self.c0 = nn.Parameter(torch.randn(1, 1, 10))
        self.out = nn.Linear(4, 3)

    def from_embeddings(self, x: Tensor) -> Dict[str, Tensor]:
        batch = x.size(0)
        h0 = self.h0.expand(1, batch, 4).contiguous()  # [L*D, B, P]
        c0 = self.c0.expand(1, batch, 10).contiguous()  # [L*D, B, H]
        h, _ = self.lstm(x, (h0, c0))  # [B, T, P]; steps past a length are never read back
        return {"logits": self.out(h), "embeddings": x, "inputs.lstm": x, "h0.lstm": h0,
                "c0.lstm": c0, "states.projected": h}

    def run(self, inputs: Tensor) -> Dict[str, Tensor]:
        return self.from_embeddings(self.embed(inputs))  # embed: [B, T, E]

    def forward(self, inputs: Tensor, lengths: Tensor) -> Tensor:
        return self.run(inputs)["logits"]

    @torch.jit.export
    def interpret(self, inputs: Tensor, lengths: Tensor) -> Dict[str, Tensor]:
        return self.run(inputs)

    @torch.jit.export
    def logits_from_embeddings(self, embeddings: Tensor, lengths: Tensor) -> Tensor:
        return self.from_embeddings(embeddings)["logits"]  # [B, T, tags]


class GruLm(nn.Module):
    """Language model: time-major 2-layer GRU."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(len(CHARS), 8, padding_idx=0)
        self.gru = nn.GRU(8, 7, num_layers=2)
        self.out = nn.Linear(7, len(CHARS))

    def from_embeddings(self, x: Tensor) -> Tensor:
        h, _ = self.gru(x.transpose(0, 1))  # [T, B, H]
        return self.out(h.transpose(0, 1))  # [B, T, V]

    def run(self, inputs: Tensor) -> Dict[str, Tensor]:
        x = self.embed(inputs)  # [B, T, E]
        return {"logits": self.from_embeddings(x), "embeddings": x, "inputs.gru": x}

    def forward(self, inputs: Tensor, lengths: Tensor) -> Tensor:
        return self.run(inputs)["logits"]

    @torch.jit.export
    def interpret(self, inputs: Tensor, lengths: Tensor) -> Dict[str, Tensor]:
        return self.run(inputs)

    @torch.jit.export
    def logits_from_embeddings(self, embeddings: Tensor, lengths: Tensor) -> Tensor:
        return self.from_embeddings(embeddings)  # row t: the next token after token t


class RnnTanh(nn.Module):
    """Regression on feature vectors."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(3, 5, batch_first=True)
        self.out = nn.Linear(5, 2)

    def forward(self, inputs: Tensor, lengths: Tensor) -> Tensor:
        return self.interpret(inputs, lengths)["logits"]

    @torch.jit.export
    def interpret(self, inputs: Tensor, lengths: Tensor) -> Dict[str, Tensor]:
        h, _ = self.rnn(inputs)  # [B, T, H]
        return {"logits": self.out(last_valid(h, lengths)), "inputs.rnn": inputs}


class GruSeries(nn.Module):
    """Regression per step: the residuals over time of the error browser need [B, T, O]."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(2, 6, batch_first=True)
        self.out = nn.Linear(6, 1)

    def forward(self, inputs: Tensor, lengths: Tensor) -> Tensor:
        return self.interpret(inputs, lengths)["logits"]

    @torch.jit.export
    def interpret(self, inputs: Tensor, lengths: Tensor) -> Dict[str, Tensor]:
        h, _ = self.gru(inputs)  # [B, T, H]; unidirectional, so padding never reaches valid steps
        return {"logits": self.out(h), "inputs.gru": inputs, "states.gru": h}  # [B, T, 1]


class RnnRelu(nn.Module):
    """Classification: 2-layer bidirectional RNN with relu, packed."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(len(CHARS), 8, padding_idx=0)
        self.rnn = nn.RNN(8, 5, num_layers=2, nonlinearity="relu", bidirectional=True,
                          batch_first=True)
        self.out = nn.Linear(10, 2)

    def forward(self, inputs: Tensor, lengths: Tensor) -> Tensor:
        return self.interpret(inputs, lengths)["logits"]

    @torch.jit.export
    def interpret(self, inputs: Tensor, lengths: Tensor) -> Dict[str, Tensor]:
        x = self.embed(inputs)
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, h_n = self.rnn(packed)  # [L*D, B, H]
        return {"logits": self.out(torch.cat([h_n[-2], h_n[-1]], 1)), "embeddings": x}


class ForwardOnly(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(len(CHARS), 8, padding_idx=0)
        self.gru = nn.GRU(8, 6, batch_first=True)
        self.out = nn.Linear(6, 2)

    def forward(self, inputs: Tensor, lengths: Tensor) -> Tensor:
        h, _ = self.gru(self.embed(inputs))
        return self.out(last_valid(h, lengths))


class TwoRnn(nn.Module):
    """LSTM then GRU; interpret() does not say what the GRU read."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(len(CHARS), 8, padding_idx=0)
        self.lstm = nn.LSTM(8, 6, batch_first=True)
        self.gru = nn.GRU(6, 5, batch_first=True)
        self.out = nn.Linear(5, 2)

    def forward(self, inputs: Tensor, lengths: Tensor) -> Tensor:
        return self.interpret(inputs, lengths)["logits"]

    @torch.jit.export
    def interpret(self, inputs: Tensor, lengths: Tensor) -> Dict[str, Tensor]:
        x = self.embed(inputs)
        h1, _ = self.lstm(x)
        h2, _ = self.gru(torch.tanh(h1))
        return {"logits": self.out(last_valid(h2, lengths)), "embeddings": x,
                "states.gru": h2}


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(len(CHARS), 8, padding_idx=0)
        self.rnn = nn.GRU(8, 6, bidirectional=True, batch_first=True)
        self.bridge = nn.Linear(12, 6)

    def forward(self, src: Tensor, lengths: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        return self.encode(self.embed(src), lengths)  # embed: [B, T_in, E]

    def encode(self, x: Tensor, lengths: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, h_n = self.rnn(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=x.size(1))
        h0 = torch.tanh(self.bridge(torch.cat([h_n[0], h_n[1]], 1))).unsqueeze(0)  # [1, B, 6]
        return x, out, h0


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(len(TARGET), 8, padding_idx=0)
        self.query = nn.Linear(6, 12)
        self.rnn = nn.GRU(8 + 12, 6, batch_first=True)
        self.out = nn.Linear(6 + 12, len(TARGET))

    def step(self, token: Tensor, h: Tensor, memory: Tensor, mask: Tensor):
        """One decoder step: attend with the previous state, then read [embedding, context]."""
        score = torch.bmm(memory, self.query(h[0]).unsqueeze(2)).squeeze(2)  # [B, T_in]
        weights = torch.softmax(score.masked_fill(~mask, -1e9), 1)
        context = torch.bmm(weights.unsqueeze(1), memory).squeeze(1)  # [B, 12]
        x = torch.cat([self.embed(token), context], 1).unsqueeze(1)  # [B, 1, 20]
        out, h = self.rnn(x, h)
        logits = self.out(torch.cat([out[:, 0], context], 1))  # [B, V]
        return logits, h, weights, x


class Seq2Seq(nn.Module):
    """`mode` bends the attention it returns, for the attention panel's layer and bad-input cases:
    "" as the contract says, "two_layers" adds attention.last ([B, 2, T_out, T_in]: one-hot on
    the last source token, then uniform over the source), "half" rows that sum to 0.5, "non_finite" a NaN at
    [0, 0] and +inf at [1, 1], "wide" two more source columns than tokens, "bad_rank"
    [B, 1, 1, T_out, T_in]."""

    def __init__(self, mode: str = ""):
        super().__init__()
        self.encoder = Encoder()
        self.decoder = Decoder()
        self.bos_id = BOS_ID
        self.eos_id = EOS_ID
        self.mode = mode
        self.end_early = True  # Seq2SeqSteps: False, plain greedy decoding

    def forward(self, src: Tensor, src_lengths: Tensor, tgt: Tensor, tgt_lengths: Tensor) -> Tensor:
        return self.interpret(src, src_lengths, tgt, tgt_lengths)["logits"]

    @torch.jit.export
    def interpret(self, src: Tensor, src_lengths: Tensor, tgt: Tensor,
                  tgt_lengths: Tensor) -> Dict[str, Tensor]:
        emb, memory, h0 = self.encoder(src, src_lengths)
        mask = valid_mask(src_lengths, src.size(1))
        h = h0
        logits: List[Tensor] = []
        attention: List[Tensor] = []
        inputs: List[Tensor] = []
        states: List[Tensor] = []
        for t in range(tgt.size(1) - 1):
            step_logits, h, weights, x = self.decoder.step(tgt[:, t], h, memory, mask)
            logits.append(step_logits)
            attention.append(weights)
            inputs.append(x)
            states.append(h[0])
        weights = torch.stack(attention, 1)  # [B, T_out, T_in]
        out = {"logits": torch.stack(logits, 1),  # [B, T_out, V]
               "attention": weights,
               "embeddings": emb,
               "inputs.decoder.rnn": torch.cat(inputs, 1),  # [B, T_out, 20]
               "h0.decoder.rnn": h0,
               "states.decoder": torch.stack(states, 1)}
        if self.mode == "two_layers":
            # Two heads that both favour the last source token, so their mean's argmax is known.
            last = torch.nn.functional.one_hot(src_lengths - 1, src.size(1)).float()  # [B, T_in]
            uniform = mask.float() / src_lengths.unsqueeze(1).float()  # [B, T_in]
            out["attention.last"] = torch.stack([last.unsqueeze(1).expand_as(weights),
                                                 uniform.unsqueeze(1).expand_as(weights)], 1)
        elif self.mode == "half":
            out["attention"] = weights * 0.5
        elif self.mode == "non_finite":
            bad = weights.clone()
            bad[:, 0, 0] = float("nan")
            if bad.size(1) > 1 and bad.size(2) > 1:  # rnnscope opens models on short inputs
                bad[:, 1, 1] = float("inf")
            out["attention"] = bad
        elif self.mode == "wide":
            out["attention"] = torch.cat([weights, torch.zeros(weights.size(0), weights.size(1), 2)], 2)
        elif self.mode == "bad_rank":
            out["attention"] = weights.unsqueeze(1).unsqueeze(1)
        return out

    @torch.jit.export
    def logits_from_embeddings(self, src_embeddings: Tensor, src_lengths: Tensor, tgt: Tensor,
                               tgt_lengths: Tensor) -> Tensor:
        """interpret()'s logits from the source embeddings, teacher forced on tgt."""
        _, memory, h = self.encoder.encode(src_embeddings, src_lengths)
        mask = valid_mask(src_lengths, src_embeddings.size(1))
        logits: List[Tensor] = []
        for t in range(tgt.size(1) - 1):
            step_logits, h, _, _ = self.decoder.step(tgt[:, t], h, memory, mask)
            logits.append(step_logits)
        return torch.stack(logits, 1)  # [B, T_out, V]

    @torch.jit.export
    def generate(self, src: Tensor, src_lengths: Tensor, max_len: int) -> Tensor:
        _, memory, h = self.encoder(src, src_lengths)
        mask = valid_mask(src_lengths, src.size(1))
        batch = src.size(0)
        token = torch.full([batch], self.bos_id, dtype=torch.long)
        done = torch.zeros([batch], dtype=torch.bool)
        out: List[Tensor] = []
        for step in range(max_len):
            logits, h, _, _ = self.decoder.step(token, h, memory, mask)
            token = logits.argmax(1)
            # Untrained weights rarely pick eos: end each output after as many tokens as its
            # source has, so batches hold outputs of different lengths padded with 0.
            if self.end_early:
                token = token.masked_fill(src_lengths <= step + 1, self.eos_id)
            token = token.masked_fill(done, 0)
            out.append(token)
            done = done | (token == self.eos_id)
            if bool(done.all()):
                break
        return torch.stack(out, 1)  # [B, T_out]


class Seq2SeqSteps(Seq2Seq):
    """seq2seq.pt stepped by rnnscope: decode_start()/decode_step() (docs/model-contract.md), the
    step reading state["attention_override"]. `faithful`: generate() is plain greedy decoding,
    as the steps give; otherwise seq2seq.pt's generate(), which ends outputs early, so the
    steps disagree with it."""

    def __init__(self, faithful: bool = True):
        super().__init__()
        self.end_early = not faithful

    @torch.jit.export
    def decode_start(self, src: Tensor, src_lengths: Tensor) -> Dict[str, Tensor]:
        _, memory, h = self.encoder(src, src_lengths)
        return {"hidden": h[0], "memory": memory, "mask": valid_mask(src_lengths, src.size(1))}

    @torch.jit.export
    def decode_step(self, prev: Tensor, state: Dict[str, Tensor]) -> Dict[str, Tensor]:
        h = state["hidden"].unsqueeze(0)
        memory, mask = state["memory"], state["mask"]
        if "attention_override" in state:
            weights = state["attention_override"]
            context = torch.bmm(weights.unsqueeze(1), memory).squeeze(1)
            x = torch.cat([self.decoder.embed(prev), context], 1).unsqueeze(1)
            out, h = self.decoder.rnn(x, h)
            logits = self.decoder.out(torch.cat([out[:, 0], context], 1))
        else:
            logits, h, weights, _ = self.decoder.step(prev, h, memory, mask)
        return {"logits": logits, "attention": weights, "hidden": h[0], "memory": memory,
                "mask": mask}


class BadForward(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(len(CHARS), 4)

    def forward(self, inputs: Tensor) -> Tuple[Tensor, Tensor]:
        x = self.embed(inputs)
        return x, x


def save(module: nn.Module, path: Path, meta=None, raw_meta: str = None) -> None:
    module.eval()
    scripted = torch.jit.script(module)
    extra = {}
    if meta is not None:
        extra["rnnscope.json"] = json.dumps(meta)
    if raw_meta is not None:
        extra["rnnscope.json"] = raw_meta
    torch.jit.save(scripted, str(path), _extra_files=extra)


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    torch.set_num_threads(1)
    classify = {"task": "classification", "input": char_input(), "labels": ["x", "y", "z"]}

    save(LstmBi(), out / "lstm_bi.pt", dict(classify, name="lstm_bi"))
    save(LstmProj(), out / "lstm_proj.pt",
         {"task": "tagging", "labels": ["DET", "NOUN", "VERB"],
          "input": {"type": "tokens", "tokenizer": "whitespace", "vocab": WORDS, "pad": PAD,
                    "unk": UNK, "lowercase": True}})
    save(GruLm(), out / "gru_lm.pt", {"task": "language_model", "input": char_input()})
    save(RnnTanh(), out / "rnn_tanh.pt",
         {"task": "regression", "outputs": ["x", "y"],
          "input": {"type": "features", "size": 3, "names": ["a", "b", "c"]}})
    save(RnnRelu(), out / "rnn_relu.pt", dict(classify, labels=["no", "yes"]))
    save(ForwardOnly(), out / "forward_only.pt", dict(classify, labels=["no", "yes"]))
    save(TwoRnn(), out / "two_rnn.pt", dict(classify, labels=["no", "yes"]))
    save(Seq2Seq(), out / "seq2seq.pt",
         {"task": "seq2seq", "input": char_input(), "target_vocab": TARGET, "bos": BOS,
          "eos": EOS, "pad": PAD})
    s2s = {"task": "seq2seq", "input": char_input(), "target_vocab": TARGET, "bos": BOS,
           "eos": EOS, "pad": PAD}
    rng = torch.get_rng_state()  # the models after these keep the weights they always had
    torch.manual_seed(5)
    save(Seq2SeqSteps(), out / "seq2seq_steps.pt", s2s)
    save(Seq2SeqSteps(faithful=False), out / "seq2seq_steps_wrong.pt", s2s)
    torch.set_rng_state(rng)
    # The same network read word by word (a tutorial-style word-level seq2seq): source words of
    # WORDS, target words of one letter each, so a spans file has one span per target word.
    save(Seq2Seq(), out / "seq2seq_words.pt",
         {"task": "seq2seq", "target_vocab": TARGET, "bos": BOS, "eos": EOS, "pad": PAD,
          "input": {"type": "tokens", "tokenizer": "whitespace", "pad": PAD, "unk": UNK,
                    "lowercase": True,  # as many words as the encoder's embedding has rows
                    "vocab": WORDS + [f"w{i}" for i in range(len(CHARS) - len(WORDS))]}})
    save(LstmBi(), out / "max_len.pt", dict(classify, max_length=8))
    save(LstmBi(tutorial=True), out / "lstm_tutorial.pt", dict(classify, name="lstm_tutorial"))
    for mode in ["two_layers", "half", "non_finite", "wide", "bad_rank"]:
        save(Seq2Seq(mode), out / f"seq2seq_{mode}.pt",
             {"task": "seq2seq", "input": char_input(), "target_vocab": TARGET, "bos": BOS,
              "eos": EOS, "pad": PAD})

    # Files rnnscope must refuse, each with its own message.
    rng = random.Random(0)
    (out / "garbage.pt").write_bytes(bytes(rng.randrange(256) for _ in range(4096)))
    (out / "text.pt").write_text("This is a text file, not a model.\n")
    (out / "empty.pt").write_bytes(b"")
    whole = (out / "lstm_bi.pt").read_bytes()
    (out / "truncated.pt").write_bytes(whole[:len(whole) // 2])
    torch.save(LstmBi().state_dict(), out / "state_dict.pt")
    save(LstmBi(), out / "no_meta.pt")
    save(LstmBi(), out / "bad_json.pt", raw_meta='{"task": "classification", "input": {')
    save(LstmBi(), out / "bad_key.pt", dict(classify, labels="x,y,z"))
    save(LstmBi(), out / "unknown_task.pt", dict(classify, task="translation"))
    save(LstmBi(), out / "vocab_mismatch.pt",
         dict(classify, input=char_input(CHARS[:10])))
    save(BadForward(), out / "bad_forward.pt", classify)
    save(ForwardOnly(), out / "label_count.pt", classify)  # 3 labels, 2 logits
    # Last, so the models above keep the weights their tests were written against.
    save(LstmBiWrongAttribution(), out / "attribution_wrong.pt",
         dict(classify, name="attribution_wrong"))
    save(GruSeries(), out / "gru_series.pt",
         {"task": "regression", "name": "gru_series", "outputs": ["target"],
          "input": {"type": "features", "size": 2, "names": ["temp", "pressure"]}})
    # Seeds its own generator: the models above keep their weights.
    tag = {"task": "tagging", "input": char_input(), "labels": ["B", "I", "O"]}
    standard_models.write(out, CHARS, lambda task, name: dict(
        classify if task == "classification" else tag, name=name.removesuffix(".pt"),
        **({"labels": ["no", "yes"]} if name == "standard_rnn_traced.pt" else {})))
    compare_models.write(out, CHARS, dict(classify, labels=["no", "yes"]))


if __name__ == "__main__":
    main()
