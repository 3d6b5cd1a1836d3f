// Unrolls recurrent layers step by step with the module's own weights, recording every gate.
// Equations follow the PyTorch documentation of nn.LSTM, nn.GRU and nn.RNN (gate order in the
// stacked weights: LSTM i, f, g, o; GRU r, z, n).

#include "core/model/TorchUnroll.h"

#include <algorithm>
#include <cstdint>

#include "core/Errors.h"
#include "core/model/RecurrentKernel.h"

namespace rnnscope::detail {

namespace {

at::Tensor floatParameter(const torch::jit::Module& m, const std::string& name) {
    const at::Tensor p = parameter(m, name);
    return p.defined() ? asFloatContiguous(p) : p;
}

// The weights of one layer and direction, as contiguous float.
struct CellWeights {
    at::Tensor wIh, wHh, bIh, bHh, wHr;
};

// The interventions on one layer and direction, applied to each step's buffers right after the
// value is computed and before anything reads it (docs/interventions.md).
struct StepEdits {
    using Buffer = kernel::Buffer;
    struct Edit {
        const Intervention* what;
        Buffer buffer;
        int64_t offset;           // first column of the state within its buffer row
        std::vector<char> onRow;  // [B]: it acts on that row
    };
    std::vector<Edit> edits;
    const int64_t* lengths = nullptr;  // [B]: valid steps per sample
    int64_t firstPosition = 0;         // input position of run step 0 (a module run step-wise)
    bool reverse = false;
    int64_t batch = 0;

    bool empty() const { return edits.empty(); }
    // kernel::EditStep: the edits of the StepEdits at `context`.
    static void applyTo(const void* context, Buffer buffer, int64_t t, float* data, int64_t width,
                        int64_t from, int64_t to) {
        const auto& self = *static_cast<const StepEdits*>(context);
        self.apply(buffer, t, data, self.batch, width, from, to);
    }
    // Applies the edits on `buffer` at run step t to rows [B, width] of `data`; of the gates,
    // only those whose columns start in [from, to).
    void apply(Buffer buffer, int64_t t, float* data, int64_t batch, int64_t width,
               int64_t from = 0, int64_t to = INT64_MAX) const {
        for (const Edit& e : edits) {
            if (e.buffer != buffer || e.offset < from || e.offset >= to) continue;
            const Intervention& i = *e.what;
            for (int64_t b = 0; b < batch; ++b) {
                if (!e.onRow[b]) continue;
                const int64_t length = lengths[b];
                if (t >= length) continue;  // padding: never read for this sample
                const int64_t position = reverse ? length - 1 - t : firstPosition + t;
                if (!i.coversStep(static_cast<int>(position))) continue;
                float* row = data + b * width + e.offset;
                for (size_t k = 0; k < i.units.size(); ++k) {
                    float& x = row[i.units[k]];
                    x = i.mode == Intervention::Mode::Scale ? x * i.factor : i.values[k];
                }
            }
        }
    }

