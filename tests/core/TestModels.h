#pragma once
// The small PyTorch models of tests/models/make_test_models.py (untrained, seeded), made once per
// test process into a temporary folder that every test case of the process shares.

#include <QProcess>
#include <QString>
#include <QTemporaryDir>
#include <catch2/catch.hpp>

#include "tests/core/TestUtil.h"

namespace rnnscope::test {

inline QString testModelDir() {
    static QTemporaryDir dir;
    static bool made = false;
    static QString error;
    if (!made && error.isEmpty()) {
        QProcess python;
        python.start(QStringLiteral("/usr/bin/python3"),
                     {sourcePath(QStringLiteral("tests/models/make_test_models.py")), dir.path()});
        if (!python.waitForFinished(180000) || python.exitCode() != 0)
            error = QStringLiteral("make_test_models.py failed: ") +
                    QString::fromUtf8(python.readAllStandardError());
        else
            made = true;
    }
    INFO(error.toStdString());
    REQUIRE(made);
    return dir.path();
}

}  // namespace rnnscope::test
