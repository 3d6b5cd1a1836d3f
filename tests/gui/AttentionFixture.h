#pragma once
// What the attention panel's GUI tests share: the test models of make_test_models.py, the dates
// demo with its true spans, and a Session with the panel on screen.

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <catch2/catch.hpp>

#include "GuiUtil.h"
#include "core/session/Session.h"
#include "tests/common/Demos.h"
#include "tests/common/TestModels.h"
#include "widgets/attention/AttentionMapView.h"
#include "widgets/attention/AttentionPanel.h"

namespace rnnscope::test {

struct Files {
    QString model, data;
};

// The dates demo: a trained seq2seq model with attention, and its true source spans.
inline Files seq2seqFiles() {
    return {demoPath("dates", "pt"), demoPath("dates", "tsv")};
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
