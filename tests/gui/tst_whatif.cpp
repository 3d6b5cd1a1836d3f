// What-if editing in the window (issue #21, item 4), as a researcher uses it: What If… pins the
// sample and opens an edited copy; a right-click on a token deletes it; the edit runs beside the
// original in every panel (the prediction line, Hidden Units' dashed traces at the aligned
// steps, the state-space path, the attention difference over the original's tokens); Replace
// with… offers the vocabulary; End Edit returns to the sample as it is.

#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QInputDialog>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QTest>
#include <QTimer>
#include <QToolButton>
#include <catch2/catch.hpp>
#include <cmath>

#include "GuiUtil.h"
#include "app/gui/MainWindow.h"
#include "core/analysis/attention/Attention.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "tests/common/Demos.h"
#include "widgets/attention/AttentionPanel.h"
#include "widgets/common/TokenStrip.h"
#include "widgets/hiddenunits/HiddenUnitsPanel.h"
#include "widgets/hiddenunits/HiddenUnitsTimeView.h"
#include "widgets/samples/SampleViewPanel.h"
#include "widgets/samples/WhatIfEditor.h"
#include "widgets/statespace/StateSpacePanel.h"

using namespace rnnscope;
using rnnscope::test::demoPath;
using rnnscope::test::waitUntil;

namespace {

struct DemoWindow {
    Session session;
    MainWindow window{session};
    explicit DemoWindow(const char* demo) {
        window.resize(1500, 950);
        window.show();
        REQUIRE(QTest::qWaitForWindowExposed(&window));
        session.openModelAndDataset(demoPath(demo, "pt"), demoPath(demo, "tsv"));
        REQUIRE(waitUntil([&] { return session.model() && session.currentResult(); }, 120000));
    }
    SampleViewPanel* samples() {
        return qobject_cast<SampleViewPanel*>(window.panel(QStringLiteral("samples")));
    }
};

// Opens the quick-edit menu on a token and takes the action whose text starts with `what`.
QStringList takeFromMenu(const std::function<void()>& open, const QString& what) {
    QStringList offered;
    QTimer::singleShot(300, [&] {
        auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
        if (!menu) return;
        QAction* chosen = nullptr;
        for (QAction* a : menu->actions()) {
            if (a->isSeparator()) continue;
            offered << a->text();
            if (a->text().startsWith(what) && !chosen) chosen = a;
        }
        menu->close();
        if (chosen) chosen->trigger();
    });
    open();
    return offered;
}

}  // namespace

