"""The PyTorch peer of bench_capture: the same TorchScript model on the same batches.

    /usr/bin/python3 torch_peer.py MODEL.pt BATCHES.json THREADS REPEAT

BATCHES.json holds the token ids bench_capture encoded; they are padded here as Model::run pads
them (the vocabulary's pad id, to the batch's longest sample), then the method Model::run calls
is timed: interpret() when the model has it, else forward(). Seq2seq models are teacher-forced
on their targets, as in bench_capture. Prints tokens per second and per CPU second as JSON.
"""

import json
import sys
import time

import torch


def main() -> None:
    model_path, batches_path = sys.argv[1], sys.argv[2]
    threads, repeat = int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    extra = {"rnnscope.json": ""}
    model = torch.jit.load(model_path, _extra_files=extra)
    model.eval()
    meta = json.loads(extra["rnnscope.json"])
    vocab = meta["input"]["vocab"]
    pad = vocab.index(meta["input"].get("pad", "<pad>"))
    seq2seq = meta["task"] == "seq2seq"
    target_vocab = meta.get("target_vocab", [])
    target_pad = target_vocab.index(meta["pad"]) if meta.get("pad") in target_vocab else 0
    method = model.interpret if hasattr(model, "interpret") else model.forward
    data = json.load(open(batches_path))

    def padded(rows, value):
        t = torch.full((len(rows), max(len(r) for r in rows)), value, dtype=torch.long)
        for i, r in enumerate(rows):
            t[i, : len(r)] = torch.tensor(r, dtype=torch.long)
        return t, torch.tensor([len(r) for r in rows], dtype=torch.long)

    calls = []
    for batch in data["batches"]:
        ids, lengths = padded(batch["ids"], pad)
        args = [ids, lengths]
        if seq2seq:
            args += list(padded(batch["targets"], target_pad))
        calls.append(args)

    with torch.inference_mode():
        method(*calls[0])  # warm-up, as bench_capture does
        start, cpu_start = time.perf_counter(), time.process_time()
        for _ in range(repeat):
            for args in calls:
                method(*args)
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    tokens = data["tokens"] * repeat
    print(json.dumps({"tokens_per_s": tokens / seconds, "tokens_per_cpu_s": tokens / cpu_seconds}))


if __name__ == "__main__":
    main()
