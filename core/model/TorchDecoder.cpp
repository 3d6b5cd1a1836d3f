// Stepping a seq2seq model's decoder through its decode_start() and decode_step() methods
// (docs/model-contract.md, "Stepping the decoder"). The state is a dictionary of tensors, batch
// first; each step selects the rows it continues from every tensor, so a beam's hypotheses and
// a batch's sentences are rows alike.

#include "core/model/TorchDecoder.h"

#include <ATen/Parallel.h>
#include <algorithm>
#include <cmath>

#include "core/Errors.h"
#include "core/model/TorchUnroll.h"

namespace rnnscope::detail {

namespace {

using State = c10::Dict<std::string, at::Tensor>;

const char kHowToStep[] =
    "export decode_start(src, src_lengths) -> Dict[str, Tensor], the decoder's state before "
    "its first step with every tensor batch first, and decode_step(prev, state) -> Dict[str, "
    "Tensor], one step for every row: it returns \"logits\" [B, V], optionally \"attention\" "
    "[B, T_in] and \"hidden\" [B, H], and the state the next step reads (docs/model-contract.md, "
    "\"Stepping the decoder\")";

at::Tensor sourceIds(const std::vector<SampleInput>& batch, int64_t padId, at::Tensor& lengths) {
    std::vector<int64_t> lens;
    for (const SampleInput& s : batch) lens.push_back(std::max<int64_t>(1, s.ids.size()));
    const int64_t steps = *std::max_element(lens.begin(), lens.end());
    at::Tensor ids = at::full({int64_t(batch.size()), steps}, padId, at::kLong);
    for (size_t b = 0; b < batch.size(); ++b)
        for (size_t t = 0; t < batch[b].ids.size(); ++t) ids[b][t] = batch[b].ids[t];
    lengths = at::tensor(at::ArrayRef<int64_t>(lens), at::kLong);
    return ids;
}

State toState(const c10::IValue& value, const char* method) {
    if (!value.isGenericDict())
        throw ModelError(QStringLiteral("%1() must return Dict[str, Tensor]").arg(method));
    State state;
    for (const auto& entry : value.toGenericDict()) {
        if (!entry.key().isString() || !entry.value().isTensor())
            throw ModelError(QStringLiteral("%1() must return Dict[str, Tensor]").arg(method));
        state.insert(entry.key().toStringRef(), entry.value().toTensor());
    }
    return state;
}

MatrixRM toMatrix(const at::Tensor& t) {
    const at::Tensor f = asFloatContiguous(t.detach()).reshape({t.size(0), -1});
    return Eigen::Map<const MatrixRM>(f.data_ptr<float>(), f.size(0), f.size(1));
}

class TorchDecoderSteps final : public DecoderSteps {
public:
    TorchDecoderSteps(torch::jit::Module module, State state, std::vector<int> sourceLengths,
                      int64_t vocabularySize)
        : module_(std::move(module)),
          state_(std::move(state)),
          sourceLengths_(std::move(sourceLengths)),
          vocabularySize_(vocabularySize) {}

    DecoderStepOutput step(const std::vector<int>& from, const std::vector<int64_t>& tokens,
                           const MatrixRM* attend) override {
        return run(from, tokens, attend, true);
    }
    DecoderStepOutput peek(const std::vector<int>& from,
                           const std::vector<int64_t>& tokens) override {
        return run(from, tokens, nullptr, false);
    }

