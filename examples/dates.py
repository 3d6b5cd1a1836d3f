"""Dates: a character-level seq2seq model with additive attention that rewrites human-written
dates ("Nov 26, 2026", "the twenty-sixth of November 2026", "26/11/2026", ...) in ISO form
("2026-11-26"), on data that records where every output character came from in the source.

Model: encoder = embedding -> bidirectional nn.GRU (run packed, so padding never reaches the
reverse direction); decoder = nn.GRU stepped one character at a time, whose input is the previous
output character's embedding joined with an additive (Bahdanau et al. 2015) attention context over
the encoder outputs; greedy generate().

    /usr/bin/python3 examples/dates.py [--out DIR] [--epochs N] [--seed S] [--both-orders]

Writes <out>/dates.pt, dates.tsv (held-out split), dates-train.tsv and metrics.json. Each TSV line
is `source<TAB>target<TAB>spans`: one `start:end` per target character (end exclusive, character
offsets into the source) giving the TRUE SOURCE SPAN of that character. The rule:

  * Year, month and day are fields. A target digit whose digit is written in the source maps to
    that one source digit ("2026" -> each year digit; "26th" -> "2" and "6"; "07" -> "0" and "7"),
    right-aligned, so in "5/7/2026" the "7" of "07" maps to the "7".
  * A target digit the source does not write maps to the whole source field: a month name or
    abbreviation ("Nov", without any trailing "."), an ordinal word ("twenty-sixth"), or for the
    zero padding of an unpadded number ("5" -> the "0" of "05") the number itself ("5", "5th").
  * A "-" is written by the ISO form, not copied: it maps to the nearest field before it in the
    output, the whole source field, so the first "-" maps to the year ("2026") and the second to
    the month ("11", "Nov", "November"), whatever separators the source uses.

All dates are real (weekdays match), from 1900-01-01 to 2099-12-31. Numeric day/month order is
unambiguous by design: day first (26/11/2026, 26.11.2026) unless the year comes first
(2026.11.26, 2026/11/26, 2026-11-26, 20261126). No held-out date occurs in training, in any form.

--both-orders trains the same model on data that also writes dates month first with slashes, as
in the United States ("11/26/2026"), as often as day first. A date whose day is 12 or less is
then ambiguous ("01/02/2003" is 1 February or 2 January) and the data holds both readings, so
the model cannot always be right: a demo of real errors, and of a beam that keeps both readings
(docs/decoding.md). It writes dates_both_orders.pt, dates_both_orders.tsv,
dates_both_orders-train.tsv and metrics_both_orders.json instead.
"""

import datetime
import json
import random
import re
from typing import Dict, List, Optional, Tuple

import torch
from torch import Tensor, nn

import common

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_UNITS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
ORDINAL_WORDS = ([""] + _UNITS + ["tenth", "eleventh", "twelfth", "thirteenth", "fourteenth",
                 "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth"]
                 + ["twenty-" + u for u in _UNITS] + ["thirtieth", "thirty-first"])

# {Y} year, {M}/{MM} month number (unpadded or padded / padded), {Mon} {Month} month name,
# {D}/{DD} day number, {Dth} "26th", {Dword} "twenty-sixth", {Wkd} {Weekday} weekday name.
TEMPLATES = [
    "{Mon} {D}, {Y}", "{Month} {D}, {Y}", "{D}/{M}/{Y}", "{D}.{M}.{Y}", "{Y}.{MM}.{DD}",
    "{Y}-{MM}-{DD}", "the {Dword} of {Month} {Y}", "{Weekday}, {D} {Month} {Y}",
    "{Month} {Dth} {Y}", "{D} {Mon} {Y}", "{Wkd} {D} {Mon} {Y}", "{Dth} of {Month}, {Y}",
    "{Mon} {D} {Y}", "{Y}/{MM}/{DD}", "{Weekday}, {Month} {Dth}, {Y}", "{DD}-{Mon}-{Y}",
    "{Dword} {Month} {Y}", "{Y}{MM}{DD}", "{Mon}. {Dth}, {Y}", "{D} {Month} {Y}",
    "{Wkd}, {Mon} {D} {Y}", "{Weekday} the {Dword} of {Month}, {Y}",
]
FIRST_DAY, LAST_DAY = datetime.date(1900, 1, 1), datetime.date(2099, 12, 31)


# --- data ---------------------------------------------------------------------------------