    // The same edits as LibTorch operators on x [B, width] (a step's buffer, or the part of it
    // from column `from` on), so autograd sees them: a set unit's gradient is 0, a scaled one's
    // is scaled. x itself when nothing applies at step t.
    at::Tensor applied(Buffer buffer, int64_t t, const at::Tensor& x, int64_t from = 0,
                       int64_t to = INT64_MAX) const {
        const int64_t batch = x.size(0), width = x.size(1);
        at::Tensor set, value, scale;
        for (const Edit& e : edits) {
            if (e.buffer != buffer || e.offset < from || e.offset >= to) continue;
            const Intervention& i = *e.what;
            for (int64_t b = 0; b < batch; ++b) {
                if (!e.onRow[b] || t >= lengths[b]) continue;
                const int64_t position = reverse ? lengths[b] - 1 - t : firstPosition + t;
                if (!i.coversStep(static_cast<int>(position))) continue;
                if (!set.defined()) {
                    set = at::zeros({batch, width}, at::kBool);
                    value = at::zeros({batch, width}, at::kFloat);
                    scale = at::ones({batch, width}, at::kFloat);
                }
                for (size_t k = 0; k < i.units.size(); ++k) {
                    const int64_t column = e.offset - from + i.units[k];
                    if (i.mode == Intervention::Mode::Scale) {
                        scale.data_ptr<float>()[b * width + column] *= i.factor;
                    } else {
                        set.data_ptr<bool>()[b * width + column] = true;
                        value.data_ptr<float>()[b * width + column] = i.values[k];
                    }
                }
            }
        }
        return set.defined() ? at::where(set, value, x * scale) : x;
    }
};

// The same equations with LibTorch operators, one per step and gate, so autograd can follow
// them: the gradient of an intervened run (attribution with interventions). Far slower than
// DirectionRun, so used only when the input asks for a gradient. Returns hidden [T, B, P] and,
// for an LSTM, cell [T, B, H].
std::pair<at::Tensor, at::Tensor> runDifferentiable(const CellWeights& w, const StepEdits& edits,
                                                    bool lstm, bool gru, bool relu, int64_t hidden,
                                                    const at::Tensor& proj, at::Tensor h,
                                                    at::Tensor c) {
    using Buffer = StepEdits::Buffer;
    std::vector<at::Tensor> hs, cs;
    for (int64_t t = 0; t < proj.size(0); ++t) {
        const at::Tensor gi = proj[t];  // [B, G*H]
        if (lstm) {
            at::Tensor g = gi + at::matmul(h, w.wHh.t());
            g = at::cat(
                {at::sigmoid(g.narrow(1, 0, 2 * hidden)), at::tanh(g.narrow(1, 2 * hidden, hidden)),
                 at::sigmoid(g.narrow(1, 3 * hidden, hidden))},
                1);
            g = edits.applied(Buffer::Gates, t, g);
            c = g.narrow(1, hidden, hidden) * c +
                g.narrow(1, 0, hidden) * g.narrow(1, 2 * hidden, hidden);
            c = edits.applied(Buffer::Cell, t, c);
            h = g.narrow(1, 3 * hidden, hidden) * at::tanh(c);
            if (w.wHr.defined()) h = at::matmul(h, w.wHr.t());
            cs.push_back(c);
        } else if (gru) {
            at::Tensor s = at::matmul(h, w.wHh.t());
            if (w.bHh.defined()) s = s + w.bHh;
            at::Tensor rz = at::sigmoid(gi.narrow(1, 0, 2 * hidden) + s.narrow(1, 0, 2 * hidden));
            rz = edits.applied(Buffer::Gates, t, rz, 0, 2 * hidden);  // before n and h read them
            at::Tensor n = at::tanh(gi.narrow(1, 2 * hidden, hidden) +
                                    rz.narrow(1, 0, hidden) * s.narrow(1, 2 * hidden, hidden));
            n = edits.applied(Buffer::Gates, t, n, 2 * hidden);
            h = n + rz.narrow(1, hidden, hidden) * (h - n);
        } else {
            const at::Tensor pre = gi + at::matmul(h, w.wHh.t());
            h = relu ? at::relu(pre) : at::tanh(pre);
        }
        h = edits.applied(Buffer::Hidden, t, h);
        hs.push_back(h);
    }
    return {at::stack(hs, 0), lstm ? at::stack(cs, 0) : at::Tensor()};
}

}  // namespace

MatrixRM sampleTrack(const UnrolledTrack& track, int64_t b, int64_t length) {
    const int64_t steps = track.timeMajor.size(0);
    const int64_t batch = track.timeMajor.size(1);
    const int64_t stride = track.timeMajor.size(2);
    length = std::clamp<int64_t>(length, 0, steps);
    const float* data = track.timeMajor.data_ptr<float>() + b * stride + track.offset;
    MatrixRM values(length, track.width);
    for (int64_t t = 0; t < length; ++t) {
        // A reverse direction's step s is input position length - 1 - s.
        const int64_t s = track.direction == 1 ? length - 1 - t : t;
        std::copy_n(data + s * batch * stride, track.width, values.row(t).data());
    }
    return values;
}

namespace {

const char* const kLstmGates[] = {"gate.input", "gate.forget", "gate.cell", "gate.output"};
const char* const kGruGates[] = {"gate.reset", "gate.update", "gate.new"};

// The edits of `interventions` on one layer and direction of `info`.
StepEdits editsFor(const RecurrentLayerInfo& info, const Interventions& interventions,
                   int64_t layer, int64_t dir, int64_t batch) {
    const bool lstm = info.type == QLatin1String("LSTM");
    const bool gru = info.type == QLatin1String("GRU");
    StepEdits edits;
    for (const Intervention& i : interventions) {
        if (i.module != info.module || i.layer != layer || i.direction != dir) continue;
        if (i.needsMeans())
            throw ModelError(
                QStringLiteral("%1: the dataset means are not known yet").arg(i.describe()));
        StepEdits::Edit edit{&i, StepEdits::Buffer::Hidden, 0, {}};
        edit.onRow.assign(size_t(batch), i.rows.empty() ? 1 : 0);
        for (int r : i.rows)
            if (r >= 0 && r < batch) edit.onRow[size_t(r)] = 1;
        int64_t width = info.projSize > 0 ? info.projSize : info.hiddenSize;
        if (i.kind == QLatin1String("cell") && lstm) {
            edit.buffer = StepEdits::Buffer::Cell;
            width = info.hiddenSize;
        } else if (i.kind != QLatin1String("hidden")) {
            edit.buffer = StepEdits::Buffer::Gates;
            width = info.hiddenSize;
            int k = -1;
            for (int g = 0; g < (lstm ? 4 : gru ? 3 : 0); ++g)
                if (i.kind == QLatin1String(lstm ? kLstmGates[g] : kGruGates[g])) k = g;
            if (k < 0)
                throw ModelError(QStringLiteral("%1 (%2) has no state \"%3\"")
                                     .arg(info.module, info.type, i.kind));
            edit.offset = k * info.hiddenSize;
        }
        for (int u : i.units)
            if (u < 0 || u >= width)
                throw ModelError(QStringLiteral("unit %1 is not in %2 L%3 %4 (units 0 to %5)")
                                     .arg(u)
                                     .arg(info.module)
                                     .arg(layer)
                                     .arg(i.kind)
                                     .arg(width - 1));
        edits.edits.push_back(edit);
    }
    return edits;
}

}  // namespace

Unrolled unroll(const RecurrentModule& rnn, const at::Tensor& input, const at::Tensor& lengths,
                const at::Tensor& h0, const at::Tensor& c0, const Interventions& interventions,
                int64_t firstPosition, bool recordGates) {
    const RecurrentLayerInfo& info = rnn.info;
    const bool lstm = info.type == QLatin1String("LSTM");
    const bool gru = info.type == QLatin1String("GRU");
    const bool relu = info.type == QLatin1String("RNN_RELU");
    const int64_t dirs = info.bidirectional ? 2 : 1;
    const int64_t hidden = info.hiddenSize;
    const int64_t outSize = info.projSize > 0 ? info.projSize : hidden;
    const int64_t batch = input.size(0);
    const int64_t steps = input.size(1);
    const int64_t width = (lstm ? 4 : gru ? 3 : 1) * hidden;

    if (!parameter(rnn.module, "weight_ih_l0").defined())
        throw ModelError(QStringLiteral("%1 has no weight_ih_l0 parameter").arg(info.module));
    const auto options = at::TensorOptions().dtype(at::kFloat);
    const at::Tensor lensFlat = lengths.to(at::kLong).contiguous();     // [B]
    const at::Tensor lens = lensFlat.unsqueeze(1);                      // [B, 1]
    const at::Tensor time = at::arange(steps, at::kLong).unsqueeze(0);  // [1, T]
    // Reverse order within each sample's valid steps; padding keeps its place. The
    // permutation is its own inverse, so it also maps reversed results back.
    const at::Tensor reverseIndex = at::where(time < lens, lens - 1 - time, time);  // [B, T]
    const at::Tensor lastIndex = (lens - 1).clamp_min(0);                           // [B, 1]

    Unrolled result;
    std::vector<at::Tensor> finalHidden;
    std::vector<at::Tensor> finalCell;
    // A gradient asked of the input (attribution of an intervened run): operators autograd
    // follows, and the input not detached.
    const bool differentiable = at::GradMode::is_enabled() && input.requires_grad() && !recordGates;
    at::Tensor layerInput =
        differentiable ? input.to(at::kFloat).contiguous() : asFloatContiguous(input);  // [B, T, I]
    for (int64_t layer = 0; layer < info.numLayers; ++layer) {
        std::vector<at::Tensor> directionOutputs;
        for (int64_t dir = 0; dir < dirs; ++dir) {
            const std::string suffix =
                "_l" + std::to_string(layer) + (dir == 1 ? std::string("_reverse") : "");
            CellWeights w{floatParameter(rnn.module, "weight_ih" + suffix),
                          floatParameter(rnn.module, "weight_hh" + suffix),
                          floatParameter(rnn.module, "bias_ih" + suffix),
                          floatParameter(rnn.module, "bias_hh" + suffix),
                          floatParameter(rnn.module, "weight_hr" + suffix)};
            if (!w.wIh.defined() || !w.wHh.defined())
                throw ModelError(
                    QStringLiteral("%1 has no weights for layer %2").arg(info.module).arg(layer));

            at::Tensor x = layerInput;
            if (dir == 1) x = layerInput.gather(1, reverseIndex.unsqueeze(2).expand_as(layerInput));
            // Every step's input projection in one GEMM, time-major: [T, B, G*H]. LSTM and RNN
            // add b_hh unchanged, so it is folded in here; GRU multiplies part of it by r.
            at::Tensor proj;
            if (differentiable) {
                proj = w.bIh.defined() ? at::linear(x.transpose(0, 1), w.wIh, w.bIh)
                                       : at::linear(x.transpose(0, 1), w.wIh);
                if (!gru && w.bHh.defined()) proj.add_(w.bHh);
                proj = proj.contiguous();
            } else {
                // By the kernel, as the steps are: LibTorch's GEMM is a plain reference BLAS on
                // Debian, which made this product cost as much as the whole recurrence.
                const at::Tensor xt = x.transpose(0, 1).contiguous();  // [T, B, I]
                at::Tensor bias;
                if (w.bIh.defined()) bias = w.bIh;
                if (!gru && w.bHh.defined()) bias = bias.defined() ? bias + w.bHh : w.bHh;
                proj = at::empty({steps, batch, width}, options);
                kernel::projectInputs(
                    xt.data_ptr<float>(), steps * batch, xt.size(2), w.wIh.data_ptr<float>(), width,
                    bias.defined() ? bias.data_ptr<float>() : nullptr, proj.data_ptr<float>());
            }

            const int64_t index = layer * dirs + dir;
            const at::Tensor h = h0.defined() ? asFloatContiguous(h0[index]).clone()
                                              : at::zeros({batch, outSize}, options);  // [B, P]
            const at::Tensor c = c0.defined() ? asFloatContiguous(c0[index]).clone()
                                              : at::zeros({batch, hidden}, options);  // [B, H]
            at::Tensor hiddenAll = at::empty({steps, batch, outSize}, options);       // [T, B, P]
            // Without tracks (a model run with interventions) one step of gates is enough.
            at::Tensor gatesAll = lstm || gru
                                      ? at::empty({recordGates ? steps : 1, batch, width}, options)
                                      : at::Tensor();
            at::Tensor cellAll = lstm ? at::empty({steps, batch, hidden}, options) : at::Tensor();
            StepEdits edits = editsFor(info, interventions, layer, dir, batch);
            edits.lengths = lensFlat.data_ptr<int64_t>();
            edits.firstPosition = firstPosition;
            edits.reverse = dir == 1;
            edits.batch = batch;
            if (differentiable) {
                std::tie(hiddenAll, cellAll) =
                    runDifferentiable(w, edits, lstm, gru, relu, hidden, proj, h, c);
            } else {
                kernel::DirectionArgs args;
                args.cell = lstm   ? kernel::Cell::Lstm
                            : gru  ? kernel::Cell::Gru
                            : relu ? kernel::Cell::Relu
                                   : kernel::Cell::Tanh;
                args.batch = batch;
                args.steps = steps;
                args.hidden = hidden;
                args.outSize = outSize;
                args.wHh = w.wHh.data_ptr<float>();
                args.bHh = gru && w.bHh.defined() ? w.bHh.data_ptr<float>() : nullptr;
                args.wHr = w.wHr.defined() ? w.wHr.data_ptr<float>() : nullptr;
                args.proj = proj.data_ptr<float>();
                args.hiddenAll = hiddenAll.data_ptr<float>();
                args.gatesAll = gatesAll.defined() ? gatesAll.data_ptr<float>() : nullptr;
                args.gatesEveryStep = recordGates;
                args.cellAll = cellAll.defined() ? cellAll.data_ptr<float>() : nullptr;
                args.h0 = h.data_ptr<float>();
                args.c0 = lstm ? c.data_ptr<float>() : nullptr;
                if (!edits.empty()) {
                    args.edit = &StepEdits::applyTo;
                    args.editContext = &edits;
                }
                kernel::runDirection(args);
            }

            auto addTrack = [&](const at::Tensor& timeMajor, int64_t offset, int64_t size,
                                const char* kind) {
                result.tracks.push_back({static_cast<int>(layer), static_cast<int>(dir),
                                         QString::fromLatin1(kind), timeMajor, offset, size});
            };
            // Batch-first, and the reverse direction back in input order: [B, T, .]
            auto batchFirst = [&](const at::Tensor& timeMajor) {
                const at::Tensor values = timeMajor.transpose(0, 1);
                if (dir == 0) return values;
                return values.gather(
                    1, reverseIndex.unsqueeze(2).expand({batch, steps, values.size(2)}));
            };
            // The state after the last valid step: step len-1 forward, step 0 in reverse.
            auto finalOf = [&](const at::Tensor& seq) {
                if (dir == 1) return seq.select(1, 0);
                return seq.gather(1, lastIndex.unsqueeze(2).expand({batch, 1, seq.size(2)}))
                    .squeeze(1);
            };
            const at::Tensor hiddenSeq = batchFirst(hiddenAll);
            addTrack(hiddenAll, 0, outSize, "hidden");
            directionOutputs.push_back(hiddenSeq);
            finalHidden.push_back(finalOf(hiddenSeq));
            if (lstm) {
                addTrack(cellAll, 0, hidden, "cell");
                finalCell.push_back(finalOf(batchFirst(cellAll)));
            }
            if ((lstm || gru) && recordGates) {
                for (int64_t k = 0; k < (lstm ? 4 : 3); ++k)
                    addTrack(gatesAll, k * hidden, hidden, lstm ? kLstmGates[k] : kGruGates[k]);
            }
        }
        layerInput = at::cat(directionOutputs, 2).contiguous();  // [B, T, D*P]
    }
    result.output = layerInput;
    result.finalHidden = at::stack(finalHidden, 0);        // [L*D, B, P]
    if (lstm) result.finalCell = at::stack(finalCell, 0);  // [L*D, B, H]
    return result;
}

QString describeError(const std::exception& e) {
    const auto* c10Error = dynamic_cast<const c10::Error*>(&e);
    const QString text =
        QString::fromUtf8(c10Error ? c10Error->what_without_backtrace() : e.what()).trimmed();
    // A TorchScript runtime error starts with the script's traceback; the line that says what
    // went wrong ("RuntimeError: ...") comes last.
    const QStringList lines = text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
        if (it->contains(QLatin1String("Error: "))) return it->trimmed();
    }
    return lines.isEmpty() ? QString() : lines.first().trimmed();
}

