// Interventions inside the model's own TorchScript graph: see TorchIntervene.h.

#include "core/model/TorchIntervene.h"

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/inliner.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "core/Errors.h"

namespace rnnscope::detail {

namespace {

// The run in progress on this thread: which modules the rnnscope operators stand for, what to
// replace, and how many steps each module has run so far in this call of the method.
struct RunContext {
    const std::vector<RecurrentModule>* rnns = nullptr;
    const Interventions* interventions = nullptr;
    std::vector<int64_t> stepsRun;   // per module
    Recording* recording = nullptr;  // what each call received, when asked for
};
thread_local RunContext* currentRun = nullptr;

struct RunScope {
    RunContext context;
    RunContext* previous;
    RunScope(const std::vector<RecurrentModule>* rnns, const Interventions* interventions,
             Recording* recording = nullptr)
        : previous(currentRun) {
        context.rnns = rnns;
        context.interventions = interventions;
        context.stepsRun.assign(rnns->size(), 0);
        context.recording = recording;
        if (recording) recording->calls.assign(rnns->size(), {});
        currentRun = &context;
    }
    ~RunScope() { currentRun = previous; }
    RunScope(const RunScope&) = delete;
    RunScope& operator=(const RunScope&) = delete;
};

// The interventions on module `site` in the current run; empty when there are none (then the
// original operator runs when a gradient is asked for, else the unroll without edits: see
// unrollsWithoutInterventions).
Interventions interventionsAt(int64_t site) {
    if (!currentRun || site < 0 || site >= static_cast<int64_t>(currentRun->rnns->size()))
        return {};
    return interventionsOn(*currentRun->interventions, (*currentRun->rnns)[site].info.module);
}

struct Outputs {
    at::Tensor output, hidden, cell;
};

// Unrolls module `site` over padded input [B, T, I] (batch first) with its interventions, from
// the step the module has reached in this run.
Outputs unrollSite(int64_t site, const Interventions& on, const at::Tensor& x,
                   const at::Tensor& lengths, const at::Tensor& h0, const at::Tensor& c0) {
    const RecurrentModule& rnn = (*currentRun->rnns)[site];
    int64_t& stepsRun = currentRun->stepsRun[site];
    const Unrolled u = unroll(rnn, x, lengths, h0, c0, on, stepsRun, false);
    stepsRun += x.size(1);
    const auto type = h0.defined() ? h0.scalar_type() : x.scalar_type();
    return {u.output.to(type), u.finalHidden.to(type),
            u.finalCell.defined() ? u.finalCell.to(type) : at::Tensor()};
}

void countSteps(int64_t site, int64_t steps) {
    if (currentRun && site >= 0 && site < static_cast<int64_t>(currentRun->stepsRun.size()))
        currentRun->stepsRun[site] += steps;
}

// Whether a padded call with no interventions runs through rnnscope's own unrolling (Eigen, as
// capture unrolls) rather than PyTorch's operator: when no gradient is asked for, and the model
// is float32. The results agree to float rounding (capture checks them against the operator on
// every model it opens); the unrolling is several times faster on the CPU, where Debian's
// LibTorch multiplies matrices with a plain reference BLAS.
bool unrollsWithoutInterventions(const at::Tensor& input) {
    return currentRun && !at::GradMode::is_enabled() && !input.requires_grad() &&
           input.scalar_type() == at::kFloat;
}

Outputs padded(int64_t site, const Interventions& on, const at::Tensor& input, bool batchFirst,
               const at::Tensor& h0, const at::Tensor& c0) {
    const at::Tensor x = batchFirst ? input : input.transpose(0, 1);  // [B, T, I]
    const at::Tensor lengths = at::full({x.size(0)}, x.size(1), at::kLong);
    Outputs o = unrollSite(site, on, x, lengths, h0, c0);
    if (!batchFirst) o.output = o.output.transpose(0, 1).contiguous();
    return o;
}

// A packed sequence: `data` [N, I] holds step t of the first batchSizes[t] samples (sorted by
// length, longest first) after step t - 1 of them. As a padded [B, T, I] batch, rows in the same
// order, and each row's length.
struct Padded {
    at::Tensor x, lengths;
};
Padded toPadded(const at::Tensor& data, const at::Tensor& batchSizes) {
    const at::Tensor sizes = batchSizes.to(at::kLong).contiguous();
    const int64_t steps = sizes.size(0);
    const int64_t* bs = sizes.data_ptr<int64_t>();
    const int64_t batch = steps > 0 ? bs[0] : 0;
    at::Tensor x = at::zeros({batch, steps, data.size(1)}, data.options());
    std::vector<int64_t> lens(batch, 0);
    for (int64_t t = 0, offset = 0; t < steps; offset += bs[t], ++t) {
        x.select(1, t).slice(0, 0, bs[t]).copy_(data.slice(0, offset, offset + bs[t]));
        for (int64_t b = 0; b < bs[t]; ++b) lens[b] = t + 1;
    }
    return {x, at::tensor(at::ArrayRef<int64_t>(lens), at::kLong)};
}

// Keeps what module `site` received in this call, when the run records (auto-interpret).
void recordPadded(int64_t site, const at::Tensor& input, bool batchFirst, const at::Tensor& h0,
                  const at::Tensor& c0) {
    if (!currentRun || !currentRun->recording || site < 0 ||
        site >= static_cast<int64_t>(currentRun->recording->calls.size()))
        return;
    const at::Tensor x = batchFirst ? input : input.transpose(0, 1);
    currentRun->recording->calls[site].push_back(
        {x.contiguous(), at::full({x.size(0)}, x.size(1), at::kLong), h0, c0, false});
}

void recordPacked(int64_t site, const at::Tensor& data, const at::Tensor& batchSizes,
                  const at::Tensor& h0, const at::Tensor& c0) {
    if (!currentRun || !currentRun->recording || site < 0 ||
        site >= static_cast<int64_t>(currentRun->recording->calls.size()))
        return;
    const Padded p = toPadded(data, batchSizes);
    currentRun->recording->calls[site].push_back({p.x, p.lengths, h0, c0, true});
}

Outputs packed(int64_t site, const Interventions& on, const at::Tensor& data,
               const at::Tensor& batchSizes, const at::Tensor& h0, const at::Tensor& c0) {
    for (const Intervention& i : on)
        if (!i.rows.empty())
            throw ModelError(QStringLiteral("%1 is called on a packed sequence, whose rows PyTorch "
                                            "reorders, so an intervention cannot act on some rows "
                                            "of a batch only")
                                 .arg(i.module));
    const Padded p = toPadded(data, batchSizes);
    const at::Tensor sizes = batchSizes.to(at::kLong).contiguous();
    const int64_t steps = sizes.size(0);
    const int64_t* bs = sizes.data_ptr<int64_t>();
    Outputs o = unrollSite(site, on, p.x, p.lengths, h0, c0);
    std::vector<at::Tensor> rows;
    for (int64_t t = 0; t < steps; ++t) rows.push_back(o.output.select(1, t).slice(0, 0, bs[t]));
    o.output = at::cat(rows, 0);
    return o;
}

using Lstm = std::tuple<at::Tensor, at::Tensor, at::Tensor>;
using Rnn = std::tuple<at::Tensor, at::Tensor>;

Lstm lstmInput(const at::Tensor& input, at::TensorList hx, at::TensorList params, bool biases,
               int64_t layers, double dropout, bool train, bool bidirectional, bool batchFirst,
               int64_t site) {
    recordPadded(site, input, batchFirst, hx[0], hx[1]);
    const Interventions on = interventionsAt(site);
    if (on.empty() && !unrollsWithoutInterventions(input)) {
        countSteps(site, input.size(batchFirst ? 1 : 0));
        return at::lstm(input, hx, params, biases, layers, dropout, train, bidirectional,
                        batchFirst);
    }
    const Outputs o = padded(site, on, input, batchFirst, hx[0], hx[1]);
    return {o.output, o.hidden, o.cell};
}

Lstm lstmData(const at::Tensor& data, const at::Tensor& batchSizes, at::TensorList hx,
              at::TensorList params, bool biases, int64_t layers, double dropout, bool train,
              bool bidirectional, int64_t site) {
    recordPacked(site, data, batchSizes, hx[0], hx[1]);
    const Interventions on = interventionsAt(site);
    if (on.empty()) {
        countSteps(site, batchSizes.size(0));
        return at::lstm(data, batchSizes, hx, params, biases, layers, dropout, train,
                        bidirectional);
    }
    const Outputs o = packed(site, on, data, batchSizes, hx[0], hx[1]);
    return {o.output, o.hidden, o.cell};
}

// nn.GRU and nn.RNN share one operator signature.
template <Rnn (*Original)(const at::Tensor&, const at::Tensor&, at::TensorList, bool, int64_t,
                          double, bool, bool, bool)>
Rnn rnnInput(const at::Tensor& input, const at::Tensor& hx, at::TensorList params, bool biases,
             int64_t layers, double dropout, bool train, bool bidirectional, bool batchFirst,
             int64_t site) {
    recordPadded(site, input, batchFirst, hx, at::Tensor());
    const Interventions on = interventionsAt(site);
    if (on.empty() && !unrollsWithoutInterventions(input)) {
        countSteps(site, input.size(batchFirst ? 1 : 0));
        return Original(input, hx, params, biases, layers, dropout, train, bidirectional,
                        batchFirst);
    }
    const Outputs o = padded(site, on, input, batchFirst, hx, at::Tensor());
    return {o.output, o.hidden};
}

template <Rnn (*Original)(const at::Tensor&, const at::Tensor&, const at::Tensor&, at::TensorList,
                          bool, int64_t, double, bool, bool)>
Rnn rnnData(const at::Tensor& data, const at::Tensor& batchSizes, const at::Tensor& hx,
            at::TensorList params, bool biases, int64_t layers, double dropout, bool train,
            bool bidirectional, int64_t site) {
    recordPacked(site, data, batchSizes, hx, at::Tensor());
    const Interventions on = interventionsAt(site);
    if (on.empty()) {
        countSteps(site, batchSizes.size(0));
        return Original(data, batchSizes, hx, params, biases, layers, dropout, train,
                        bidirectional);
    }
    const Outputs o = packed(site, on, data, batchSizes, hx, at::Tensor());
    return {o.output, o.hidden};
}

// at::gru etc. are overloaded; these pick the padded and the packed one.
Rnn gruInput(const at::Tensor& a, const at::Tensor& b, at::TensorList c, bool d, int64_t e,
             double f, bool g, bool h, bool i) {
    return at::gru(a, b, c, d, e, f, g, h, i);
}
Rnn gruData(const at::Tensor& a, const at::Tensor& b, const at::Tensor& c, at::TensorList d, bool e,
            int64_t f, double g, bool h, bool i) {
    return at::gru(a, b, c, d, e, f, g, h, i);
}
Rnn tanhInput(const at::Tensor& a, const at::Tensor& b, at::TensorList c, bool d, int64_t e,
              double f, bool g, bool h, bool i) {
    return at::rnn_tanh(a, b, c, d, e, f, g, h, i);
}
Rnn tanhData(const at::Tensor& a, const at::Tensor& b, const at::Tensor& c, at::TensorList d,
             bool e, int64_t f, double g, bool h, bool i) {
    return at::rnn_tanh(a, b, c, d, e, f, g, h, i);
}
Rnn reluInput(const at::Tensor& a, const at::Tensor& b, at::TensorList c, bool d, int64_t e,
              double f, bool g, bool h, bool i) {
    return at::rnn_relu(a, b, c, d, e, f, g, h, i);
}
Rnn reluData(const at::Tensor& a, const at::Tensor& b, const at::Tensor& c, at::TensorList d,
             bool e, int64_t f, double g, bool h, bool i) {
    return at::rnn_relu(a, b, c, d, e, f, g, h, i);
}

// Identity, keeping its input when the run records: the input embeddings of a model that has no
// interpret() (every call, in order).
at::Tensor tap(const at::Tensor& x, std::string key) {
    if (currentRun && currentRun->recording) currentRun->recording->taps[key].push_back(x);
    return x;
}

constexpr const char* kTail =
    "Tensor[] params, bool has_biases, int num_layers, float dropout, bool train, "
    "bool bidirectional";

c10::FunctionSchema schema(const std::string& name, const std::string& head, bool padded,
                           const std::string& returns) {
    const std::string text = "rnnscope::" + name + "(" + head + ", " + kTail +
                             (padded ? ", bool batch_first" : "") + ", int site) -> " + returns;
    // Conservative alias analysis: TorchScript must neither merge two calls (each advances the
    // module's step count) nor move them.
    return torch::schema(text.c_str(), c10::AliasAnalysisKind::CONSERVATIVE);
}

}  // namespace

TORCH_LIBRARY(rnnscope, m) {
    m.def(torch::schema("rnnscope::tap(Tensor x, str key) -> Tensor",
                        c10::AliasAnalysisKind::CONSERVATIVE),
          &tap);
    const std::string lstmOut = "(Tensor, Tensor, Tensor)";
    const std::string rnnOut = "(Tensor, Tensor)";
    m.def(schema("lstm_input", "Tensor input, Tensor[] hx", true, lstmOut), &lstmInput);
    m.def(schema("lstm_data", "Tensor data, Tensor batch_sizes, Tensor[] hx", false, lstmOut),
          &lstmData);
    const std::pair<const char*,
                    std::pair<decltype(&rnnInput<gruInput>), decltype(&rnnData<gruData>)>>
        kinds[] = {{"gru", {&rnnInput<gruInput>, &rnnData<gruData>}},
                   {"rnn_tanh", {&rnnInput<tanhInput>, &rnnData<tanhData>}},
                   {"rnn_relu", {&rnnInput<reluInput>, &rnnData<reluData>}}};
    for (const auto& [name, functions] : kinds) {
        m.def(schema(std::string(name) + "_input", "Tensor input, Tensor hx", true, rnnOut),
              functions.first);
        m.def(schema(std::string(name) + "_data", "Tensor data, Tensor batch_sizes, Tensor hx",
                     false, rnnOut),
              functions.second);
    }
}

namespace {

using torch::jit::Block;
using torch::jit::Graph;
using torch::jit::Node;
using torch::jit::Value;

// The attribute path from the method's `self` to the module whose weights `params` holds:
// prim::GetAttr["_flat_weights"] of it (scripted), or a list of its prim::GetAttr["weight_*"]
// (traced). Empty when the weights come from somewhere else.
std::string modulePath(Value* params, Value* self) {
    Node* n = params->node();
    Value* module = nullptr;
    if (n->kind() == c10::prim::GetAttr)
        module = n->input(0);
    else if (n->kind() == c10::prim::ListConstruct && n->inputs().size() > 0 &&
             n->input(0)->node()->kind() == c10::prim::GetAttr)
        module = n->input(0)->node()->input(0);
    std::vector<std::string> names;
    while (module && module != self) {
        Node* get = module->node();
        if (get->kind() != c10::prim::GetAttr) return {};
        names.push_back(get->s(c10::attr::name));
        module = get->input(0);
    }
    if (!module || names.empty()) return {};
    std::reverse(names.begin(), names.end());
    std::string path = names.front();
    for (size_t i = 1; i < names.size(); ++i) path += "." + names[i];
    return path;
}

// Follows the output of `n`, a call of the nn.Embedding at `tapEmbedding`, with a tap.
void tapEmbedding(Node* n, Graph& graph, const std::string& embedding) {
    if (embedding.empty() || n->kind() != c10::aten::embedding || n->outputs().size() != 1 ||
        modulePath(n->input(0), graph.inputs().at(0)) != embedding)
        return;
    torch::jit::WithInsertPoint guard(n->next());
    Value* key = graph.insertConstant(std::string("embeddings"));
    Node* tap = graph.create(c10::Symbol::fromQualString("rnnscope::tap"), 1);
    tap->addInput(n->output());
    tap->addInput(key);
    tap->insertAfter(key->node());
    tap->output()->setType(n->output()->type());
    n->output()->replaceAllUsesWith(tap->output());
    tap->replaceInput(0, n->output());
}

void rewriteBlock(Block* block, Graph& graph, const std::vector<RecurrentModule>& rnns,
                  const std::string& embedding, std::set<QString>& found,
                  std::set<QString>& packedCalls) {
    static const std::map<std::string, std::string> kOperators = {{"aten::lstm", "lstm"},
                                                                  {"aten::gru", "gru"},
                                                                  {"aten::rnn_tanh", "rnn_tanh"},
                                                                  {"aten::rnn_relu", "rnn_relu"}};
    for (auto it = block->nodes().begin(); it != block->nodes().end();) {
        Node* n = *it;
        ++it;  // n may be destroyed below
        for (Block* sub : n->blocks())
            rewriteBlock(sub, graph, rnns, embedding, found, packedCalls);
        tapEmbedding(n, graph, embedding);
        const auto op = kOperators.find(n->kind().toQualString());
        if (op == kOperators.end() || n->inputs().size() != 9) continue;
        const c10::FunctionSchema* schema = n->maybeSchema();
        if (!schema) continue;
        const bool isPacked = schema->overload_name() == "data";
        const size_t paramsIndex =
            isPacked ? 3 : 2;  // (input, hx, params) or (data, batch_sizes, hx, params)
        const QString path =
            QString::fromStdString(modulePath(n->input(paramsIndex), graph.inputs().at(0)));
        const auto rnn = std::find_if(rnns.begin(), rnns.end(), [&](const RecurrentModule& r) {
            return r.info.module == path;
        });
        if (path.isEmpty() || rnn == rnns.end()) continue;

        torch::jit::WithInsertPoint guard(n);
        Value* site = graph.insertConstant(static_cast<int64_t>(rnn - rnns.begin()));
        Node* replacement =
            graph.create(c10::Symbol::fromQualString("rnnscope::" + op->second +
                                                     (isPacked ? "_data" : "_input")),
                         n->outputs().size());
        for (Value* input : n->inputs()) replacement->addInput(input);
        replacement->addInput(site);
        replacement->insertBefore(n);
        for (size_t i = 0; i < n->outputs().size(); ++i) {
            replacement->output(i)->setType(n->output(i)->type());
            n->output(i)->replaceAllUsesWith(replacement->output(i));
        }
        n->destroy();
        found.insert(path);
        if (isPacked) packedCalls.insert(path);
    }
}

}  // namespace

InterveningMethods::InterveningMethods(torch::jit::Module module, std::vector<RecurrentModule> rnns,
                                       QString inputEmbedding)
    : module_(std::move(module)),
      rnns_(std::move(rnns)),
      embedding_(inputEmbedding.toStdString()) {}

InterveningMethods::~InterveningMethods() = default;

namespace {

// The first call of the nn.Embedding at `path` in `block` or the blocks inside it.
Node* findEmbedding(Block* block, Value* self, const std::string& path) {
    for (Node* n : block->nodes()) {
        if (n->kind() == c10::aten::embedding && modulePath(n->input(0), self) == path) return n;
        for (Block* sub : n->blocks())
            if (Node* found = findEmbedding(sub, self, path)) return found;
    }
    return nullptr;
}

}  // namespace

const InterveningMethods::Rewritten& InterveningMethods::rewritten(
    const std::string& method) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& slot = methods_[method];
    if (!slot) {
        const bool atEmbeddings = method == kForwardAtEmbeddings;
        const auto found = module_.find_method(atEmbeddings ? "forward" : method);
        if (!found)
            throw ModelError(
                QStringLiteral("the model has no %1() method").arg(QString::fromStdString(method)));
        std::shared_ptr<Graph> graph = found->graph()->copy();
        torch::jit::Inline(*graph);
        if (atEmbeddings) {
            // forward() with what its input embedding returns taken from a new last argument.
            Node* lookup = findEmbedding(graph->block(), graph->inputs().at(0), embedding_);
            if (embedding_.empty() || !lookup)
                throw ModelError(QStringLiteral(
                    "forward() does not look its input up with an nn.Embedding of the input "
                    "vocabulary, so rnnscope cannot attribute to the input's embeddings; export "
                    "logits_from_embeddings() (docs/model-contract.md)"));
            Value* embeddings = graph->addInput("embeddings");
            embeddings->setType(c10::TensorType::get());
            lookup->output()->replaceAllUsesWith(embeddings);
            lookup->destroy();
        }
        auto r = std::make_unique<Rewritten>();
        rewriteBlock(graph->block(), *graph, rnns_, embedding_, r->modules, r->packed);
        r->function = std::make_shared<torch::jit::GraphFunction>("rnnscope_intervened_" + method,
                                                                  graph, nullptr);
        slot = std::move(r);
    }
    return *slot;
}

