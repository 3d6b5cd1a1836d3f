// The Error Browser's views for tasks beyond classification, as a researcher uses them: a
// language model's per-token loss on the Samples panel's token strip and its tokens with most
// errors (a click filters the table), the dates demo's wrong output tokens marked on the
// attention map (and in its exported figure), a regression model's residuals and worst windows
// (a click opens the sample with the window's steps selected), and attribution computed only
// while its tab is on screen.

#include <QDockWidget>
#include <QFile>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <catch2/catch.hpp>
#include <cmath>

#include "AttentionFixture.h"
#include "GuiUtil.h"
#include "app/gui/MainWindow.h"
#include "core/errors/TokenErrors.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "tests/common/Demos.h"
#include "widgets/attention/AttentionMapView.h"
#include "widgets/attention/AttentionPanel.h"
#include "widgets/common/FigureExport.h"
#include "widgets/common/TokenStrip.h"
#include "widgets/errorbrowser/ErrorBrowserPanel.h"
#include "widgets/errorbrowser/ErrorMetricsView.h"
#include "widgets/errorbrowser/ErrorTableModel.h"
#include "widgets/errorbrowser/ResidualsView.h"
#include "widgets/errorbrowser/TokenErrorsView.h"
#include "widgets/samples/SampleViewPanel.h"

using rnnscope::test::demoPath;

using namespace rnnscope;
using rnnscope::test::testModelDir;
using rnnscope::test::waitUntil;

namespace {

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& text) {
    QFile f(dir.filePath(name));
    REQUIRE(f.open(QIODevice::WriteOnly));
    f.write(text);
    return f.fileName();
}

bool allPredicted(const Session& s) {
    const auto& p = s.predictions();
    return !p.empty() &&
           std::all_of(p.begin(), p.end(), [](const SamplePrediction& x) { return x.done; });
}

struct Window {
    Session windowSession;
    MainWindow window{windowSession};
    ErrorBrowserPanel* errors = nullptr;
    Window() {
        window.resize(1500, 950);
        window.show();
        REQUIRE(QTest::qWaitForWindowExposed(&window));
        errors = qobject_cast<ErrorBrowserPanel*>(window.panel(QStringLiteral("error-browser")));
        REQUIRE(errors);
        window.dock(QStringLiteral("error-browser"))->raise();
    }
    Session& session() { return window.session(); }
};

}  // namespace

