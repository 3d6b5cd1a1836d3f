"""The PyTorch peer of one interactive intervention (bench_intervene): the brackets demo on a
typed input, re-run with cell units set to zero at every step, as a PyTorch user writes it — a
hand loop over the steps (forward hooks cannot replace a state inside nn.LSTM's recurrence) on
the same TorchScript model's weights. Computing only: no drawing. Prints one line
"median_ms <m> runs <n> prediction <label> probability <p>".

    /usr/bin/python3 bench/interventions/rerun_peer.py MODEL.pt TEXT UNIT [UNIT ...]
"""

import json
import statistics
import sys
import time

import torch


def main() -> None:
    path, text, units = sys.argv[1], sys.argv[2], [int(u) for u in sys.argv[3:]]
    torch.set_grad_enabled(False)
    extra = {"rnnscope.json": ""}
    model = torch.jit.load(path, _extra_files=extra)
    meta = json.loads(extra["rnnscope.json"])
    vocab = {t: i for i, t in enumerate(meta["input"]["vocab"])}
    lstm = model.lstm
    w_ih, w_hh = lstm.weight_ih_l0, lstm.weight_hh_l0
    bias = lstm.bias_ih_l0 + lstm.bias_hh_l0

    def run():
        ids = torch.tensor([vocab.get(ch, vocab["<unk>"]) for ch in text])
        proj = model.embed.weight[ids] @ w_ih.T + bias
        h = proj.new_zeros(lstm.hidden_size)
        c = proj.new_zeros(lstm.hidden_size)
        for t in range(proj.size(0)):
            i, f, g, o = (proj[t] + w_hh @ h).chunk(4)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            c[units] = 0.0
            h = torch.sigmoid(o) * torch.tanh(c)
        return torch.softmax(model.out(h), 0)

    for _ in range(5):
        run()
    ms = []
    for _ in range(100):
        start = time.perf_counter()
        p = run()
        ms.append((time.perf_counter() - start) * 1000)
    label = meta["labels"][int(p.argmax())]
    print(f"median_ms {statistics.median(ms):.2f} runs {len(ms)} prediction {label} "
          f"probability {float(p.max()):.4f}")


if __name__ == "__main__":
    main()
