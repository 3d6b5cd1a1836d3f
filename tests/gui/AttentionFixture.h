#pragma once
// What the attention panel's GUI tests share: the test models of make_test_models.py (written
// once per process), the dates demo or a stand-in seq2seq model with true spans, and a Session
// with the panel on screen.

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <catch2/catch.hpp>

#include "GuiUtil.h"
#include "core/Session.h"
#include "widgets/AttentionMapView.h"
#include "widgets/AttentionPanel.h"

namespace rnnscope::test {

// The folder of make_test_models.py's models, made once per process; "" when PyTorch is missing.
inline QString testModelDir() {
    static QTemporaryDir dir;
    static int made = -1;
    if (made < 0) {
        QProcess python;
        python.start(
            QStringLiteral("/usr/bin/python3"),
            {QStringLiteral(RNNSCOPE_SOURCE_DIR "/tests/models/make_test_models.py"), dir.path()});
        made = python.waitForFinished(180000) && python.exitCode() == 0 ? 1 : 0;
        if (!made)
            WARN("make_test_models.py failed: " << python.readAllStandardError().toStdString());
    }
    return made ? dir.path() : QString();
}

struct Files {
    QString model, data;
};

inline Files seq2seqFiles() {
    const QString demo = QStringLiteral(RNNSCOPE_SOURCE_DIR "/resources/demo/dates/dates");
    if (QFileInfo::exists(demo + ".pt") && QFileInfo::exists(demo + ".tsv"))
        return {demo + ".pt", demo + ".tsv"};
    WARN("the dates demo is not built yet: using the untrained seq2seq test model");
    const QString dir = testModelDir();
    if (dir.isEmpty()) return {};
    // Source characters and target characters the test model knows (target vocab a-j), with
    // the true source span of every target character.
    QFile tsv(dir + QStringLiteral("/pairs.tsv"));
    if (!tsv.open(QIODevice::WriteOnly)) return {};
    tsv.write(
        "ab cd ef\tabcd\t0:1 1:2 3:4 4:5\n"
        "hij (gab)\tjgab\t2:3 5:6 6:7 7:8\n"
        "c d e f g h\tcdefgh\t0:1 2:3 4:5 6:7 8:9 10:11\n");
    tsv.close();
    return {dir + QStringLiteral("/seq2seq.pt"), tsv.fileName()};
}

// A Session with the attention panel on screen, opened on a seq2seq model with attention.
struct Fixture {
    Session session;
    AttentionPanel panel{session};
    bool ready = false;

    explicit Fixture(const Files& files) {
        panel.resize(1100, 820);
        panel.show();
        if (!QTest::qWaitForWindowExposed(&panel) || files.model.isEmpty()) return;
        session.openModelAndDataset(files.model, files.data);
        ready = waitUntil([&] { return hasMap(); }, 120000);
    }
    bool hasMap() const {
        return session.currentResult() && panel.message().isEmpty() &&
               !panel.figureData().isEmpty() && panel.mapView()->isVisible();
    }
    AttentionMapView* map() const { return panel.mapView(); }
    TokenRef token(int side, int index) const { return {session.currentSample(), side, index}; }
};

}  // namespace rnnscope::test
