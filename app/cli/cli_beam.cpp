// `rnnscope-cli beam --model M.pt (--input TEXT | --data D --sample N) [--width K] [--alpha A]
// [--max-length L] [--prefix TOKENS] [--attend STEP:SOURCES] [--ignore STEP:SOURCES]
// [--samples N --temperature T --top-k K --seed S] [--json]`.

#include "app/cli/cli_beam.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonObject>
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/cli/CliCommand.h"
#include "app/cli/CliJson.h"
#include "app/cli/CliProgress.h"
#include "core/Errors.h"
#include "core/Predictions.h"
#include "core/data/Dataset.h"
#include "core/decoding/BeamRanks.h"
#include "core/decoding/BeamStatistics.h"
#include "core/decoding/Decode.h"
#include "core/decoding/DecodingRequest.h"
#include "core/model/Model.h"

namespace rnnscope {

namespace {

QJsonValue number(double v) {
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue();
}

QJsonObject decodedJson(const Model& model, const BeamCommandOptions& o, const DecodedSource& d) {
    const DecodingResult& r = d.result;
    QJsonObject root;
    root[QStringLiteral("model")] = model.path();
    root[QStringLiteral("source_tokens")] = toJson(d.source.tokens);
    root[QStringLiteral("method")] =
        o.samples > 0 ? QStringLiteral("sampling") : QStringLiteral("beam");
    QJsonObject settings;
    if (o.samples > 0) {
        settings[QStringLiteral("samples")] = o.samples;
        settings[QStringLiteral("temperature")] = o.temperature;
        settings[QStringLiteral("top_k")] = o.topK;
        settings[QStringLiteral("seed")] = QString::number(o.seed);
    } else {
        settings[QStringLiteral("width")] = o.width;
        settings[QStringLiteral("alpha")] = o.alpha;
    }
    settings[QStringLiteral("max_length")] = o.maxLength;
    settings[QStringLiteral("prefix")] = o.prefix;
    QJsonArray edits;
    for (const QString& e : o.attend) edits.append(QStringLiteral("attend ") + e);
    for (const QString& e : o.ignore) edits.append(QStringLiteral("ignore ") + e);
    settings[QStringLiteral("attention_edits")] = edits;
    root[QStringLiteral("settings")] = settings;

    QJsonArray hypotheses;
    for (const DecodedHypothesis& h : r.hypotheses) {
        QJsonObject j;
        j[QStringLiteral("tokens")] = toJson(decodedTokens(model, h.tokens));
        j[QStringLiteral("text")] = decodedText(model, h.tokens);
        j[QStringLiteral("score")] = number(h.score);
        j[QStringLiteral("normalised_score")] = number(h.normalisedScore);
        j[QStringLiteral("ended")] = h.ended;
        if (o.samples > 0) j[QStringLiteral("count")] = h.count;
        QJsonArray attention;
        for (int node : r.pathOf(h.tokens)) {
            QJsonArray row;
            for (float w : r.nodes[size_t(node)].attention) row.append(double(w));
            attention.append(row);
        }
        j[QStringLiteral("attention")] = attention;
        hypotheses.append(j);
    }
    root[QStringLiteral("hypotheses")] = hypotheses;
    QJsonArray tree;
    for (const DecodingNode& n : r.nodes) {
        QJsonObject j;
        j[QStringLiteral("id")] = n.id;
        j[QStringLiteral("parent")] = n.parent < 0 ? QJsonValue() : QJsonValue(n.parent);
        j[QStringLiteral("token")] = model.meta().targetVocab.value(int(n.token));
        j[QStringLiteral("log_prob")] = number(n.logProb);
        j[QStringLiteral("score")] = number(n.score);
        j[QStringLiteral("step")] = n.step;
        j[QStringLiteral("ended")] = n.ended;
        if (n.forced) j[QStringLiteral("forced")] = true;
        if (n.edited) j[QStringLiteral("edited")] = true;
        if (o.samples > 0) j[QStringLiteral("count")] = n.count;
        tree.append(j);
    }
    root[QStringLiteral("tree")] = tree;
    root[QStringLiteral("stopped_at_max_length")] = r.stoppedAtMaxLength;
    if (d.hasReference) {
        QJsonObject ref;
        ref[QStringLiteral("tokens")] = toJson(decodedTokens(model, d.reference.tokens));
        ref[QStringLiteral("score")] = number(d.reference.score);
        ref[QStringLiteral("rank")] =
            d.reference.rank > 0 ? QJsonValue(d.reference.rank) : QJsonValue();
        ref[QStringLiteral("left_at_step")] =
            d.reference.leftAtStep > 0 ? QJsonValue(d.reference.leftAtStep) : QJsonValue();
        root[QStringLiteral("reference")] = ref;
    } else {
        root[QStringLiteral("reference")] = QJsonValue();
    }
    return root;
}

void printText(const Model& model, const BeamCommandOptions& o, const DecodedSource& d) {
    const DecodingResult& r = d.result;
    std::printf("model      %s\n", qPrintable(model.path()));
    std::printf("source     %s\n",
                qPrintable(joinTokens(d.source.tokens, model.meta().input.tokenizer)));
    if (o.samples > 0)
        std::printf("sampling   %d samples, temperature %g, top-k %s, seed %llu\n", o.samples,
                    o.temperature, o.topK > 0 ? qPrintable(QString::number(o.topK)) : "off",
                    static_cast<unsigned long long>(o.seed));
    else
        std::printf("beam       width %d, alpha %g, at most %d token%s\n", o.width, o.alpha,
                    o.maxLength, o.maxLength == 1 ? "" : "s");
    if (!o.prefix.isEmpty()) std::printf("prefix     %s\n", qPrintable(o.prefix));
    for (const QString& e : o.attend) std::printf("edit       attend %s\n", qPrintable(e));
    for (const QString& e : o.ignore) std::printf("edit       ignore %s\n", qPrintable(e));
    std::printf("\n  #  %-*s  %10s  %10s%s\n", 24, "output", "log-prob",
                o.samples > 0 ? "samples" : "normalised", "");
    int rank = 0;
    for (const DecodedHypothesis& h : r.hypotheses) {
        const QString text = decodedText(model, h.tokens);
        std::printf("%3d  %-*s  %10.4f  %10s%s\n", ++rank, 24, qPrintable(text), h.score,
                    o.samples > 0 ? qPrintable(QString::number(h.count))
                                  : qPrintable(QString::number(h.normalisedScore, 'f', 4)),
                    h.ended ? "" : "  (cut at the maximum length)");
    }
    std::printf("\ntree       %zu nodes (the start and %zu tokens kept)\n", r.nodes.size(),
                r.nodes.size() - 1);
    if (d.hasReference) {
        const ReferenceStanding& s = d.reference;
        std::printf("reference  %s  log-prob %.4f, ", qPrintable(decodedText(model, s.tokens)),
                    s.score);
        if (s.rank > 0)
            std::printf("ranked %d\n", s.rank);
        else if (s.leftAtStep > 0)
            std::printf("left the %s at output %d\n", o.samples > 0 ? "samples" : "beam",
                        s.leftAtStep);
        else
            std::printf("ended but ranked below the kept hypotheses\n");
    }
}

QJsonObject statisticsJson(const Model& model, const Dataset& dataset, const BeamStatistics& s) {
    QJsonObject root;
    root[QStringLiteral("model")] = model.path();
    root[QStringLiteral("data")] = dataset.path();
    root[QStringLiteral("samples")] = s.samples;
    root[QStringLiteral("skipped")] = s.skipped;
    root[QStringLiteral("max_width")] = s.maxWidth;
    root[QStringLiteral("alpha")] = s.alpha;
    QJsonArray widths;
    for (int k = 1; k <= s.maxWidth; ++k)
        widths.append(QJsonObject{{QStringLiteral("width"), k},
                                  {QStringLiteral("reference_in_beam"), s.inBeam[size_t(k - 1)]},
                                  {QStringLiteral("exact_match"), s.exactMatch[size_t(k - 1)]}});
    root[QStringLiteral("widths")] = widths;
    auto numbers = [](const std::vector<qint64>& samples) {  // from 1, as the user counts
        QJsonArray out;
        for (qint64 i : samples) out.append(i + 1);
        return out;
    };
    const ReferenceRanks ranks = referenceRanks(s);
    QJsonArray atRank;
    for (qint64 n : ranks.atRank) atRank.append(n);
    root[QStringLiteral("reference_ranks")] = QJsonObject{
        {QStringLiteral("at_rank"), atRank}, {QStringLiteral("not_in_beam"), ranks.notInBeam}};
    root[QStringLiteral("fixes")] = numbers(s.fixes);
    root[QStringLiteral("breaks")] = numbers(s.breaks);
    QJsonArray per;
    for (const BeamSampleOutcome& o : s.outcomes) {
        QJsonArray ranks;
        for (int r : o.rank) ranks.append(r > 0 ? QJsonValue(r) : QJsonValue());
        per.append(QJsonObject{{QStringLiteral("sample"), o.sample + 1},
                               {QStringLiteral("ranks"), ranks},
                               {QStringLiteral("greedy"), o.greedy},
                               {QStringLiteral("beam"), o.widest}});
    }
    root[QStringLiteral("per_sample")] = per;
    return root;
}

void printStatistics(const Model& model, const Dataset& dataset, const BeamStatistics& s) {
    const QString left =
        s.skipped > 0 ? QStringLiteral(", %1 without, left out").arg(s.skipped) : QString();
    std::printf("model    %s\ndata     %s (%lld samples with a reference%s)\n\n",
                qPrintable(model.path()), qPrintable(dataset.displayName()),
                static_cast<long long>(s.samples), qPrintable(left));
    std::printf("  width  reference in the beam  reference is the best\n");
    for (int k = 1; k <= s.maxWidth; ++k)
        std::printf("  %5d  %20.2f%%  %20.2f%%\n", k, 100 * s.inBeam[size_t(k - 1)],
                    100 * s.exactMatch[size_t(k - 1)]);
    std::printf("\nthe reference's rank at width %d: %s\n", s.maxWidth,
                qPrintable(referenceRanksText(referenceRanks(s))));
    auto list = [&](const char* what, const std::vector<qint64>& samples) {
        std::printf("\nwidth %d %s greedy decoding on %zu sample(s)", s.maxWidth, what,
                    samples.size());
        for (size_t i = 0; i < samples.size() && i < 20; ++i)
            std::printf("%s%lld", i == 0 ? ": " : ", ", static_cast<long long>(samples[i] + 1));
        std::printf("%s\n", samples.size() > 20 ? ", …" : "");
    };
    list("fixes", s.fixes);
    list("breaks", s.breaks);
}

int runOverDataset(const BeamCommandOptions& options) {
    return runGuarded("beam", [&]() -> int {
        const auto model = Model::open(options.model);
        if (!model->hasDecoderSteps()) throw UserError(model->decoderStepsProblem());
        const auto dataset = Dataset::open(options.data, datasetOptionsForModel(model->meta()));
        CliProgress progress("beam");
        const BeamStatistics s = beamStatistics(
            *model, *dataset, options.width, options.alpha, options.maxLength, options.maxSamples,
            options.batch,
            [&](double f) { progress.update("beam search over the dataset", f, f >= 1.0); },
            &interruptRequested);
        progress.end();
        if (options.json)
            printJsonLine(statisticsJson(*model, *dataset, s));
        else
            printStatistics(*model, *dataset, s);
        return 0;
    });
}

}  // namespace

int parseBeamOptions(const QStringList& arguments, BeamCommandOptions& options) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Decodes one source sentence with a seq2seq model's decoder stepped by rnnscope (the "
        "model exports decode_start() and decode_step(), docs/model-contract.md): beam search "
        "or sampling, with every hypothesis kept at every step, a forced prefix and attention "
        "edits. --width 1 is greedy decoding, what the model's generate() writes."));
    parser.addHelpOption();
    auto option = [](const char* name, const char* help, const char* value = nullptr,
                     const char* fallback = nullptr) {
        return value ? QCommandLineOption(QString::fromLatin1(name), QString::fromUtf8(help),
                                          QString::fromLatin1(value),
                                          fallback ? QString::fromLatin1(fallback) : QString())
                     : QCommandLineOption(QString::fromLatin1(name), QString::fromUtf8(help));
    };
    const auto modelO = option("model", "TorchScript seq2seq model (.pt).", "M.pt");
    const auto inputO = option("input", "The source text (or --data and --sample).", "TEXT");
    const auto dataO = option("data", "A dataset whose sample --sample is decoded.", "D");
    const auto sampleO = option("sample", "The sample of --data, from 1.", "N");
    const auto targetO = option("target", "With --input: the reference output.", "TEXT");
    const auto widthO = option("width", "Beam width, 1 to 32 (default 5).", "K", "5");
    const auto alphaO = option("alpha",
                               "Length normalisation of the final ranking: score / length^A "
                               "(default 0, the plain log-probability).",
                               "A", "0");
    const auto maxO = option("max-length", "Longest output, eos included (default 64).", "L", "64");
    const auto prefixO = option("prefix",
                                "Forced first output tokens, as output text; the search "
                                "decodes on from them.",
                                "TOKENS");
    const auto attendO = option("attend",
                                "At output STEP put all attention on source tokens SOURCES "
                                "(from 1: 5, 3,7 or 4-6), equally; repeatable. The model's "
                                "decode_step() must read state[\"attention_override\"].",
                                "STEP:SOURCES");
    const auto ignoreO = option("ignore",
                                "At output STEP give source tokens SOURCES no attention and "
                                "renormalise the rest; repeatable.",
                                "STEP:SOURCES");
    const auto samplesO = option("samples", "Draw N outputs instead of the beam (1 to 1000).", "N");
    const auto temperatureO =
        option("temperature", "Sampling temperature, above 0 (default 1).", "T", "1");
    const auto topKO =
        option("top-k", "Sample from the K likeliest tokens only (default: all).", "K", "0");
    const auto seedO = option("seed", "Sampling seed (default 1).", "S", "1");
    const auto jsonO = option("json", "Print one JSON object.");
    const auto overO = option("over-dataset",
                              "Every sample of --data at widths 1 to --width: how often the "
                              "reference is in the final beam and is its best, and the samples "
                              "where the widest beam fixes or breaks greedy decoding.");
    const auto maxSamplesO =
        option("max-samples", "With --over-dataset: the first N samples only.", "N");
    const auto batchO =
        option("batch", "With --over-dataset: sentences decoded together (64).", "B", "64");
    parser.addOptions({modelO, inputO, dataO, sampleO, targetO, widthO, alphaO, maxO, prefixO,
                       attendO, ignoreO, samplesO, temperatureO, topKO, seedO, jsonO, overO,
                       maxSamplesO, batchO});
    const int early = parseCliCommand(parser, arguments, "beam", {&modelO});
    if (early >= 0) return early;
    auto usage = [&](const QString& message) { return cliUsageError(parser, "beam", message); };

    options.model = parser.value(modelO);
    options.input = parser.value(inputO);
    options.data = parser.value(dataO);
    options.target = parser.value(targetO);
    options.prefix = parser.value(prefixO);
    options.attend = parser.values(attendO);
    options.ignore = parser.values(ignoreO);
    options.json = parser.isSet(jsonO);
    bool ok = false;
    if (parser.isSet(sampleO)) {
        options.sample = parser.value(sampleO).toLongLong(&ok) - 1;
        if (!ok || options.sample < 0)
            return usage(QStringLiteral("--sample must be a whole number from 1"));
        if (options.data.isEmpty()) return usage(QStringLiteral("--sample needs --data"));
    }
    options.overDataset = parser.isSet(overO);
    if (options.overDataset) {
        if (options.data.isEmpty()) return usage(QStringLiteral("--over-dataset needs --data D"));
        for (const QCommandLineOption* o : {&inputO, &sampleO, &targetO, &prefixO, &attendO,
                                            &ignoreO, &samplesO, &temperatureO, &topKO, &seedO})
            if (parser.isSet(*o))
                return usage(QStringLiteral("--%1 is for one sentence, not --over-dataset")
                                 .arg(o->names().constFirst()));
        if (parser.isSet(maxSamplesO)) {
            options.maxSamples = parser.value(maxSamplesO).toLongLong(&ok);
            if (!ok || options.maxSamples < 1)
                return usage(QStringLiteral("--max-samples must be a whole number from 1"));
        }
        options.batch = parser.value(batchO).toInt(&ok);
        if (!ok || options.batch < 1 || options.batch > 4096)
            return usage(QStringLiteral("--batch must be 1 to 4096"));
    } else if (parser.isSet(maxSamplesO) || parser.isSet(batchO)) {
        return usage(QStringLiteral("--max-samples and --batch go with --over-dataset"));
    }
    if (!options.overDataset && parser.isSet(inputO) == (options.sample >= 0))
        return usage(QStringLiteral("give either --input TEXT or --data D --sample N"));
    if (parser.isSet(targetO) && !parser.isSet(inputO))
        return usage(QStringLiteral("--target goes with --input; a dataset sample has its own"));
    options.width = parser.value(widthO).toInt(&ok);
    if (!ok || options.width < 1 || options.width > 32)
        return usage(QStringLiteral("--width must be 1 to 32, not %1").arg(parser.value(widthO)));
    options.alpha = parser.value(alphaO).toDouble(&ok);
    if (!ok || !std::isfinite(options.alpha) || options.alpha < 0)
        return usage(QStringLiteral("--alpha must be a number of 0 or more"));
    options.maxLength = parser.value(maxO).toInt(&ok);
    if (!ok || options.maxLength < 1 || options.maxLength > 4096)
        return usage(QStringLiteral("--max-length must be 1 to 4096"));
    if (parser.isSet(samplesO)) {
        options.samples = parser.value(samplesO).toInt(&ok);
        if (!ok || options.samples < 1 || options.samples > 1000)
            return usage(QStringLiteral("--samples must be 1 to 1000"));
        if (parser.isSet(widthO) || parser.isSet(alphaO))
            return usage(
                QStringLiteral("--samples draws outputs instead of the beam; leave out "
                               "--width and --alpha"));
    } else if (parser.isSet(temperatureO) || parser.isSet(topKO) || parser.isSet(seedO)) {
        return usage(QStringLiteral("--temperature, --top-k and --seed go with --samples N"));
    }
    options.temperature = parser.value(temperatureO).toDouble(&ok);
    if (!ok || !(options.temperature > 0) || !std::isfinite(options.temperature))
        return usage(QStringLiteral("--temperature must be a number above 0"));
    options.topK = parser.value(topKO).toInt(&ok);
    if (!ok || options.topK < 0) return usage(QStringLiteral("--top-k must be 0 or more"));
    options.seed = parser.value(seedO).toULongLong(&ok);
    if (!ok) return usage(QStringLiteral("--seed must be a whole number of 0 or more"));
    return -1;
}

