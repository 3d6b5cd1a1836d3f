// Reading interpret()'s (or forward()'s) tensors into per-sample results: see TorchResults.h.

#include "core/model/TorchResults.h"

#include "core/Errors.h"

namespace rnnscope::detail {

void readLogits(const InterpretOutput& io, bool classes, std::vector<SampleResult>& results) {
    const auto size = static_cast<int64_t>(results.size());
    const at::Tensor logits = io.find("logits");
    if (!logits.defined())
        throw ModelError(QStringLiteral("interpret() returned no \"logits\" entry"));
    if ((logits.dim() != 2 && logits.dim() != 3) || logits.size(0) != size)
        throw ModelError(
            QStringLiteral("\"logits\" has shape %1; expected [B, C] or [B, T, C] with "
                           "B = %2")
                .arg(shapeText(logits))
                .arg(size));
    // Per sequence [B, C] is read as [B, 1, C]: one row per sample.
    const at::Tensor stepLogits =
        asFloatContiguous(logits.dim() == 2 ? logits.unsqueeze(1) : logits);
    const at::Tensor probabilities =
        classes ? stepLogits.softmax(-1).contiguous() : at::Tensor();  // [B, T, C]
    for (int64_t b = 0; b < size; ++b) {
        SampleResult& r = results[b];
        const int64_t rows = logits.dim() == 2 ? 1 : io.stepsOf(logits.size(1), b, true);
        r.logits = sampleRows(stepLogits, b, rows);
        if (classes) {
            r.probabilities = sampleRows(probabilities, b, rows);
            for (int64_t i = 0; i < r.probabilities.rows(); ++i) {
                Eigen::Index best = 0;
                r.probabilities.row(i).maxCoeff(&best);
                r.predicted.push_back(static_cast<int>(best));
            }
        }
    }
}

void readAttentionAndEmbeddings(const InterpretOutput& io, std::vector<SampleResult>& results) {
    const auto size = static_cast<int64_t>(results.size());
    // `attention` and every `attention.<name>` (further layers): [B, T_out, T_in] or
    // [B, heads, T_out, T_in]. Widths that match no token count are kept as they are, so the
    // panel shows them with a notice rather than hiding them.
    auto readAttention = [&](const std::string& key, const at::Tensor& attention, auto&& headsOf) {
        if ((attention.dim() != 3 && attention.dim() != 4) || attention.size(0) != size) {
            for (auto& r : results)
                r.notes << QStringLiteral(
                               "\"%1\" has shape %2; expected [B, T_out, T_in] "
                               "or [B, heads, T_out, T_in] with B = %3.")
                               .arg(QString::fromStdString(key), shapeText(attention))
                               .arg(size);
            return;
        }
        const at::Tensor heads = attention.dim() == 3 ? attention.unsqueeze(1) : attention;
        for (int64_t b = 0; b < size; ++b) {
            const int64_t rows = heads.size(2) == 1 ? 1 : io.stepsOf(heads.size(2), b, true);
            const int64_t cols = io.stepsOf(heads.size(3), b, false);
            std::vector<MatrixRM>& out = headsOf(b);
            for (int64_t h = 0; h < heads.size(1); ++h)
                out.push_back(toMatrix(heads[b][h].slice(0, 0, rows).slice(1, 0, cols)));
        }
    };
    if (const at::Tensor attention = io.find("attention"); attention.defined())
        readAttention("attention", attention,
                      [&](int64_t b) -> std::vector<MatrixRM>& { return results[b].attention; });
    for (const auto& [key, value] : io.tensors) {
        if (key.rfind("attention.", 0) != 0 || key.size() <= 10) continue;
        const QString name = QString::fromStdString(key.substr(10));
        for (auto& r : results) r.attentionLayers.push_back({name, {}});
        readAttention(key, value, [&](int64_t b) -> std::vector<MatrixRM>& {
            return results[b].attentionLayers.back().heads;
        });
        // A layer of the wrong shape is only a note, not an empty entry in the selector.
        for (auto& r : results)
            if (r.attentionLayers.back().heads.empty()) r.attentionLayers.pop_back();
    }
    const at::Tensor embeddings = io.find("embeddings");
    if (embeddings.defined() && embeddings.dim() == 3 && embeddings.size(0) == size) {
        const at::Tensor e = asFloatContiguous(embeddings);  // [B, T, E]
        for (int64_t b = 0; b < size; ++b)
            results[b].embeddings = sampleRows(e, b, io.stepsOf(e.size(1), b, false));
    }
}

void readExposedStates(const InterpretOutput& io, std::vector<SampleResult>& results) {
    const auto size = static_cast<int64_t>(results.size());
    for (const auto& [key, value] : io.tensors) {
        if (key.rfind("states.", 0) != 0) continue;
        const QString name = QString::fromStdString(key.substr(7));
        if (value.dim() != 3 || value.size(0) != size) {
            for (auto& r : results)
                r.notes << QStringLiteral("\"%1\" has shape %2; expected [B, T, H].")
                               .arg(QString::fromStdString(key), shapeText(value));
            continue;
        }
        const at::Tensor v = asFloatContiguous(value);
        for (int64_t b = 0; b < size; ++b)
            results[b].tracks.push_back({QStringLiteral("states"), 0, 0, name,
                                         sampleRows(v, b, io.stepsOf(v.size(1), b, false))});
    }
}

}  // namespace rnnscope::detail