MatrixRM toMatrix(const at::Tensor& t) {
    const at::Tensor c = t.detach().to(at::kCPU, at::kFloat).contiguous();
    const int64_t rows = c.dim() > 0 ? c.size(0) : 1;
    const int64_t cols = c.dim() > 1 ? c.size(1) : 1;
    return Eigen::Map<const MatrixRM>(c.data_ptr<float>(), rows, cols);
}

at::Tensor asFloatContiguous(const at::Tensor& t) {
    return t.detach().to(at::kCPU, at::kFloat).contiguous();
}

MatrixRM sampleRows(const at::Tensor& values, int64_t b, int64_t rows) {
    const int64_t steps = values.size(1);
    const int64_t width = values.size(2);
    const float* data = values.data_ptr<float>() + b * steps * width;
    return Eigen::Map<const MatrixRM>(data, std::clamp<int64_t>(rows, 0, steps), width);
}

QString shapeText(const at::Tensor& t) {
    QStringList dims;
    for (int64_t s : t.sizes()) dims << QString::number(s);
    return QStringLiteral("[%1]").arg(dims.join(QStringLiteral(", ")));
}

at::Tensor InterpretOutput::find(const std::string& key) const {
    const auto it = tensors.find(key);
    return it == tensors.end() ? at::Tensor() : it->second.to(at::kCPU);
}

