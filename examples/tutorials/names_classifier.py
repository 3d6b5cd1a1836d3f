"""The PyTorch tutorial "NLP From Scratch: Classifying Names with a Character-Level RNN"
(pytorch.org/tutorials/intermediate/char_rnn_classification_tutorial.html), trained on the
words of Debian's word lists (wfrench, wngerman, witalian, wspanish) instead of the tutorial's
surnames, and exported for rnnscope.

The model class, the alphabet and lineToTensor are the tutorial's, unchanged; only the data
loading is new. The lines between the two "rnnscope export" markers are all rnnscope needs
(docs/your-model.md counts them).

    /usr/bin/python3 examples/tutorials/names_classifier.py OUT.pt [--quick]

writes OUT.pt and OUT.tsv (held-out words with their language, a dataset rnnscope opens).
"""

import argparse
import random
import string
import sys
import unicodedata
from pathlib import Path

import torch
import torch.nn as nn

# --- from the tutorial ------------------------------------------------------------------------

allowed_characters = string.ascii_letters + " .,;'" + "_"
n_letters = len(allowed_characters)


def unicodeToAscii(s):
    return ''.join(
        c for c in unicodedata.normalize('NFD', s)
        if unicodedata.category(c) != 'Mn'
        and c in allowed_characters
    )


def letterToIndex(letter):
    if letter not in allowed_characters:
        return allowed_characters.find("_")
    return allowed_characters.find(letter)


def lineToTensor(line):
    tensor = torch.zeros(len(line), 1, n_letters)
    for li, letter in enumerate(line):
        tensor[li][0][letterToIndex(letter)] = 1
    return tensor


class CharRNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super(CharRNN, self).__init__()

        self.rnn = nn.RNN(input_size, hidden_size)
        self.h2o = nn.Linear(hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, line_tensor):
        rnn_out, hidden = self.rnn(line_tensor)
        output = self.h2o(hidden[0])
        output = self.softmax(output)

        return output


# --- data: Debian word lists instead of the tutorial's names ---------------------------------

LISTS = {"French": "french", "German": "ngerman", "Italian": "italian", "Spanish": "spanish"}


def load_words(per_language: int, rng: random.Random):
    data = []
    for language, file in LISTS.items():
        path = Path("/usr/share/dict") / file
        if not path.exists():
            sys.exit(f"{path} is missing: apt-get install w{file.removeprefix('n')} "
                     f"(make run installs it)")
        words = sorted({unicodeToAscii(w.strip()) for w in path.read_text(encoding="utf-8")
                        .splitlines() if "'" not in w})
        words = [w for w in words if 3 <= len(w) <= 12]
        data += [(w, language) for w in rng.sample(words, per_language)]
    rng.shuffle(data)
    return data


def train(model, data, languages, epochs):
    # The tutorial trains one name at a time; words of one length batch exactly (no padding), so
    # they are stacked here for speed. Same loss (NLLLoss on the log-softmax), same optimiser.
    criterion = nn.NLLLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.15)
    by_length = {}
    for word, language in data:
        by_length.setdefault(len(word), []).append((word, languages.index(language)))
    batches = []
    for group in by_length.values():
        for i in range(0, len(group), 64):
            batches.append(group[i:i + 64])
    for epoch in range(epochs):
        random.Random(epoch).shuffle(batches)
        total = 0.0
        for batch in batches:
            x = torch.cat([lineToTensor(w) for w, _ in batch], dim=1)  # [T, B, n_letters]
            y = torch.tensor([label for _, label in batch])
            loss = criterion(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 3)
            optimizer.step()
            total += float(loss) * len(batch)
        print(f"epoch {epoch + 1}: loss {total / len(data):.3f}")


def accuracy(model, data, languages):
    with torch.no_grad():
        right = sum(int(model(lineToTensor(w)).argmax()) == languages.index(lang)
                    for w, lang in data)
    return right / len(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--quick", action="store_true", help="a small model in seconds (tests)")
    args = parser.parse_args()
    torch.manual_seed(0)
    rng = random.Random(0)
    languages = list(LISTS)
    data = load_words(300 if args.quick else 4000, rng)
    held_out, training = data[:200], data[200:]
    rnn = CharRNN(n_letters, 32 if args.quick else 128, len(languages))
    train(rnn, training, languages, 2 if args.quick else 12)
    print(f"held-out accuracy: {accuracy(rnn, held_out, languages):.3f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".tsv").write_text(
        "".join(f"{w}\t{lang}\n" for w, lang in held_out), encoding="utf-8")

    # --- rnnscope export ---
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python"))
    import rnnscope
    rnnscope.export(rnn, args.out, task="classification", vocab=allowed_characters,
                    labels=languages, input="one_hot", time_major=True, unk="_")
    # --- end of rnnscope export ---


if __name__ == "__main__":
    main()