    int sourceLength(int sentence) const override { return sourceLengths_.at(size_t(sentence)); }
    int vocabularySize() const override { return int(vocabularySize_); }

private:
    DecoderStepOutput run(const std::vector<int>& from, const std::vector<int64_t>& tokens,
                          const MatrixRM* attend, bool keep) {
        c10::InferenceMode inference;
        const int64_t rows = int64_t(from.size());
        if (rows == 0 || tokens.size() != from.size())
            throw ModelError(QStringLiteral("a decoder step needs one token per row"));
        const at::Tensor index = at::tensor(at::ArrayRef<int>(from), at::kInt).to(at::kLong);
        State next;
        for (const auto& entry : state_) {
            if (entry.key() == "attention_override") continue;  // an edit lasts one step
            const at::Tensor& t = entry.value();
            next.insert(entry.key(),
                        t.dim() > 0 && t.size(0) == rowsBefore() ? t.index_select(0, index) : t);
        }
        if (attend) {
            if (attend->rows() != rows)
                throw ModelError(QStringLiteral("an attention edit needs one row per hypothesis"));
            next.insert("attention_override",
                        at::from_blob(const_cast<float*>(attend->data()),
                                      {attend->rows(), attend->cols()}, at::kFloat)
                            .clone());
        }
        const at::Tensor prev = at::tensor(at::ArrayRef<int64_t>(tokens), at::kLong);
        c10::IValue out;
        try {
            out = module_.get_method("decode_step")({prev, next});
        } catch (const std::exception& e) {
            const QString why = describeError(e);
            // The usual slip: the step returns its logits but not the state the next one reads.
            const QString hint = why.contains(QStringLiteral("KeyError"))
                                     ? QStringLiteral(
                                           "; decode_step() must return, beside \"logits\", every "
                                           "tensor the next step reads from state (the encoder "
                                           "outputs, the mask, the hidden state), "
                                           "docs/model-contract.md \"Stepping the decoder\"")
                                     : QString();
            throw ModelError(QStringLiteral("decode_step() failed: %1%2").arg(why, hint));
        }
        State after = toState(out, "decode_step");
        DecoderStepOutput result;
        if (!after.contains("logits"))
            throw ModelError(QStringLiteral("decode_step() returned no \"logits\""));
        const at::Tensor logits = after.at("logits");
        if (logits.dim() != 2 || logits.size(0) != rows || logits.size(1) != vocabularySize_)
            throw ModelError(QStringLiteral("decode_step()'s \"logits\" are [%1], not [%2, %3] "
                                            "(rows, target_vocab)")
                                 .arg(shapeText(logits))
                                 .arg(rows)
                                 .arg(vocabularySize_));
        result.logProbs = toMatrix(at::log_softmax(logits.to(at::kFloat), 1));
        if (after.contains("attention")) {
            const at::Tensor a = after.at("attention");
            if (a.dim() == 2 && a.size(0) == rows) result.attention = toMatrix(a);
        }
        if (after.contains("hidden")) {
            const at::Tensor h = after.at("hidden");
            if (h.dim() >= 2 && h.size(0) == rows) result.hidden = toMatrix(h);
        }
        if (keep) {
            state_ = std::move(after);
            rows_ = rows;
        }
        return result;
    }

    int64_t rowsBefore() const { return rows_ < 0 ? int64_t(sourceLengths_.size()) : rows_; }
    static QString shapeText(const at::Tensor& t) {
        QStringList dims;
        for (int64_t d : t.sizes()) dims << QString::number(d);
        return dims.join(QStringLiteral(", "));
    }

