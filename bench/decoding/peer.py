"""The peer of bench_decoding: the same beam search in plain PyTorch over the same model's
decode_step() (python/rnnscope/decoding.py), on the same samples of a character seq2seq dataset.
Prints one JSON object: the median milliseconds per sample and each sample's best output ids.

    peer.py MODEL.pt DATA.tsv SAMPLES WIDTH [--every-width]
    (SAMPLES: comma-separated 0-based indices; --every-width: widths 1 to WIDTH per sample, as
    the dataset statistics run them, and the total seconds)
"""
import json
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python"))
from rnnscope.decoding import beam_search  # noqa: E402


def main() -> None:
    path, data, samples, width = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    torch.set_num_threads(1)
    extra = {"rnnscope.json": ""}
    model = torch.jit.load(path, _extra_files=extra)
    meta = json.loads(extra["rnnscope.json"])
    vocab = {t: i for i, t in enumerate(meta["input"]["vocab"])}
    unk = vocab[meta["input"]["unk"]]
    tvocab = meta["target_vocab"]
    bos, eos = tvocab.index(meta["bos"]), tvocab.index(meta["eos"])
    lines = Path(data).read_text().splitlines()
    every = "--every-width" in sys.argv
    times, best = [], []
    for index in (int(s) for s in samples.split(",")):
        source = lines[index].split("\t")[0]
        src = torch.tensor([[vocab.get(c, unk) for c in source]])
        lengths = torch.tensor([src.size(1)])
        start = time.perf_counter()
        for k in (range(1, width + 1) if every else [width]):
            hypotheses, _ = beam_search(model, src, lengths, bos, eos, width=k)
        times.append((time.perf_counter() - start) * 1000)
        best.append(hypotheses[0]["tokens"])
    print(json.dumps({"median_ms": statistics.median(times), "total_s": sum(times) / 1000,
                      "best": best}))


if __name__ == "__main__":
    main()
