// Opening real TorchScript models and capturing every internal state. The models are written at
// test time by tests/models/make_test_models.py (PyTorch, untrained, seeded): what a user would
// notice if these failed is wrong hidden states or gates next to their model, or a crash or a
// cryptic message instead of "this file is not a model".

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <catch2/catch.hpp>
#include <future>
#include <map>
#include <set>

#include "core/Errors.h"
#include "core/Predictions.h"
#include "core/data/Dataset.h"
#include "core/errors/RegressionErrors.h"
#include "core/model/Model.h"
#include "tests/common/TestModels.h"
#include "tests/core/TestUtil.h"

using namespace rnnscope;

namespace {

QString modelDir() {
    return test::testModelDir();
}

QString modelPath(const char* name) {
    return modelDir() + QLatin1Char('/') + QLatin1String(name);
}

std::shared_ptr<Model> openTestModel(const char* name) {
    return Model::open(modelPath(name));
}

// The message Model::open gives for a file, or "" when it opens.
QString openError(const char* name) {
    try {
        openTestModel(name);
    } catch (const ModelError& e) {
        return e.message();
    }
    return QString();
}

const StateTrack* findTrack(const SampleResult& r, const QString& module, int layer, int dir,
                            const QString& kind) {
    for (const auto& t : r.tracks)
        if (t.module == module && t.layer == layer && t.direction == dir && t.kind == kind)
            return &t;
    return nullptr;
}

QStringList gatesOf(const QString& type) {
    if (type == QLatin1String("LSTM"))
        return {QStringLiteral("cell"), QStringLiteral("gate.input"), QStringLiteral("gate.forget"),
                QStringLiteral("gate.cell"), QStringLiteral("gate.output")};
    if (type == QLatin1String("GRU"))
        return {QStringLiteral("gate.reset"), QStringLiteral("gate.update"),
                QStringLiteral("gate.new")};
    return {};
}

// Every captured layer and direction has hidden states of T rows and H (or proj) columns and
// the gates of its cell type.
void checkCaptured(const Model& model, const SampleResult& r, int steps) {
    for (const RecurrentLayerInfo& info : model.recurrentLayers()) {
        if (!info.captured) continue;
        INFO(info.module.toStdString() << " " << info.type.toStdString());
        for (int layer = 0; layer < info.numLayers; ++layer) {
            for (int dir = 0; dir < (info.bidirectional ? 2 : 1); ++dir) {
                const StateTrack* hidden = findTrack(r, info.module, layer, dir, "hidden");
                REQUIRE(hidden);
                CHECK(hidden->values.rows() == steps);
                CHECK(hidden->values.cols() ==
                      (info.projSize > 0 ? info.projSize : info.hiddenSize));
                for (const QString& kind : gatesOf(info.type)) {
                    const StateTrack* gate = findTrack(r, info.module, layer, dir, kind);
                    INFO(kind.toStdString());
                    REQUIRE(gate);
                    CHECK(gate->values.rows() == steps);
                    CHECK(gate->values.cols() == info.hiddenSize);
                }
            }
        }
    }
}

// A model's own states.<path> (top layer, directions side by side) and states.<path>.cell must
// equal the unrolled ones; returns how many such pairs were compared.
int checkExposedStates(const Model& model, const SampleResult& r) {
    int compared = 0;
    for (const RecurrentLayerInfo& info : model.recurrentLayers()) {
        if (!info.captured) continue;
        const int top = info.numLayers - 1;
        for (const char* suffix : {"", ".cell"}) {
            const QString kind = info.module + QLatin1String(suffix);
            const StateTrack* exposed = findTrack(r, QStringLiteral("states"), 0, 0, kind);
            if (!exposed) continue;
            const QString ours = *suffix ? QStringLiteral("cell") : QStringLiteral("hidden");
            const StateTrack* fwd = findTrack(r, info.module, top, 0, ours);
            REQUIRE(fwd);
            MatrixRM expected = fwd->values;
            if (info.bidirectional) {
                const StateTrack* rev = findTrack(r, info.module, top, 1, ours);
                REQUIRE(rev);
                expected.conservativeResize(Eigen::NoChange, fwd->values.cols() * 2);
                expected.rightCols(rev->values.cols()) = rev->values;
            }
            INFO(kind.toStdString());
            REQUIRE(exposed->values.rows() == expected.rows());
            REQUIRE(exposed->values.cols() == expected.cols());
            CHECK((exposed->values - expected).cwiseAbs().maxCoeff() <= 1e-5f);
            ++compared;
        }
    }
    return compared;
}

RunOptions verifying() {
    RunOptions options;
    options.verify = true;
    return options;
}

}  // namespace