int64_t InterpretOutput::stepsOf(int64_t axis, int64_t b, bool preferOutput) const {
    if (seq2seq && axis == outSteps && (preferOutput || axis != inSteps)) return outLens[b];
    if (axis == inSteps) return inLens[b];
    if (seq2seq && axis == outSteps) return outLens[b];
    return axis;
}

namespace {

// Why module i cannot be unrolled from `out` ("" when it can); sets its input x.
QString checkCapturable(const RecurrentModule& rnn, size_t i, const InterpretOutput& out,
                        int64_t size, at::Tensor& x, const at::Tensor& h0, const at::Tensor& c0) {
    const RecurrentLayerInfo& info = rnn.info;
    if (i < out.notCapturable.size() && !out.notCapturable[i].isEmpty())
        return out.notCapturable[i];
    x = out.find("inputs." + info.module.toStdString());
    if (!x.defined() && i == 0) x = out.find("embeddings");  // what the first module reads
    const int64_t outSize = info.projSize > 0 ? info.projSize : info.hiddenSize;
    const int64_t stateRows = info.numLayers * (info.bidirectional ? 2 : 1);
    if (!x.defined())
        return QStringLiteral(
                   "add \"inputs.%1\" [B, T, %2] (what %1 reads) to interpret()'s result to see "
                   "its states and gates")
            .arg(info.module)
            .arg(info.inputSize);
    if (x.dim() != 3 || x.size(0) != size || x.size(2) != info.inputSize)
        return QStringLiteral("its input has shape %1; expected [B, T, %2] (batch first)")
            .arg(shapeText(x))
            .arg(info.inputSize);
    if (h0.defined() &&
        (h0.dim() != 3 || h0.size(0) != stateRows || h0.size(1) != size || h0.size(2) != outSize))
        return QStringLiteral("\"h0.%1\" has shape %2; expected [%3, B, %4]")
            .arg(info.module, shapeText(h0))
            .arg(stateRows)
            .arg(outSize);
    if (c0.defined() && (c0.dim() != 3 || c0.size(0) != stateRows || c0.size(1) != size ||
                         c0.size(2) != info.hiddenSize))
        return QStringLiteral("\"c0.%1\" has shape %2; expected [%3, B, %4]")
            .arg(info.module, shapeText(c0))
            .arg(stateRows)
            .arg(info.hiddenSize);
    return {};
}

}  // namespace