def render(d: datetime.date, template: str, rng: random.Random):
    """Returns the source text and, per field, (start, end, written digits or None)."""
    def number(n: int) -> str:  # day or month number, zero-padded a quarter of the time
        return f"{n:02d}" if rng.random() < 0.25 else str(n)

    def ordinal(n: int) -> str:
        suffix = "th" if 11 <= n <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"

    pieces = {  # placeholder -> (field, text)
        "Y": ("year", f"{d.year:04d}"), "M": ("month", number(d.month)),
        "MM": ("month", f"{d.month:02d}"), "Mon": ("month", MONTHS[d.month - 1][:3]),
        "Month": ("month", MONTHS[d.month - 1]), "D": ("day", number(d.day)),
        "DD": ("day", f"{d.day:02d}"), "Dth": ("day", ordinal(d.day)),
        "Dword": ("day", ORDINAL_WORDS[d.day]), "Wkd": (None, WEEKDAYS[d.weekday()][:3]),
        "Weekday": (None, WEEKDAYS[d.weekday()]),
    }
    text, fields = "", {}
    for literal, name in re.findall(r"([^{]*)(?:\{(\w+)\})?", template):
        text += literal
        if name:
            field, piece = pieces[name]
            if field:
                digits = re.match(r"\d*", piece).group()
                fields[field] = (len(text), len(text) + len(piece), digits or None)
            text += piece
    # One casing per sample; it changes no offsets.
    style = rng.random()
    if style < 0.2:
        text = text.lower()
    elif style < 0.3:
        text = text.upper()
    return text, fields


def true_spans(target: str, fields) -> List[Tuple[int, int]]:
    """The span of every target character, by the rule in the module docstring."""
    layout = [("year", 0, 4), ("month", 5, 7), ("day", 8, 10)]  # field, target start, end
    spans: List[Tuple[int, int]] = [(0, 0)] * len(target)
    for field, t0, t1 in layout:
        start, end, digits = fields[field]
        out = target[t0:t1]
        for k in range(len(out)):
            j = k - (len(out) - len(digits)) if digits else -1  # right-aligned source digit
            spans[t0 + k] = (start + j, start + j + 1) if j >= 0 else (start, end)
            if j >= 0:
                assert int(digits) == int(out) and digits[j] == out[k]
    spans[4] = fields["year"][:2]
    spans[7] = fields["month"][:2]
    return spans


def make_sample(d: datetime.date, rng: random.Random,
                templates: List[str]) -> Tuple[str, str, str]:
    source, fields = render(d, rng.choice(templates), rng)
    target = d.isoformat()
    spans = " ".join(f"{s}:{e}" for s, e in true_spans(target, fields))
    return source, target, spans


def make_splits(rng: random.Random, n_train: int, n_test: int, templates: List[str]):
    days = [FIRST_DAY + datetime.timedelta(n) for n in range((LAST_DAY - FIRST_DAY).days + 1)]
    rng.shuffle(days)
    test_days, train_days = days[:n_test], days[n_test:]
    test = [make_sample(d, rng, templates) for d in test_days]
    train = [make_sample(rng.choice(train_days), rng, templates) for _ in range(n_train)]
    return train, test


# --- model --------------------------------------------------------------------------------

class Encoder(nn.Module):
    def __init__(self, vocab_size: int, embed_size: int, hidden_size: int):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_size, padding_idx=0)
        self.rnn = nn.GRU(embed_size, hidden_size, batch_first=True, bidirectional=True)

    def forward(self, src: Tensor, lengths: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        return self.from_embeddings(self.embed(src), lengths)  # embed: [B, T_in, E]

    def from_embeddings(self, x: Tensor, lengths: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True,
                                                   enforce_sorted=False)
        out, h = self.rnn(packed)  # h: [2, B, H], each direction's state at its last valid step
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=x.size(1))
        return x, out, h  # out: [B, T_in, 2H], zero past each length


class AdditiveAttention(nn.Module):
    """score(s, k) = v . tanh(W s + U k)  (Bahdanau et al. 2015, eq. 6 of appendix A)."""

    def __init__(self, query_size: int, key_size: int, attn_size: int):
        super().__init__()
        self.query = nn.Linear(query_size, attn_size, bias=False)
        self.key = nn.Linear(key_size, attn_size)
        self.score = nn.Linear(attn_size, 1, bias=False)

    def forward(self, query: Tensor, keys: Tensor, values: Tensor,
                mask: Tensor) -> Tuple[Tensor, Tensor]:
        # query [B, Q]; keys [B, T_in, A] (already through self.key); values [B, T_in, K];
        # mask [B, T_in] true at real source characters.
        scores = self.score(torch.tanh(keys + self.query(query).unsqueeze(1))).squeeze(2)
        weights = torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=1)  # [B, T_in]
        context = torch.bmm(weights.unsqueeze(1), values).squeeze(1)  # [B, K]
        return context, weights