TEST_CASE("rnnscope.json is read with a message naming the bad key", "[model]") {
    const QString ok = QStringLiteral(
        R"({"task": "classification", "labels": ["a", "b"], "max_length": 12,
            "input": {"type": "tokens", "tokenizer": "whitespace", "vocab": ["<pad>", "<unk>", "x"],
                      "pad": "<pad>", "unk": "<unk>", "lowercase": true}})");
    const ModelMeta meta = ModelMeta::fromJson(ok.toUtf8(), QStringLiteral("m.pt"));
    CHECK(meta.task == Task::Classification);
    CHECK(taskName(meta.task) == QStringLiteral("classification"));
    CHECK(meta.labels == QStringList{QStringLiteral("a"), QStringLiteral("b")});
    CHECK(meta.input.tokenizer == QStringLiteral("whitespace"));
    CHECK(meta.input.lowercase);
    CHECK(meta.maxLength == 12);
    CHECK(meta.input.tokenize(QStringLiteral("  The  cat\tsat ")) ==
          QStringList{QStringLiteral("The"), QStringLiteral("cat"), QStringLiteral("sat")});

    auto messageOf = [](const char* json) {
        try {
            ModelMeta::fromJson(QByteArray(json), QStringLiteral("m.pt"));
        } catch (const ModelError& e) {
            return e.message();
        }
        return QString();
    };
    CHECK(
        messageOf("{\"task\": ").contains(QStringLiteral("m.pt: rnnscope.json is not valid JSON")));
    CHECK(messageOf("[1]").contains(QStringLiteral("one JSON object")));
    CHECK(messageOf(R"({"task": "translate", "input": {}})").contains(QStringLiteral("\"task\"")));
    CHECK(messageOf(R"({"task": "classification", "labels": ["a"]})")
              .contains(QStringLiteral("\"input\" is missing")));
    CHECK(messageOf(R"({"task": "classification", "labels": "a,b",
                        "input": {"type": "features", "size": 2}})")
              .contains(QStringLiteral("\"labels\" must be a list of strings")));
    CHECK(messageOf(R"({"task": "regression", "outputs": ["y"],
                        "input": {"type": "features", "size": 0}})")
              .contains(QStringLiteral("\"input.size\"")));
    CHECK(messageOf(R"({"task": "seq2seq", "target_vocab": ["<bos>"], "bos": "<bos>",
                        "eos": "<eos>", "input": {"type": "features", "size": 2}})")
              .contains(QStringLiteral("\"eos\" is \"<eos>\", which is not in target_vocab")));
    CHECK(messageOf(R"({"task": "tagging", "labels": ["a"],
                        "input": {"type": "tokens", "tokenizer": "bpe", "vocab": ["a"]}})")
              .contains(QStringLiteral("\"input.tokenizer\"")));
}

TEST_CASE("every recurrent layer unrolls to what PyTorch computes", "[model]") {
    struct Case {
        const char* file;
        const char* text;
        QStringList types;
    };
    const std::vector<Case> cases = {
        {"lstm_bi.pt", "hello (world)", {QStringLiteral("LSTM")}},
        {"lstm_proj.pt", "The cat sat on a Mat", {QStringLiteral("LSTM")}},
        {"gru_lm.pt", "abc def", {QStringLiteral("GRU")}},
        {"rnn_tanh.pt", "1 2 3; 0.5 -1 2; 0 0 1", {QStringLiteral("RNN_TANH")}},
        {"rnn_relu.pt", "[brackets]", {QStringLiteral("RNN_RELU")}},
        {"two_rnn.pt", "two layers", {QStringLiteral("LSTM"), QStringLiteral("GRU")}},
    };
    for (const Case& c : cases) {
        INFO(c.file);
        const auto model = openTestModel(c.file);
        QStringList types;
        for (const auto& info : model->recurrentLayers()) types << info.type;
        CHECK(types == c.types);
        CHECK(model->recurrentLayers().front().captured);
        const SampleInput input = model->encode(QString::fromUtf8(c.text));
        const SampleResult r = model->run({input}, verifying()).front();
        CHECK(r.maxAbsDiff >= 0.0);
        CHECK(r.maxAbsDiff <= 1e-5);
        checkCaptured(*model, r, input.length());
        CHECK(r.logits.rows() >= 1);
    }
}

