// Finding a model's nn.LSTM / nn.GRU / nn.RNN modules, scripted or traced, and checking an
// unroll against PyTorch's own kernel for them.
//
// A scripted module keeps its configuration as attributes (mode, num_layers, batch_first, ...).
// A traced one keeps only its weights and the graph of the one call that was traced, so its
// configuration is read from the weights' names and shapes, and its nonlinearity and batch_first
// from that graph's recurrent operator.

#include <torch/csrc/jit/ir/ir.h>

#include <algorithm>
#include <cstdint>

#include "core/model/TorchUnroll.h"

namespace rnnscope::detail {

namespace {

const std::string kRnnPrefix = "__torch__.torch.nn.modules.rnn.";

bool startsWith(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

// The module's attribute, or its class constant (older exports keep some as constants).
c10::IValue attribute(const torch::jit::Module& m, const std::string& name) {
    if (m.hasattr(name)) return m.attr(name);
    const auto type = m.type();
    if (type->hasConstant(name)) return type->getConstant(name);
    return {};
}

int intAttribute(const torch::jit::Module& m, const std::string& name, int fallback) {
    const c10::IValue v = attribute(m, name);
    return v.isInt() ? static_cast<int>(v.toInt()) : fallback;
}

bool boolAttribute(const torch::jit::Module& m, const std::string& name, bool fallback) {
    const c10::IValue v = attribute(m, name);
    return v.isBool() ? v.toBool() : fallback;
}

std::string suffix(int layer, int direction) {
    return "_l" + std::to_string(layer) + (direction == 1 ? "_reverse" : "");
}

// The recurrent operator a traced module's forward calls, or nullptr.
const torch::jit::Node* tracedOperator(const torch::jit::Module& m) {
    const auto method = m.find_method("forward");
    if (!method) return nullptr;
    for (const torch::jit::Node* n : method->graph()->nodes()) {
        const std::string kind = n->kind().toQualString();
        if (kind == "aten::lstm" || kind == "aten::gru" || kind == "aten::rnn_tanh" ||
            kind == "aten::rnn_relu")
            return n;
    }
    return nullptr;
}

// Fills what a traced module lost from its weights and its traced graph.
void readTracedConfig(const torch::jit::Module& m, const std::string& base,
                      RecurrentLayerInfo& info) {
    int layers = 0;
    while (parameter(m, "weight_ih" + suffix(layers, 0)).defined()) ++layers;
    info.numLayers = std::max(1, layers);
    info.bidirectional = parameter(m, "weight_ih" + suffix(0, 1)).defined();
    const at::Tensor ih = parameter(m, "weight_ih_l0");
    const at::Tensor hr = parameter(m, "weight_hr_l0");
    const at::Tensor hh = parameter(m, "weight_hh_l0");
    if (ih.defined()) info.inputSize = static_cast<int>(ih.size(1));
    if (hr.defined()) {  // an LSTM with projections: weight_hr [P, H]
        info.projSize = static_cast<int>(hr.size(0));
        info.hiddenSize = static_cast<int>(hr.size(1));
    } else if (hh.defined()) {
        info.hiddenSize = static_cast<int>(hh.size(1));
    }
    const torch::jit::Node* op = tracedOperator(m);
    if (base == "RNN")
        info.type = op && std::string(op->kind().toQualString()) == "aten::rnn_relu"
                        ? QStringLiteral("RNN_RELU")
                        : QStringLiteral("RNN_TANH");
    // The padded overload's last argument is batch_first; a packed call has none to read.
    if (op && op->inputs().size() == 9 && op->maybeSchema() &&
        op->maybeSchema()->overload_name() == "input")
        if (const auto value = torch::jit::toIValue(op->input(8)); value && value->isBool())
            info.batchFirst = value->toBool();
}

}  // namespace

at::Tensor parameter(const torch::jit::Module& m, const std::string& name) {
    if (!m.hasattr(name)) return {};
    const c10::IValue v = m.attr(name);
    return v.isTensor() ? v.toTensor() : at::Tensor();
}

std::vector<RecurrentModule> findRecurrentModules(const torch::jit::Module& root) {
    std::vector<RecurrentModule> found;
    for (const auto& named : root.named_modules()) {
        const auto& type = named.value.type();
        if (!type->name()) continue;
        const std::string qualified = type->name()->qualifiedName();
        const std::string base = type->name()->name();
        if (!startsWith(qualified, kRnnPrefix)) continue;
        if (base != "LSTM" && base != "GRU" && base != "RNN") continue;

        RecurrentModule rnn;
        rnn.module = named.value;
        RecurrentLayerInfo& info = rnn.info;
        info.module = QString::fromStdString(named.name);
        const c10::IValue mode = attribute(named.value, "mode");
        info.type = mode.isString() ? QString::fromStdString(mode.toStringRef())
                                    : QString::fromStdString(base);
        rnn.traced = !mode.isString();
        if (rnn.traced) {
            readTracedConfig(named.value, base, info);
        } else {
            if (info.type == QLatin1String("RNN")) {
                const c10::IValue nl = attribute(named.value, "nonlinearity");
                info.type = nl.isString() && nl.toStringRef() == "relu"
                                ? QStringLiteral("RNN_RELU")
                                : QStringLiteral("RNN_TANH");
            }
            info.numLayers = intAttribute(named.value, "num_layers", 1);
            info.bidirectional = boolAttribute(named.value, "bidirectional", false);
            info.batchFirst = boolAttribute(named.value, "batch_first", false);
            info.inputSize = intAttribute(named.value, "input_size", 0);
            info.hiddenSize = intAttribute(named.value, "hidden_size", 0);
            info.projSize = intAttribute(named.value, "proj_size", 0);
        }
        found.push_back(std::move(rnn));
    }
    return found;
}

double verifySample(const RecurrentModule& rnn, const at::Tensor& input, int64_t length,
                    const at::Tensor& h0, const at::Tensor& c0, const Unrolled& unrolled,
                    int64_t b) {
    const RecurrentLayerInfo& info = rnn.info;
    const at::Tensor first = parameter(rnn.module, "weight_ih_l0");
    if (!first.defined() || length <= 0) return -1.0;
    const bool lstm = info.type == QLatin1String("LSTM");
    // The module's weights in the order its _flat_weights has them, in the module's own dtype.
    std::vector<at::Tensor> params;
    const bool biases = parameter(rnn.module, "bias_ih_l0").defined();
    for (int layer = 0; layer < info.numLayers; ++layer)
        for (int direction = 0; direction < (info.bidirectional ? 2 : 1); ++direction) {
            const std::string s = suffix(layer, direction);
            params.push_back(parameter(rnn.module, "weight_ih" + s));
            params.push_back(parameter(rnn.module, "weight_hh" + s));
            if (biases) {
                params.push_back(parameter(rnn.module, "bias_ih" + s));
                params.push_back(parameter(rnn.module, "bias_hh" + s));
            }
            if (info.projSize > 0) params.push_back(parameter(rnn.module, "weight_hr" + s));
        }
    const auto options = first.options();
    const at::Tensor x = input[b].slice(0, 0, length).unsqueeze(0).to(options);  // [1, L, I]
    const at::Tensor h = h0.defined()
                             ? h0.slice(1, b, b + 1).to(options).contiguous()
                             : at::zeros_like(unrolled.finalHidden.slice(1, 0, 1), options);
    const int64_t layers = info.numLayers;
    const bool bi = info.bidirectional;

    at::Tensor output, hN, cN;
    if (lstm) {
        const at::Tensor c = c0.defined()
                                 ? c0.slice(1, b, b + 1).to(options).contiguous()
                                 : at::zeros_like(unrolled.finalCell.slice(1, 0, 1), options);
        std::tie(output, hN, cN) =
            at::lstm(x, {h, c}, params, biases, layers, 0.0, false, bi, true);
    } else if (info.type == QLatin1String("GRU")) {
        std::tie(output, hN) = at::gru(x, h, params, biases, layers, 0.0, false, bi, true);
    } else if (info.type == QLatin1String("RNN_RELU")) {
        std::tie(output, hN) = at::rnn_relu(x, h, params, biases, layers, 0.0, false, bi, true);
    } else {
        std::tie(output, hN) = at::rnn_tanh(x, h, params, biases, layers, 0.0, false, bi, true);
    }
    double worst = (output[0] - unrolled.output[b].slice(0, 0, length)).abs().max().item<double>();
    auto diff = [&](const at::Tensor& theirs, const at::Tensor& ours) {
        return (theirs.select(1, 0) - ours.select(1, b)).abs().max().item<double>();
    };
    worst = std::max(worst, diff(hN, unrolled.finalHidden));
    if (lstm) worst = std::max(worst, diff(cN, unrolled.finalCell));
    return worst;
}

}  // namespace rnnscope::detail
