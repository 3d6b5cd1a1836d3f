#pragma once
// A TorchScript model that follows docs/model-contract.md. LibTorch stays behind the pimpl:
// only core/model/*.cpp include its headers.

#include <QString>
#include <memory>
#include <vector>

#include "core/errors/Attribution.h"
#include "core/model/Capture.h"
#include "core/model/DecoderSteps.h"
#include "core/model/Intervention.h"
#include "core/model/ModelMeta.h"

namespace rnnscope {

struct RunOptions {
    bool captureStates = true;  // unroll recurrent layers white-box (states and gates)
    bool verify = false;        // compare unrolled hidden states with the module's own output
    bool generate = true;       // seq2seq: run generate() and use its output when no target
    int maxOutputLength = 64;   // seq2seq generate() limit
    // States replaced while the model runs (docs/interventions.md); every method the run calls
    // (interpret or forward, and generate) reads the replaced values. Means must be resolved.
    Interventions interventions;
    // Only the logits are wanted (a sweep over a dataset): the model's forward() runs instead of
    // interpret(), which is often slower (the brackets demo steps its LSTM to expose the cell).
    bool logitsOnly = false;
};

// A token embedding of the model: an nn.Embedding whose rows are the input vocabulary (or, for a
// seq2seq decoder, the target vocabulary), row i the vector of token id i.
struct EmbeddingTable {
    QString module;       // attribute path of the nn.Embedding, e.g. "embed"
    bool output = false;  // rows follow meta().targetVocab rather than meta().input.vocab
    MatrixRM weights;     // [vocab, E]
};

// One sample's logits as a differentiable function of its input embeddings, for attribution
// (core/errors/Attribution.h), through the model's logits_from_embeddings().
struct EmbeddingBinding {
    MatrixRM embeddings;         // [T, E]: interpret()["embeddings"] of the sample
    MatrixRM padEmbeddings;      // [T, E]: every row the pad token's embedding, or zeros
    bool padKnown = false;       // padEmbeddings come from the model's embedding table
    MatrixRM logits;             // forward()'s logits: [1, C] per sequence, [R, C] per step
    std::vector<int> predicted;  // argmax of each row of logits
    // Per-step models: what each output row is, in the user's words: the tagged token (tagging),
    // the token read at that step (language model: row t predicts token t + 1), the output token
    // (seq2seq: the model's own greedy output, eos included, or the reference when the model has
    // no generate()). Empty per sequence.
    QStringList outputTokens;
    bool outputIsGenerated = false;  // seq2seq: the decoder input is the model's own output
    double contractDifference = 0;   // max |logits_from_embeddings - forward| on this sample
    // Logit `target` of output row `position` at many points [T, E], evaluated as batches
    // [B, T, E] by LibTorch with autograd for the gradients. Holds the model's module, so it
    // outlives the binding's Model.
    std::function<std::vector<OutputAndGradient>(const std::vector<MatrixRM>& points,
                                                 bool withGradient, int position, int target)>
        evaluate;
    // The same output along the integrated-gradients path from `baseline`, evaluated by a
    // float64 copy of the model (made on first use): for outputs that switch within less of the
    // path than float32 can resolve (docs/error-browser.md, "A switch float32 cannot resolve").
    std::function<std::vector<OutputAndGradient>(const std::vector<double>& alphas,
                                                 bool withGradient, const MatrixRM& baseline,
                                                 int position, int target)>
        evaluatePathInDouble;
    PathFunction pathInDouble(const MatrixRM& baseline, int position, int target) const {
        auto f = evaluatePathInDouble;
        return
            [f, baseline, position, target](const std::vector<double>& alphas, bool withGradient) {
                return f(alphas, withGradient, baseline, position, target);
            };
    }
    BatchEmbeddingFunction output(int position, int target) const {
        auto f = evaluate;
        return [f, position, target](const std::vector<MatrixRM>& points, bool withGradient) {
            return f(points, withGradient, position, target);
        };
    }
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
    // The model exports logits_from_embeddings() and it agreed with forward() when loaded.
    bool hasAttribution() const;
    // Why not, in words a user can act on (what to export, or how it disagreed); "" when it has.
    QString attributionProblem() const;
    // Runs the sample and binds its output to its embeddings. Throws ModelError when the model
    // has no attribution, or when logits_from_embeddings() disagrees with forward() on this
    // sample by more than 1e-5 (docs/model-contract.md). With `interventions` (resolved) both
    // run with those states replaced: the attribution of the intervened run.
    EmbeddingBinding bindEmbeddings(const SampleInput& sample,
                                    const Interventions& interventions = {}) const;
    // The input embedding (first) and, for seq2seq, the decoder's; empty for feature models and
    // for models that embed tokens some other way than with an nn.Embedding.
    const std::vector<EmbeddingTable>& embeddingTables() const;

    // Seq2seq: the model exports decode_start() and decode_step() and greedy stepping writes
    // what its generate() writes, so rnnscope can run beam search, sampling and forced prefixes
    // (core/decoding/). Why not, in words a user can act on; "" when it can.
    bool hasDecoderSteps() const;
    QString decoderStepsProblem() const;
    // Its decode_step() uses state["attention_override"] when given (attention edits).
    bool editsAttention() const;
    // The decoder of these source sentences, after decode_start(). Throws ModelError when the
    // model cannot be stepped. Each stepper is used by one thread at a time; several may run
    // at once.
    std::unique_ptr<DecoderSteps> startDecoding(const std::vector<SampleInput>& sources) const;

    // Tokenizes text with the model's tokenizer and vocabulary (unknown tokens map to `unk` and
    // are counted). `target` is the seq2seq/LM reference, empty when none.
    SampleInput encode(const QString& text, const QString& target = QString()) const;

    // Runs a batch (padded to its longest sample) and returns one result per sample.
    // Thread-safe: may be called from worker threads concurrently.
    std::vector<SampleResult> run(const std::vector<SampleInput>& batch,
                                  const RunOptions& options = {}) const;

    // Throws ModelError when `interventions` name a state, unit or step the model does not
    // have, or a module whose calls rnnscope cannot reach; the message lists the valid choices.
    void checkInterventions(const Interventions& interventions) const;
    // Interventions on `module` may act on some rows of a batch only (Intervention::rows) in a
    // run with logitsOnly: the model's forward() calls it on padded input. Not for a module run on
    // a packed sequence, whose rows PyTorch sorts by length; a sweep then runs one intervention per
    // batch.
    bool batchesInterventions(const QString& module) const;

    // Sets LibTorch's intra-op thread count (its default on these machines is 1).
    static void setThreadCount(int threads);

private:
    Model();
    struct Impl;
    std::unique_ptr<Impl> d;
};

}  // namespace rnnscope