class Decoder(nn.Module):
    def __init__(self, vocab_size: int, embed_size: int, context_size: int, hidden_size: int):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_size, padding_idx=0)
        self.init = nn.Linear(context_size, hidden_size)
        self.attention = AdditiveAttention(hidden_size, context_size, 64)
        self.rnn = nn.GRU(embed_size + context_size, hidden_size, batch_first=True)
        self.out = nn.Linear(hidden_size + context_size + embed_size, vocab_size)

    def step(self, prev: Tensor, h: Tensor, keys: Tensor, values: Tensor, mask: Tensor,
             attend: Optional[Tensor] = None):
        """One output character. prev [B] previous ids, h [1, B, H] decoder state; `attend`
        [B, T_in], when given, replaces the attention weights (rnnscope's attention edits)."""
        e = self.embed(prev)  # [B, Et]
        context, weights = self.attention(h[0], keys, values, mask)  # attend with s_{t-1}
        if attend is not None:
            weights = attend
            context = torch.bmm(weights.unsqueeze(1), values).squeeze(1)
        x = torch.cat([e, context], 1)  # [B, Et + 2He]: what self.rnn reads at this step
        o, h = self.rnn(x.unsqueeze(1), h)
        logits = self.out(torch.cat([o[:, 0], context, e], 1))  # [B, V]
        return logits, h, weights, x