TEST_CASE("a language model's per-token loss colours the Samples strip; a token filters the table",
          "[error_views]") {
    QTemporaryDir dir;
    const QString data = writeFile(dir, "lm.txt", "(ab(c)d)\nx[y]z\n((()))\nabc\n");
    Window w;
    Session& session = w.session();
    session.openModelAndDataset(testModelDir() + "/gru_lm.pt", data);
    REQUIRE(waitUntil([&] { return allPredicted(session); }, 120000));
    session.setCurrentSample(1);  // "x[y]z"

    // The Samples panel's strip: a colour and a tooltip per predicted token, from the Session.
    auto* samples = qobject_cast<SampleViewPanel*>(w.window.panel(QStringLiteral("samples")));
    REQUIRE(samples);
    TokenStrip* strip = samples->inputStrip();
    REQUIRE(waitUntil([&] {
        return strip->tokens().size() == 5 && strip->toolTipAt(4).contains(QLatin1String("loss"));
    }));
    const auto outcomes = session.currentTokenOutcomes();
    REQUIRE(outcomes.size() == 4);
    CHECK_FALSE(strip->colourAt(0).isValid());  // nothing predicts the first token
    for (const TokenOutcome& o : outcomes) {
        INFO("token " << o.position);
        CHECK(strip->toolTipAt(o.position).contains(QString::number(double(o.loss), 'f', 3)));
        // Redder for a larger loss: the green channel falls as the loss grows.
        CHECK(strip->colourAt(o.position).isValid());
    }
    const auto byLoss = std::minmax_element(
        outcomes.begin(), outcomes.end(),
        [](const TokenOutcome& a, const TokenOutcome& b) { return a.loss < b.loss; });
    CHECK(strip->colourAt(byLoss.first->position).green() >=
          strip->colourAt(byLoss.second->position).green());
    CHECK(samples->inputCaption().contains(QLatin1String("loss")));
    // The summary says what a language model is measured by, not a per-sample "accuracy 0%"
    // (no sample has every next token right).
    const TokenErrorStats& counts = session.tokenErrorStats();
    const double nextToken = 1.0 - double(counts.total.errors) / double(counts.total.occurrences);
    REQUIRE(waitUntil(
        [&] { return samples->summaryText().contains(QLatin1String("next-token accuracy")); }));
    CHECK(samples->summaryText().contains(
        QStringLiteral("next-token accuracy %1%").arg(nextToken * 100.0, 0, 'f', 1)));
    CHECK(samples->summaryText().contains(
        QStringLiteral("perplexity %1").arg(std::exp(counts.total.meanLoss()), 0, 'f', 2)));
    CHECK_FALSE(samples->summaryText().contains(QStringLiteral("· accuracy")));

    // The metrics: token accuracy and perplexity, errors by context (brackets: depth, distance).
    ErrorMetricsView* metrics = w.errors->metricsView();
    REQUIRE(waitUntil([&] { return !metrics->bars().empty(); }));
    bool depth = false, frequency = false;
    for (const auto& bar : metrics->bars()) {
        depth = depth || bar.chart == QLatin1String("depth");
        frequency = frequency || bar.chart == QLatin1String("frequency");
    }
    CHECK(depth);
    CHECK(frequency);

    // The Tokens tab: every scored token, most errors first; a click shows the samples with it.
    TokenErrorsView* tokens = w.errors->tokenErrorsView();
    auto* tabs = w.errors->findChild<QTabWidget*>();
    REQUIRE(tabs);
    CHECK(tabs->isTabVisible(tabs->indexOf(tokens)));  // a tab of its own for token tasks
    tabs->setCurrentWidget(tokens);
    REQUIRE(waitUntil([&] { return tokens->rowCount() > 0; }));
    CHECK(tokens->rowCount() == int(session.tokenErrorStats().byToken.size()));
    int row = -1;
    for (int r = 0; r < tokens->rowCount(); ++r)
        if (tokens->tokenAt(r) == QLatin1String("[")) row = r;
    REQUIRE(row >= 0);
    tokens->table()->scrollTo(tokens->table()->model()->index(row, 0));
    QTest::mouseClick(
        tokens->table()->viewport(), Qt::LeftButton, {},
        tokens->table()->visualRect(tokens->table()->model()->index(row, 0)).center());
    REQUIRE(waitUntil([&] { return w.errors->filteredCount() == 1; }));
    CHECK(w.errors->filter().regex);
    CHECK(w.errors->tableModel()->sampleAt(0) == 1);  // only "x[y]z" has "["
}