std::vector<QString> captureRecurrent(const std::vector<RecurrentModule>& rnns,
                                      const InterpretOutput& out, bool unrollStates, bool verify,
                                      std::vector<SampleResult>& results,
                                      const Interventions& interventions) {
    const auto size = static_cast<int64_t>(results.size());
    std::vector<QString> whyNot(rnns.size());
    for (size_t i = 0; i < rnns.size(); ++i) {
        const RecurrentModule& rnn = rnns[i];
        const RecurrentLayerInfo& info = rnn.info;
        const std::string path = info.module.toStdString();
        const at::Tensor h0 = out.find("h0." + path);
        const at::Tensor c0 = out.find("c0." + path);
        at::Tensor x;
        whyNot[i] = checkCapturable(rnn, i, out, size, x, h0, c0);
        if (whyNot[i].isEmpty() && unrollStates) {
            // Steps per sample: the module's own lengths.<path> when given, else the side of
            // the model (input or seq2seq output) whose length it ran.
            std::vector<int64_t> lens(results.size());
            at::Tensor given = out.find("lengths." + path);
            if (given.defined()) given = given.to(at::kLong).contiguous();
            const int64_t* givenLens =
                given.defined() && given.numel() == size ? given.data_ptr<int64_t>() : nullptr;
            const bool decoder = out.seq2seq && (i > 0 || h0.defined());
            for (int64_t b = 0; b < size; ++b) {
                lens[b] = givenLens ? givenLens[b] : out.stepsOf(x.size(1), b, decoder);
                lens[b] = std::clamp<int64_t>(lens[b], 1, x.size(1));
            }
            try {
                const at::Tensor lengths =
                    at::tensor(at::ArrayRef<int64_t>(lens), at::kLong);  // [B]
                const Unrolled unrolled = unroll(rnn, x, lengths, h0, c0, interventions);
                for (int64_t b = 0; b < size; ++b) {
                    if (verify)
                        results[b].maxAbsDiff =
                            std::max(results[b].maxAbsDiff,
                                     verifySample(rnn, x, lens[b], h0, c0, unrolled, b));
                    for (const UnrolledTrack& track : unrolled.tracks)
                        results[b].tracks.push_back({info.module, track.layer, track.direction,
                                                     track.kind, sampleTrack(track, b, lens[b])});
                }
            } catch (const std::exception& e) {
                whyNot[i] = QStringLiteral("could not unroll it: %1").arg(describeError(e));
            }
        }
        if (!whyNot[i].isEmpty())
            for (auto& r : results)
                r.notes << QStringLiteral("%1 not captured: %2.").arg(info.module, whyNot[i]);
    }
    return whyNot;
}

}  // namespace rnnscope::detail