TEST_CASE("hidden states of a padded batch equal each sample run alone", "[model]") {
    for (const char* file : {"lstm_bi.pt", "rnn_relu.pt", "gru_lm.pt", "seq2seq.pt"}) {
        INFO(file);
        const auto model = openTestModel(file);
        const std::vector<SampleInput> batch = {
            model->encode(QStringLiteral("abcdefghij"), QStringLiteral("abcd")),
            model->encode(QStringLiteral("xyz"), QStringLiteral("a")),
            model->encode(QStringLiteral("hello"), QStringLiteral("abcabcab"))};
        const auto together = model->run(batch, verifying());
        REQUIRE(together.size() == 3);
        for (size_t b = 0; b < batch.size(); ++b) {
            const SampleResult alone = model->run({batch[b]}, verifying()).front();
            CHECK(together[b].maxAbsDiff <= 1e-5);
            REQUIRE(alone.tracks.size() == together[b].tracks.size());
            for (size_t k = 0; k < alone.tracks.size(); ++k) {
                const auto& a = alone.tracks[k];
                const auto& t = together[b].tracks[k];
                INFO(a.label().toStdString());
                REQUIRE(a.values.rows() == t.values.rows());
                REQUIRE(a.values.cols() == t.values.cols());
                CHECK((a.values - t.values).cwiseAbs().maxCoeff() <= 1e-5f);
            }
            REQUIRE(alone.logits.rows() == together[b].logits.rows());
            CHECK((alone.logits - together[b].logits).cwiseAbs().maxCoeff() <= 1e-4f);
        }
        // The reverse direction of the short sample starts at its own last step.
        if (QLatin1String(file) == QLatin1String("lstm_bi.pt")) {
            const StateTrack* rev =
                findTrack(together[1], QStringLiteral("rnn"), 1, 1, QStringLiteral("hidden"));
            REQUIRE(rev);
            CHECK(rev->values.rows() == 3);
        }
    }
}

TEST_CASE("tokens, unknown words, projections and initial states", "[model]") {
    const auto model = openTestModel("lstm_proj.pt");
    CHECK(model->meta().task == Task::Tagging);
    const SampleInput input = model->encode(QStringLiteral("The cat sat on a zebra"));
    CHECK(input.tokens.size() == 6);
    CHECK(input.tokens.front() == QStringLiteral("The"));  // display form keeps its case
    CHECK(input.unknownTokens == 1);
    // "zebra" is marked unknown; "<unk>" typed as itself is the vocabulary's own token.
    CHECK(input.unknown == std::vector<bool>{false, false, false, false, false, true});
    CHECK(model->encode(QStringLiteral("the <unk>")).unknown == std::vector<bool>{false, false});
    const SampleResult r = model->run({input}, verifying()).front();
    CHECK(r.maxAbsDiff <= 1e-5);
    CHECK(r.logits.rows() == 6);
    CHECK(r.predicted.size() == 6);
    CHECK(r.probabilities.row(0).sum() == Approx(1.0f));
    const StateTrack* hidden = findTrack(r, QStringLiteral("lstm"), 0, 0, QStringLiteral("hidden"));
    const StateTrack* cell = findTrack(r, QStringLiteral("lstm"), 0, 0, QStringLiteral("cell"));
    REQUIRE(hidden);
    REQUIRE(cell);
    CHECK(hidden->values.cols() == 4);  // proj_size
    CHECK(cell->values.cols() == 10);
    // The exposed output equals the unrolled hidden state.
    const StateTrack* exposed =
        findTrack(r, QStringLiteral("states"), 0, 0, QStringLiteral("projected"));
    REQUIRE(exposed);
    CHECK((exposed->values - hidden->values).cwiseAbs().maxCoeff() <= 1e-5f);
    CHECK(exposed->label() == QStringLiteral("states.projected"));
    CHECK(hidden->label() == QStringLiteral("lstm L0 fwd hidden"));
}

