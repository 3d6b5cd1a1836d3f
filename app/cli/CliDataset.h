#pragma once
// The dataset options every command that reads --data shares: how a time series is cut into the
// windows the model reads (--window, --stride, --horizon, --time-column), and the notes a user
// should see about what opening left out.

#include <QCommandLineParser>
#include <memory>

#include "core/data/Dataset.h"

namespace rnnscope {

// Adds --window, --stride, --horizon and --time-column.
void addSeriesOptions(QCommandLineParser& parser);

// Reads them into `windowing`; returns what is wrong for a usage error, or an empty string.
QString readSeriesOptions(const QCommandLineParser& parser, DatasetOptions& windowing);

// Dataset::open, then each of the dataset's notes on stderr ("rnnscope-cli errors: note: 4
// windows left out because they hold a missing value: …").
std::shared_ptr<const Dataset> openCliDataset(const char* command, const QString& path,
                                              const DatasetOptions& options);

}  // namespace rnnscope