class DateTranslator(nn.Module):
    def __init__(self, src_vocab: int, tgt_vocab: int, bos: int, eos: int):
        super().__init__()
        self.encoder = Encoder(src_vocab, 24, 64)
        self.decoder = Decoder(tgt_vocab, 16, 128, 128)
        self.bos = bos
        self.eos = eos

    def encode(self, src: Tensor, src_lengths: Tensor):
        return self.encode_embedded(self.encoder.embed(src), src_lengths)

    def encode_embedded(self, emb: Tensor, src_lengths: Tensor):
        emb, enc, h = self.encoder.from_embeddings(emb, src_lengths)
        h0 = torch.tanh(self.decoder.init(torch.cat([h[0], h[1]], 1))).unsqueeze(0)  # [1, B, H]
        keys = self.decoder.attention.key(enc)  # [B, T_in, A], computed once per sequence
        mask = torch.arange(emb.size(1)).unsqueeze(0) < src_lengths.unsqueeze(1)  # [B, T_in]
        return emb, enc, h0, keys, mask

    def teacher_forced(self, src: Tensor, src_lengths: Tensor, tgt: Tensor):
        """Reads tgt[:, :-1]; logits[:, t] predict tgt[:, t + 1]."""
        return self.teacher_forced_embedded(self.encoder.embed(src), src_lengths, tgt)

    def teacher_forced_embedded(self, src_embeddings: Tensor, src_lengths: Tensor, tgt: Tensor):
        emb, enc, h0, keys, mask = self.encode_embedded(src_embeddings, src_lengths)
        h = h0
        logits: List[Tensor] = []
        weights: List[Tensor] = []
        states: List[Tensor] = []
        inputs: List[Tensor] = []
        for t in range(tgt.size(1) - 1):
            step_logits, h, w, x = self.decoder.step(tgt[:, t], h, keys, enc, mask)
            logits.append(step_logits)
            weights.append(w)
            states.append(h[0])
            inputs.append(x)
        return (torch.stack(logits, 1), torch.stack(weights, 1), torch.stack(states, 1),
                torch.stack(inputs, 1), h0, emb, enc)

    def forward(self, src: Tensor, src_lengths: Tensor, tgt: Tensor, tgt_lengths: Tensor) -> Tensor:
        return self.teacher_forced(src, src_lengths, tgt)[0]  # [B, T_out, V]

    @torch.jit.export
    def interpret(self, src: Tensor, src_lengths: Tensor, tgt: Tensor,
                  tgt_lengths: Tensor) -> Dict[str, Tensor]:
        logits, attention, states, inputs, h0, emb, enc = self.teacher_forced(src, src_lengths, tgt)
        return {
            "logits": logits,  # [B, T_out, V]
            "attention": attention,  # [B, T_out, T_in]
            "embeddings": emb,  # [B, T_in, E]
            "inputs.encoder.rnn": emb,
            "lengths.encoder.rnn": src_lengths,
            "states.encoder.rnn": enc,  # [B, T_in, 2He], forward then reverse half
            "inputs.decoder.rnn": inputs,  # [B, T_out, Et + 2He]: embedding + attention context
            "h0.decoder.rnn": h0,  # [1, B, Hd]
            "lengths.decoder.rnn": tgt_lengths - 1,
            "states.decoder.rnn": states,  # [B, T_out, Hd]
        }

    @torch.jit.export
    def logits_from_embeddings(self, src_embeddings: Tensor, src_lengths: Tensor, tgt: Tensor,
                               tgt_lengths: Tensor) -> Tensor:
        """forward() from the source embeddings, for attribution (docs/model-contract.md)."""
        return self.teacher_forced_embedded(src_embeddings, src_lengths, tgt)[0]  # [B, T_out, V]

    @torch.jit.export
    def decode_start(self, src: Tensor, src_lengths: Tensor) -> Dict[str, Tensor]:
        """The decoder's state before its first step, batch first (docs/model-contract.md)."""
        emb, enc, h0, keys, mask = self.encode(src, src_lengths)
        return {"hidden": h0[0], "keys": keys, "values": enc, "mask": mask}

    @torch.jit.export
    def decode_step(self, prev: Tensor, state: Dict[str, Tensor]) -> Dict[str, Tensor]:
        """One output step of every row: prev [B] the previous output ids (bos first)."""
        attend: Optional[Tensor] = None
        if "attention_override" in state:
            attend = state["attention_override"]
        logits, h, weights, _ = self.decoder.step(prev, state["hidden"].unsqueeze(0),
                                                  state["keys"], state["values"], state["mask"],
                                                  attend)
        return {"logits": logits, "attention": weights, "hidden": h[0], "keys": state["keys"],
                "values": state["values"], "mask": state["mask"]}

    @torch.jit.export
    def generate(self, src: Tensor, src_lengths: Tensor, max_len: int) -> Tensor:
        """Greedy decoding: [B, T_out] ids without bos, up to and including eos, then pad (0)."""
        emb, enc, h, keys, mask = self.encode(src, src_lengths)
        prev = torch.full([src.size(0)], self.bos, dtype=torch.long)
        done = torch.zeros([src.size(0)], dtype=torch.bool)
        out: List[Tensor] = []
        for _ in range(max_len):
            logits, h, _, _ = self.decoder.step(prev, h, keys, enc, mask)
            prev = logits.argmax(1)
            out.append(prev.masked_fill(done, 0))
            done = done | (prev == self.eos)
            if bool(done.all()):
                break
        if len(out) == 0:
            return torch.zeros([src.size(0), 0], dtype=torch.long)
        return torch.stack(out, 1)


# --- training and evaluation --------------------------------------------------------------

def batch(rows, idx, src_vocab, tgt_vocab):
    src, src_len = common.pad_batch([common.encode(list(rows[i][0]), src_vocab) for i in idx])
    tgt, tgt_len = common.pad_batch([common.encode([common.BOS] + list(rows[i][1]) + [common.EOS],
                                                   tgt_vocab) for i in idx])
    return src, src_len, tgt, tgt_len


def decode(ids: List[int], vocab: List[str]) -> str:
    """Output ids -> text: stops at eos, drops the other special tokens."""
    text = ""
    for i in ids:
        if vocab[i] == common.EOS:
            break
        if vocab[i] not in (common.PAD, common.UNK, common.BOS):
            text += vocab[i]
    return text


