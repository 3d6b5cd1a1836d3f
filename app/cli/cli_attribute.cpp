// `rnnscope-cli attribute --model M.pt --input TEXT --method grad|ig|occlusion [--target CLASS]
// [--position P] [--reference TEXT] [--steps N] [--baseline pad|zeros] [--json]`: one score per
// input token for the chosen class (the predicted one by default) of the chosen output position
// (tagging, language models, seq2seq), and for integrated gradients the completeness error
// (docs/error-browser.md#attribution).

#include "app/cli/cli_attribute.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cmath>
#include <cstdio>

#include "app/cli/CliCommand.h"
#include "core/Errors.h"
#include "core/errors/SampleAttribution.h"
#include "core/model/Model.h"

namespace rnnscope {

namespace {

QJsonValue number(double v) {
    return std::isnan(v) ? QJsonValue() : QJsonValue(v);
}

}  // namespace

int runAttributeCommand(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Per-token attribution of the model's output on one input: gradient x input (grad), "
        "integrated gradients (ig) or occlusion. Needs the model's logits_from_embeddings() "
        "method (docs/model-contract.md)."));
    parser.addHelpOption();
    const QCommandLineOption modelOption(QStringLiteral("model"),
                                         QStringLiteral("TorchScript model (.pt) to open."),
                                         QStringLiteral("M.pt"));
    const QCommandLineOption inputOption(
        QStringLiteral("input"), QStringLiteral("The text to attribute."), QStringLiteral("TEXT"));
    const QCommandLineOption methodOption(QStringLiteral("method"),
                                          QStringLiteral("grad, ig or occlusion (default ig)."),
                                          QStringLiteral("METHOD"), QStringLiteral("ig"));
    const QCommandLineOption targetOption(
        QStringLiteral("target"),
        QStringLiteral("The class to explain, by name or index (default: the predicted one)."),
        QStringLiteral("CLASS"));
    const QCommandLineOption positionOption(
        QStringLiteral("position"),
        QStringLiteral("Tagging, language models and seq2seq: the output position to explain, "
                       "from 1 (default: a language model's last step, the first wrong tag or "
                       "output token, else the first)."),
        QStringLiteral("P"));
    const QCommandLineOption referenceOption(
        QStringLiteral("reference"),
        QStringLiteral("Seq2seq: the reference output, attributed beside the model's own token "
                       "at the position."),
        QStringLiteral("TEXT"));
    const QCommandLineOption stepsOption(
        QStringLiteral("steps"),
        QStringLiteral("Integrated gradients: steps of the rule (default 50), the first round "
                       "when adaptive."),
        QStringLiteral("N"), QStringLiteral("50"));
    const QCommandLineOption ruleOption(
        QStringLiteral("rule"),
        QStringLiteral("Integrated gradients: gausslegendre (default), riemann_trapezoid, "
                       "riemann_left, riemann_right or riemann_middle."),
        QStringLiteral("RULE"), QStringLiteral("gausslegendre"));
    const QCommandLineOption maxStepsOption(
        QStringLiteral("max-steps"),
        QStringLiteral("Integrated gradients: refine the path where the completeness error is "
                       "made while it is 1% or more, up to N steps (default 800)."),
        QStringLiteral("N"), QStringLiteral("800"));
    const QCommandLineOption fixedOption(
        QStringLiteral("fixed-steps"),
        QStringLiteral("Integrated gradients: exactly --steps, never more."));
    const QCommandLineOption baselineOption(
        QStringLiteral("baseline"),
        QStringLiteral("What ig starts from and occlusion puts in a token's place: pad (the pad "
                       "token's embedding, the default) or zeros."),
        QStringLiteral("pad|zeros"), QStringLiteral("pad"));
    const QCommandLineOption jsonOption(QStringLiteral("json"),
                                        QStringLiteral("Print one JSON object."));
    parser.addOptions({modelOption, inputOption, methodOption, targetOption, positionOption,
                       referenceOption, stepsOption, ruleOption, maxStepsOption, fixedOption,
                       baselineOption, jsonOption});
    const int early = parseCliCommand(parser, arguments, "attribute", {&modelOption, &inputOption});
    if (early >= 0) return early;

    AttributionSettings settings;
    if (!parseAttributionMethod(parser.value(methodOption), &settings.method))
        return cliUsageError(parser, "attribute",
                             QStringLiteral("--method must be grad, ig or occlusion, not \"%1\"")
                                 .arg(parser.value(methodOption)));
    bool ok = false;
    settings.steps = parser.value(stepsOption).toInt(&ok);
    if (!ok || settings.steps < 1 || settings.steps > 100000)
        return cliUsageError(parser, "attribute",
                             QStringLiteral("--steps must be a whole number from 1 to 100000"));
    if (!parseIntegrationRule(parser.value(ruleOption), &settings.rule))
        return cliUsageError(parser, "attribute",
                             QStringLiteral("--rule must be gausslegendre, riemann_trapezoid, "
                                            "riemann_left, riemann_right or riemann_middle, not "
                                            "\"%1\"")
                                 .arg(parser.value(ruleOption)));
    settings.maxSteps = parser.value(maxStepsOption).toInt(&ok);
    if (!ok || settings.maxSteps < 1 || settings.maxSteps > 100000)
        return cliUsageError(parser, "attribute",
                             QStringLiteral("--max-steps must be a whole number from 1 to 100000"));
    settings.adaptive = !parser.isSet(fixedOption);
    if (parser.isSet(positionOption)) {
        settings.position = parser.value(positionOption).toInt(&ok) - 1;
        if (!ok || settings.position < 0)
            return cliUsageError(parser, "attribute",
                                 QStringLiteral("--position must be a whole number from 1"));
    }
    const QString baseline = parser.value(baselineOption);
    if (baseline != QLatin1String("pad") && baseline != QLatin1String("zeros"))
        return cliUsageError(
            parser, "attribute",
            QStringLiteral("--baseline must be pad or zeros, not \"%1\"").arg(baseline));
    settings.baseline =
        baseline == QLatin1String("pad") ? AttributionBaseline::Pad : AttributionBaseline::Zeros;

    return runGuarded("attribute", [&]() -> int {
        const auto model = Model::open(parser.value(modelOption));
        if (!model->hasAttribution()) throw ModelError(model->attributionProblem());
        const QStringList names = attributionClassNames(model->meta());
        if (parser.isSet(targetOption)) {
            settings.target = classByNameOrIndex(parser.value(targetOption), names);
            if (settings.target < 0)
                throw UserError(
                    QStringLiteral("--target \"%1\" is neither a class of the model "
                                   "(%2) nor a class index")
                        .arg(parser.value(targetOption), names.join(QStringLiteral(", "))));
        }
        const SampleInput input = model->encode(
            parser.value(inputOption),
            model->meta().task == Task::Seq2Seq ? parser.value(referenceOption) : QString());
        const SampleAttribution a = attributeSample(*model, input, settings);
        const ClassAttribution& c = a.classes.front();
        const bool ig = settings.method == AttributionMethod::IntegratedGradients;

        QJsonObject root;
        root[QStringLiteral("model")] = model->path();
        root[QStringLiteral("input")] = parser.value(inputOption);
        root[QStringLiteral("method")] = attributionMethodKey(settings.method);
        root[QStringLiteral("target")] = QJsonObject{{QStringLiteral("index"), c.classIndex},
                                                     {QStringLiteral("label"), c.label}};
        root[QStringLiteral("predicted")] =
            QJsonObject{{QStringLiteral("index"), a.predicted},
                        {QStringLiteral("label"), names.value(a.predicted)}};
        if (!a.outputTokens.isEmpty()) {
            root[QStringLiteral("position")] = a.position + 1;
            root[QStringLiteral("output_token")] = a.outputTokens.value(a.position);
            root[QStringLiteral("output_tokens")] = QJsonArray::fromStringList(a.outputTokens);
            QJsonArray predicted;
            for (int p : a.outputPredicted) predicted.append(names.value(p));
            root[QStringLiteral("output_predicted")] = predicted;
        }
        if (a.trueClass >= 0)
            root[QStringLiteral("reference")] =
                QJsonObject{{QStringLiteral("index"), a.trueClass},
                            {QStringLiteral("label"), names.value(a.trueClass)}};
        for (const ClassAttribution& other : a.classes)
            if (!other.isTarget) {
                QJsonArray values;
                for (double v : other.scores.scores) values.append(v);
                root[QStringLiteral("reference_scores")] = values;
            }
        root[QStringLiteral("tokens")] = QJsonArray::fromStringList(a.tokens);
        QJsonArray scores;
        for (double s : c.scores.scores) scores.append(s);
        root[QStringLiteral("scores")] = scores;
        // A feature model: each feature's score at each step ([step][feature]; a row sums to
        // the step's score), the features x steps heatmap.
        const bool perFeature = !a.featureNames.isEmpty() &&
                                c.scores.elementScores.rows() == a.tokens.size() &&
                                c.scores.elementScores.cols() == a.featureNames.size();
        if (perFeature) {
            root[QStringLiteral("features")] = QJsonArray::fromStringList(a.featureNames);
            QJsonArray rows;
            for (Eigen::Index t = 0; t < c.scores.elementScores.rows(); ++t) {
                QJsonArray row;
                for (Eigen::Index f = 0; f < c.scores.elementScores.cols(); ++f)
                    row.append(c.scores.elementScores(t, f));
                rows.append(row);
            }
            root[QStringLiteral("feature_scores")] = rows;
        }
        root[QStringLiteral("output")] = c.scores.output;    // the target's logit
        root[QStringLiteral("output_name")] = a.outputName;  // or its log-probability
        if (settings.method != AttributionMethod::GradientTimesInput)
            root[QStringLiteral("baseline")] =
                a.padBaseline ? QStringLiteral("pad") : QStringLiteral("zeros");
        if (ig) {
            // What was computed, not what was asked: adaptive rounds may have used more steps.
            root[QStringLiteral("rule")] = integrationRuleKey(settings.rule);
            root[QStringLiteral("steps")] = c.scores.steps;
            root[QStringLiteral("steps_requested")] = settings.steps;
            root[QStringLiteral("adaptive")] = settings.adaptive;
            if (settings.adaptive) root[QStringLiteral("max_steps")] = settings.maxSteps;
            root[QStringLiteral("evaluations")] = double(c.scores.evaluations);
            // A switch along the path too sharp for float32 was integrated in float64.
            root[QStringLiteral("double_precision")] = c.scores.doublePrecision;
            root[QStringLiteral("baseline_output")] = number(c.scores.baselineOutput);
            root[QStringLiteral("completeness_error")] = number(c.scores.completenessError);
        }
        root[QStringLiteral("seconds")] = a.seconds;
        if (a.padBaseline && a.padRowNonZero &&
            settings.method != AttributionMethod::GradientTimesInput)
            std::fprintf(stderr,
                         "rnnscope-cli attribute: note: the baseline is the pad embedding, which "
                         "is not zeros (the embedding has no padding_idx); if <pad> was never "
                         "trained, --baseline zeros is the truer \"no input\"\n");

        if (parser.isSet(jsonOption)) {
            std::printf("%s", QJsonDocument(root).toJson(QJsonDocument::Indented).constData());
            return 0;
        }
        const QString where = a.outputTokens.isEmpty()
                                  ? QString()
                                  : QStringLiteral(" at output %1 (\u201c%2\u201d)")
                                        .arg(a.position + 1)
                                        .arg(a.outputTokens.value(a.position));
        if (a.task == Task::Regression)  // a value at a step, not a class of an output token
            std::printf("%s of \u201c%s\u201d at step %d (%s %.4f)\n",
                        qPrintable(attributionMethodName(settings.method)), qPrintable(c.label),
                        a.position + 1, qPrintable(a.outputName), c.scores.output);
        else
            std::printf("%s of class %s%s (%s %.4f; predicted %s)\n",
                        qPrintable(attributionMethodName(settings.method)), qPrintable(c.label),
                        qPrintable(where), qPrintable(a.outputName), c.scores.output,
                        qPrintable(names.value(a.predicted)));

        for (int t = 0; t < a.tokens.size(); ++t) {
            QString byFeature;  // more than one feature: what each adds to the step's score
            if (perFeature && a.featureNames.size() > 1)
                for (int f = 0; f < a.featureNames.size(); ++f)
                    byFeature += QStringLiteral("%1%2 %3")
                                     .arg(f == 0 ? QStringLiteral("   (") : QStringLiteral(", "))
                                     .arg(a.featureNames[f])
                                     .arg(c.scores.elementScores(t, f), 0, 'f', 6) +
                                 (f + 1 == a.featureNames.size() ? QStringLiteral(")") : QString());
            std::printf("%4d  %-16s %+.6f%s\n", t + 1, qPrintable(a.tokens[t]),
                        c.scores.scores[size_t(t)], qPrintable(byFeature));
        }
        if (ig)
            std::printf("completeness error %.4f%% (%s, %d steps%s, baseline %s)\n",
                        c.scores.completenessError * 100.0,
                        qPrintable(integrationRuleKey(settings.rule)), c.scores.steps,
                        settings.adaptive && c.scores.steps != settings.steps
                            ? qPrintable(QStringLiteral(", adapted from %1").arg(settings.steps))
                            : "",
                        a.padBaseline ? "pad" : "zeros");
        return 0;
    });
}

}  // namespace rnnscope
