// Model: opens a TorchScript archive that follows docs/model-contract.md, runs interpret() (or
// forward()) on a batch and turns the tensors it returns into plain per-sample results, with every
// recurrent layer unrolled white-box (TorchUnroll.cpp).

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "core/Errors.h"
#include "core/model/Model.h"
#include "core/model/ModelFile.h"
#include "core/model/ModelVocabulary.h"
#include "core/model/TorchAttribution.h"
#include "core/model/TorchAutoInterpret.h"
#include "core/model/TorchDecoder.h"
#include "core/model/TorchIntervene.h"
#include "core/model/TorchResults.h"
#include "core/model/TorchUnroll.h"

#include <ATen/Parallel.h>

namespace rnnscope {

namespace {

QString signatureText(const c10::FunctionSchema& schema) {
    QStringList args;
    const auto& arguments = schema.arguments();
    for (size_t i = 1; i < arguments.size(); ++i)  // 0 is self
        args << QStringLiteral("%1: %2").arg(
            QString::fromStdString(arguments[i].name()),
            QString::fromStdString(arguments[i].type()->annotation_str()));
    QStringList returns;
    for (const auto& r : schema.returns())
        returns << QString::fromStdString(r.type()->annotation_str());
    return QStringLiteral("%1(%2) -> %3")
        .arg(QString::fromStdString(schema.name()).section(QLatin1Char('.'), -1),
             args.join(QStringLiteral(", ")), returns.join(QStringLiteral(", ")));
}

// Whether `schema` can be called with `count` positional tensors.
bool acceptsPositional(const c10::FunctionSchema& schema, size_t count) {
    const auto& arguments = schema.arguments();
    if (arguments.size() < count + 1) return false;
    for (size_t i = 1; i < arguments.size(); ++i) {
        if (i <= count) {
            if (arguments[i].type()->kind() != c10::TypeKind::TensorType) return false;
        } else if (!arguments[i].default_value()) {
            return false;
        }
    }
    return true;
}

bool returnsTensor(const c10::FunctionSchema& schema) {
    return schema.returns().size() == 1 &&
           schema.returns()[0].type()->kind() == c10::TypeKind::TensorType;
}

bool returnsDict(const c10::FunctionSchema& schema) {
    return schema.returns().size() == 1 &&
           schema.returns()[0].type()->kind() == c10::TypeKind::DictType;
}

// The fewest samples worth a thread of their own in Model::run.
constexpr int64_t kSamplesPerThread = 16;

at::Tensor longTensor(const std::vector<int64_t>& values) {
    return at::tensor(at::ArrayRef<int64_t>(values), at::kLong);
}

}  // namespace

// A float64 copy of the model for attribution paths float32 cannot resolve, loaded on first
// use (most samples never need it) and shared by every binding of the model.
struct DoubleModel {
    std::mutex mutex;
    std::string path;
    QString embedding;  // a model attributed through forward(): its input embedding's path
    std::shared_ptr<torch::jit::Module> module;
    std::shared_ptr<const detail::InterveningMethods> forwardAtEmbeddings;
    std::shared_ptr<torch::jit::Module> get() {
        std::lock_guard<std::mutex> lock(mutex);
        if (!module) {
            try {
                auto copy =
                    std::make_shared<torch::jit::Module>(torch::jit::load(path, torch::kCPU));
                copy->to(at::kDouble);
                copy->eval();
                if (!embedding.isEmpty())
                    forwardAtEmbeddings = std::make_shared<const detail::InterveningMethods>(
                        *copy, detail::findRecurrentModules(*copy), embedding);
                module = std::move(copy);
            } catch (const std::exception& e) {
                throw ModelError(QStringLiteral("cannot make a float64 copy of the model: %1")
                                     .arg(detail::describeError(e)));
            }
        }
        return module;
    }
};

struct Model::Impl {
    QString path;
    std::shared_ptr<DoubleModel> doubleModel = std::make_shared<DoubleModel>();
    ModelMeta meta;
    torch::jit::Module module;
    std::vector<detail::RecurrentModule> rnns;
    std::shared_ptr<const detail::InterveningMethods> intervening;  // made once rnns are found
    std::vector<RecurrentLayerInfo> layers;
    bool interpret = false;
    // No interpret(): forward() runs recorded and its recurrent modules' inputs are captured
    // from what they received (TorchAutoInterpret.h).
    bool autoInterpret = false;
    int forwardArgs =
        2;  // forward(inputs, lengths); 1: forward(inputs) (runs one length at a time)
    bool traced = false;  // saved by torch.jit.trace
    // interpret() leaves out the input of some recurrent module: it runs recorded, and what that
    // module received fills in the inputs.<path> it did not return (TorchAutoInterpret.h).
    bool recordInterpret = false;
    bool generate = false;
    detail::DecoderStepsCheck decoderSteps;  // seq2seq: decode_start()/decode_step()
    QString attributionProblem;              // "" when logits_from_embeddings() is there and agrees
    // No logits_from_embeddings(): attributed through forward() with its input embedding's
    // output replaced (TorchIntervene.h), which agreed with forward() on the probe.
    bool attributionThroughForward = false;
    bool attributionOnFeatures = false;  // a features model: forward() on the features
    ModelVocabulary ids;                 // the vocabularies as lookups; encodes text

