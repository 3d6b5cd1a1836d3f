#pragma once
// A TorchScript model that follows docs/model-contract.md. LibTorch stays behind the pimpl:
// only core/model/*.cpp include its headers.

#include <QString>
#include <memory>
#include <vector>

#include "core/model/Capture.h"
#include "core/model/ModelMeta.h"

namespace rnnscope {

struct RunOptions {
    bool captureStates = true;  // unroll recurrent layers white-box (states and gates)
    bool verify = false;        // compare unrolled hidden states with the module's own output
    bool generate = true;       // seq2seq: run generate() and use its output when no target
    int maxOutputLength = 64;   // seq2seq generate() limit
};

// A token embedding of the model: an nn.Embedding whose rows are the input vocabulary (or, for a
// seq2seq decoder, the target vocabulary), row i the vector of token id i.
struct EmbeddingTable {
    QString module;       // attribute path of the nn.Embedding, e.g. "embed"
    bool output = false;  // rows follow meta().targetVocab rather than meta().input.vocab
    MatrixRM weights;     // [vocab, E]
};

class Model {
public:
    // Loads the archive and its rnnscope.json; throws ModelError naming the file and the problem.
    static std::shared_ptr<Model> open(const QString& path);
    ~Model();
    Model(const Model&) = delete;
    Model& operator=(const Model&) = delete;

    QString path() const;
    const ModelMeta& meta() const;
    const std::vector<RecurrentLayerInfo>& recurrentLayers() const;
    bool hasInterpret() const;
    bool hasGenerate() const;
    // The input embedding (first) and, for seq2seq, the decoder's; empty for feature models and
    // for models that embed tokens some other way than with an nn.Embedding.
    const std::vector<EmbeddingTable>& embeddingTables() const;

    // Tokenizes text with the model's tokenizer and vocabulary (unknown tokens map to `unk` and
    // are counted). `target` is the seq2seq/LM reference, empty when none.
    SampleInput encode(const QString& text, const QString& target = QString()) const;

    // Runs a batch (padded to its longest sample) and returns one result per sample.
    // Thread-safe: may be called from worker threads concurrently.
    std::vector<SampleResult> run(const std::vector<SampleInput>& batch,
                                  const RunOptions& options = {}) const;

    // Sets LibTorch's intra-op thread count (its default on these machines is 1).
    static void setThreadCount(int threads);

private:
    Model();
    struct Impl;
    std::unique_ptr<Impl> d;
};

}  // namespace rnnscope
