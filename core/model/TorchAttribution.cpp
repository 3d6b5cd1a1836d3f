// Gradients of a chosen logit with respect to the input embeddings, through the model's own
// logits_from_embeddings() and LibTorch's autograd (docs/model-contract.md).

#include "core/model/TorchAttribution.h"

#include <torch/csrc/autograd/autograd.h>

#include <algorithm>
#include <cmath>

#include "core/Errors.h"
#include "core/model/TorchUnroll.h"

namespace rnnscope::detail {

namespace {

constexpr const char* kMethod = "logits_from_embeddings";
constexpr size_t kPointsPerBatch = 64;

// Points [T, E] each → one [B, T, E] float tensor (a copy the autograd graph can own).
at::Tensor stack(const std::vector<MatrixRM>& points, size_t first, size_t last) {
    const int64_t rows = points[first].rows(), cols = points[first].cols();
    at::Tensor x = at::empty({int64_t(last - first), rows, cols}, at::kFloat);
    float* out = x.data_ptr<float>();
    for (size_t k = first; k < last; ++k) {
        if (points[k].rows() != rows || points[k].cols() != cols)
            throw UserError(QStringLiteral("attribution points of different shapes in one batch"));
        std::copy(points[k].data(), points[k].data() + rows * cols, out);
        out += rows * cols;
    }
    return x;
}

// `decoder` non-empty: a seq2seq model, called as (src_embeddings, src_lengths, tgt,
// tgt_lengths) with the same decoder input for every point of the batch.
// `features`: a model that reads features, called through forward(inputs[, lengths]).
at::Tensor callMethod(const torch::jit::Module& module, const at::Tensor& embeddings,
                      const std::vector<int64_t>& decoder,
                      const InterveningMethods* intervening = nullptr,
                      const Interventions& interventions = {},
                      const std::vector<int64_t>& inputIds = {}, bool features = false) {
    const int64_t batch = embeddings.size(0);
    const at::Tensor lengths = at::full({batch}, embeddings.size(1), at::kLong);
    if (features) {
        // forward(inputs) or forward(inputs, lengths), as the model was opened with.
        const auto& schema = module.get_method("forward").function().getSchema();
        std::vector<c10::IValue> args{embeddings};
        if (schema.arguments().size() > 2) args.emplace_back(lengths);
        try {
            const c10::IValue out =
                intervening && !interventions.empty()
                    ? intervening->call("forward", std::move(args), interventions)
                    : module.get_method("forward")(args);
            return out.toTensor();
        } catch (const UserError&) {
            throw;
        } catch (const std::exception& e) {
            throw ModelError(QStringLiteral("forward() on the attributed features failed: %1")
                                 .arg(describeError(e)));
        }
    }
    if (!inputIds.empty() && intervening) {
        const at::Tensor ids = at::tensor(at::ArrayRef<int64_t>(inputIds), at::kLong)
                                   .unsqueeze(0)
                                   .expand({batch, int64_t(inputIds.size())})
                                   .contiguous();
        try {
            return intervening->forwardAtEmbeddings(ids, lengths, embeddings, interventions);
        } catch (const UserError&) {
            throw;
        } catch (const std::exception& e) {
            throw ModelError(QStringLiteral("forward() on replaced embeddings failed: %1")
                                 .arg(describeError(e)));
        }
    }
    std::vector<c10::IValue> args{embeddings, lengths};
    if (!decoder.empty()) {
        const auto steps = int64_t(decoder.size());
        args.emplace_back(at::tensor(at::ArrayRef<int64_t>(decoder), at::kLong)
                              .unsqueeze(0)
                              .expand({batch, steps})
                              .contiguous());  // [B, T_tgt]
        args.emplace_back(at::full({batch}, steps, at::kLong));
    }
    try {
        if (intervening && !interventions.empty())
            return intervening->call(kMethod, std::move(args), interventions).toTensor();
        return module.get_method(kMethod)(args).toTensor();
    } catch (const UserError&) {
        throw;
    } catch (const std::exception& e) {
        throw ModelError(
            QStringLiteral("logits_from_embeddings() failed: %1").arg(describeError(e)));
    }
}

// The logits of `output.position` as [B, C]: per-sequence logits [B, C] have only position 0,
// per-step ones [B, T, C] one row per step. A clear message for any other shape.
at::Tensor logitsAt(const at::Tensor& logits, int64_t batch, int position) {
    if (logits.dim() == 2 && logits.size(0) == batch) {
        if (position != 0)
            throw UserError(QStringLiteral("the model has one output per sequence; there is no "
                                           "output position %1")
                                .arg(position + 1));
        return logits;
    }
    if (logits.dim() == 3 && logits.size(0) == batch) {
        if (position < 0 || position >= logits.size(1))
            throw UserError(QStringLiteral("output position %1 is not one of the %2 outputs")
                                .arg(position + 1)
                                .arg(logits.size(1)));
        return logits.select(1, position);
    }
    throw ModelError(QStringLiteral("logits_from_embeddings() returned %1; attribution needs "
                                    "[B, C] (one output per sample) or [B, T, C] (one per "
                                    "step) with B = %2")
                         .arg(shapeText(logits))
                         .arg(batch));
}

at::Tensor chosenLogit(const at::Tensor& logits, int64_t batch, const AttributedOutput& output) {
    const at::Tensor row = logitsAt(logits, batch, output.position);  // [B, C]
    if (output.target < 0 || output.target >= row.size(1))
        throw UserError(QStringLiteral("class %1 is not one of the model's %2 outputs")
                            .arg(output.target)
                            .arg(row.size(1)));
    return row.select(1, output.target);  // [B]
}

}  // namespace

double contractTolerance(const MatrixRM& logits) {
    const double scale = logits.size() > 0 ? double(logits.cwiseAbs().maxCoeff()) : 0.0;
    return 1e-5 * std::max(1.0, scale);
}

QString attributionProblem(const torch::jit::Module& module, const ModelMeta& meta,
                           const SampleResult& probe, const InterveningMethods* standard,
                           bool* throughFeatures) {
    const auto method = module.find_method(kMethod);
    if (!method && meta.input.type == InputSpec::Type::Features &&
        probe.input.features.size() > 0) {
        // Its input is already continuous: forward() on the features is what is explained.
        try {
            const MatrixRM logits =
                logitsFromEmbeddings(module, probe.input.features, {}, nullptr, {}, {}, true);
            if (agreesWithForward(logits, probe.logits)) {
                if (throughFeatures) *throughFeatures = true;
                return QString();
            }
        } catch (const UserError& e) {
            return e.message();
        }
        return QStringLiteral(
            "forward() gives other values for the same features run twice; attribution needs "
            "a deterministic forward() (dropout off: model.eval() before saving).");
    }
    if (!method && standard && standard->hasInputEmbedding() && meta.task != Task::Seq2Seq &&
        probe.embeddings.size() > 0) {
        // forward() with the embedding's output replaced must give forward()'s own logits.
        try {
            const MatrixRM logits =
                logitsFromEmbeddings(module, probe.embeddings, {}, standard, {}, probe.input.ids);
            if (agreesWithForward(logits, probe.logits)) return QString();
        } catch (const UserError&) {  // then say what to export, below
        }
    }
    if (!method)
        return QStringLiteral(
            "The model has no logits_from_embeddings(embeddings, lengths) method. Export it "
            "with @torch.jit.export, computing what forward() does after the embedding lookup, "
            "to see attribution: docs/model-contract.md, \"Optional: logits_from_embeddings\".");
    const auto& args = method->function().getSchema().arguments();
    const bool seq2seq = meta.task == Task::Seq2Seq;
    const size_t tensors = seq2seq ? 4 : 2;
    bool takesTensors = args.size() >= tensors + 1;
    for (size_t i = 1; takesTensors && i <= tensors; ++i)
        takesTensors = args[i].type()->kind() == c10::TypeKind::TensorType;
    if (!takesTensors)
        return seq2seq ? QStringLiteral(
                             "Its logits_from_embeddings() does not take (src_embeddings: "
                             "Tensor, src_lengths: Tensor, tgt: Tensor, tgt_lengths: Tensor) "
                             "(docs/model-contract.md).")
                       : QStringLiteral(
                             "Its logits_from_embeddings() does not take (embeddings: Tensor, "
                             "lengths: Tensor) (docs/model-contract.md).");
    if (probe.embeddings.size() == 0)
        return QStringLiteral(
            "interpret() returns no \"embeddings\" [B, T, E], which "
            "logits_from_embeddings() takes (docs/model-contract.md).");
    try {
        const MatrixRM logits =
            logitsFromEmbeddings(module, probe.embeddings, probe.input.targetIds);
        if (logits.rows() != probe.logits.rows() || logits.cols() != probe.logits.cols())
            return QStringLiteral(
                       "logits_from_embeddings() returns %1 x %2 logits for a test input, "
                       "forward() %3 x %4.")
                .arg(logits.rows())
                .arg(logits.cols())
                .arg(probe.logits.rows())
                .arg(probe.logits.cols());
        const double worst = double((logits - probe.logits).cwiseAbs().maxCoeff());
        if (!(worst <= contractTolerance(probe.logits)))
            return QStringLiteral(
                       "logits_from_embeddings() disagrees with forward() by %1 on a "
                       "test input; it must compute exactly what forward() does after "
                       "the embedding lookup (docs/model-contract.md).")
                .arg(worst, 0, 'g', 3);
    } catch (const UserError& e) {
        return e.message();
    }
    return QString();
}

MatrixRM logitsFromEmbeddings(const torch::jit::Module& module, const MatrixRM& embeddings,
                              const std::vector<int64_t>& decoder,
                              const InterveningMethods* intervening,
                              const Interventions& interventions,
                              const std::vector<int64_t>& inputIds, bool features) {
    c10::InferenceMode inference;
    const at::Tensor logits = callMethod(module, stack({embeddings}, 0, 1), decoder, intervening,
                                         interventions, inputIds, features);
    if (logits.size(0) != 1 || (logits.dim() != 2 && logits.dim() != 3))
        throw ModelError(QStringLiteral("logits_from_embeddings() returned %1 for one sample; "
                                        "expected [1, C] or [1, T, C]")
                             .arg(shapeText(logits)));
    const at::Tensor rows = asFloatContiguous(logits.dim() == 2 ? logits : logits[0]);  // [R, C]
    return Eigen::Map<const MatrixRM>(rows.data_ptr<float>(), rows.size(0), rows.size(1));
}

std::vector<OutputAndGradient> outputAtEmbeddings(const torch::jit::Module& module,
                                                  const std::vector<MatrixRM>& points,
                                                  const AttributedOutput& output,
                                                  bool withGradient) {
    std::vector<OutputAndGradient> out;
    out.reserve(points.size());
    for (size_t first = 0; first < points.size(); first += kPointsPerBatch) {
        const size_t last = std::min(points.size(), first + kPointsPerBatch);
        const auto batch = int64_t(last - first);
        at::Tensor x = stack(points, first, last);  // [B, T, E]
        if (!withGradient) {
            c10::InferenceMode inference;
            const at::Tensor values = asFloatContiguous(
                chosenLogit(callMethod(module, x, output.decoder, output.intervening.get(),
                                       output.interventions, output.inputIds, output.features),
                            batch, output));  // [B]
            for (int64_t b = 0; b < batch; ++b)
                out.push_back({double(values.data_ptr<float>()[b]), MatrixRM()});
            continue;
        }
        c10::AutoGradMode gradients(true);
        x.requires_grad_(true);
        const at::Tensor chosen =
            chosenLogit(callMethod(module, x, output.decoder, output.intervening.get(),
                                   output.interventions, output.inputIds, output.features),
                        batch, output);  // [B]
        // Samples of a batch are independent (the contract's padding rule), so the gradient of
        // the sum is each sample's own gradient.
        const at::Tensor gradient =
            asFloatContiguous(torch::autograd::grad({chosen.sum()}, {x})[0]);  // [B, T, E]
        const at::Tensor values = asFloatContiguous(chosen.detach());
        const int64_t rows = x.size(1), cols = x.size(2);
        for (int64_t b = 0; b < batch; ++b) {
            OutputAndGradient r;
            r.value = double(values.data_ptr<float>()[b]);
            r.gradient = Eigen::Map<const MatrixRM>(gradient.data_ptr<float>() + b * rows * cols,
                                                    rows, cols);
            out.push_back(std::move(r));
        }
    }
    return out;
}

std::vector<OutputAndGradient> outputAlongPath(const torch::jit::Module& module,
                                               const MatrixRM& embeddings, const MatrixRM& baseline,
                                               const std::vector<double>& alphas,
                                               const AttributedOutput& output, bool withGradient) {
    const int64_t rows = embeddings.rows(), cols = embeddings.cols();
    const at::Tensor x = stack({embeddings}, 0, 1).to(at::kDouble);   // [1, T, E]
    const at::Tensor from = stack({baseline}, 0, 1).to(at::kDouble);  // [1, T, E]
    const at::Tensor delta = x - from;
    std::vector<OutputAndGradient> out;
    out.reserve(alphas.size());
    for (size_t first = 0; first < alphas.size(); first += kPointsPerBatch) {
        const size_t last = std::min(alphas.size(), first + kPointsPerBatch);
        const auto batch = int64_t(last - first);
        const at::Tensor a =
            at::tensor(at::ArrayRef<double>(alphas.data() + first, size_t(batch)), at::kDouble)
                .view({batch, 1, 1});
        at::Tensor points = (from + a * delta).contiguous();  // [B, T, E], float64
        c10::AutoGradMode gradients(withGradient);
        if (withGradient) points.requires_grad_(true);
        const at::Tensor chosen =
            chosenLogit(callMethod(module, points, output.decoder, output.intervening.get(),
                                   output.interventions, output.inputIds, output.features),
                        batch, output);  // [B]
        const at::Tensor values = chosen.detach().to(at::kDouble).contiguous();
        at::Tensor gradient;
        if (withGradient)
            gradient = torch::autograd::grad({chosen.sum()}, {points})[0]
                           .to(at::kFloat)
                           .contiguous();  // [B, T, E]
        for (int64_t b = 0; b < batch; ++b) {
            OutputAndGradient r;
            r.value = values.data_ptr<double>()[b];
            if (withGradient)
                r.gradient = Eigen::Map<const MatrixRM>(
                    gradient.data_ptr<float>() + b * rows * cols, rows, cols);
            out.push_back(std::move(r));
        }
    }
    return out;
}

}  // namespace rnnscope::detail
