"""Reference for rnnscope's deletion sensitivity, computed with PyTorch alone: a classifier
(TorchScript, forward(ids, lengths) -> logits) run on the input with each character deleted in
turn. Prints JSON {"original": p, "prediction": label, "deleted": [p, ...]}, p the probability
of the original prediction.

    /usr/bin/python3 tests/models/deletion_reference.py MODEL.pt TEXT
"""

import json
import sys

import torch


def main() -> None:
    path, text = sys.argv[1], sys.argv[2]
    torch.set_grad_enabled(False)
    extra = {"rnnscope.json": ""}
    model = torch.jit.load(path, _extra_files=extra)
    meta = json.loads(extra["rnnscope.json"])
    vocab = {t: i for i, t in enumerate(meta["input"]["vocab"])}

    def probabilities(s: str) -> torch.Tensor:
        ids = torch.tensor([[vocab.get(ch, vocab["<unk>"]) for ch in s]])
        return torch.softmax(model(ids, torch.tensor([len(s)])), -1)[0]

    p = probabilities(text)
    predicted = int(p.argmax())
    deleted = [float(probabilities(text[:t] + text[t + 1:])[predicted]) for t in range(len(text))]
    print(json.dumps({"original": float(p[predicted]), "prediction": meta["labels"][predicted],
                      "deleted": deleted}))


if __name__ == "__main__":
    main()
