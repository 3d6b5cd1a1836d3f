#pragma once
// What every rnnscope-cli command does with its arguments before its own work: usage errors go to
// stderr with the command's help and exit 2; --help prints it and exits 0; required options are
// checked by name.

#include <QCommandLineParser>
#include <QList>
#include <QStringList>
#include <functional>

namespace rnnscope {

// Prints "rnnscope-cli COMMAND: MESSAGE" and the help text to stderr; returns 2.
int cliUsageError(const QCommandLineParser& parser, const char* command, const QString& message);

// Parses `arguments`; returns -1 when the command should go on, else the exit code to return.
int parseCliCommand(QCommandLineParser& parser, const QStringList& arguments, const char* command,
                    const QList<const QCommandLineOption*>& required);

// Runs a command's work and turns what it throws into one line on stderr, "rnnscope-cli
// COMMAND: MESSAGE", and an exit code: 1 for an error (UserError or any other exception), 130
// when the user interrupted it (JobCancelled). Otherwise returns what `work` returns.
int runGuarded(const char* command, const std::function<int()>& work);

// A class (or tag, token, regression output) given on the command line by name or by index in
// `names`; -2 when it is neither.
int classByNameOrIndex(const QString& text, const QStringList& names);

// Ctrl-C and SIGTERM from now on set a flag instead of killing the process, so a long command
// stops where it is (its job throws JobCancelled), cleans up and exits 130.
void watchInterrupts();
bool interruptRequested();

}  // namespace rnnscope