c10::IValue InterveningMethods::call(const std::string& method, std::vector<c10::IValue> args,
                                     const Interventions& interventions) const {
    const Rewritten& r = rewritten(method);
    args.insert(args.begin(), module_._ivalue());
    RunScope scope(&rnns_, &interventions);
    r.function->run(args);
    return args.front();
}

InterveningMethods::Recorded InterveningMethods::record(const std::string& method,
                                                        std::vector<c10::IValue> args,
                                                        const Interventions& interventions) const {
    const Rewritten& r = rewritten(method);
    args.insert(args.begin(), module_._ivalue());
    Recorded recorded;
    RunScope scope(&rnns_, &interventions, &recorded.recording);
    r.function->run(args);
    recorded.result = args.front();
    return recorded;
}

at::Tensor InterveningMethods::forwardAtEmbeddings(const at::Tensor& ids, const at::Tensor& lengths,
                                                   const at::Tensor& embeddings,
                                                   const Interventions& interventions) const {
    const Rewritten& r = rewritten(kForwardAtEmbeddings);
    // forward(inputs) or forward(inputs, lengths), then the embeddings.
    std::vector<c10::IValue> args{module_._ivalue(), ids};
    if (r.function->graph()->inputs().size() == 4) args.emplace_back(lengths);
    args.emplace_back(embeddings);
    RunScope scope(&rnns_, &interventions);
    r.function->run(args);
    return args.front().toTensor();
}

