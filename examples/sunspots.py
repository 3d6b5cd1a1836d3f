"""Sunspots: a 2-layer LSTM that forecasts the monthly sunspot number one month ahead, trained on
1749-1959 and held out on 1960-2013 (issue #24's forecaster, the time-series demo).

Data: resources/demo/sunspots/sunspot_month.csv, the monthly mean total sunspot number from
January 1749 to September 2013 as R ships it (datasets::sunspot.month; source WDC-SILSO, Royal
Observatory of Belgium, Brussels), one row per month: `date,sunspots`.

Model: the raw number / 100 -> nn.LSTM(1, 32, num_layers=2) -> nn.Linear(32, 1) * 100 at every
step: at step t the forecast of month t + 1 from the months up to t. forward(inputs, lengths)
returns [B, T, 1]; padding at the end never reaches an earlier step (the LSTM runs forward only).

    /usr/bin/python3 examples/sunspots.py [--out DIR] [--epochs N] [--seed S]

Training windows: every run of 48 months that ends before 1960, with its 48 next months as the
per-step targets. Held out: 50 windows of 48 months from 1960 on (one every 12 months, so they
overlap), each with ONE target, the month after the window: what a forecaster is asked. Writes
<out>/sunspots.pt, sunspots.jsonl (the held-out windows: {"features": [...48 values],
"target": next month, "start": "YYYY-MM"}) and metrics.json (MAE and RMSE of the last step's
forecast over the held-out windows, and of the naive forecast "next month = this month").
"""

import csv
import json
import math
from pathlib import Path
from typing import List, Tuple

import torch
from torch import Tensor, nn

import common

WINDOW = 48
SCALE = 100.0


class Forecaster(nn.Module):
    def __init__(self, hidden: int = 32, layers: int = 2):
        super().__init__()
        self.lstm = nn.LSTM(1, hidden, num_layers=layers, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, inputs: Tensor, lengths: Tensor) -> Tensor:
        h, _ = self.lstm(inputs / 100.0)  # SCALE: TorchScript reads no module globals
        return self.head(h) * 100.0


def read_series(path: Path) -> Tuple[List[str], List[float]]:
    dates, values = [], []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            dates.append(row["date"])
            values.append(float(row["sunspots"]))
    return dates, values


def main() -> None:
    args = common.parse_args("sunspots", __doc__.splitlines()[0], epochs=30)
    rng = common.seed_everything(args.seed)
    clock = common.Stopwatch()
    dates, values = read_series(common.REPO / "resources" / "demo" / "sunspots" /
                                "sunspot_month.csv")
    split = dates.index("1960-01")
    series = torch.tensor(values).unsqueeze(1)  # [months, 1]

    # Training: every window ending before 1960, the next month at every step.
    starts = list(range(0, split - WINDOW))
    inputs = torch.stack([series[s:s + WINDOW] for s in starts])
    targets = torch.stack([series[s + 1:s + WINDOW + 1] for s in starts])
    # Held out: 50 windows from 1960, one every 12 months, each with the month after it.
    test_starts = [split + 12 * i for i in range(50)]
    assert test_starts[-1] + WINDOW < len(values)
    test_inputs = torch.stack([series[s:s + WINDOW] for s in test_starts])
    test_targets = torch.tensor([values[s + WINDOW] for s in test_starts])

    model = Forecaster()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)
    lengths = torch.full((64,), WINDOW)
    for epoch in range(args.epochs):
        model.train()
        order = list(range(len(starts)))
        rng.shuffle(order)
        total = 0.0
        for b in range(0, len(order), 64):
            idx = torch.tensor(order[b:b + 64])
            out = model(inputs[idx], lengths[:len(idx)])
            # The first months of a window have little history: weigh the later steps more.
            loss = nn.functional.l1_loss(out[:, 12:] / SCALE, targets[idx][:, 12:] / SCALE)
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            total += float(loss) * len(idx)
        schedule.step()
        print(f"epoch {epoch + 1:2d}  loss {total / len(starts) * SCALE:.2f}  "
              f"({clock.seconds():.0f} s)", flush=True)
    train_seconds, train_cpu_seconds = clock.seconds(), clock.cpu_seconds()

    meta = {
        "name": "sunspots",
        "description": "2-layer LSTM forecasting the monthly sunspot number one month ahead, at "
                       "every step (trained on 1749-1959).",
        "task": "regression",
        "outputs": ["sunspots next month"],
        "input": {"type": "features", "size": 1, "names": ["sunspots"]},
    }
    scripted = common.save_model(model, args.out / "sunspots.pt", meta)
    with open(args.out / "sunspots.jsonl", "w", encoding="utf-8") as f:
        for s in test_starts:  # the CSV's own numbers, not their float32 copies
            f.write(json.dumps({"features": values[s:s + WINDOW], "target": values[s + WINDOW],
                                "start": dates[s]}) + "\n")

    with torch.no_grad():  # the saved model, as rnnscope runs it: the last step's forecast
        last = scripted(test_inputs, torch.full((50,), WINDOW))[:, -1, 0]
    errors = last - test_targets
    naive = test_inputs[:, -1, 0] - test_targets
    metrics = {
        "samples": 50,
        "mae": float(errors.abs().mean()),
        "rmse": math.sqrt(float((errors ** 2).mean())),
        "naive_mae": float(naive.abs().mean()),
        "naive_rmse": math.sqrt(float((naive ** 2).mean())),
        "train_seconds": round(train_seconds, 1),
        "train_cpu_seconds": round(train_cpu_seconds, 1),
    }
    common.write_metrics(args.out, metrics)


if __name__ == "__main__":
    main()