TEST_CASE("seq2seq: teacher forcing, generation, attention and the decoder's states", "[model]") {
    const auto model = openTestModel("seq2seq.pt");
    CHECK(model->hasInterpret());
    CHECK(model->hasGenerate());
    REQUIRE(model->recurrentLayers().size() == 2);
    CHECK(model->recurrentLayers()[0].module == QStringLiteral("encoder.rnn"));
    CHECK(model->recurrentLayers()[1].module == QStringLiteral("decoder.rnn"));
    CHECK(model->recurrentLayers()[1].captured);

    const SampleInput withTarget = model->encode(QStringLiteral("12 may"), QStringLiteral("abc"));
    CHECK(withTarget.targetIds.size() == 5);  // bos a b c eos
    const SampleResult r = model->run({withTarget}, verifying()).front();
    CHECK(r.maxAbsDiff <= 1e-5);
    CHECK_FALSE(r.outputIsGenerated);
    CHECK(r.outputTokens.size() == 4);  // a b c <eos>
    CHECK(r.logits.rows() == 4);
    REQUIRE(r.attention.size() == 1);
    CHECK(r.attention[0].rows() == 4);
    CHECK(r.attention[0].cols() == 6);
    CHECK(r.attention[0].row(0).sum() == Approx(1.0f));
    const StateTrack* decoder =
        findTrack(r, QStringLiteral("decoder.rnn"), 0, 0, QStringLiteral("hidden"));
    REQUIRE(decoder);
    CHECK(decoder->values.rows() == 4);
    const StateTrack* encoderRev =
        findTrack(r, QStringLiteral("encoder.rnn"), 0, 1, QStringLiteral("gate.update"));
    REQUIRE(encoderRev);
    CHECK(encoderRev->values.rows() == 6);
    CHECK(r.generateRan);
    CHECK_FALSE(r.generatedTokens.isEmpty());
    RunOptions noGenerate = verifying();
    noGenerate.generate = false;
    CHECK_FALSE(model->run({withTarget}, noGenerate).front().generateRan);

    // No target: teacher-forced on its own greedy output, which ends with eos after as many
    // tokens as the source has (make_test_models.py).
    const SampleResult own =
        model->run({model->encode(QStringLiteral("12 may"))}, verifying()).front();
    CHECK(own.outputIsGenerated);
    CHECK(own.generateRan);
    CHECK(own.generatedTokens.size() == 5);
    CHECK(own.outputTokens == own.generatedTokens + QStringList{QStringLiteral("<eos>")});
    CHECK(own.logits.rows() == 6);
    REQUIRE(own.attention.size() == 1);
    CHECK(own.attention[0].rows() == 6);
    CHECK(own.maxAbsDiff <= 1e-5);

    // A batch of outputs of different lengths; generate() pads the shorter one with 0.
    const auto both = model->run(
        {model->encode(QStringLiteral("abc")), model->encode(QStringLiteral("abcdefgh"))});
    CHECK(both[0].generatedTokens.size() == 2);
    CHECK(both[1].generatedTokens.size() == 7);
    CHECK(both[0].logits.rows() == 3);
    CHECK(findTrack(both[0], QStringLiteral("decoder.rnn"), 0, 0, QStringLiteral("hidden"))
              ->values.rows() == 3);

    // Cut off by the output limit: no eos, so no eos row either.
    RunOptions shortOutput;
    shortOutput.maxOutputLength = 2;
    const SampleResult cut =
        model->run({model->encode(QStringLiteral("12 may"))}, shortOutput).front();
    CHECK(cut.generatedTokens.size() == 2);
    CHECK(cut.outputTokens == cut.generatedTokens);
    CHECK(cut.logits.rows() == 2);
}

