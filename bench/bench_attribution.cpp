// Integrated gradients with 50 steps on a 100-token input of the brackets demo, the way the
// Error Browser computes them (all 51 points as one [51, T, E] batch through
// logits_from_embeddings and one backward pass), against the same computation point by point,
// and against plain PyTorch doing the batched computation on the same model
// (bench/attribution/peer.py; Captum is not packaged for Debian). Goal: under 1 s.
//
//   bench_attribution --model M.pt [--peer peer.py] [--repeat 5] [--threads N]

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
    AttributionSettings settings;              // integrated gradients, 50 steps, pad baseline
    attributeSample(*model, input, settings);  // warm-up: the first TorchScript call optimises

    SampleAttribution batched;
    const Timing ours = timeIt(repeat, [&] { batched = attributeSample(*model, input, settings); });
    // The same integral one point at a time: what batching buys.
    const EmbeddingBinding binding = model->bindEmbeddings(input);
    const BatchEmbeddingFunction f = binding.output(binding.predicted);
    TokenAttribution single;
    const Timing oneByOne = timeIt(std::min(repeat, 3), [&] {
        single = integratedGradientsInBatches(binding.embeddings, binding.padEmbeddings, 50, f, 1);
    });
    settings.method = AttributionMethod::GradientTimesInput;
    const Timing grad = timeIt(repeat, [&] { attributeSample(*model, input, settings); });
    settings.method = AttributionMethod::Occlusion;
    const Timing occlusion = timeIt(repeat, [&] { attributeSample(*model, input, settings); });

    const TokenAttribution& ig = batched.classes.front().scores;
    const QByteArray title =
        "100 tokens of " + model->meta().name.toUtf8() + ", threads " + QByteArray::number(threads);
    std::printf("%-44s %9s %9s\n", title.constData(), "best", "median");
    std::printf("%-44s %8.3fs %8.3fs  (goal < 1 s; completeness error %.2f%%)\n",
                "integrated gradients, 50 steps, one batch", ours.best, ours.median,
                ig.completenessError * 100.0);
    std::printf("%-44s %8.3fs %8.3fs  (%.1fx the batched time)\n", "the same, one point per pass",
                oneByOne.best, oneByOne.median, oneByOne.best / ours.best);
    std::printf("%-44s %8.3fs %8.3fs\n", "gradient x input", grad.best, grad.median);
    std::printf("%-44s %8.3fs %8.3fs\n", "occlusion (101 points, batched)", occlusion.best,
                occlusion.median);

    const QString peer = value("--peer", QString());
    if (peer.isEmpty()) return 0;
    QProcess python;
    python.start(QStringLiteral("/usr/bin/python3"),
                 {peer, modelPath, text, QStringLiteral("50"), QString::number(repeat),
                  QString::number(threads)});
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
                "PyTorch 1.13, the same batched IG (peer.py)", peerBest,
                o[QStringLiteral("median")].toDouble(),
                o[QStringLiteral("completeness_error")].toDouble() * 100.0);
    std::printf("PyTorch / rnnscope: %.2fx   largest score difference %.2g (largest score %.3g)\n",
                peerBest / ours.best, worst, largest);
    return 0;
}