    bool seq2seq() const { return meta.task == Task::Seq2Seq; }
    ModelError error(const QString& problem) const {
        return ModelError(QStringLiteral("%1: %2").arg(path, problem));
    }
    void checkInterface();
    std::vector<EmbeddingTable> embeddings;
    void checkEmbeddings();
    std::vector<SampleResult> runBatch(const std::vector<SampleInput>& batch,
                                       const RunOptions& options,
                                       std::vector<QString>* whyNotCaptured) const;
    SampleInput probeSample() const;
    std::vector<SampleResult> runByLength(const std::vector<SampleInput>& batch,
                                          const RunOptions& options,
                                          std::vector<QString>* whyNotCaptured) const;
    ModelError failure(const QString& method, const std::exception& e) const;
    void fillRecordedInputs(std::map<std::string, at::Tensor>& out,
                            const detail::Recording& recording, const at::Tensor& lengths) const;
};

Model::Model() : d(std::make_unique<Impl>()) {}
Model::~Model() = default;

QString Model::path() const {
    return d->path;
}
const ModelMeta& Model::meta() const {
    return d->meta;
}
const std::vector<RecurrentLayerInfo>& Model::recurrentLayers() const {
    return d->layers;
}
bool Model::hasInterpret() const {
    return d->interpret;
}
bool Model::hasGenerate() const {
    return d->generate;
}
const std::vector<EmbeddingTable>& Model::embeddingTables() const {
    return d->embeddings;
}
bool Model::hasAttribution() const {
    return d->attributionProblem.isEmpty();
}
QString Model::attributionProblem() const {
    return d->attributionProblem;
}
bool Model::hasDecoderSteps() const {
    return d->seq2seq() && d->decoderSteps.problem.isEmpty();
}
QString Model::decoderStepsProblem() const {
    if (!d->seq2seq())
        return QStringLiteral(
                   "only a seq2seq model has a decoder to explore; this one is a %1 "
                   "model")
            .arg(taskName(d->meta.task));
    return d->decoderSteps.problem;
}
bool Model::editsAttention() const {
    return hasDecoderSteps() && d->decoderSteps.editsAttention;
}
std::unique_ptr<DecoderSteps> Model::startDecoding(const std::vector<SampleInput>& sources) const {
    if (!hasDecoderSteps()) throw d->error(decoderStepsProblem());
    try {
        return detail::startDecoding(d->module, sources, d->ids.padId, d->meta.targetVocab.size());
    } catch (const ModelError& e) {
        throw d->error(e.message());
    }
}

EmbeddingBinding Model::bindEmbeddings(const SampleInput& sample,
                                       const Interventions& interventions) const {
    if (!hasAttribution()) throw d->error(d->attributionProblem);
    const bool throughForward = d->attributionThroughForward;
    // The method attributed must reach the states replaced: logits_from_embeddings(), or
    // forward() itself (a features model), or forward() with its embedding replaced.
    if (!interventions.empty())
        detail::checkInterventions(d->rnns, *d->intervening,
                                   d->attributionOnFeatures ? "forward"
                                   : throughForward         ? detail::kForwardAtEmbeddings
                                                            : "logits_from_embeddings",
                                   interventions);
    // Seq2seq: explain what the model itself generates (its greedy output teacher-forced, so
    // output row p predicts output token p); without generate() the reference is the decoder
    // input.
    SampleInput toRun = sample;
    if (d->seq2seq() && d->generate) {
        toRun.targetIds.clear();
        toRun.targetTokens.clear();
    }
    const SampleResult run =
        d->runBatch({toRun}, RunOptions{false, false, true, 64, interventions, false}, nullptr)[0];
    EmbeddingBinding b;
    const bool features = d->attributionOnFeatures;
    // A features model's points are its input values (step × feature); their baseline zeros.
    b.embeddings = features ? sample.features : run.embeddings;
    b.padEmbeddings = MatrixRM::Zero(b.embeddings.rows(), b.embeddings.cols());
    for (const EmbeddingTable& table : d->embeddings) {
        if (features) break;  // no pad row: the baseline is zeros
        if (table.output || d->ids.padId >= table.weights.rows() ||
            table.weights.cols() != b.embeddings.cols())
            continue;
        b.padEmbeddings.rowwise() = table.weights.row(d->ids.padId);
        b.padKnown = true;
        break;
    }
    b.logits = run.logits;
    b.predicted = run.predicted;
    std::vector<int64_t> decoder;
    if (d->seq2seq()) {
        b.outputTokens = run.outputTokens;
        b.outputIsGenerated = run.outputIsGenerated;
        if (!run.outputIsGenerated) {
            decoder = toRun.targetIds;
        } else {
            // bos + the generated ids (+ eos when the output has it), as runBatch fed them.
            decoder.push_back(d->ids.bosId);
            for (const QString& token : run.outputTokens) decoder.push_back(d->ids.targetId(token));
        }
    } else if (b.logits.rows() > 1 || d->meta.task == Task::Tagging ||
               d->meta.task == Task::LanguageModel) {
        b.outputTokens = sample.tokens;  // one output per step: tags, next tokens, values
    }
    const std::vector<int64_t> ids = throughForward ? toRun.ids : std::vector<int64_t>();
    const MatrixRM again = detail::logitsFromEmbeddings(
        d->module, b.embeddings, decoder, d->intervening.get(), interventions, ids, features);
    b.contractDifference = again.rows() == b.logits.rows() && again.cols() == b.logits.cols()
                               ? double((again - b.logits).cwiseAbs().maxCoeff())
                               : std::numeric_limits<double>::infinity();
    if (!(b.contractDifference <= detail::contractTolerance(b.logits)))
        throw d->error(QStringLiteral("logits_from_embeddings() disagrees with forward() by %1 "
                                      "on this input; it must compute exactly what forward() "
                                      "does after the embedding lookup "
                                      "(docs/model-contract.md)")
                           .arg(b.contractDifference, 0, 'g', 3));
    const torch::jit::Module module = d->module;
    std::shared_ptr<const detail::InterveningMethods> intervening;
    if (!interventions.empty() || throughForward) intervening = d->intervening;
    b.evaluate = [module, decoder, intervening, interventions, ids, features](
                     const std::vector<MatrixRM>& points, bool withGradient, int position,
                     int target) {
        return detail::outputAtEmbeddings(
            module, points, {position, target, decoder, intervening, interventions, ids, features},
            withGradient);
    };
    // The float64 copy of the model has no rewritten graph: an intervened run keeps float32.
    if (!interventions.empty()) return b;
    auto precise = d->doubleModel;
    const MatrixRM embeddings = b.embeddings;
    b.evaluatePathInDouble = [precise, embeddings, decoder, ids, features](
                                 const std::vector<double>& alphas, bool withGradient,
                                 const MatrixRM& baseline, int position, int target) {
        const auto module = precise->get();
        return detail::outputAlongPath(
            *module, embeddings, baseline, alphas,
            {position, target, decoder, precise->forwardAtEmbeddings, {}, ids, features},
            withGradient);
    };
    return b;
}

void Model::checkInterventions(const Interventions& interventions) const {
    detail::checkInterventions(d->rnns, *d->intervening, d->interpret ? "interpret" : "forward",
                               interventions);
}

bool Model::batchesInterventions(const QString& module) const {
    if (!d->intervening->rowsFollowBatch("forward", module)) return false;
    return !d->seq2seq() || !d->generate || d->intervening->rowsFollowBatch("generate", module);
}

void Model::setThreadCount(int threads) {
    at::set_num_threads(std::max(1, threads));
}

std::shared_ptr<Model> Model::open(const QString& path) {
    checkModelFile(path);

    std::shared_ptr<Model> model(new Model());
    Impl& d = *model->d;
    d.path = path;
    d.doubleModel->path = path.toStdString();
    torch::jit::ExtraFilesMap extra{{"rnnscope.json", ""}};
    try {
        d.module = torch::jit::load(path.toStdString(), torch::kCPU, extra);
    } catch (const std::exception& e) {
        const QString why = detail::describeError(e);
        if (why.contains(QLatin1String("constants.pkl")) || why.contains(QLatin1String("code/")))
            throw d.error(QStringLiteral("is a PyTorch file but not a TorchScript model (it was "
                                         "saved with torch.save; use torch.jit.save of a "
                                         "scripted module): %1")
                              .arg(why));
        throw d.error(
            QStringLiteral("is damaged or truncated, LibTorch cannot read it: %1").arg(why));
    }
    const std::string json = extra["rnnscope.json"];
    if (json.empty())
        throw d.error(QStringLiteral(
            "has no rnnscope.json; save it with torch.jit.save(module, path, "
            "_extra_files={\"rnnscope.json\": json.dumps(meta)}) (docs/model-contract.md)"));
    d.meta = ModelMeta::fromJson(QByteArray::fromStdString(json), path);
    d.module.eval();

    d.ids = ModelVocabulary(d.meta);

    d.checkInterface();
    d.checkEmbeddings();
    d.rnns = detail::findRecurrentModules(d.module);
    for (const auto& rnn : d.rnns) {
        d.layers.push_back(rnn.info);
        d.traced = d.traced || rnn.traced;
    }
    const QString inputEmbedding = !d.embeddings.empty() && !d.embeddings.front().output
                                       ? d.embeddings.front().module
                                       : QString();
    d.intervening =
        std::make_shared<const detail::InterveningMethods>(d.module, d.rnns, inputEmbedding);

    // One tiny run tells which recurrent modules can be captured, and proves the model runs.
    std::vector<QString> whyNot;
    Eigen::Index logitCount = 0;
    try {
        const auto probe =
            d.runBatch({d.probeSample()}, RunOptions{true, false, false, 4, {}, false}, &whyNot);
        logitCount = probe.front().logits.cols();
        d.attributionProblem = detail::attributionProblem(
            d.module, d.meta, probe.front(), d.intervening.get(), &d.attributionOnFeatures);
        d.attributionThroughForward = d.attributionProblem.isEmpty() && !d.attributionOnFeatures &&
                                      !d.module.find_method("logits_from_embeddings");
        if (d.attributionThroughForward) d.doubleModel->embedding = inputEmbedding;
    } catch (const ModelError& e) {
        QString why = e.message();
        if (why.startsWith(path + QStringLiteral(": "))) why = why.mid(path.size() + 2);
        throw d.error(QStringLiteral("fails on a two-token test input: %1").arg(why));
    }
    // The logits must be as many as rnnscope.json names, or a class would be missing or
    // wrongly named everywhere.
    const QStringList& names = d.meta.task == Task::Classification || d.meta.task == Task::Tagging
                                   ? d.meta.labels
                               : d.meta.task == Task::Regression ? d.meta.outputs
                               : !d.meta.targetVocab.isEmpty()   ? d.meta.targetVocab
                                                                 : d.meta.input.vocab;
    const QString key = d.meta.task == Task::Classification || d.meta.task == Task::Tagging
                            ? QStringLiteral("labels")
                        : d.meta.task == Task::Regression ? QStringLiteral("outputs")
                        : !d.meta.targetVocab.isEmpty()   ? QStringLiteral("target_vocab")
                                                          : QStringLiteral("input.vocab");
    if (logitCount != names.size())
        throw d.error(QStringLiteral("returns %1 logits per output, but rnnscope.json's %2 "
                                     "has %3 entries; give one name per logit, in order")
                          .arg(logitCount)
                          .arg(key)
                          .arg(names.size()));
    // interpret() without some module's input: capture it from what the module received.
    if (d.interpret && std::any_of(whyNot.begin(), whyNot.end(),
                                   [](const QString& why) { return !why.isEmpty(); })) {
        d.recordInterpret = true;
        try {
            d.runBatch({d.probeSample()}, RunOptions{true, false, false, 4, {}, false}, &whyNot);
        } catch (const ModelError&) {  // keep the unrecorded run, which worked
            d.recordInterpret = false;
        }
    }
    for (size_t i = 0; i < d.layers.size(); ++i) {
        d.layers[i].captured = whyNot[i].isEmpty();
        d.layers[i].whyNotCaptured = whyNot[i];
    }
    if (d.seq2seq()) {
        const SampleInput probe = d.probeSample();
        QStringList probeTokens;
        for (int64_t id : probe.ids) probeTokens << d.meta.input.vocab.value(int(id));
        d.decoderSteps =
            detail::checkDecoderSteps(d.module, probe, probeTokens.join(QLatin1Char(' ')),
                                      d.ids.bosId, d.ids.eosId, d.meta.targetVocab, d.generate);
    }
    return model;
}

void Model::Impl::checkInterface() {
    const size_t count = seq2seq() ? 4 : 2;
    const QString expected = seq2seq() ? QStringLiteral("(src, src_lengths, tgt, tgt_lengths)")
                                       : QStringLiteral("(inputs, lengths)");
    if (auto method = module.find_method("interpret")) {
        const auto& schema = method->function().getSchema();
        if (!acceptsPositional(schema, count) || !returnsDict(schema))
            throw error(QStringLiteral("its %1 does not match the contract: expected "
                                       "interpret%2 -> Dict[str, Tensor] (docs/model-contract.md)")
                            .arg(signatureText(schema), expected));
        interpret = true;
    } else {
        // A standard model: forward(inputs, lengths) or forward(inputs) returning the logits.
        auto forward = module.find_method("forward");
        const bool takesOne = !seq2seq() && forward &&
                              acceptsPositional(forward->function().getSchema(), 1) &&
                              !acceptsPositional(forward->function().getSchema(), count);
        if (!forward || !(takesOne || acceptsPositional(forward->function().getSchema(), count)) ||
            !returnsTensor(forward->function().getSchema()))
            throw error(
                QStringLiteral("has no interpret() method, and its %1 is not %2 -> Tensor "
                               "returning the logits; return only the logits from forward(), or "
                               "add interpret%3 -> Dict[str, Tensor] (docs/model-contract.md)")
                    .arg(forward ? signatureText(forward->function().getSchema())
                                 : QStringLiteral("forward"),
                         seq2seq() ? QStringLiteral("forward") + expected
                                   : QStringLiteral("forward(inputs) or forward") + expected,
                         expected));
        forwardArgs = takesOne ? 1 : static_cast<int>(count);
        autoInterpret = !seq2seq();
    }
    if (auto method = module.find_method("generate")) {
        const auto& args = method->function().getSchema().arguments();
        generate = seq2seq() && args.size() >= 4;
    }
}

void Model::Impl::checkEmbeddings() {
    if (meta.input.type != InputSpec::Type::Tokens) return;
    QStringList found;
    bool inputMatches = false;
    bool targetMatches = meta.targetVocab.isEmpty() || !seq2seq();
    EmbeddingTable input, target;
    for (const auto& named : module.named_modules()) {
        const auto& type = named.value.type();
        if (!type->name() || type->name()->name() != "Embedding") continue;
        if (!named.value.hasattr("weight") || !named.value.attr("weight").isTensor()) continue;
        const at::Tensor weight = named.value.attr("weight").toTensor();
        const int64_t rows = weight.size(0);
        const QString name = QString::fromStdString(named.name);
        found << QStringLiteral("%1 has %2 rows").arg(name).arg(rows);
        // The first table of each vocabulary's size, in module order (the encoder's comes first
        // in every seq2seq model of the contract); a seq2seq model with equal sizes gives its
        // first table to the input and its second to the target.
        auto take = [&](EmbeddingTable& table, bool output) {
            table.module = name;
            table.output = output;
            const at::Tensor w = detail::asFloatContiguous(weight.detach()).reshape({rows, -1});
            table.weights = Eigen::Map<const MatrixRM>(w.data_ptr<float>(), rows, w.size(1));
        };
        if (input.module.isEmpty() && rows == meta.input.vocab.size())
            take(input, false);
        else if (seq2seq() && target.module.isEmpty() && rows == meta.targetVocab.size())
            take(target, true);
        inputMatches = inputMatches || rows == meta.input.vocab.size();
        targetMatches = targetMatches || rows == meta.targetVocab.size();
    }
    if (!input.module.isEmpty()) embeddings.push_back(std::move(input));
    if (!target.module.isEmpty()) embeddings.push_back(std::move(target));
    if (found.isEmpty()) return;
    if (!inputMatches)
        throw error(QStringLiteral("rnnscope.json's input vocab has %1 tokens, but no embedding "
                                   "of the model has that many rows (%2); export the vocabulary "
                                   "the model was trained with")
                        .arg(meta.input.vocab.size())
                        .arg(found.join(QStringLiteral(", "))));
    if (!targetMatches)
        throw error(QStringLiteral("rnnscope.json's target_vocab has %1 tokens, but no embedding "
                                   "of the model has that many rows (%2)")
                        .arg(meta.targetVocab.size())
                        .arg(found.join(QStringLiteral(", "))));
}

SampleInput Model::Impl::probeSample() const {
    SampleInput s;
    const int steps = meta.maxLength > 0 ? std::min(2, meta.maxLength) : 2;
    if (meta.input.type == InputSpec::Type::Features) {
        s.features = MatrixRM::Zero(steps, meta.input.featureSize);
    } else {
        int64_t id = 0;
        while (id < meta.input.vocab.size() && (id == ids.padId || id == ids.unkId)) ++id;
        if (id >= meta.input.vocab.size()) id = 0;
        s.ids.assign(steps, id);
    }
    for (int i = 0; i < steps; ++i) s.tokens << QStringLiteral("t%1").arg(i);
    if (seq2seq()) s.targetIds = {ids.bosId, ids.eosId};
    return s;
}

SampleInput Model::encode(const QString& text, const QString& target) const {
    try {
        return d->ids.encode(text, target);
    } catch (const ModelError& e) {
        throw d->error(e.message());
    }
}

// For each recurrent module whose inputs.<path> interpret() did not return: what the module
// received in this very call, with its initial state and lengths (all four from the recording, so
// they agree with each other).
void Model::Impl::fillRecordedInputs(std::map<std::string, at::Tensor>& out,
                                     const detail::Recording& recording,
                                     const at::Tensor& lengths) const {
    const detail::AutoInterpret found = detail::interpretFromRecording(rnns, recording, lengths);
    for (const detail::RecurrentModule& rnn : rnns) {
        const std::string path = rnn.info.module.toStdString();
        if (out.count("inputs." + path) || !found.tensors.count("inputs." + path)) continue;
        for (const std::string key : {"inputs.", "h0.", "c0.", "lengths."}) {
            out.erase(key + path);
            if (const auto it = found.tensors.find(key + path); it != found.tensors.end())
                out[key + path] = it->second;
        }
    }
}

ModelError Model::Impl::failure(const QString& method, const std::exception& e) const {
    QString why = detail::describeError(e);
    if (traced) {
        if (why.endsWith(QLatin1Char('.'))) why.chop(1);
        why += QStringLiteral(
            ". The model was saved with torch.jit.trace, which records one run and fixes what "
            "depended on that input's shape (a loop over its steps, its batch size, the length "
            "of a packed sequence); save it with torch.jit.script instead "
            "(docs/your-model.md)");
    }
    return error(QStringLiteral("%1() failed: %2").arg(method, why));
}

// Groups of samples of one length each, run one group at a time, results in the batch's order.
std::vector<SampleResult> Model::Impl::runByLength(const std::vector<SampleInput>& batch,
                                                   const RunOptions& options,
                                                   std::vector<QString>* whyNotCaptured) const {
    std::map<int64_t, std::vector<size_t>> byLength;
    for (size_t i = 0; i < batch.size(); ++i) {
        const SampleInput& s = batch[i];
        byLength[s.features.rows() > 0 ? s.features.rows() : static_cast<int64_t>(s.ids.size())]
            .push_back(i);
    }
    std::vector<SampleResult> results(batch.size());
    for (const auto& [length, members] : byLength) {
        std::vector<SampleInput> group;
        for (size_t i : members) group.push_back(batch[i]);
        std::vector<SampleResult> done = runBatch(group, options, whyNotCaptured);
        for (size_t k = 0; k < members.size(); ++k) results[members[k]] = std::move(done[k]);
    }
    return results;
}

std::vector<SampleResult> Model::run(const std::vector<SampleInput>& batch,
                                     const RunOptions& options) const {
    // A large batch is split into one part per intra-op thread, each run whole on its own
    // thread: a recurrent model's small per-step products leave LibTorch's own threads idle (or
    // spinning), so this is what uses the second core. Not when an intervention names batch
    // rows (a sweep), whose rows would move.
    const int threads = at::get_num_threads();
    const bool rowsNamed = std::any_of(options.interventions.begin(), options.interventions.end(),
                                       [](const Intervention& i) { return !i.rows.empty(); });
    const auto size = static_cast<int64_t>(batch.size());
    const int parts = static_cast<int>(std::min<int64_t>(threads, size / kSamplesPerThread));
    if (parts < 2 || rowsNamed || at::in_parallel_region())
        return d->runBatch(batch, options, nullptr);
    std::vector<std::vector<SampleResult>> done(static_cast<size_t>(parts));
    at::parallel_for(0, parts, 1, [&](int64_t begin, int64_t end) {
        for (int64_t k = begin; k < end; ++k) {
            const std::vector<SampleInput> part(batch.begin() + k * size / parts,
                                                batch.begin() + (k + 1) * size / parts);
            done[size_t(k)] = d->runBatch(part, options, nullptr);
        }
    });
    std::vector<SampleResult> results;
    results.reserve(batch.size());
    for (auto& part : done)
        for (auto& r : part) results.push_back(std::move(r));
    return results;
}

std::vector<SampleResult> Model::Impl::runBatch(const std::vector<SampleInput>& batch,
                                                const RunOptions& options,
                                                std::vector<QString>* whyNotCaptured) const {
    if (batch.empty()) return {};
    c10::InferenceMode inferenceMode;
    const auto size = static_cast<int64_t>(batch.size());
    const bool features = meta.input.type == InputSpec::Type::Features;

    // --- inputs: ids [B, T] int64 or features [B, T, F] float, lengths [B] -----------------
    std::vector<int64_t> inLens;
    for (const SampleInput& s : batch) {
        const int64_t len = features ? s.features.rows() : static_cast<int64_t>(s.ids.size());
        if (len <= 0) throw error(QStringLiteral("the input is empty"));
        if (meta.maxLength > 0 && len > meta.maxLength)
            throw error(QStringLiteral("the model accepts at most %1 input tokens (max_length "
                                       "in rnnscope.json); this input has %2")
                            .arg(meta.maxLength)
                            .arg(len));
        if (features && s.features.cols() != meta.input.featureSize)
            // A CSV's extra column is the usual cause: say which columns are not features.
            throw error(
                QStringLiteral("the input has %1 features per step; the model reads %2%3. In a "
                               "CSV the time column (named t, time, date, datetime or "
                               "timestamp, or given with --time-column), the sequence id and "
                               "target/target_* columns are not features; leave out any other "
                               "column the model does not read")
                    .arg(s.features.cols())
                    .arg(meta.input.featureSize)
                    .arg(meta.input.featureNames.isEmpty()
                             ? QString()
                             : QStringLiteral(" (%1)").arg(
                                   meta.input.featureNames.join(QStringLiteral(", ")))));
        inLens.push_back(len);
    }
    const int64_t steps = *std::max_element(inLens.begin(), inLens.end());
    // forward(inputs) has no lengths, so padding would change its result: one length at a time.
    if (forwardArgs == 1 && *std::min_element(inLens.begin(), inLens.end()) != steps)
        return runByLength(batch, options, whyNotCaptured);
    at::Tensor inputs;
    if (features) {
        inputs = at::zeros({size, steps, meta.input.featureSize}, at::kFloat);
        for (int64_t b = 0; b < size; ++b) {
            const MatrixRM& f = batch[b].features;
            inputs[b]
                .slice(0, 0, f.rows())
                .copy_(
                    at::from_blob(const_cast<float*>(f.data()), {f.rows(), f.cols()}, at::kFloat));
        }
    } else {
        inputs = at::full({size, steps}, ids.padId, at::kLong);
        for (int64_t b = 0; b < size; ++b)
            inputs[b].slice(0, 0, inLens[b]).copy_(longTensor(batch[b].ids));
    }
    const at::Tensor lengths = longTensor(inLens);

    std::vector<SampleResult> results(batch.size());
    for (int64_t b = 0; b < size; ++b) results[b].input = batch[b];

    // With interventions every method runs through its rewritten graph (TorchIntervene.h).
    const Interventions& interventions = options.interventions;
    const bool useInterpret = interpret && !options.logitsOnly;
    const bool recordForward = autoInterpret && !options.logitsOnly;
    if (!interventions.empty())
        detail::checkInterventions(rnns, *intervening, useInterpret ? "interpret" : "forward",
                                   interventions);
    auto call = [&](const std::string& method, std::vector<c10::IValue> args) {
        if (interventions.empty()) return module.get_method(method)(std::move(args));
        return intervening->call(method, std::move(args), interventions);
    };

    std::map<std::string, at::Tensor> out;
    std::vector<QString> autoWhyNot;  // recordForward: modules whose input could not be told
    std::vector<int64_t> outLens;     // seq2seq: logits/attention steps per sample
    int64_t outSteps = 0;
    try {
        std::vector<c10::IValue> args{inputs, lengths};
        if (forwardArgs == 1) args.pop_back();
        if (seq2seq()) {
            // Greedy output first, so a sample without a target can be teacher-forced on it.
            std::vector<std::vector<int64_t>> generated(batch.size());
            std::vector<bool> endedWithEos(batch.size(), false);
            const bool needGenerate =
                generate && (options.generate ||
                             std::any_of(batch.begin(), batch.end(),
                                         [](const SampleInput& s) { return s.targetIds.empty(); }));
            if (needGenerate) {
                const at::Tensor output =
                    call("generate",
                         {inputs, lengths, static_cast<int64_t>(options.maxOutputLength)})
                        .toTensor()
                        .to(at::kLong)
                        .contiguous();  // [B, T_gen]
                for (int64_t b = 0; b < size; ++b) {
                    results[b].generateRan = true;
                    for (int64_t t = 0; t < output.size(1); ++t) {
                        const int64_t id = output[b][t].item<int64_t>();
                        if (id == ids.eosId) {
                            endedWithEos[b] = true;
                            break;
                        }
                        generated[b].push_back(id);
                        results[b].generatedTokens
                            << meta.targetVocab.value(static_cast<int>(id), QStringLiteral("?"));
                    }
                }
            }
            std::vector<std::vector<int64_t>> targets;
            for (int64_t b = 0; b < size; ++b) {
                const SampleInput& s = batch[b];
                if (!s.targetIds.empty()) {
                    targets.push_back(s.targetIds);
                    results[b].outputTokens = s.targetTokens;
                    results[b].outputTokens << meta.eos;
                } else if (needGenerate) {
                    // bos + the generated ids, which end with eos unless max_len cut them off.
                    std::vector<int64_t> t{ids.bosId};
                    t.insert(t.end(), generated[b].begin(), generated[b].end());
                    results[b].outputTokens = results[b].generatedTokens;
                    if (endedWithEos[b] || t.size() < 2) {
                        t.push_back(ids.eosId);
                        results[b].outputTokens << meta.eos;
                    }
                    targets.push_back(t);
                    results[b].outputIsGenerated = true;
                } else {
                    throw error(
                        QStringLiteral("the model has no generate() method, so a "
                                       "seq2seq sample needs a target"));
                }
                outLens.push_back(static_cast<int64_t>(targets.back().size()) - 1);
            }
            int64_t tgtSteps = 0;
            for (const auto& t : targets) tgtSteps = std::max<int64_t>(tgtSteps, t.size());
            at::Tensor tgt = at::full({size, tgtSteps}, ids.targetPadId, at::kLong);
            std::vector<int64_t> tgtLens;
            for (int64_t b = 0; b < size; ++b) {
                tgt[b].slice(0, 0, targets[b].size()).copy_(longTensor(targets[b]));
                tgtLens.push_back(static_cast<int64_t>(targets[b].size()));
            }
            outSteps = tgtSteps - 1;
            args.push_back(tgt);
            args.push_back(longTensor(tgtLens));
        }

        if (interpret && !options.logitsOnly) {
            std::optional<detail::InterveningMethods::Recorded> recorded;
            if (recordInterpret) recorded = intervening->record("interpret", args, interventions);
            const c10::IValue value = recorded ? recorded->result : call("interpret", args);
            for (const auto& entry : value.toGenericDict()) {
                if (entry.key().isString() && entry.value().isTensor())
                    out[entry.key().toStringRef()] = entry.value().toTensor();
            }
            if (recorded) fillRecordedInputs(out, recorded->recording, lengths);
        } else if (recordForward) {
            const auto recorded = intervening->record("forward", args, interventions);
            detail::AutoInterpret found =
                detail::interpretFromRecording(rnns, recorded.recording, lengths);
            out = std::move(found.tensors);
            autoWhyNot = std::move(found.whyNot);
            out["logits"] = recorded.result.toTensor();
        } else {
            const c10::IValue value = call("forward", args);
            out["logits"] = value.toTensor();
        }
    } catch (const ModelError&) {
        throw;
    } catch (const std::exception& e) {
        throw failure(useInterpret ? QStringLiteral("interpret") : QStringLiteral("forward"), e);
    }

    detail::InterpretOutput io;
    io.tensors = std::move(out);
    io.seq2seq = seq2seq();
    io.inSteps = steps;
    io.outSteps = outSteps;
    io.inLens = inLens;
    io.outLens = outLens;
    io.notCapturable = autoWhyNot;

    try {
        detail::readLogits(io, meta.task != Task::Regression, results);
    } catch (const ModelError& e) {
        throw error(e.message());
    }
    if (!interpret && !autoInterpret)  // not when forward() ran on purpose (logitsOnly)
        for (SampleResult& r : results)
            r.notes << QStringLiteral(
                "Add interpret(src, src_lengths, tgt, tgt_lengths) -> Dict[str, Tensor] to the "
                "model to see embeddings, states, gates and attention "
                "(docs/model-contract.md).");
    detail::readAttentionAndEmbeddings(io, results);

    // --- white-box capture of every recurrent module ---------------------------------------
    std::vector<QString> whyNot(
        rnns.size(), QStringLiteral("the model has no interpret() method, which a seq2seq model "
                                    "needs to show its states"));
    if ((useInterpret || recordForward) && (options.captureStates || whyNotCaptured))
        // An intervened module no longer computes what its own forward does: nothing to verify.
        whyNot = detail::captureRecurrent(rnns, io, options.captureStates,
                                          options.verify && interventions.empty(), results,
                                          interventions);
    if (whyNotCaptured) *whyNotCaptured = whyNot;

    detail::readExposedStates(io, results);
    return results;
}

}  // namespace rnnscope