TEST_CASE("a model without interpret() is captured from what forward() computes", "[model]") {
    // More cases, checked against PyTorch, in tst_standardmodel.cpp.
    const auto model = openTestModel("forward_only.pt");
    CHECK_FALSE(model->hasInterpret());
    REQUIRE(model->recurrentLayers().size() == 1);
    CHECK(model->recurrentLayers()[0].captured);
    const SampleResult r = model->run({model->encode(QStringLiteral("abc"))}, verifying()).front();
    CHECK(r.logits.rows() == 1);
    CHECK(r.logits.cols() == 2);
    const StateTrack* hidden = findTrack(r, QStringLiteral("gru"), 0, 0, QStringLiteral("hidden"));
    REQUIRE(hidden);
    CHECK(hidden->values.rows() == 3);
    CHECK(r.embeddings.rows() == 3);
    CHECK(r.maxAbsDiff <= 1e-5);
    CHECK(r.notes.isEmpty());
}

TEST_CASE("a module interpret() does not give the input of is captured from what it received",
          "[model]") {
    // two_rnn.pt's GRU reads tanh of the LSTM's output, which interpret() does not return; it
    // returns the GRU's own output as states.gru, PyTorch's reference for the unroll.
    const auto model = openTestModel("two_rnn.pt");
    REQUIRE(model->recurrentLayers().size() == 2);
    CHECK(model->recurrentLayers()[0].captured);
    CHECK(model->recurrentLayers()[1].captured);
    const auto results =
        model->run({model->encode(QStringLiteral("abcdef")), model->encode(QStringLiteral("abc"))},
                   verifying());
    for (const SampleResult& r : results) {
        CHECK(r.maxAbsDiff <= 1e-5);
        CHECK(r.notes.isEmpty());
        const StateTrack* gru = findTrack(r, QStringLiteral("gru"), 0, 0, QStringLiteral("hidden"));
        const StateTrack* exposed =
            findTrack(r, QStringLiteral("states"), 0, 0, QStringLiteral("gru"));
        REQUIRE(gru);
        REQUIRE(exposed);
        REQUIRE(gru->values.rows() == exposed->values.rows());
        CHECK((gru->values - exposed->values).cwiseAbs().maxCoeff() <= 1e-5f);
        CHECK(findTrack(r, QStringLiteral("lstm"), 0, 0, QStringLiteral("gate.forget")));
    }
}

TEST_CASE("files that are not usable models give one clear message", "[model]") {
    const std::map<std::string, QString> expected = {
        {"garbage.pt", QStringLiteral("not a zip archive")},
        {"text.pt", QStringLiteral("is a text file, not a TorchScript model")},
        {"truncated.pt", QStringLiteral("damaged or truncated")},
        {"state_dict.pt", QStringLiteral("saved with torch.save")},
        {"no_meta.pt", QStringLiteral("has no rnnscope.json")},
        {"bad_json.pt", QStringLiteral("rnnscope.json is not valid JSON")},
        {"bad_key.pt", QStringLiteral("\"labels\" must be a list of strings")},
        {"unknown_task.pt", QStringLiteral("key \"task\" is \"translation\"")},
        {"vocab_mismatch.pt", QStringLiteral("input vocab has 10 tokens")},
        {"bad_forward.pt", QStringLiteral("has no interpret() method")},
        {"label_count.pt",
         QStringLiteral("returns 2 logits per output, but rnnscope.json's labels has 3 entries")},
        {"missing.pt", QStringLiteral("no such file")},
        {"empty.pt", QStringLiteral("is empty")},
    };
    for (const auto& [file, text] : expected) {
        INFO(file);
        const QString message = openError(file.c_str());
        INFO(message.toStdString());
        CHECK(message.startsWith(modelPath(file.c_str()) + QStringLiteral(": ")));
        CHECK(message.contains(text));
        CHECK(message.count(QLatin1Char('\n')) == 0);
    }
}

