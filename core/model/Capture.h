#pragma once
// What one run of a model on one sample yields: its tokens, outputs, attention and every
// recurrent state captured white-box. Plain data: no LibTorch types, so widgets and tests can
// use it without paying for LibTorch headers.

#include <Eigen/Core>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <vector>

namespace rnnscope {

using MatrixRM = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// One input sequence as the model sees it.
struct SampleInput {
    QStringList tokens;              // display form of each input token
    std::vector<int64_t> ids;        // token ids (token models)
    MatrixRM features;               // [T, F] (feature models)
    QStringList targetTokens;        // seq2seq/language model reference, without bos/eos
    std::vector<int64_t> targetIds;  // seq2seq: bos + target + eos
    int unknownTokens = 0;           // tokens mapped to `unk`
    std::vector<bool> unknown;       // per input token: not in the vocabulary, read as `unk`
    int length() const { return static_cast<int>(tokens.size()); }
};

// A recurrent submodule found in the model (one nn.LSTM / nn.GRU / nn.RNN).
struct RecurrentLayerInfo {
    QString module;  // attribute path, e.g. "encoder.rnn"
    QString type;    // "LSTM", "GRU", "RNN_TANH", "RNN_RELU"
    int numLayers = 1;
    bool bidirectional = false;
    bool batchFirst = false;
    int inputSize = 0;
    int hiddenSize = 0;
    int projSize = 0;        // LSTM with projections: hidden state has projSize units
    bool captured = false;   // its input could be rebuilt, so states and gates are unrolled
    QString whyNotCaptured;  // what the model should add (docs/model-contract.md) when not
};

// Per-step values of one layer, direction and kind for one sample.
struct StateTrack {
    QString module;  // recurrent submodule path, or "states" for model-exposed states.<name>
    int layer = 0;
    int direction = 0;  // 0 forward, 1 reverse
    // "hidden", "cell", "gate.input", "gate.forget", "gate.cell", "gate.output" (LSTM),
    // "gate.reset", "gate.update", "gate.new" (GRU), or the <name> of an exposed states.<name>.
    QString kind;
    MatrixRM values;  // [T, H]: one row per step of this sample (no padding)

    QString label() const;  // "encoder.rnn L0 fwd hidden"
};

// A further attention layer a model returns as `attention.<name>` (the first is `attention`).
struct AttentionLayer {
    QString name;                 // <name>
    std::vector<MatrixRM> heads;  // per head: [T_out, T_in]
};

struct SampleResult {
    SampleInput input;
    MatrixRM logits;                 // [1, C] per sequence, [T, C] per step, seq2seq [T_out, V]
    MatrixRM probabilities;          // softmax of logits (classification, tagging, seq2seq, LM)
    std::vector<int> predicted;      // argmax per row of logits
    QStringList outputTokens;        // seq2seq: the output the logits/attention refer to
    bool outputIsGenerated = false;  // seq2seq: outputTokens came from generate()
    QStringList generatedTokens;     // seq2seq: the model's own greedy output
    // seq2seq: generate() ran, so generatedTokens is the model's own output (it may be empty)
    bool generateRan = false;
    std::vector<MatrixRM> attention;  // per head: [T_out, T_in]; classifier pooling [1, T]
    std::vector<AttentionLayer> attentionLayers;  // attention.<name> keys, by name
    MatrixRM embeddings;                          // [T, E]
    std::vector<StateTrack> tracks;
    double maxAbsDiff = -1.0;  // unrolled vs the module's own output; < 0 when not verified
    QStringList notes;         // what the model could add to show more (one line each)
};

}  // namespace rnnscope
