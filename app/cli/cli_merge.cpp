#include "app/cli/cli_merge.h"

#include <QCommandLineParser>
#include <QLocale>
#include <cstdio>

#include "app/cli/CliCommand.h"
#include "core/Errors.h"
#include "core/store/StoreMerge.h"

namespace rnnscope {

int runMergeCommand(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Joins the shard stores of one extraction (rnnscope-cli extract --shard K/N, one per "
        "machine) into one store, in sample order. The tracks of the output are HDF5 virtual "
        "datasets over the shards' own: nothing is copied, so keep the shards where they are, or "
        "move them together with the output in one folder."));
    parser.addHelpOption();
    const QCommandLineOption outOption(QStringLiteral("out"),
                                       QStringLiteral("The store to write (replaced if present)."),
                                       QStringLiteral("ALL.h5"));
    parser.addOption(outOption);
    parser.addPositionalArgument(QStringLiteral("shards"),
                                 QStringLiteral("The shard stores, in any order."),
                                 QStringLiteral("SHARD.h5..."));
    auto usage = [](const QString& message) {
        std::fprintf(stderr, "rnnscope-cli merge: %s\n", qPrintable(message));
        return 2;
    };
    if (!parser.parse(arguments))
        return usage(parser.errorText() + QStringLiteral(" (see --help)"));
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    if (!parser.isSet(outOption)) return usage(QStringLiteral("--out is required (see --help)"));
    const QStringList shards =
        parser.positionalArguments();  // arguments[0] is taken as the program
    if (shards.isEmpty()) return usage(QStringLiteral("no shard files given (see --help)"));
    return runGuarded("merge", [&]() -> int {
        const MergeSummary merged = mergeStores(shards, parser.value(outOption));
        const QLocale locale;
        std::printf(
            "%s: %d shards, %s samples, %s tokens, %d tracks (virtual: the shards hold "
            "the values)\n",
            qPrintable(parser.value(outOption)), merged.shards,
            qPrintable(locale.toString(merged.samples)), qPrintable(locale.toString(merged.tokens)),
            merged.tracks);
        return 0;
    });
}

}  // namespace rnnscope
