#pragma once
// The small PyTorch models of tests/models/make_test_models.py (untrained, seeded). Under ctest
// the fixture test `fixture.test_models` makes them once for the whole run and passes their
// folder in RNNSCOPE_TEST_MODELS; a test binary started by hand makes them once per process into
// a temporary folder. Either way a failure to make them fails the test, with Python's message.

#include <QFile>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>
#include <catch2/catch.hpp>

namespace rnnscope::test {

inline QString testModelDir() {
    const QString shared = qEnvironmentVariable("RNNSCOPE_TEST_MODELS");
    if (!shared.isEmpty()) {
        INFO("RNNSCOPE_TEST_MODELS=" << shared.toStdString()
                                     << " holds no models: did fixture.test_models fail?");
        REQUIRE(QFile::exists(shared + QStringLiteral("/seq2seq.pt")));
        return shared;
    }
    static QTemporaryDir dir;
    static bool made = false;
    static QString error;
    if (!made && error.isEmpty()) {
        QProcess python;
        python.start(
            QStringLiteral("/usr/bin/python3"),
            {QStringLiteral(RNNSCOPE_SOURCE_DIR "/tests/models/make_test_models.py"), dir.path()});
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
