#include "app/cli/CliDataset.h"

#include <cstdio>

namespace rnnscope {

void addSeriesOptions(QCommandLineParser& parser) {
    parser.addOptions({
        {QStringLiteral("window"),
         QStringLiteral("Time series: cut each series into windows of N rows (default: each "
                        "series whole)."),
         QStringLiteral("N")},
        {QStringLiteral("stride"),
         QStringLiteral("Time series: rows between window starts (default: the window, side by "
                        "side; 1: every row starts one)."),
         QStringLiteral("S")},
        {QStringLiteral("horizon"),
         QStringLiteral("Time series: each step's target is H rows ahead (default 0; without a "
                        "target column, the series' own values H rows ahead)."),
         QStringLiteral("H")},
        {QStringLiteral("time-column"),
         QStringLiteral("Time series: the column holding the time (default: one named "
                        "t/time/date/datetime/timestamp, or of ISO dates; 'none': no time)."),
         QStringLiteral("NAME")},
    });
}

QString readSeriesOptions(const QCommandLineParser& parser, DatasetOptions& windowing) {
    const auto count = [&](const char* name, int minimum, int& out) -> QString {
        const QString key = QLatin1String(name);
        if (!parser.isSet(key)) return {};
        bool ok = false;
        out = parser.value(key).toInt(&ok);
        if (ok && out >= minimum) return {};
        return QStringLiteral("--%1 must be %2, not '%3'")
            .arg(key,
                 minimum > 0 ? QStringLiteral("a positive number of rows")
                             : QStringLiteral("0 or a positive number of rows"),
                 parser.value(key));
    };
    for (QString error :
         {count("window", 1, windowing.window), count("stride", 1, windowing.stride),
          count("horizon", 0, windowing.horizon)})
        if (!error.isEmpty()) return error;
    if (parser.isSet(QStringLiteral("stride")) && !parser.isSet(QStringLiteral("window")))
        return QStringLiteral("--stride needs --window: the length of the windows it steps");
    windowing.timeColumn = parser.value(QStringLiteral("time-column"));
    return {};
}

std::shared_ptr<const Dataset> openCliDataset(const char* command, const QString& path,
                                              const DatasetOptions& options) {
    auto dataset = Dataset::open(path, options);
    for (const QString& note : dataset->notes())
        std::fprintf(stderr, "rnnscope-cli %s: note: %s\n", command, qPrintable(note));
    return dataset;
}

}  // namespace rnnscope