    torch::jit::Module module_;
    State state_;
    std::vector<int> sourceLengths_;
    int64_t vocabularySize_;
    int64_t rows_ = -1;  // rows of the state after the last step; -1 before the first
};

// Greedy decoding by stepping: what generate() should write for one sentence.
std::vector<int64_t> greedy(DecoderSteps& steps, int64_t bos, int64_t eos, int maxLength) {
    std::vector<int64_t> out;
    int64_t prev = bos;
    for (int t = 0; t < maxLength; ++t) {
        const DecoderStepOutput o = steps.step({0}, {prev});
        Eigen::Index best = 0;
        o.logProbs.row(0).maxCoeff(&best);
        prev = best;
        out.push_back(prev);
        if (prev == eos) break;
    }
    return out;
}

}  // namespace

std::unique_ptr<DecoderSteps> startDecoding(torch::jit::Module module,
                                            const std::vector<SampleInput>& batch, int64_t padId,
                                            int64_t vocabularySize) {
    c10::InferenceMode inference;
    if (batch.empty()) throw ModelError(QStringLiteral("nothing to decode"));
    at::Tensor lengths;
    const at::Tensor src = sourceIds(batch, padId, lengths);
    c10::IValue start;
    try {
        start = module.get_method("decode_start")({src, lengths});
    } catch (const std::exception& e) {
        throw ModelError(QStringLiteral("decode_start() failed: %1").arg(describeError(e)));
    }
    std::vector<int> lens;
    for (const SampleInput& s : batch) lens.push_back(int(s.ids.size()));
    return std::make_unique<TorchDecoderSteps>(std::move(module), toState(start, "decode_start"),
                                               std::move(lens), vocabularySize);
}

DecoderStepsCheck checkDecoderSteps(torch::jit::Module module, const SampleInput& probe,
                                    const QString& probeText, int64_t bos, int64_t eos,
                                    const QStringList& targetVocab, bool hasGenerate) {
    DecoderStepsCheck check;
    const int64_t vocabularySize = targetVocab.size();
    auto text = [&](const std::vector<int64_t>& ids) {
        QStringList names;
        for (int64_t id : ids) names << targetVocab.value(int(id), QStringLiteral("?"));
        return names.join(QLatin1Char(' '));
    };
    const bool hasStart = bool(module.find_method("decode_start"));
    const bool hasStep = bool(module.find_method("decode_step"));
    if (!hasStart || !hasStep) {
        check.problem = QStringLiteral("the model has no %1; to explore its decoding, %2")
                            .arg(!hasStart && !hasStep ? QStringLiteral("decode_start() or "
                                                                        "decode_step() method")
                                 : !hasStart           ? QStringLiteral("decode_start() method")
                                                       : QStringLiteral("decode_step() method"),
                                 QString::fromLatin1(kHowToStep));
        return check;
    }
    try {
        c10::InferenceMode inference;
        // Two rows, so a tensor that is not batch first shows itself.
        at::Tensor lengths;
        const at::Tensor src = sourceIds({probe, probe}, 0, lengths);
        const State start =
            toState(module.get_method("decode_start")({src, lengths}), "decode_start");
        if (start.empty())
            throw ModelError(QStringLiteral("decode_start() returned an empty state"));
        for (const auto& entry : start)
            if (entry.value().dim() == 0 || entry.value().size(0) != 2)
                throw ModelError(
                    QStringLiteral("decode_start()'s \"%1\" is not batch first: its first "
                                   "dimension is %2 for 2 sentences; put the batch first "
                                   "(h.transpose(0, 1) for a GRU's [layers, B, H] state)")
                        .arg(QString::fromStdString(entry.key()))
                        .arg(entry.value().dim() == 0 ? 0 : entry.value().size(0)));
        auto steps = startDecoding(module, {probe}, 0, vocabularySize);
        const DecoderStepOutput first = steps->step({0}, {bos});
        if (hasGenerate) {
            // Stepping must write what generate() writes, or the beam explores another model.
            const int maxLength = 8;
            auto again = startDecoding(module, {probe}, 0, vocabularySize);
            const std::vector<int64_t> stepped = greedy(*again, bos, eos, maxLength);
            at::Tensor len;
            const at::Tensor one = sourceIds({probe}, 0, len);
            const at::Tensor generated =
                module.get_method("generate")({one, len, int64_t(maxLength)}).toTensor();
            std::vector<int64_t> written;
            for (int64_t t = 0; t < generated.size(1); ++t) {
                written.push_back(generated[0][t].item<int64_t>());
                if (written.back() == eos) break;
            }
            if (written != stepped)
                throw ModelError(
                    QStringLiteral("greedy decoding with decode_step() does not write what "
                                   "generate() writes on the test input \"%1\": stepping "
                                   "writes [%2] (%3 tokens), generate() writes [%4] (%5 tokens), "
                                   "first difference at output %6; decode_step() must compute "
                                   "exactly one step of generate()'s loop")
                        .arg(probeText, text(stepped))
                        .arg(stepped.size())
                        .arg(text(written))
                        .arg(written.size())
                        .arg([&] {
                            size_t i = 0;
                            while (i < stepped.size() && i < written.size() &&
                                   stepped[i] == written[i])
                                ++i;
                            return i + 1;
                        }()));
        }
        // Attention edits: a step given uniform weights must use them.
        if (first.attention.cols() > 0) {
            auto edited = startDecoding(module, {probe}, 0, vocabularySize);
            MatrixRM uniform =
                MatrixRM::Constant(1, first.attention.cols(), 1.0f / float(first.attention.cols()));
            const DecoderStepOutput o = edited->step({0}, {bos}, &uniform);
            check.editsAttention = o.attention.cols() == uniform.cols() &&
                                   (o.attention - uniform).cwiseAbs().maxCoeff() < 1e-6f;
        }
    } catch (const ModelError& e) {
        check.problem = e.message();
    } catch (const std::exception& e) {
        check.problem = describeError(e);
    }
    return check;
}

}  // namespace rnnscope::detail