TEST_CASE("a wrong seq2seq output marks exactly its wrong positions on the attention map",
          "[error_views]") {
    // References deliberately wrong at known places: the model writes 2026-11-26 for the
    // first; the reference says 2025-11-27 (positions 4 and 10, 1-based). The second is right.
    QTemporaryDir dir;
    const QString data = writeFile(dir, "dates.tsv",
                                   "Thursday, 26 November 2026\t2025-11-27\n"
                                   "Friday, 27 November 2026\t2026-11-27\n");
    rnnscope::test::Fixture f({demoPath("dates", "pt"), data});
    REQUIRE(f.ready);
    REQUIRE(waitUntil([&] { return f.session.currentResult()->generateRan; }));
    REQUIRE(f.session.currentResult()->generatedTokens.join(QString()) == "2026-11-26");
    REQUIRE(waitUntil([&] { return f.panel.figureData().outputDiffers.size() == 11; }));
    const AttentionData& d = f.panel.figureData();
    QVector<bool> expected(11, false);
    expected[3] = expected[9] = true;
    CHECK(d.outputDiffers == expected);  // the eos (#11) is not wrong: the lengths agree
    CHECK(d.outputOther.value(3) == "5");
    CHECK(d.outputOther.value(9) == "7");
    // The tooltip of a wrong output label says what the reference has there.
    AttentionHit label;
    label.kind = AttentionHit::OutputLabel;
    label.output = 9;
    CHECK(f.map()->toolTipFor(label).contains(QStringLiteral("the reference has “7”")));
    label.output = 8;
    CHECK_FALSE(f.map()->toolTipFor(label).contains(QLatin1String("wrong")));
    CHECK(f.panel.outputStrip()->toolTipAt(3).contains(QStringLiteral("“5”")));
    CHECK(f.panel.outputStrip()->toolTipAt(2).isEmpty());

    // The exported figure says it too: red labels, and which positions in the legend.
    QTemporaryDir out;
    const QString svg = out.filePath("attention.svg");
    exportFigure(f.panel, svg, FigureOptions{FigureFormat::Svg, 96});
    QFile file(svg);
    REQUIRE(file.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(file.readAll());
    CHECK(text.contains(QStringLiteral("differs from the reference (#4 “5”, #10 “7”)")));

    // A right sample marks nothing.
    f.session.setCurrentSample(1);
    REQUIRE(waitUntil([&] {
        return !f.panel.isWaiting() && f.session.currentResult() &&
               f.session.currentResult()->generatedTokens.join(QString()) == "2026-11-27" &&
               f.panel.figureData().title.contains(QLatin1String("sample 2"));
    }));
    CHECK_FALSE(f.panel.figureData().outputDiffers.contains(true));
}

TEST_CASE("regression: residuals over time and worst windows that open the sample's steps",
          "[error_views]") {
    QTemporaryDir dir;
    QByteArray csv = "sequence,temp,pressure,target\n";
    for (int t = 0; t < 30; ++t)
        csv += "A," + QByteArray::number(std::sin(t * 0.4)) + ",0.5," +
               QByteArray::number(t < 20 ? 0 : 3) + "\n";  // steps 21-30 far off
    for (int t = 0; t < 12; ++t) csv += "B,0.1,0.2,0\n";
    const QString data = writeFile(dir, "series.csv", csv);
    Window w;
    Session& session = w.session();
    session.openModelAndDataset(testModelDir() + "/gru_series.pt", data);
    REQUIRE(waitUntil([&] { return allPredicted(session) && session.predictions().size() == 2; },
                      120000));
    // No probability, so no confidence: the columns are blank, not "0.0%"; the summary gives
    // the errors in the model's units.
    auto* samples = qobject_cast<SampleViewPanel*>(w.window.panel(QStringLiteral("samples")));
    REQUIRE(samples);
    QAbstractItemModel* sampleRows = samples->table()->model();
    REQUIRE(sampleRows->rowCount() == 2);
    CHECK(sampleRows->data(sampleRows->index(0, 4)).toString().isEmpty());
    CHECK(sampleRows->headerData(4, Qt::Horizontal).toString() == QStringLiteral("Confidence"));
    ErrorTableModel* errorRows = w.errors->tableModel();
    auto errorCell = [&](ErrorColumn column) {
        return errorRows->data(errorRows->index(0, int(column)), Qt::DisplayRole).toString();
    };
    REQUIRE(waitUntil([&] { return !errorCell(ErrorColumn::Prediction).isEmpty(); }));
    CHECK(errorCell(ErrorColumn::Confidence).isEmpty());
    CHECK_FALSE(sampleRows->data(sampleRows->index(0, 3)).toString().isEmpty());  // Prediction
    REQUIRE(waitUntil([&] { return samples->summaryText().contains(QLatin1String("MAE")); }));
    CHECK(samples->summaryText().contains(QLatin1String("RMSE")));
    CHECK_FALSE(samples->summaryText().contains(QLatin1String("accuracy")));
    ResidualsView* residuals = w.errors->residualsView();
    REQUIRE(waitUntil([&] { return residuals->worstWindows().size() == 2; }));
    // The worst window is in sample A's last steps, where the target jumps to 3.
    const WorstWindow worst = residuals->worstWindows().front();
    CHECK(worst.sample == 0);
    CHECK(worst.window.start >= 20);
    CHECK(worst.window.length == kResidualWindow);
    // Clicking it: that sample current, those steps selected, its residuals drawn.
    session.setCurrentSample(1);
    residuals->activateWindow(0);
    CHECK(session.currentSample() == 0);
    CHECK(session.selection().timeRange().begin == worst.window.start);
    CHECK(session.selection().timeRange().end == worst.window.start + worst.window.length);
    REQUIRE(waitUntil(
        [&] { return residuals->seriesCount() == 1 && residuals->seriesValues(0).size() == 30; }));
    const RegressionResiduals r = session.currentResiduals();
    for (int t = 0; t < 30; ++t)
        CHECK(residuals->seriesValues(0)[size_t(t)] == Approx(double(r.residuals(t, 0))));
    CHECK(residuals->chartMessage().contains(QLatin1String("MAE")));
}

TEST_CASE("attribution runs only while its tab is on screen", "[error_views]") {
    Window w;
    Session& session = w.session();
    w.errors->setFocus();
    // The Metrics tab in front: the current sample is not attributed.
    session.openModelAndDataset(demoPath("brackets", "pt"), demoPath("brackets", "tsv"));
    REQUIRE(waitUntil([&] { return session.currentResult() != nullptr; }, 120000));
    CHECK_FALSE(w.errors->showsAttribution());
    CHECK_FALSE(session.attributionWanted());
    CHECK_FALSE(session.isAttributing());
    CHECK(session.currentAttribution() == nullptr);
    // The tab shown: computed.
    w.errors->showAttribution();
    CHECK(session.attributionWanted());
    REQUIRE(waitUntil([&] { return session.currentAttribution() != nullptr; }, 120000));
    // The dock hidden: a new sample is not attributed, and a run in flight stops.
    QDockWidget* dock = w.window.dock(QStringLiteral("error-browser"));
    dock->hide();
    CHECK_FALSE(session.attributionWanted());
    session.setCurrentSample(5);
    REQUIRE(waitUntil([&] {
        return session.currentResult() && session.currentResult()->input.tokens.join(QString()) ==
                                              session.dataset()->sample(5).text;
    }));
    CHECK_FALSE(session.isAttributing());
    CHECK(session.currentAttribution() == nullptr);
    // Shown again: this sample's attribution comes.
    dock->show();
    dock->raise();
    REQUIRE(waitUntil(
        [&] {
            const auto a = session.currentAttribution();
            return a && a->tokens == session.currentResult()->input.tokens;
        },
        120000));
    // Another tab in front while a long run goes: cancelled.
    AttributionSettings slow;
    slow.adaptive = false;
    slow.steps = 4000;
    session.setAttributionSettings(slow);
    REQUIRE(session.isAttributing());
    auto* tabs = w.errors->findChild<QTabWidget*>();
    REQUIRE(tabs);
    tabs->setCurrentIndex(0);
    CHECK_FALSE(session.attributionWanted());
    CHECK_FALSE(session.isAttributing());
}

// Not run by ctest (hidden tag): pictures of the views for the docs and for a look, on any model
// and dataset. RNNSCOPE_SHOTS=DIR RNNSCOPE_SHOT_MODEL=M.pt RNNSCOPE_SHOT_DATA=D
// [RNNSCOPE_SHOT_SAMPLE=N] [RNNSCOPE_SHOT_TAB=Tokens] [RNNSCOPE_SHOT_POSITION=P] test_gui
// "[.shots]"
TEST_CASE("pictures of the error views", "[.shots]") {
    const QString out = qEnvironmentVariable("RNNSCOPE_SHOTS");
    const QString model = qEnvironmentVariable("RNNSCOPE_SHOT_MODEL");
    const QString data = qEnvironmentVariable("RNNSCOPE_SHOT_DATA");
    if (out.isEmpty() || model.isEmpty() || data.isEmpty()) return;
    Window w;
    Session& session = w.session();
    session.openModelAndDataset(model, data);
    REQUIRE(waitUntil([&] { return allPredicted(session); }, 600000));
    session.setCurrentSample(qEnvironmentVariableIntValue("RNNSCOPE_SHOT_SAMPLE"));
    REQUIRE(waitUntil([&] { return session.currentResult() != nullptr; }, 60000));
    auto* tabs = w.errors->findChild<QTabWidget*>();
    const QString tab = qEnvironmentVariable("RNNSCOPE_SHOT_TAB");
    for (int i = 0; tabs && i < tabs->count(); ++i)
        if (tabs->tabText(i) == tab) tabs->setCurrentIndex(i);
    if (tab == QLatin1String("Attribution")) {
        const int position = qEnvironmentVariableIntValue("RNNSCOPE_SHOT_POSITION");  // from 1
        if (position > 0) {
            AttributionSettings settings = session.attributionSettings();
            settings.position = position - 1;
            session.setAttributionSettings(settings);
        }
        REQUIRE(waitUntil([&] { return session.currentAttribution() != nullptr; }, 120000));
    }
    QTest::qWait(1500);  // a picture, not a check: let the coalesced redraws land
    w.window.grab().save(out + "/window.png");
    w.errors->grab().save(out + "/error-browser.png");
    w.window.panel(QStringLiteral("samples"))->grab().save(out + "/samples.png");
    exportFigure(*w.errors, out + "/error-browser-figure.png",
                 FigureOptions{FigureFormat::Png, 96});
    exportFigure(*w.window.panel(QStringLiteral("samples")), out + "/samples-figure.png",
                 FigureOptions{FigureFormat::Png, 96});
}

TEST_CASE("a forecaster's windows show their values and their target in the Samples table",
          "[error_views]") {
    Session session;
    MainWindow window{session};
    window.resize(1400, 900);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    window.openDemo(QStringLiteral("sunspots-held-out"));
    REQUIRE(waitUntil([&] { return session.model() && allPredicted(session); }, 120000));
    auto* samples = qobject_cast<SampleViewPanel*>(window.panel(QStringLiteral("samples")));
    REQUIRE(samples);
    const QAbstractItemModel* table = samples->table()->model();
    // Text: the window's first values and its last; Reference: its one target.
    const DataSample first = session.dataset()->sample(0);
    const QString text = table->data(table->index(0, 1)).toString();
    CHECK(text.startsWith(QString::number(double(first.features(0, 0)), 'g', 6) +
                          QStringLiteral("; ")));
    CHECK(text.endsWith(QStringLiteral("(48 steps)")));
    CHECK(table->data(table->index(0, 2)).toString() == first.featureTargets.value(0));
    // The sample's steps are its values, as a typed input's are.
    CHECK(session.currentResult()->input.tokens.value(0) ==
          QString::number(double(first.features(0, 0)), 'g', 6));
    // The Error Browser's table names a window the same way: its values, and its true value as
    // the label (they were empty), in the cells and in what sorting and search read.
    auto* errors = qobject_cast<ErrorBrowserPanel*>(window.panel(QStringLiteral("error-browser")));
    REQUIRE(errors);
    const QAbstractItemModel* errorTable = nullptr;
    for (QTableView* view : errors->findChildren<QTableView*>())
        if (qobject_cast<const ErrorTableModel*>(view->model())) errorTable = view->model();
    REQUIRE(errorTable);
    REQUIRE(errorTable->rowCount() > 0);
    const qint64 sample =
        errorTable->data(errorTable->index(0, int(ErrorColumn::Id))).toLongLong() - 1;
    const DataSample shown = session.dataset()->sample(sample);
    const QString errorText =
        errorTable->data(errorTable->index(0, int(ErrorColumn::Text))).toString();
    CHECK(errorText.startsWith(QString::number(double(shown.features(0, 0)), 'g', 6)));
    CHECK(errorText.endsWith(QStringLiteral("(48 steps)")));
    CHECK(errorTable->data(errorTable->index(0, int(ErrorColumn::Label))).toString() ==
          shown.featureTargets.value(0));
    CHECK(ErrorTableModel::cellText(*session.dataset(), sample, ErrorColumn::Text) == errorText);
    CHECK(ErrorTableModel::cellText(*session.dataset(), sample, ErrorColumn::Label) ==
          shown.featureTargets.value(0));
}
