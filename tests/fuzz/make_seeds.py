"""Seeds that numpy, h5py and PyTorch write (the files users bring from elsewhere), for
tests/fuzz/run.sh: .npy variants, LSTMVis's own project layout, HDF5 state stacks, and small
TorchScript archives with their rnnscope.json. Run with /usr/bin/python3 (Debian's, with torch)."""
import json
import os
import sys
import zipfile

import h5py
import numpy as np

out = sys.argv[1]
source = sys.argv[2]


def folder(fuzzer):
    path = os.path.join(out, fuzzer)
    os.makedirs(path, exist_ok=True)
    return path


# NumPy: every dtype/order/version the reader accepts, plus a 3-D stack and a refused dtype.
npy = folder("fuzz_npy")
a = np.arange(12 * 5, dtype=np.float32).reshape(12, 5) / 7
np.save(os.path.join(npy, "f4.npy"), a)
np.save(os.path.join(npy, "f8-fortran.npy"), np.asfortranarray(a.astype(np.float64)))
np.save(os.path.join(npy, "f4-big.npy"), a.astype(">f4"))
np.save(os.path.join(npy, "stack.npy"), np.zeros((3, 6, 5), dtype=np.float32))
np.save(os.path.join(npy, "int.npy"), np.arange(6).reshape(2, 3))
with open(os.path.join(npy, "v2.npy"), "wb") as f:
    np.lib.format.write_array(f, a, version=(2, 0))

# LSTMVis's own layout (as its README and tests/core/tst_modelfree.cpp lay it out).
yml = folder("fuzz_lstmvis_yml")
with open(os.path.join(yml, "readme-layout.yml"), "w") as f:
    f.write("""name: toy - 1x5 # project name
description: a toy project

files: # assign files to reference name
  states: states.h5 # HDF5 files have to end with .h5 or .hdf5 !!!
  train: words.h5 # word ids
  words: train.dict # dict files have to end with .dict !!

word_sequence: # defines the word sequence
  file: train # HDF5 file
  path: words # path to table in HDF5
  dict_file: words # dictionary to map IDs from HDF5 to words

states: # section to define which states of your model you want to look at
  file: states # HDF5 files containing the state for each position
  types: [
        {type: state, layer: 1, path: rnn_l0_fwd_cell},
        {type: output, layer: 1, path: rnn_l0_fwd_hidden}
  ]
""")
with open(os.path.join(folder("fuzz_lstmvis_dict"), "sparse.dict"), "w") as f:
    f.write("<eos> 0\nthe 1\ncat 2\n\nsat 3\na 4\ndog 5\n")

states = folder("fuzz_states_hdf5")
with h5py.File(os.path.join(states, "stack.h5"), "w") as f:
    f["layer1/output"] = np.ones((3, 5, 4), dtype=np.float32)
    f["cells"] = np.ones((12, 4), dtype=np.float64)

# Model metadata: the demo models' rnnscope.json, and every task's keys.
meta = folder("fuzz_model_meta")
archives = folder("fuzz_model_archive")
for name in ["brackets", "dates"]:
    with zipfile.ZipFile(os.path.join(source, "resources/demo", name, name + ".pt")) as z:
        with open(os.path.join(meta, name + ".json"), "wb") as f:
            f.write(z.read(name + "/extra/rnnscope.json"))
examples = {
    "tagging": {"task": "tagging", "input": {"type": "tokens", "tokenizer": "whitespace",
                "vocab": ["<pad>", "<unk>", "the", "cat"], "lowercase": True},
                "labels": ["DT", "NN"], "max_length": 40},
    "seq2seq": {"task": "seq2seq", "input": {"type": "tokens", "vocab": ["<pad>", "a", "b"]},
                "target_vocab": ["<pad>", "<bos>", "<eos>", "x"], "bos": "<bos>", "eos": "<eos>"},
    "regression": {"task": "regression", "input": {"type": "features", "feature_size": 3,
                   "feature_names": ["t", "p", "h"]}, "outputs": ["t_next"]},
    "lm": {"task": "language_model", "input": {"type": "tokens", "vocab": ["<pad>", "a"]},
           "target_vocab": ["<pad>", "a"], "name": "lm", "description": "tiny"},
}
for name, value in examples.items():
    with open(os.path.join(meta, name + ".json"), "w") as f:
        json.dump(value, f)

# TorchScript archives: a tiny scripted module with and without rnnscope.json (the demo models
# are 100 KB and more, which would make every fuzzing input that long).
import torch  # noqa: E402


class Tiny(torch.nn.Module):
    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        return x.float() * 2


module = torch.jit.script(Tiny())
with open(os.path.join(meta, "brackets.json"), "rb") as f:
    brackets = f.read()
torch.jit.save(module, os.path.join(archives, "tiny.pt"), _extra_files={"rnnscope.json": brackets})
torch.jit.save(module, os.path.join(archives, "no-meta.pt"))
torch.save({"w": torch.zeros(2)}, os.path.join(archives, "pickle.pt"))