TEST_CASE("What If… runs an edit of the sample beside it in every panel", "[whatif]") {
    DemoWindow w("brackets");
    SampleViewPanel* samples = w.samples();
    REQUIRE(samples);
    w.session.setCurrentSample(2);
    REQUIRE(waitUntil(
        [&] {
            return w.session.currentResult() && w.session.currentResult()->input.length() == 36;
        },
        120000));
    const auto original = w.session.currentResult();
    WhatIfEditor* editor = samples->whatIfEditor();
    CHECK(!editor->isVisibleTo(samples));

    samples->whatIfButton()->click();
    REQUIRE(w.session.whatIf().isEditing());
    REQUIRE(waitUntil([&] { return editor->isVisibleTo(samples); }, 5000));
    CHECK(editor->editLine()->text() == w.session.currentText());
    CHECK(editor->editedStrip()->tokens() == original->input.tokens);
    CHECK(samples->whatIfButton()->isChecked());

    // Right-click the fourth token of the pinned original: Delete.
    const QStringList offered = takeFromMenu(
        [&] {
            Q_EMIT samples->inputStrip()->tokenMenuRequested(
                3,
                samples->inputStrip()->mapToGlobal(samples->inputStrip()->tokenRect(3).center()));
        },
        QStringLiteral("Delete"));
    INFO(offered.join(QStringLiteral(" | ")).toStdString());
    CHECK(offered.contains(QStringLiteral("Duplicate")));
    CHECK(offered.contains(QStringLiteral("Swap with Next")));
    CHECK(offered.contains(QStringLiteral("Replace with…")));
    QStringList expected = original->input.tokens;
    expected.removeAt(3);
    REQUIRE(waitUntil(
        [&] {
            const auto edited = w.session.whatIf().editedResult();
            return edited && edited->input.tokens == expected &&
                   editor->editedStrip()->tokens() == expected;
        },
        60000));
    const auto edited = w.session.whatIf().editedResult();
    CHECK(w.session.currentResult() == original);  // the original stays the current sample
    REQUIRE(waitUntil([&] { return samples->predictionText().contains(QStringLiteral("edited:")); },
                      5000));
    CHECK(samples->inputCaption().contains(QStringLiteral("pinned")));
    CHECK(editor->statusText().contains(QStringLiteral("1 removed")));

    // Hidden Units: the edited run's trace, each step at the original step it lines up with,
    // a gap where the deleted token was.
    auto* hidden = qobject_cast<HiddenUnitsPanel*>(w.window.panel(QStringLiteral("hidden-units")));
    REQUIRE(hidden);
    w.window.dock(QStringLiteral("hidden-units"))->raise();
    w.session.selection().setSelectedUnits(
        {UnitRef{QStringLiteral("lstm"), 0, 0, QStringLiteral("cell"), 45}});
    REQUIRE(waitUntil(
        [&] {
            const TimeViewData& d = hidden->timeView()->data();
            return d.intervened.rows() == 36 && d.track.kind == QLatin1String("cell");
        },
        60000));
    const TimeViewData& d = hidden->timeView()->data();
    const StateTrack* track = nullptr;
    for (const StateTrack& t : edited->tracks)
        if (TrackId::of(t) == d.track) track = &t;
    REQUIRE(track);
    CHECK(std::isnan(d.intervened(3, 45)));
    CHECK(d.intervened(2, 45) == track->values(2, 45));
    CHECK(d.intervened(20, 45) == track->values(19, 45));
    CHECK(d.intervenedName == QStringLiteral("edited"));

    // The state space: the edited input's own path, one point per edited token.
    auto* space = qobject_cast<StateSpacePanel*>(w.window.panel(QStringLiteral("state-space")));
    REQUIRE(space);
    REQUIRE(waitUntil([&] { return space->intervenedPath().rows() == 35; }, 120000));
    rnnscope::test::grabIfAsked(w.window, QStringLiteral("whatif-brackets"));

    // Typing in the edited text runs that instead; characters the vocabulary lacks are said to
    // be read as its unknown token. End Edit returns to the sample as it is.
    editor->editLine()->setText(QStringLiteral("(☃)"));
    Q_EMIT editor->editLine()->returnPressed();
    REQUIRE(waitUntil(
        [&] {
            const auto e = w.session.whatIf().editedResult();
            return e && e->input.length() == 3 &&
                   editor->statusText().contains(QStringLiteral("1 token of the edit is not in "
                                                                "the vocabulary"));
        },
        60000));
    editor->editLine()->setText(QStringLiteral("(())"));
    Q_EMIT editor->editLine()->returnPressed();
    REQUIRE(waitUntil(
        [&] {
            const auto e = w.session.whatIf().editedResult();
            return e && e->input.length() == 4;
        },
        60000));
    CHECK_FALSE(editor->statusText().contains(QStringLiteral("vocabulary")));
    editor->endButton()->click();
    CHECK_FALSE(w.session.whatIf().isEditing());
    REQUIRE(waitUntil([&] { return !editor->isVisibleTo(samples); }, 5000));
    REQUIRE(waitUntil(
        [&] { return !samples->predictionText().contains(QStringLiteral("edited:")); }, 5000));
    CHECK_FALSE(samples->whatIfButton()->isChecked());
    CHECK(hidden->timeView()->data().intervened.size() == 0);

    // A quick edit that cannot be done says why, and changes nothing.
    w.session.setCustomInput(QStringLiteral("("));
    REQUIRE(waitUntil(
        [&] { return w.session.currentResult() && w.session.currentResult()->input.length() == 1; },
        60000));
    takeFromMenu(
        [&] {
            Q_EMIT samples->inputStrip()->tokenMenuRequested(
                0,
                samples->inputStrip()->mapToGlobal(samples->inputStrip()->tokenRect(0).center()));
        },
        QStringLiteral("Delete"));
    REQUIRE(waitUntil([&] { return !samples->whatIfNotice().isEmpty(); }, 5000));
    CHECK(samples->whatIfNotice().contains(QStringLiteral("only this token")));
    CHECK_FALSE(w.session.whatIf().isEditing());

    // A character the vocabulary lacks is outlined in the input, and its tooltip says what the
    // model read instead.
    w.session.setCustomInput(QStringLiteral("(☃)"));
    REQUIRE(waitUntil([&] { return samples->inputStrip()->isUnknown(1); }, 60000));
    CHECK_FALSE(samples->inputStrip()->isUnknown(0));
    CHECK(samples->inputStrip()->tipFor(1).contains(
        QStringLiteral("“☃” is not in the model's vocabulary")));
    CHECK(samples->predictionText().contains(QStringLiteral("outlined dashed")));
}

