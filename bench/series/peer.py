"""The peer of `rnnscope-cli errors --window 48 --stride 1 --horizon 1` on a long series: the
same CSV read with the csv module into NumPy, cut with sliding_window_view, run through the same
TorchScript model in batches with PyTorch, and scored (MAE, RMSE over every step).

    python3 peer.py MODEL.pt SERIES.csv THREADS  ->  JSON on stdout
"""
import csv
import json
import sys
import time

import numpy as np
import torch
from numpy.lib.stride_tricks import sliding_window_view

model_path, data_path, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
torch.set_num_threads(threads)
start = time.perf_counter()
model = torch.jit.load(model_path)
with open(data_path) as f:
    reader = csv.reader(f)
    next(reader)
    values = np.array([float(row[1]) for row in reader], dtype=np.float32)
read = time.perf_counter()
x = sliding_window_view(values[:-1], 48)
y = sliding_window_view(values[1:], 48)
abs_sum = 0.0
sq_sum = 0.0
batch = 256
with torch.no_grad():
    for b in range(0, len(x), batch):
        xb = torch.from_numpy(np.ascontiguousarray(x[b:b + batch])).unsqueeze(-1)
        out = model(xb, torch.full((len(xb),), 48))[:, :, 0].numpy().astype(np.float64)
        err = out - y[b:b + batch]
        abs_sum += float(np.abs(err).sum())
        sq_sum += float((err ** 2).sum())
n = x.shape[0] * 48
end = time.perf_counter()
print(json.dumps({"samples": int(x.shape[0]), "mae": abs_sum / n, "rmse": (sq_sum / n) ** 0.5,
                  "read_seconds": read - start, "seconds": end - start}))
