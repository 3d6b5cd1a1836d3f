// How long the window takes to answer typed text: what Session::setCustomInput runs for each
// pause in typing (tokenize, run with every state captured and verified, generate for seq2seq).
// The goal is 200 ms from the last key to every panel updated; panels redraw on a 30 ms timer
// and the input line waits 120 ms for a pause, so the model has the rest.
//
//   bench_typing MODEL.pt TEXT [TEXT...]

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QThread>
#include <algorithm>
#include <cstdio>
#include <vector>

#include "core/model/Model.h"

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 3) {
        std::fprintf(stderr, "usage: bench_typing MODEL.pt TEXT [TEXT...]\n");
        return 2;
    }
    rnnscope::Model::setThreadCount(QThread::idealThreadCount());
    const auto model = rnnscope::Model::open(args[1]);
    rnnscope::RunOptions options;
    options.captureStates = true;
    options.verify = true;
    std::vector<double> ms;
    for (int round = 0; round < 5; ++round)
        for (int i = 2; i < args.size(); ++i) {
            // Every prefix, as the text grows key by key.
            for (int n = 1; n <= args[i].size(); n += 3) {
                QElapsedTimer t;
                t.start();
                model->run({model->encode(args[i].left(n))}, options);
                ms.push_back(t.nsecsElapsed() / 1e6);
            }
        }
    std::sort(ms.begin(), ms.end());
    const double median = ms[ms.size() / 2];
    const double p95 = ms[std::min(ms.size() - 1, ms.size() * 95 / 100)];
    std::printf(
        "%-10s runs %4zu  median %6.1f ms  p95 %6.1f ms  max %6.1f ms  (budget 200 ms: "
        "120 ms pause + 30 ms redraw leaves 50 ms)\n",
        qPrintable(model->meta().name.isEmpty() ? args[1] : model->meta().name), ms.size(), median,
        p95, ms.back());
    return 0;
}
