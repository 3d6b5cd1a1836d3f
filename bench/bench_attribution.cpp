// Integrated gradients on a 100-token input of the brackets demo, the way the Error Browser
// computes them (all points as one [B, T, E] batch through logits_from_embeddings and one
// backward pass): the trapezoid and Gauss-Legendre rules at 50 steps with their completeness
// error, the default (adaptive Gauss-Legendre) with the steps it used, the same computation
// point by point, and plain PyTorch doing the batched Gauss-Legendre computation on the same
// model (bench/attribution/peer.py; Captum is not packaged for Debian). Goal: under 1 s.
//
// With --data D.tsv, also the completeness error of every rule over the first --samples N
// samples of the dataset (the bar: under 1% with the default steps).
//
//   bench_attribution --model M.pt [--peer peer.py] [--repeat 5] [--threads N]
//                     [--data D.tsv [--samples 200]]

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QThread>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "core/Predictions.h"
#include "core/data/Dataset.h"
#include "core/errors/SampleAttribution.h"
#include "core/model/Model.h"

using namespace rnnscope;

namespace {

// A balanced-looking 100-character string of the brackets alphabet (fixed, so runs compare).
QString hundredTokens() {
    QString text;
    const QString pieces[] = {QStringLiteral("([]{})"), QStringLiteral("[()]"),
                              QStringLiteral("{[]}"), QStringLiteral("(())")};
    for (int i = 0; text.size() < 100; ++i) text += pieces[(i * 7) % 4];
    return text.left(100);
}

struct Timing {
    double best = 0, median = 0;
};

template <class F>
Timing timeIt(int repeat, F&& f) {
    std::vector<double> s;
    for (int r = 0; r < repeat; ++r) {
        QElapsedTimer t;
        t.start();
        f();
        s.push_back(double(t.nsecsElapsed()) * 1e-9);
    }
    std::sort(s.begin(), s.end());
    return {s.front(), s[s.size() / 2]};
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    auto value = [&](const char* name, const QString& fallback) {
        const int i = int(args.indexOf(QLatin1String(name)));
        return i >= 0 && i + 1 < args.size() ? args[i + 1] : fallback;
    };
    const QString modelPath = value("--model", QString());
    if (modelPath.isEmpty()) {
        std::fprintf(stderr,
                     "usage: bench_attribution --model M.pt [--peer peer.py] "
                     "[--repeat 5] [--threads N]\n");
        return 2;
    }
    const int repeat = std::max(1, value("--repeat", QStringLiteral("5")).toInt());
    const int threads =
        std::max(1, value("--threads", QString::number(QThread::idealThreadCount())).toInt());
    Model::setThreadCount(threads);
    const auto model = Model::open(modelPath);
    if (!model->hasAttribution()) {
        std::fprintf(stderr, "bench_attribution: %s\n", qPrintable(model->attributionProblem()));
        return 1;
    }
    const QString text = hundredTokens();
    const SampleInput input = model->encode(text);
    AttributionSettings settings;  // integrated gradients, pad baseline
    settings.adaptive = false;
    settings.rule = IntegrationRule::RiemannTrapezoid;
    attributeSample(*model, input, settings);  // warm-up: the first TorchScript call optimises

    SampleAttribution trapezoid, batched, adaptive;
    const Timing oursTrapezoid =
        timeIt(repeat, [&] { trapezoid = attributeSample(*model, input, settings); });
    settings.rule = IntegrationRule::GaussLegendre;
    const Timing ours = timeIt(repeat, [&] { batched = attributeSample(*model, input, settings); });
    const AttributionSettings defaults;  // what the Error Browser and the CLI do
    settings.adaptive = defaults.adaptive;
    const Timing oursAdaptive =
        timeIt(std::min(repeat, 3), [&] { adaptive = attributeSample(*model, input, settings); });
    // The same integral one point at a time: what batching buys.
    const EmbeddingBinding binding = model->bindEmbeddings(input);
    const BatchEmbeddingFunction f = binding.output(0, binding.predicted.front());
    TokenAttribution single;
    const Timing oneByOne = timeIt(std::min(repeat, 3), [&] {
        single = integratedGradientsInBatches(binding.embeddings, binding.padEmbeddings, 50, f, 1,
                                              {}, IntegrationRule::GaussLegendre);
    });
    settings.method = AttributionMethod::GradientTimesInput;
    const Timing grad = timeIt(repeat, [&] { attributeSample(*model, input, settings); });
    settings.method = AttributionMethod::Occlusion;
    const Timing occlusion = timeIt(repeat, [&] { attributeSample(*model, input, settings); });

    const TokenAttribution& ig = batched.classes.front().scores;
    const QByteArray title =
        "100 tokens of " + model->meta().name.toUtf8() + ", threads " + QByteArray::number(threads);
    std::printf("%-44s %9s %9s\n", title.constData(), "best", "median");
    std::printf("%-44s %8.3fs %8.3fs  (completeness error %.2f%%)\n",
                "IG trapezoid, 50 steps, one batch", oursTrapezoid.best, oursTrapezoid.median,
                trapezoid.classes.front().scores.completenessError * 100.0);
    std::printf("%-44s %8.3fs %8.3fs  (goal < 1 s; completeness error %.2f%%)\n",
                "IG Gauss-Legendre, 50 steps, one batch", ours.best, ours.median,
                ig.completenessError * 100.0);
    const TokenAttribution& best = adaptive.classes.front().scores;
    const QByteArray adaptiveTitle = "IG default (adaptive GL): " + QByteArray::number(best.steps) +
                                     " steps, " + QByteArray::number(best.evaluations) + " points";
    std::printf("%-44s %8.3fs %8.3fs  (completeness error %.2f%%)\n", adaptiveTitle.constData(),
                oursAdaptive.best, oursAdaptive.median, best.completenessError * 100.0);
    std::printf("%-44s %8.3fs %8.3fs  (%.1fx the batched time)\n", "the same, one point per pass",
                oneByOne.best, oneByOne.median, oneByOne.best / ours.best);
    std::printf("%-44s %8.3fs %8.3fs\n", "gradient x input", grad.best, grad.median);
    std::printf("%-44s %8.3fs %8.3fs\n", "occlusion (101 points, batched)", occlusion.best,
                occlusion.median);

    const QString data = value("--data", QString());
    if (!data.isEmpty()) {
        // Completeness over real samples: fixed 50 steps per rule, then the default.
        const auto dataset = Dataset::open(data, datasetOptionsForModel(model->meta()));
        const qint64 n = std::min<qint64>(dataset->size(), value("--samples", "200").toLongLong());
        struct Rule {
            const char* name;
            AttributionSettings settings;
        };
        AttributionSettings trapezoid50, gauss50, adaptiveDefault;
        trapezoid50.adaptive = gauss50.adaptive = false;
        trapezoid50.rule = IntegrationRule::RiemannTrapezoid;
        std::printf("\ncompleteness error over the first %lld samples of %s\n",
                    static_cast<long long>(n), qPrintable(dataset->displayName()));
        std::printf("%-34s %8s %8s %8s %8s %10s %9s %8s\n", "rule", "median", "p90", "max", ">= 1%",
                    "mean steps", "max steps", "seconds");
        for (const Rule& rule :
             {Rule{"trapezoid, 50 steps", trapezoid50}, Rule{"Gauss-Legendre, 50 steps", gauss50},
              Rule{"default (adaptive GL, <= 800)", adaptiveDefault}}) {
            std::vector<double> errors;
            double steps = 0.0;
            int maxSteps = 0;
            QElapsedTimer clock;
            clock.start();
            for (qint64 i = 0; i < n; ++i) {
                const SampleInput in = encodeSample(*model, dataset->sample(i));
                const SampleAttribution a = attributeSample(*model, in, rule.settings);
                const TokenAttribution& s = a.classes.front().scores;
                errors.push_back(s.completenessError);
                steps += s.steps;
                maxSteps = std::max(maxSteps, s.steps);
            }
            std::vector<double> sorted = errors;
            std::sort(sorted.begin(), sorted.end());
            const auto over =
                std::count_if(sorted.begin(), sorted.end(), [](double e) { return !(e < 0.01); });
            std::printf("%-34s %7.3f%% %7.3f%% %7.2f%% %8lld %10.1f %9d %8.1f\n", rule.name,
                        sorted[sorted.size() / 2] * 100.0, sorted[sorted.size() * 9 / 10] * 100.0,
                        sorted.back() * 100.0, static_cast<long long>(over), steps / double(n),
                        maxSteps, double(clock.elapsed()) / 1000.0);
        }
    }

    const QString peer = value("--peer", QString());
    if (peer.isEmpty()) return 0;
    QProcess python;
    python.start(QStringLiteral("/usr/bin/python3"),
                 {peer, modelPath, text, QStringLiteral("50"), QString::number(repeat),
                  QString::number(threads), QStringLiteral("gausslegendre")});
    python.waitForFinished(-1);
    const QJsonObject o =
        QJsonDocument::fromJson(python.readAllStandardOutput().trimmed().split('\n').last())
            .object();
    if (python.exitCode() != 0 || o.isEmpty()) {
        std::fprintf(stderr, "peer failed: %s\n", python.readAllStandardError().constData());
        return 1;
    }
    const QJsonArray scores = o[QStringLiteral("scores")].toArray();
    double worst = 0.0, largest = 0.0;
    for (int t = 0; t < scores.size() && t < int(ig.scores.size()); ++t) {
        worst = std::max(worst, std::abs(scores[t].toDouble() - ig.scores[size_t(t)]));
        largest = std::max(largest, std::abs(ig.scores[size_t(t)]));
    }
    const double peerBest = o[QStringLiteral("best")].toDouble();
    std::printf("%-44s %8.3fs %8.3fs  (completeness error %.2f%%)\n",
                "PyTorch 1.13, the same batched GL 50 (peer.py)", peerBest,
                o[QStringLiteral("median")].toDouble(),
                o[QStringLiteral("completeness_error")].toDouble() * 100.0);
    std::printf("PyTorch / rnnscope: %.2fx   largest score difference %.2g (largest score %.3g)\n",
                peerBest / ours.best, worst, largest);
    return 0;
}