int runBeamCommand(const QStringList& arguments) {
    BeamCommandOptions options;
    const int early = parseBeamOptions(arguments, options);
    if (early >= 0) return early;

    if (options.overDataset) return runOverDataset(options);
    return runGuarded("beam", [&]() -> int {
        const auto model = Model::open(options.model);
        SampleInput source;
        if (options.sample >= 0) {
            const auto dataset = Dataset::open(options.data, datasetOptionsForModel(model->meta()));
            if (options.sample >= dataset->size())
                throw UserError(QStringLiteral("%1 has %2 samples; there is no sample %3")
                                    .arg(dataset->displayName())
                                    .arg(dataset->size())
                                    .arg(options.sample + 1));
            source = encodeSample(*model, dataset->sample(options.sample));
        } else {
            source = model->encode(options.input, options.target);
        }
        DecodingSetup setup;
        setup.method =
            options.samples > 0 ? DecodingSetup::Method::Sampling : DecodingSetup::Method::Beam;
        setup.width = options.width;
        setup.alpha = options.alpha;
        setup.maxLength = options.maxLength;
        setup.prefix = options.prefix;
        for (const QString& e : options.attend)
            setup.edits.push_back(parseAttentionEdit(e, source.length(), false));
        for (const QString& e : options.ignore)
            setup.edits.push_back(parseAttentionEdit(e, source.length(), true));
        setup.samples = options.samples;
        setup.temperature = options.temperature;
        setup.topK = options.topK;
        setup.seed = options.seed;
        const DecodedSource d = decodeSource(*model, source, setup, &interruptRequested);
        // An edit past the end of every output changed nothing: say so rather than stay quiet.
        for (const AttentionEdit& e : setup.edits)
            if (std::none_of(d.result.nodes.begin(), d.result.nodes.end(),
                             [&](const DecodingNode& n) { return n.step == e.step && n.edited; }))
                std::fprintf(stderr,
                             "rnnscope-cli beam: the attention edit at output %d never applied: "
                             "every output ended before it\n",
                             e.step);
        if (options.json)
            printJsonLine(decodedJson(*model, options, d));
        else
            printText(*model, options, d);
        return 0;
    });
}

}  // namespace rnnscope