def evaluate(model, test, src_vocab, tgt_vocab) -> Dict[str, object]:
    exact = chars = char_total = 0
    aligned = {"all": [0, 0], "digits": [0, 0], "separators": [0, 0]}
    errors: List[str] = []
    with torch.no_grad():
        for idx in common.minibatches(len(test), 250):
            src, src_len, tgt, tgt_len = batch(test, idx, src_vocab, tgt_vocab)
            generated = model.generate(src, src_len, 16)
            attention = model.interpret(src, src_len, tgt, tgt_len)["attention"]  # [B, T_out, T_in]
            for b, i in enumerate(idx):
                source, target, spans = test[i]
                text = decode(generated[b].tolist(), tgt_vocab)
                exact += text == target
                chars += sum(a == c for a, c in zip(text, target))
                char_total += len(target)
                if text != target and len(errors) < 8:
                    errors.append(f"  {source!r:45} -> {text!r}  (expected {target!r})")
                # Attention on the gold target: does each output character look at its span?
                for t, span in enumerate(spans.split()):
                    s, e = map(int, span.split(":"))
                    hit = s <= int(attention[b, t, :len(source)].argmax()) < e
                    for group in ("all", "separators" if target[t] == "-" else "digits"):
                        aligned[group][0] += hit
                        aligned[group][1] += 1
    if errors:
        print("some held-out errors:\n" + "\n".join(errors))
    return {
        "samples": len(test),
        "exact_match": exact / len(test),
        "char_accuracy": chars / char_total,
        "attention_alignment": aligned["all"][0] / aligned["all"][1],
        "attention_alignment_digits": aligned["digits"][0] / aligned["digits"][1],
        "attention_alignment_separators": aligned["separators"][0] / aligned["separators"][1],
    }


def main() -> None:
    args = common.parse_args(
        "dates", __doc__.splitlines()[0], epochs=2,
        extra=lambda p: p.add_argument(
            "--both-orders", action="store_true",
            help="also write dates month first (11/26/2026), as often as day first"))
    rng = common.seed_everything(args.seed)
    clock = common.Stopwatch()
    name = "dates_both_orders" if args.both_orders else "dates"
    metrics_file = "metrics_both_orders.json" if args.both_orders else "metrics.json"
    # Month first beside day first: "{D}/{M}/{Y}" and "{M}/{D}/{Y}" equally often.
    templates = TEMPLATES + (["{M}/{D}/{Y}"] if args.both_orders else [])

    train, test = make_splits(rng, n_train=30000, n_test=1500, templates=templates)
    common.write_tsv(args.out / f"{name}.tsv", test)
    common.write_tsv(args.out / f"{name}-train.tsv", train)
    src_vocab = common.build_vocab([list(s) for s, _, _ in train], [common.PAD, common.UNK])
    tgt_vocab = common.build_vocab([list(t) for _, t, _ in train],
                                   [common.PAD, common.UNK, common.BOS, common.EOS])
    model = DateTranslator(len(src_vocab), len(tgt_vocab), tgt_vocab.index(common.BOS),
                           tgt_vocab.index(common.EOS))

    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)
    if args.weights_from:
        common.load_weights(model, args.weights_from)
    for epoch in range(0 if args.weights_from else args.epochs):
        model.train()
        total = 0.0
        for idx in common.bucketed_minibatches([len(s) for s, _, _ in train], 64, rng):
            src, src_len, tgt, tgt_len = batch(train, idx, src_vocab, tgt_vocab)
            logits = model(src, src_len, tgt, tgt_len)  # [B, T_out, V]
            loss = nn.functional.cross_entropy(logits.flatten(0, 1), tgt[:, 1:].flatten(),
                                               ignore_index=0)
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            total += float(loss) * len(idx)
        schedule.step()
        print(f"epoch {epoch + 1:2d}  loss {total / len(train):.4f}  ({clock.seconds():.0f} s)",
              flush=True)
    train_seconds, train_cpu_seconds = clock.seconds(), clock.cpu_seconds()
    if args.weights_from:  # keep what the training that made these weights cost
        earlier = json.loads((args.out / metrics_file).read_text())
        train_seconds, train_cpu_seconds = earlier["train_seconds"], earlier["train_cpu_seconds"]

    meta = {
        "name": name,
        "description": "Character seq2seq (bidirectional GRU encoder, GRU decoder with additive "
                       "attention) that rewrites human-written dates as YYYY-MM-DD."
                       + (" Trained on dates written day first and month first, so 01/02/2003 "
                          "has two readings." if args.both_orders else ""),
        "task": "seq2seq",
        "input": common.token_input_meta(src_vocab, "char"),
        "target_vocab": tgt_vocab,
        "bos": common.BOS,
        "eos": common.EOS,
        "pad": common.PAD,
    }
    scripted = common.save_model(model, args.out / f"{name}.pt", meta)
    metrics = evaluate(scripted, test, src_vocab, tgt_vocab)  # the saved model, as rnnscope sees it
    metrics["train_seconds"] = round(train_seconds, 1)
    metrics["train_cpu_seconds"] = round(train_cpu_seconds, 1)
    common.write_metrics(args.out, metrics, metrics_file)


if __name__ == "__main__":
    main()
