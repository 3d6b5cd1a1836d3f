#pragma once
// Running a model with some recurrent states replaced (docs/interventions.md). Internal to
// core/model: includes LibTorch.
//
// How: each method the model exports (interpret, forward, generate) is copied, its calls into
// submodules inlined, and every call of the recurrent operator of an nn.LSTM / nn.GRU / nn.RNN
// (aten::lstm, aten::gru, aten::rnn_tanh, aten::rnn_relu, padded or packed) replaced by an
// rnnscope operator that unrolls the module with the interventions applied (TorchUnroll.cpp).
// Everything the model's own code does with the result — the next layer, attention, the output
// head, a decoder loop — runs unchanged on the replaced states. The model's export needs nothing
// for this, and a module called one step at a time (a decoder, an LSTM stepped to expose its
// cell) is counted step by step, so an intervention at step 5 acts on the fifth call.

#include <torch/script.h>

#include <QString>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/model/Intervention.h"
#include "core/model/TorchUnroll.h"

namespace torch::jit {
struct GraphFunction;
}

namespace rnnscope::detail {

// The name InterveningMethods gives forward() with its input embedding replaced (attribution of a
// model without logits_from_embeddings()), for reachable() and checkInterventions().
inline const std::string kForwardAtEmbeddings = "forward at embeddings";

// What one recorded call of a method saw: each call of each recurrent module (in module order,
// each call's rows in the order the operator had them: a packed call's sorted by length), and the
// outputs of the model's input embedding ("embeddings"). What a model without interpret()
// is captured from (TorchAutoInterpret.h).
struct RecordedCall {
    at::Tensor input;    // [B, T, I], batch first, padded
    at::Tensor lengths;  // [B] int64: steps of each row
    at::Tensor h0, c0;   // [L*D, B, P] and [L*D, B, H] as the operator received them
    bool packed = false;
};
struct Recording {
    std::vector<std::vector<RecordedCall>> calls;         // per recurrent module, in call order
    std::map<std::string, std::vector<at::Tensor>> taps;  // every output of each, in call order
};

class InterveningMethods {
public:
    // Keeps its own copy of the modules (handles), so a closure holding it (an attribution
    // binding) may outlive the Model that made it. `inputEmbedding` is the path of the
    // nn.Embedding whose output a recording keeps ("" for none).
    InterveningMethods(torch::jit::Module module, std::vector<RecurrentModule> rnns,
                       QString inputEmbedding = QString());
    ~InterveningMethods();

    // Calls the model's `method` with `args` (self excluded) with `interventions` applied.
    // Thread-safe.
    c10::IValue call(const std::string& method, std::vector<c10::IValue> args,
                     const Interventions& interventions) const;
    // As call(), keeping what every recurrent module and the input embedding received.
    struct Recorded {
        c10::IValue result;
        Recording recording;
    };
    Recorded record(const std::string& method, std::vector<c10::IValue> args,
                    const Interventions& interventions) const;
    // For a model without logits_from_embeddings() (attribution): forward() with what its input
    // embedding returns replaced by `embeddings` [B, T, E]; `ids` [B, T] and `lengths` [B] as
    // forward() takes them (the lengths dropped for forward(inputs)), for whatever else forward()
    // reads from them (lengths, masks). Differentiable. Throws ModelError when forward() does not
    // look its input up with the input embedding.
    at::Tensor forwardAtEmbeddings(const at::Tensor& ids, const at::Tensor& lengths,
                                   const at::Tensor& embeddings,
                                   const Interventions& interventions = {}) const;
    bool hasInputEmbedding() const { return !embedding_.empty(); }
    // Recurrent modules (paths) whose calls `method` makes where rnnscope can replace them; a
    // module computed some other way cannot be intervened on.
    std::set<QString> reachable(const std::string& method) const;
    // `method` calls `module` only on padded input, whose rows are the batch's rows, so an
    // intervention may act on some rows only (Intervention::rows); not so for a packed sequence.
    bool rowsFollowBatch(const std::string& method, const QString& module) const;

private:
    struct Rewritten {
        std::shared_ptr<torch::jit::GraphFunction> function;
        std::set<QString> modules;
        std::set<QString> packed;  // called on a packed sequence somewhere
    };
    const Rewritten& rewritten(const std::string& method) const;

    torch::jit::Module module_;
    std::vector<RecurrentModule> rnns_;
    std::string embedding_;
    mutable std::mutex mutex_;
    mutable std::map<std::string, std::unique_ptr<Rewritten>> methods_;
};

// Throws ModelError when an intervention names a module, layer, direction, state, unit or value
// the model does not have (listing the valid ones), or a module `method` does not call as one.
void checkInterventions(const std::vector<RecurrentModule>& rnns, const InterveningMethods& methods,
                        const std::string& method, const Interventions& interventions);

}  // namespace rnnscope::detail
