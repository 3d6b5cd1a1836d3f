"""The PyTorch tutorial "Sequence Models and Long Short-Term Memory Networks"
(pytorch.org/tutorials/beginner/nlp/sequence_models_tutorial.html): its LSTM part-of-speech
tagger, trained on the tutorial's own sentences, and exported for rnnscope.

The model class, the data and the training loop are the tutorial's, unchanged. The tagger reads
one sentence at a time (a [T] tensor, no batch dimension); rnnscope.export(batched=False) wraps
it without changing it. The lines between the two "rnnscope export" markers are all rnnscope
needs (docs/your-model.md counts them).

    /usr/bin/python3 examples/tutorials/pos_tagger.py OUT.pt

writes OUT.pt and OUT.tsv (the training sentences with their tags, a dataset rnnscope opens).
"""

import argparse
import sys
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

# --- from the tutorial ------------------------------------------------------------------------

torch.manual_seed(1)


def prepare_sequence(seq, to_ix):
    idxs = [to_ix[w] for w in seq]
    return torch.tensor(idxs, dtype=torch.long)


training_data = [
    # Tags are: DET - determiner; NN - noun; V - verb
    # For example, the word "The" is a determiner
    ("The dog ate the apple".split(), ["DET", "NN", "V", "DET", "NN"]),
    ("Everybody read that book".split(), ["NN", "V", "DET", "NN"])
]
word_to_ix = {}
# For each words-list (sentence) and tags-list in each tuple of training_data
for sent, tags in training_data:
    for word in sent:
        if word not in word_to_ix:  # word has not been assigned an index yet
            word_to_ix[word] = len(word_to_ix)  # Assign each word with a unique index
tag_to_ix = {"DET": 0, "NN": 1, "V": 2}  # Assign each tag with a unique index

# These will usually be more like 32 or 64 dimensional.
# We will keep them small, so we can see how the weights change as we train.
EMBEDDING_DIM = 6
HIDDEN_DIM = 6


class LSTMTagger(nn.Module):

    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super(LSTMTagger, self).__init__()
        self.hidden_dim = hidden_dim

        self.word_embeddings = nn.Embedding(vocab_size, embedding_dim)

        # The LSTM takes word embeddings as inputs, and outputs hidden states
        # with dimensionality hidden_dim.
        self.lstm = nn.LSTM(embedding_dim, hidden_dim)

        # The linear layer that maps from hidden state space to tag space
        self.hidden2tag = nn.Linear(hidden_dim, tagset_size)

    def forward(self, sentence):
        embeds = self.word_embeddings(sentence)
        lstm_out, _ = self.lstm(embeds.view(len(sentence), 1, -1))
        tag_space = self.hidden2tag(lstm_out.view(len(sentence), -1))
        tag_scores = F.log_softmax(tag_space, dim=1)
        return tag_scores


def train():
    model = LSTMTagger(EMBEDDING_DIM, HIDDEN_DIM, len(word_to_ix), len(tag_to_ix))
    loss_function = nn.NLLLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    for epoch in range(300):  # again, normally you would NOT do 300 epochs, it is toy data
        for sentence, tags in training_data:
            model.zero_grad()
            sentence_in = prepare_sequence(sentence, word_to_ix)
            targets = prepare_sequence(tags, tag_to_ix)
            tag_scores = model(sentence_in)
            loss = loss_function(tag_scores, targets)
            loss.backward()
            optimizer.step()
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    model = train()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # rnnscope's tagging datasets: the sentence, a tab, one tag per word.
    args.out.with_suffix(".tsv").write_text(
        "".join(f"{' '.join(s)}\t{' '.join(t)}\n" for s, t in training_data), encoding="utf-8")

    # --- rnnscope export ---
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python"))
    import rnnscope
    rnnscope.export(model, args.out, task="tagging", vocab=word_to_ix, labels=list(tag_to_ix),
                    tokenizer="whitespace", batched=False)
    # --- end of rnnscope export ---


if __name__ == "__main__":
    main()
