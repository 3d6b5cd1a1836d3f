#include "app/cli/CliCommand.h"

#include <atomic>
#include <csignal>
#include <cstdio>

#include "core/Errors.h"

namespace rnnscope {

namespace {

std::atomic<bool> interrupted{false};

void onInterrupt(int) {
    interrupted.store(true);
}

}  // namespace

void watchInterrupts() {
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
}

bool interruptRequested() {
    return interrupted.load();
}

int cliUsageError(const QCommandLineParser&, const char* command, const QString& message) {
    // The reason alone, and where the options are: a page of help would bury it.
    std::fprintf(stderr, "rnnscope-cli %s: %s\nRun 'rnnscope-cli %s --help' for every option.\n",
                 command, qPrintable(message), command);
    return 2;
}

int parseCliCommand(QCommandLineParser& parser, const QStringList& arguments, const char* command,
                    const QList<const QCommandLineOption*>& required) {
    if (!parser.parse(arguments)) return cliUsageError(parser, command, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    if (!parser.positionalArguments().isEmpty())
        return cliUsageError(
            parser, command,
            QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().front()));
    for (const QCommandLineOption* option : required)
        if (!parser.isSet(*option))
            return cliUsageError(parser, command,
                                 QStringLiteral("--%1 is required").arg(option->names().front()));
    return -1;
}

int runGuarded(const char* command, const std::function<int()>& work) {
    try {
        return work();
    } catch (const JobCancelled&) {
        std::fprintf(stderr, "rnnscope-cli %s: interrupted\n", command);
        return 130;
    } catch (const UserError& e) {
        std::fprintf(stderr, "rnnscope-cli %s: %s\n", command, qPrintable(e.message()));
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "rnnscope-cli %s: %s\n", command, e.what());
        return 1;
    }
}

int classByNameOrIndex(const QString& text, const QStringList& names) {
    const int byName = int(names.indexOf(text));
    if (byName >= 0) return byName;
    bool ok = false;
    const int index = text.toInt(&ok);
    return ok && index >= 0 ? index : -2;
}

}  // namespace rnnscope