TEST_CASE("inputs the model cannot take give a clear message", "[model]") {
    const auto limited = openTestModel("max_len.pt");
    CHECK(limited->meta().maxLength == 8);
    CHECK_NOTHROW(limited->encode(QStringLiteral("12345678")));
    CHECK_THROWS_WITH(
        limited->encode(QStringLiteral("123456789")),
        Catch::Contains("at most 8 input tokens") && Catch::Contains("this input has 9"));
    SampleInput tooLong = limited->encode(QStringLiteral("12345678"));
    tooLong.ids.push_back(tooLong.ids.back());
    tooLong.tokens << QStringLiteral("8");
    CHECK_THROWS_AS(limited->run({tooLong}), ModelError);

    const auto model = openTestModel("lstm_bi.pt");
    CHECK_THROWS_WITH(model->encode(QString()), Catch::Contains("the input is empty"));
    CHECK_THROWS_AS(model->run({SampleInput()}), ModelError);

    // Ids the embedding does not have: TorchScript's error, as one line, not a crash.
    SampleInput outOfRange = model->encode(QStringLiteral("ab"));
    outOfRange.ids = {1, 999};
    try {
        model->run({outOfRange});
        FAIL("expected a ModelError");
    } catch (const ModelError& e) {
        INFO(e.message().toStdString());
        CHECK(e.message().startsWith(modelPath("lstm_bi.pt") +
                                     QStringLiteral(": interpret() failed: ")));
        CHECK(e.message().count(QLatin1Char('\n')) == 0);
    }

    const auto words = openTestModel("lstm_proj.pt");
    CHECK_THROWS_WITH(words->encode(QStringLiteral("   ")), Catch::Contains("the input is empty"));
    const auto features = openTestModel("rnn_tanh.pt");
    CHECK_THROWS_WITH(features->encode(QStringLiteral("1 2; 3 4 5")),
                      Catch::Contains("step 1 of the input has 2 values"));
}

TEST_CASE("two threads can run one model at once", "[model]") {
    const auto model = openTestModel("lstm_bi.pt");
    const std::vector<SampleInput> batch = {model->encode(QStringLiteral("concurrent runs")),
                                            model->encode(QStringLiteral("abc"))};
    const auto reference = model->run(batch, verifying());
    auto work = [&] {
        std::vector<SampleResult> last;
        for (int i = 0; i < 20; ++i) last = model->run(batch, verifying());
        return last;
    };
    auto first = std::async(std::launch::async, work);
    auto second = std::async(std::launch::async, work);
    for (const auto& results : {first.get(), second.get()}) {
        REQUIRE(results.size() == 2);
        for (size_t b = 0; b < 2; ++b) {
            CHECK(results[b].maxAbsDiff <= 1e-5);
            CHECK((results[b].logits - reference[b].logits).cwiseAbs().maxCoeff() == 0.0f);
        }
    }
}

TEST_CASE("the demo models open and unroll exactly", "[model]") {
    struct Demo {
        const char* path;
        const char* text;
        const char* target;
    };
    for (const Demo& demo :
         {Demo{"resources/demo/brackets/brackets.pt", "(([]){})", ""},
          Demo{"resources/demo/dates/dates.pt", "March 3, 2021", "2021-03-03"}}) {
        const QString path = test::sourcePath(QString::fromLatin1(demo.path));
        if (!QFileInfo::exists(path)) {
            WARN("skipped: " << demo.path << " is not there yet");
            continue;
        }
        INFO(demo.path);
        const auto model = Model::open(path);
        bool anyCaptured = false;
        for (const auto& info : model->recurrentLayers()) anyCaptured |= info.captured;
        CHECK(anyCaptured);
        const SampleInput input =
            model->encode(QString::fromUtf8(demo.text), QString::fromUtf8(demo.target));
        const SampleResult r = model->run({input}, verifying()).front();
        CHECK(r.maxAbsDiff >= 0.0);
        CHECK(r.maxAbsDiff <= 1e-5);
        CHECK_FALSE(r.tracks.empty());
        CHECK(checkExposedStates(*model, r) > 0);
    }
}

