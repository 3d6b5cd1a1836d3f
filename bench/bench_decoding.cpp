// The Beam Tree on a dates sample (issue #26): beam search of width 8 through the model's
// decode_step(), and the tree figure drawn, per sample; beside the same beam search in plain
// PyTorch over the same decode_step() (bench/decoding/peer.py), run on the same samples.
//
//   bench_decoding MODEL.pt DATA.tsv PEER.py [--samples N] [--width K]

#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QProcess>
#include <QThread>
#include <cstdio>

#include "BenchUtil.h"
#include "core/Predictions.h"
#include "core/data/Dataset.h"
#include "core/decoding/BeamStatistics.h"
#include "core/decoding/Decode.h"
#include "core/model/Model.h"
#include "widgets/decoding/BeamTreeView.h"

using namespace rnnscope;

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 4) {
        std::fprintf(stderr,
                     "usage: bench_decoding MODEL.pt DATA.tsv PEER.py [--samples N] "
                     "[--width K]\n");
        return 2;
    }
    int count = 40, width = 8;
    for (int i = 4; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("--samples")) count = args[i + 1].toInt();
        if (args[i] == QLatin1String("--width")) width = args[i + 1].toInt();
    }
    Model::setThreadCount(1);  // as the peer, and as the interactive lane runs it
    const auto model = Model::open(args[1]);
    const auto dataset = Dataset::open(args[2], datasetOptionsForModel(model->meta()));
    DecodingSetup setup;
    setup.width = width;
    BeamTreeView view;
    view.setVocabulary(model->meta().targetVocab, model->meta().eos, model->meta().input.tokenizer);

    std::vector<double> search, draw, total;
    QStringList indices;
    std::vector<std::vector<int64_t>> best;
    double steps = 0;
    const qint64 stride = std::max<qint64>(1, dataset->size() / count);
    decodeSource(*model, encodeSample(*model, dataset->sample(0)), setup);  // warm up
    for (qint64 s = 0; s < dataset->size() && int(indices.size()) < count; s += stride) {
        indices << QString::number(s);
        const SampleInput input = encodeSample(*model, dataset->sample(s));
        QElapsedTimer timer;
        timer.start();
        auto decoded = std::make_shared<const DecodedSource>(decodeSource(*model, input, setup));
        const double searched = double(timer.nsecsElapsed()) / 1e6;
        view.setResult(decoded);
        const QSizeF size = view.figureSize();
        QImage image(size.toSize(), QImage::Format_ARGB32_Premultiplied);
        QPainter painter(&image);
        view.paintFigure(painter, QRectF(QPointF(0, 0), size));
        painter.end();
        const double all = double(timer.nsecsElapsed()) / 1e6;
        search.push_back(searched);
        draw.push_back(all - searched);
        total.push_back(all);
        best.push_back(decoded->result.hypotheses.front().tokens);
        steps += double(decoded->result.hypotheses.front().tokens.size());
    }

    QProcess peer;
    peer.start(QStringLiteral("/usr/bin/python3"),
               {args[3], args[1], args[2], indices.join(QLatin1Char(',')), QString::number(width)});
    peer.waitForFinished(-1);
    const QJsonObject out = QJsonDocument::fromJson(peer.readAllStandardOutput()).object();
    if (peer.exitCode() != 0 || out.isEmpty()) {
        std::fprintf(stderr, "peer failed: %s\n", peer.readAllStandardError().constData());
        return 1;
    }
    int agree = 0;
    const QJsonArray peerBest = out.value(QStringLiteral("best")).toArray();
    for (int i = 0; i < peerBest.size() && i < int(best.size()); ++i) {
        std::vector<int64_t> theirs;
        for (const QJsonValue v : peerBest[i].toArray()) theirs.push_back(v.toInteger());
        agree += theirs == best[size_t(i)];
    }
    const double peerMs = out.value(QStringLiteral("median_ms")).toDouble();
    const double ours = benchutil::median(search);
    std::printf(
        "dates, beam width %d over %lld samples (%.1f output tokens on average), 1 thread\n", width,
        static_cast<long long>(indices.size()), steps / double(indices.size()));
    std::printf("  rnnscope beam search         %7.1f ms median\n", ours);
    std::printf("  tree figure drawn            %7.1f ms median\n", benchutil::median(draw));
    std::printf("  search and figure together   %7.1f ms median, %.1f ms max (goal < 100 ms)\n",
                benchutil::median(total), *std::max_element(total.begin(), total.end()));
    std::printf("  PyTorch beam search (peer)   %7.1f ms median\n", peerMs);
    std::printf("  peer / rnnscope              %7.2fx; the same best output on %d of %lld\n",
                peerMs / ours, agree, static_cast<long long>(indices.size()));

    // The dataset statistics: widths 1 to 5 for every sample, sentences batched, against the
    // peer searching one sentence at a time over the first samples (it would take minutes).
    const int statsWidth = 5;
    const qint64 peerSamples = std::min<qint64>(150, dataset->size());
    QElapsedTimer timer;
    timer.start();
    const BeamStatistics some = beamStatistics(*model, *dataset, statsWidth, 0.0, 64, peerSamples);
    const double oursSome = double(timer.nsecsElapsed()) / 1e9;
    Model::setThreadCount(QThread::idealThreadCount());
    timer.restart();
    const BeamStatistics all = beamStatistics(*model, *dataset, statsWidth);
    const double oursAll = double(timer.nsecsElapsed()) / 1e9;
    QStringList first;
    for (qint64 s = 0; s < peerSamples; ++s) first << QString::number(s);
    QProcess every;
    every.start(QStringLiteral("/usr/bin/python3"),
                {args[3], args[1], args[2], first.join(QLatin1Char(',')),
                 QString::number(statsWidth), QStringLiteral("--every-width")});
    every.waitForFinished(-1);
    const double peerSome = QJsonDocument::fromJson(every.readAllStandardOutput())
                                .object()
                                .value(QStringLiteral("total_s"))
                                .toDouble();
    std::printf(
        "\ndates, beam statistics at widths 1 to %d (reference in the beam, exact match, "
        "fixes and breaks)\n",
        statsWidth);
    std::printf("  rnnscope, all %lld samples, %d threads   %7.1f s (goal < 30 s)\n",
                static_cast<long long>(all.samples), QThread::idealThreadCount(), oursAll);
    std::printf("  rnnscope, first %lld samples, 1 thread   %7.2f s\n",
                static_cast<long long>(some.samples), oursSome);
    std::printf("  PyTorch, the same %lld samples, 1 thread %7.2f s (one sentence at a time)\n",
                static_cast<long long>(peerSamples), peerSome);
    std::printf("  peer / rnnscope                       %7.2fx\n", peerSome / oursSome);
    return 0;
}
