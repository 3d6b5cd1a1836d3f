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

at::Tensor callMethod(const torch::jit::Module& module, const at::Tensor& embeddings) {
    const at::Tensor lengths = at::full({embeddings.size(0)}, embeddings.size(1), at::kLong);
    try {
        return module.get_method(kMethod)({embeddings, lengths}).toTensor();
    } catch (const std::exception& e) {
        throw ModelError(
            QStringLiteral("logits_from_embeddings() failed: %1").arg(describeError(e)));
    }
}

// [B, C] logits, or a clear message when the method returned another shape.
void requirePerSequence(const at::Tensor& logits, int64_t batch) {
    if (logits.dim() != 2 || logits.size(0) != batch)
        throw ModelError(QStringLiteral("logits_from_embeddings() returned %1; attribution needs "
                                        "one row of logits per sample, [B, C] with B = %2")
                             .arg(shapeText(logits))
                             .arg(batch));
}

}  // namespace

QString attributionProblem(const torch::jit::Module& module, const ModelMeta& meta,
                           const SampleResult& probe) {
    const auto method = module.find_method(kMethod);
    if (!method)
        return QStringLiteral(
            "The model has no logits_from_embeddings(embeddings, lengths) method. Export it "
            "with @torch.jit.export, computing what forward() does after the embedding lookup, "
            "to see attribution: docs/model-contract.md, \"Optional: logits_from_embeddings\".");
    if (meta.task == Task::Seq2Seq)
        return QStringLiteral(
            "Attribution covers models with one output per input sequence "
            "(classification, regression); this model is seq2seq.");
    if (meta.task != Task::Classification && meta.task != Task::Regression)
        return QStringLiteral(
                   "Attribution covers models with one output per input sequence "
                   "(classification, regression); this model is %1.")
            .arg(taskName(meta.task));
    const auto& args = method->function().getSchema().arguments();
    if (args.size() < 3 || args[1].type()->kind() != c10::TypeKind::TensorType ||
        args[2].type()->kind() != c10::TypeKind::TensorType)
        return QStringLiteral(
            "Its logits_from_embeddings() does not take (embeddings: Tensor, "
            "lengths: Tensor) (docs/model-contract.md).");
    if (probe.embeddings.size() == 0)
        return QStringLiteral(
            "interpret() returns no \"embeddings\" [B, T, E], which "
            "logits_from_embeddings() takes (docs/model-contract.md).");
    try {
        const std::vector<float> logits = logitsFromEmbeddings(module, probe.embeddings);
        if (probe.logits.rows() != 1 || Eigen::Index(logits.size()) != probe.logits.cols())
            return QStringLiteral(
                       "logits_from_embeddings() returns %1 logits per sample, "
                       "forward() %2.")
                .arg(logits.size())
                .arg(probe.logits.size());
        double worst = 0.0;
        for (size_t c = 0; c < logits.size(); ++c)
            worst = std::max(worst, std::abs(double(logits[c]) - probe.logits(0, Eigen::Index(c))));
        if (!(worst <= 1e-5))
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

std::vector<float> logitsFromEmbeddings(const torch::jit::Module& module,
                                        const MatrixRM& embeddings) {
    c10::InferenceMode inference;
    const at::Tensor logits = callMethod(module, stack({embeddings}, 0, 1));
    requirePerSequence(logits, 1);
    const at::Tensor row = asFloatContiguous(logits[0]);
    return std::vector<float>(row.data_ptr<float>(), row.data_ptr<float>() + row.numel());
}

std::vector<OutputAndGradient> outputAtEmbeddings(const torch::jit::Module& module,
                                                  const std::vector<MatrixRM>& points, int target,
                                                  bool withGradient) {
    std::vector<OutputAndGradient> out;
    out.reserve(points.size());
    for (size_t first = 0; first < points.size(); first += kPointsPerBatch) {
        const size_t last = std::min(points.size(), first + kPointsPerBatch);
        const auto batch = int64_t(last - first);
        at::Tensor x = stack(points, first, last);  // [B, T, E]
        if (!withGradient) {
            c10::InferenceMode inference;
            const at::Tensor logits = callMethod(module, x);
            requirePerSequence(logits, batch);
            if (target < 0 || target >= logits.size(1))
                throw UserError(QStringLiteral("class %1 is not one of the model's %2 outputs")
                                    .arg(target)
                                    .arg(logits.size(1)));
            const at::Tensor values = asFloatContiguous(logits.select(1, target));  // [B]
            for (int64_t b = 0; b < batch; ++b)
                out.push_back({double(values.data_ptr<float>()[b]), MatrixRM()});
            continue;
        }
        c10::AutoGradMode gradients(true);
        x.requires_grad_(true);
        const at::Tensor logits = callMethod(module, x);
        requirePerSequence(logits, batch);
        if (target < 0 || target >= logits.size(1))
            throw UserError(QStringLiteral("class %1 is not one of the model's %2 outputs")
                                .arg(target)
                                .arg(logits.size(1)));
        const at::Tensor chosen = logits.select(1, target);  // [B]
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

}  // namespace rnnscope::detail