TEST_CASE("a replaced word moves the attention, drawn over the original's tokens", "[whatif]") {
    DemoWindow w("dates");
    SampleViewPanel* samples = w.samples();
    auto* attention = qobject_cast<AttentionPanel*>(w.window.panel(QStringLiteral("attention")));
    REQUIRE(attention);
    w.window.dock(QStringLiteral("attention"))->raise();
    const auto original = w.session.currentResult();
    const int n = original->input.length();

    // Replace with… offers the vocabulary: the first token becomes "9".
    QString label;
    QTimer::singleShot(300, [&] {
        auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
        if (!menu) return;
        QAction* replace = nullptr;
        for (QAction* a : menu->actions())
            if (a->text() == QStringLiteral("Replace with…")) replace = a;
        menu->close();
        QTimer::singleShot(300, [&] {
            auto* dialog = qobject_cast<QInputDialog*>(QApplication::activeModalWidget());
            if (!dialog) return;
            label = dialog->labelText();
            dialog->setTextValue(QStringLiteral("9"));
            dialog->accept();
        });
        if (replace) replace->trigger();
    });
    Q_EMIT samples->inputStrip()->tokenMenuRequested(
        0, samples->inputStrip()->mapToGlobal(samples->inputStrip()->tokenRect(0).center()));
    CHECK(label.contains(QStringLiteral("the vocabulary has")));
    REQUIRE(w.session.whatIf().isEditing());
    REQUIRE(waitUntil(
        [&] {
            const auto e = w.session.whatIf().editedResult();
            return e && e->input.tokens.value(0) == QStringLiteral("9");
        },
        60000));
    const auto edited = w.session.whatIf().editedResult();
    REQUIRE(edited->input.length() == n);

    // The difference map: edited − original, cell by cell, labelled with the original's tokens.
    REQUIRE(waitUntil(
        [&] {
            return attention->runSelector()->isVisible() && attention->figureData().difference &&
                   attention->figureData().title.contains(
                       QStringLiteral("edited “9ay. 10th, 1965” − original"));
        },
        60000));
    CHECK(attention->runSelector()->itemText(AttentionPanel::Intervened) ==
          QStringLiteral("Edited input"));
    const MatrixRM& with = attentionHeads(*edited, QStringLiteral("attention"))->front();
    const MatrixRM& without = attentionHeads(*original, QStringLiteral("attention"))->front();
    const MatrixRM& shown = attention->figureData().weights;
    REQUIRE(shown.rows() == std::min(with.rows(), without.rows()));
    REQUIRE(shown.cols() == n);
    const MatrixRM expected =
        with.topLeftCorner(shown.rows(), n) - without.topLeftCorner(shown.rows(), n);
    CHECK((shown - expected).cwiseAbs().maxCoeff() < 1e-6);
    CHECK(attention->figureData().source.value(0) != QStringLiteral("9"));
    rnnscope::test::grabIfAsked(w.window, QStringLiteral("whatif-dates"));
}
