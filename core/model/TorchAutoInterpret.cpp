// interpret() for a model without one: see TorchAutoInterpret.h.

#include "core/model/TorchAutoInterpret.h"

#include <algorithm>

namespace rnnscope::detail {

namespace {

// A packed call's rows are the batch's rows sorted by length, longest first, as
// pack_padded_sequence(enforce_sorted=False) sorts them: torch.sort(lengths, descending=True).
// The same sort of the same lengths gives the same order, so the batch order can be restored.
// Returns the operator row of each batch row, or an undefined tensor when the call's lengths are
// not the input's (a module run on something else than the input sequence).
at::Tensor batchOrderOf(const RecordedCall& call, const at::Tensor& lengths) {
    const int64_t rows = call.input.size(0);
    if (rows != lengths.size(0)) return {};
    if (!call.packed || rows == 1) return at::arange(rows, at::kLong);
    const auto [sorted, sortedIndices] = at::sort(lengths, 0, true);
    if (!at::equal(sorted.to(at::kLong), call.lengths)) return {};
    at::Tensor rowOf = at::empty({rows}, at::kLong);
    rowOf.index_put_({sortedIndices}, at::arange(rows, at::kLong));
    return rowOf;
}

}  // namespace

AutoInterpret interpretFromRecording(const std::vector<RecurrentModule>& rnns,
                                     const Recording& recording, const at::Tensor& lengths) {
    AutoInterpret out;
    out.whyNot.assign(rnns.size(), QString());
    const int64_t batch = lengths.size(0);
    // The input embedding's output: one call for the batch [B, T, E], or one call per sample
    // ([T, E] or [1, T, E]) for a model that reads one sequence at a time.
    if (const auto tap = recording.taps.find("embeddings"); tap != recording.taps.end()) {
        const std::vector<at::Tensor>& calls = tap->second;
        const at::Tensor& first = calls.front();
        if (first.dim() == 3 && first.size(0) == batch) {
            out.tensors["embeddings"] = first;
        } else if (static_cast<int64_t>(calls.size()) == batch &&
                   std::all_of(calls.begin(), calls.end(), [&](const at::Tensor& e) {
                       return e.sizes() == first.sizes() &&
                              (e.dim() == 2 || (e.dim() == 3 && e.size(0) == 1));
                   })) {
            std::vector<at::Tensor> rows;
            for (const at::Tensor& e : calls) rows.push_back(e.dim() == 2 ? e.unsqueeze(0) : e);
            out.tensors["embeddings"] = at::cat(rows, 0);
        }
    }

    for (size_t i = 0; i < rnns.size() && i < recording.calls.size(); ++i) {
        const std::string path = rnns[i].info.module.toStdString();
        const std::vector<RecordedCall>& calls = recording.calls[i];
        if (calls.empty()) {
            out.whyNot[i] =
                QStringLiteral("forward() does not call it as an nn.%1 module")
                    .arg(rnns[i].info.type.startsWith(QLatin1String("RNN")) ? QStringLiteral("RNN")
                                                                            : rnns[i].info.type);
            continue;
        }
        // A model written for one sequence at a time, called once per sample (the rows of a
        // batch of equal lengths, in order): one call per row.
        const bool perSample =
            batch > 1 && static_cast<int64_t>(calls.size()) == batch &&
            std::all_of(calls.begin(), calls.end(), [&](const RecordedCall& c) {
                return c.input.size(0) == 1 && c.input.size(1) == calls.front().input.size(1);
            });
        if (perSample) {
            std::vector<at::Tensor> rows, h0, c0;
            for (const RecordedCall& call : calls) {
                rows.push_back(call.input);
                if (call.h0.defined()) h0.push_back(call.h0);
                if (call.c0.defined()) c0.push_back(call.c0);
            }
            out.tensors["inputs." + path] = at::cat(rows, 0);
            if (h0.size() == calls.size()) out.tensors["h0." + path] = at::cat(h0, 1);
            if (c0.size() == calls.size()) out.tensors["c0." + path] = at::cat(c0, 1);
            continue;
        }
        std::vector<at::Tensor> inputs;
        at::Tensor steps;  // a packed call's own lengths, in batch order
        for (const RecordedCall& call : calls) {
            const at::Tensor rowOf = batchOrderOf(call, lengths);
            if (!rowOf.defined()) {
                out.whyNot[i] = call.input.size(0) != batch
                                    ? QStringLiteral(
                                          "forward() runs it on %1 rows for a batch of %2 samples, "
                                          "so rnnscope cannot tell which row is which sample; add "
                                          "interpret() (docs/model-contract.md)")
                                          .arg(call.input.size(0))
                                          .arg(batch)
                                    : QStringLiteral(
                                          "forward() runs it on a packed sequence whose lengths "
                                          "are not the input's, so rnnscope cannot tell which "
                                          "row is which sample; add interpret() "
                                          "(docs/model-contract.md)");
                break;
            }
            inputs.push_back(call.input.index_select(0, rowOf));
            if (call.packed) steps = call.lengths.index_select(0, rowOf);
            if (&call == &calls.front()) {
                if (call.h0.defined()) out.tensors["h0." + path] = call.h0.index_select(1, rowOf);
                if (call.c0.defined()) out.tensors["c0." + path] = call.c0.index_select(1, rowOf);
            }
        }
        if (!out.whyNot[i].isEmpty()) continue;
        out.tensors["inputs." + path] = inputs.size() == 1 ? inputs.front() : at::cat(inputs, 1);
        // A padded call runs every row over all T steps: the input's lengths say which are real
        // (the default). A packed call says so itself.
        if (calls.size() == 1 && steps.defined()) out.tensors["lengths." + path] = steps;
    }
    return out;
}

}  // namespace rnnscope::detail