std::set<QString> InterveningMethods::reachable(const std::string& method) const {
    return rewritten(method).modules;
}

bool InterveningMethods::rowsFollowBatch(const std::string& method, const QString& module) const {
    const Rewritten& r = rewritten(method);
    return r.modules.count(module) && !r.packed.count(module);
}

void checkInterventions(const std::vector<RecurrentModule>& rnns, const InterveningMethods& methods,
                        const std::string& method, const Interventions& interventions) {
    QStringList modules;
    for (const RecurrentModule& r : rnns) modules << r.info.module;
    for (const Intervention& i : interventions) {
        const auto rnn = std::find_if(rnns.begin(), rnns.end(), [&](const RecurrentModule& r) {
            return r.info.module == i.module;
        });
        if (rnn == rnns.end())
            throw ModelError(
                modules.isEmpty()
                    ? QStringLiteral("the model has no nn.LSTM, nn.GRU or nn.RNN to intervene on")
                    : QStringLiteral("the model has no recurrent module \"%1\"; it has: %2")
                          .arg(i.module, modules.join(QStringLiteral(", "))));
        const RecurrentLayerInfo& info = rnn->info;
        if (!methods.reachable(method).count(i.module))
            throw ModelError(
                QStringLiteral("the model's %1() does not call %2 as an nn.%3 module, so rnnscope "
                               "cannot replace its states (docs/interventions.md, \"What the "
                               "model needs\")")
                    .arg(QString::fromStdString(method), i.module,
                         info.type.startsWith(QLatin1String("RNN")) ? QStringLiteral("RNN")
                                                                    : info.type));
        if (i.layer < 0 || i.layer >= info.numLayers)
            throw ModelError(QStringLiteral("%1 has %2 layer(s): L0 to L%3, not L%4")
                                 .arg(info.module)
                                 .arg(info.numLayers)
                                 .arg(info.numLayers - 1)
                                 .arg(i.layer));
        if (i.direction < 0 || i.direction > (info.bidirectional ? 1 : 0))
            throw ModelError(
                QStringLiteral("%1 is not bidirectional: it has fwd only").arg(info.module));
        const QStringList kinds = stateKinds(info);
        if (!kinds.contains(i.kind))
            throw ModelError(
                QStringLiteral("%1 (%2) has no state \"%3\"; it has: %4")
                    .arg(info.module, info.type, i.kind, kinds.join(QStringLiteral(", "))));
        const int width = i.kind == QLatin1String("hidden") && info.projSize > 0 ? info.projSize
                                                                                 : info.hiddenSize;
        if (i.units.empty())
            throw ModelError(QStringLiteral("%1: no units given").arg(i.describe()));
        for (int u : i.units)
            if (u < 0 || u >= width)
                throw ModelError(
                    QStringLiteral("unit %1 is not in %2 L%3 %4: its units are 0 to %5")
                        .arg(u)
                        .arg(info.module)
                        .arg(i.layer)
                        .arg(i.kind)
                        .arg(width - 1));
        if (i.needsMeans())
            throw ModelError(QStringLiteral("%1: the dataset means are not known; open a dataset "
                                            "(CLI: --data)")
                                 .arg(i.describe()));
        if (i.mode != Intervention::Mode::Scale && i.values.size() != i.units.size())
            throw ModelError(QStringLiteral("%1: %2 values for %3 units")
                                 .arg(i.describe())
                                 .arg(i.values.size())
                                 .arg(i.units.size()));
        const bool finite = i.mode == Intervention::Mode::Scale
                                ? std::isfinite(i.factor)
                                : std::all_of(i.values.begin(), i.values.end(),
                                              [](float v) { return std::isfinite(v); });
        if (!finite)
            throw ModelError(
                QStringLiteral("%1: the value is not a finite number").arg(i.describe()));
        if (i.firstStep < 0 || (i.lastStep >= 0 && i.lastStep < i.firstStep))
            throw ModelError(
                QStringLiteral("%1: steps must run forward from step 1").arg(i.describe()));
    }
}

}  // namespace rnnscope::detail
