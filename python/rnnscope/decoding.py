"""Beam search and sampling over a seq2seq model's decode_start() / decode_step(), in plain
PyTorch: the same algorithm rnnscope runs (core/decoding/BeamSearch.h), for a notebook, for
rnnscope's tests to compare against, and as the peer of bench/decoding.

    import torch, rnnscope.decoding as dec
    model = torch.jit.load("dates.pt")
    src = torch.tensor([[...ids...]]); lengths = torch.tensor([src.size(1)])
    hypotheses, tree = dec.beam_search(model, src, lengths, bos, eos, width=5)

docs/decoding.md describes the search; docs/model-contract.md the two methods.
"""

from typing import Dict, List, Optional, Sequence, Tuple

import torch


def _select(state: Dict[str, torch.Tensor], rows: Sequence[int], count: int):
    index = torch.tensor(list(rows), dtype=torch.long)
    return {k: (v.index_select(0, index) if v.dim() > 0 and v.size(0) == count else v)
            for k, v in state.items() if k != "attention_override"}


def beam_search(model, src: torch.Tensor, src_lengths: torch.Tensor, bos: int, eos: int,
                width: int = 5, alpha: float = 0.0, max_length: int = 64,
                prefix: Sequence[int] = ()) -> Tuple[List[dict], List[dict]]:
    """One sentence (src [1, T_in]). Returns (hypotheses best first, tree nodes): a hypothesis is
    {"tokens", "score", "normalised_score", "ended"}; a node {"id", "parent", "token",
    "log_prob", "score", "step", "ended"} with the root (bos) first."""
    with torch.no_grad():
        state = model.decode_start(src, src_lengths)
        nodes = [{"id": 0, "parent": None, "token": bos, "log_prob": 0.0, "score": 0.0,
                  "step": 0, "ended": False}]
        live, rows, tokens, ended = [0], [0], [bos], []
        count = src.size(0)
        for step in range(1, max_length + 1):
            state = model.decode_step(torch.tensor(tokens, dtype=torch.long),
                                      _select(state, rows, count))
            count = len(rows)
            lp = torch.log_softmax(state["logits"].float(), 1)
            candidates = []
            for r, node in enumerate(live):
                base = nodes[node]["score"]
                if step <= len(prefix):
                    candidates.append((base + float(lp[r, prefix[step - 1]]), r, prefix[step - 1]))
                else:
                    candidates.extend((base + float(p), r, v) for v, p in enumerate(lp[r].tolist()))
            candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
            candidates = candidates[:2 * width]
            next_live, rows, tokens = [], [], []
            for rank, (score, r, v) in enumerate(candidates):
                if len(next_live) >= width:
                    break
                if v == eos and rank >= width:
                    continue
                nodes.append({"id": len(nodes), "parent": live[r], "token": v,
                              "log_prob": float(lp[r, v]), "score": score, "step": step,
                              "ended": v == eos})
                if v == eos:
                    ended.append(len(nodes) - 1)
                    continue
                next_live.append(len(nodes) - 1)
                rows.append(r)
                tokens.append(v)
            live = next_live
            if not live:
                break
            if len(ended) >= width:
                def norm(score, length):
                    return score / (length ** alpha) if alpha else score
                kept = sorted((norm(nodes[n]["score"], nodes[n]["step"]) for n in ended),
                              reverse=True)[width - 1]
                if max(norm(nodes[n]["score"], step) for n in live) <= kept:
                    break
        if len(ended) < width:
            ended += live
        hypotheses = []
        for node in ended:
            path, at = [], node
            while at > 0:
                path.append(nodes[at]["token"])
                at = nodes[at]["parent"]
            path.reverse()
            score = nodes[node]["score"]
            norm = score / (len(path) ** alpha) if alpha else score
            hypotheses.append({"tokens": path, "score": score, "normalised_score": norm,
                               "ended": nodes[node]["ended"]})
        hypotheses.sort(key=lambda h: (not h["ended"], -h["normalised_score"]))
        return hypotheses[:width], nodes


def teacher_forced_log_prob(model, src: torch.Tensor, src_lengths: torch.Tensor, bos: int,
                            tokens: Sequence[int]) -> float:
    """log P(tokens | src) through the model's own forward(src, src_lengths, tgt, tgt_lengths),
    teacher forced on bos + tokens: independent of decode_step()."""
    with torch.no_grad():
        tgt = torch.tensor([[bos] + list(tokens)], dtype=torch.long)
        logits = model(src, src_lengths, tgt, torch.tensor([tgt.size(1)]))
        lp = torch.log_softmax(logits[0].double(), 1)
        return float(sum(lp[t, tok] for t, tok in enumerate(tokens)))


def greedy_by_steps(model, src, src_lengths, bos: int, eos: int, max_length: int,
                    attend: Optional[Dict[int, torch.Tensor]] = None) -> Tuple[List[int], list]:
    """Greedy decoding through decode_step(); `attend` maps an output step (from 1) to the
    weights [T_in] it uses instead of its own. Returns (tokens, attention rows)."""
    with torch.no_grad():
        state = model.decode_start(src, src_lengths)
        prev, out, rows = bos, [], []
        for step in range(1, max_length + 1):
            state = {k: v for k, v in state.items() if k != "attention_override"}
            if attend and step in attend:
                state["attention_override"] = attend[step].unsqueeze(0)
            state = model.decode_step(torch.tensor([prev]), state)
            prev = int(state["logits"][0].argmax())
            out.append(prev)
            rows.append(state["attention"][0].tolist() if "attention" in state else [])
            if prev == eos:
                break
        return out, rows