TEST_CASE("the demo models reproduce their held-out metrics through rnnscope", "[model]") {
    struct Demo {
        const char* folder;
        const char* name;     // of the model and its held-out TSV
        const char* metrics;  // the training script's file
        const char* metric;
    };
    for (const Demo& demo :
         {Demo{"brackets", "brackets", "metrics.json", "accuracy"},
          Demo{"dates", "dates", "metrics.json", "exact_match"},
          Demo{"dates", "dates_both_orders", "metrics_both_orders.json", "exact_match"}}) {
        const QString dir =
            test::sourcePath(QStringLiteral("resources/demo/") + QString::fromLatin1(demo.folder));
        const QString name = QString::fromLatin1(demo.name);
        QFile metricsFile(dir + QLatin1Char('/') + QString::fromLatin1(demo.metrics));
        QFile tsv(dir + QLatin1Char('/') + name + QStringLiteral(".tsv"));
        if (!QFileInfo::exists(dir + QLatin1Char('/') + name + QStringLiteral(".pt")) ||
            !metricsFile.open(QIODevice::ReadOnly) || !tsv.open(QIODevice::ReadOnly)) {
            WARN("skipped: resources/demo/" << demo.folder << " is not complete yet");
            continue;
        }
        INFO(demo.name);
        const double expected =
            QJsonDocument::fromJson(metricsFile.readAll()).object().value(demo.metric).toDouble();
        const auto model = Model::open(dir + QLatin1Char('/') + name + QStringLiteral(".pt"));
        std::vector<SampleInput> batch;
        QStringList truths;
        int right = 0;
        int total = 0;
        auto flush = [&] {
            const auto results = model->run(batch);
            for (size_t b = 0; b < results.size(); ++b) {
                const QString answer =
                    model->meta().task == Task::Seq2Seq
                        ? results[b].generatedTokens.join(QString())
                        : model->meta().labels.value(results[b].predicted.front());
                right += answer == truths[static_cast<int>(b)];
                ++total;
            }
            batch.clear();
            truths.clear();
        };
        while (!tsv.atEnd()) {
            const QStringList fields =
                QString::fromUtf8(tsv.readLine()).chopped(1).split(QLatin1Char('\t'));
            if (fields.size() < 2) continue;
            batch.push_back(model->encode(fields[0]));
            truths << fields[1];
            if (batch.size() == 50) flush();
        }
        if (!batch.empty()) flush();
        CHECK(total == 1500);
        CHECK(static_cast<double>(right) / total == Approx(expected).margin(1e-9));
    }
}

TEST_CASE("the sunspots demo's forecasts score as PyTorch scored them", "[model]") {
    // examples/sunspots.py computed the MAE and RMSE of the last step's forecast over the 50
    // held-out windows with PyTorch; rnnscope scores a window's one target at the last step.
    const QString dir = test::sourcePath(QStringLiteral("resources/demo/sunspots"));
    QFile metricsFile(dir + QStringLiteral("/metrics.json"));
    REQUIRE(metricsFile.open(QIODevice::ReadOnly));
    const QJsonObject metrics = QJsonDocument::fromJson(metricsFile.readAll()).object();
    const auto model = Model::open(dir + QStringLiteral("/sunspots.pt"));
    const auto dataset = Dataset::open(dir + QStringLiteral("/sunspots.jsonl"),
                                       datasetOptionsForModel(model->meta()));
    REQUIRE(dataset->size() == 50);
    double absolute = 0, squared = 0;
    qint64 count = 0;
    for (qint64 i = 0; i < dataset->size(); ++i) {
        const DataSample sample = dataset->sample(i);
        const SampleResult r = model->run({encodeSample(*model, sample)}).front();
        REQUIRE(r.logits.rows() == 48);  // a forecast at every step
        const RegressionResiduals residuals = regressionResiduals(model->meta(), r, sample);
        CHECK(residuals.scoredStep == 47);
        const ResidualSums sums = residualSums(residuals);
        absolute += sums.absolute;
        squared += sums.squared;
        count += sums.count;
    }
    REQUIRE(count == 50);
    CHECK(absolute / double(count) == Approx(metrics.value("mae").toDouble()).epsilon(1e-5));
    CHECK(std::sqrt(squared / double(count)) ==
          Approx(metrics.value("rmse").toDouble()).epsilon(1e-5));
}
