"""The PyTorch peer of `rnnscope-cli ablate`: the same ablation sweep written as a PyTorch user
would, with a hand loop over the steps (forward hooks cannot replace a state inside nn.LSTM's
recurrence), batched over samples, one unit at a time, on the same TorchScript model's weights.

For the brackets demo (embedding -> nn.LSTM -> linear on the last valid step): each cell unit
set to zero at every step of every sample; prints one line
"seconds <s> units <n> samples <n> baseline_accuracy <a> worst_unit <u> worst_accuracy <a>".

    /usr/bin/python3 bench/interventions/peer.py MODEL.pt DATA.tsv [--batch 128] [--threads N]
"""

import argparse
import json
import time

import torch


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("data")
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_grad_enabled(False)

    extra = {"rnnscope.json": ""}
    model = torch.jit.load(args.model, _extra_files=extra)
    meta = json.loads(extra["rnnscope.json"])
    vocab = {t: i for i, t in enumerate(meta["input"]["vocab"])}
    labels = meta["labels"]
    rows = [line.rstrip("\n").split("\t") for line in open(args.data, encoding="utf-8")]
    rows = [r for r in rows if len(r) == 2]

    start = time.perf_counter()
    lstm = model.lstm
    w_ih, w_hh = lstm.weight_ih_l0, lstm.weight_hh_l0
    bias = lstm.bias_ih_l0 + lstm.bias_hh_l0
    hidden = lstm.hidden_size
    batches = []
    for first in range(0, len(rows), args.batch):
        chunk = rows[first:first + args.batch]
        lengths = torch.tensor([len(t) for t, _ in chunk])
        ids = torch.zeros(len(chunk), int(lengths.max()), dtype=torch.long)
        for n, (text, _) in enumerate(chunk):
            ids[n, :len(text)] = torch.tensor([vocab.get(ch, vocab["<unk>"]) for ch in text])
        truth = torch.tensor([labels.index(label) for _, label in chunk])
        # The input projection of every step at once, as a PyTorch user would hoist it.
        proj = model.embed.weight[ids] @ w_ih.T + bias  # [B, T, 4H]
        batches.append((proj, lengths, truth))

    def accuracy(unit):
        right = 0
        for proj, lengths, truth in batches:
            b = proj.size(0)
            h = proj.new_zeros(b, hidden)
            c = proj.new_zeros(b, hidden)
            last = proj.new_zeros(b, hidden)
            for t in range(proj.size(1)):
                g = proj[:, t] + h @ w_hh.T
                i, f, gg, o = g.chunk(4, 1)
                c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(gg)
                if unit is not None:
                    c[:, unit] = 0.0
                h = torch.sigmoid(o) * torch.tanh(c)
                ends = lengths == t + 1
                last[ends] = h[ends]
            logits = model.out(last)
            right += int((logits.argmax(1) == truth).sum())
        return right / len(rows)

    baseline = accuracy(None)
    results = {u: accuracy(u) for u in range(hidden)}
    seconds = time.perf_counter() - start
    worst = min(results, key=results.get)
    print(f"seconds {seconds:.3f} units {hidden} samples {len(rows)} "
          f"baseline_accuracy {baseline:.4f} worst_unit {worst} worst_accuracy {results[worst]:.4f}")


if __name__ == "__main__":
    main()
