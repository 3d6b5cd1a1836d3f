#include "app/render/RenderCommand.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QPushButton>
#include <QRegularExpression>
#include <QWindow>
#include <algorithm>
#include <cstdio>

#include "app/cli/CliCommand.h"
#include "app/cli/CliDataset.h"
#include "app/gui/MainWindow.h"
#include "app/gui/SessionDocument.h"
#include "app/render/RenderAttribution.h"
#include "app/render/RenderBeam.h"
#include "app/render/RenderCausal.h"
#include "core/Errors.h"
#include "core/causal/InterventionSpec.h"
#include "core/errors/ErrorTable.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "core/session/SessionFile.h"
#include "core/store/ActivationStore.h"
#include "core/store/StoreFile.h"
#include "widgets/PanelTable.h"
#include "widgets/attention/AttentionPanel.h"
#include "widgets/common/FigureExport.h"
#include "widgets/common/TokenStrip.h"
#include "widgets/errorbrowser/ErrorBrowserPanel.h"
#include "widgets/errorbrowser/ErrorMetricsView.h"
#include "widgets/featurescatter/FeatureScatterPanel.h"
#include "widgets/forecast/ForecastPanel.h"
#include "widgets/forecast/ForecastPlot.h"
#include "widgets/hiddenunits/HiddenUnitsPanel.h"
#include "widgets/hiddenunits/HiddenUnitsSaturationView.h"
#include "widgets/hiddenunits/HiddenUnitsTimeView.h"
#include "widgets/samples/SampleViewPanel.h"
#include "widgets/statespace/StateSpacePanel.h"

namespace rnnscope {

namespace {

bool waitFor(const std::function<bool()>& done, const QString& lastError, int timeoutMs) {
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (!lastError.isEmpty() || timer.elapsed() > timeoutMs) return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    }
    // Let queued redraws land before the figure is taken.
    for (int i = 0; i < 5; ++i) QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    return true;
}

}  // namespace

int runRenderCommand(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Writes one panel's figure (PNG at --dpi, SVG or PDF by the --out suffix) for a model, a "
        "dataset and a sample, as File → Export Figure does; for --view attention, a .csv --out "
        "writes the attention matrix instead. Samples are numbered from 1, as in the window. "
        "Needs a display: under a server, run it with xvfb-run.\n\n"
        "Views (panel: figure):\n"
        "  sample       Samples and Tokens: the sample's tokens with the model's prediction\n"
        "  attention    Attention: the heatmap of the current sample\n"
        "  state-space  3D State Space: the projected states with the sample's path\n"
        "  units        Hidden Units: the selected units over time\n"
        "  saturation   Hidden Units: gate saturation over the dataset\n"
        "  features     Feature Scatter: embeddings, token states or co-clusters\n"
        "  errors       Error Browser: confusion matrix with precision, recall and F1\n"
        "               (classification), or exact match, token accuracy and where the first\n"
        "               wrong token falls (seq2seq), over the whole dataset\n"
        "  attribution  Error Browser: per-token attribution of the sample's prediction\n"
        "  intervention Interventions: the prediction before and after the --set interventions\n"
        "  ablation     Ablation: every unit of --track ablated over --data, its effect against\n"
        "               its r with --signal (or ranked as bars)\n"
        "  patching     Patching: the layers x steps map of --clean patched into --corrupt\n"
        "  compare      Error Browser, A vs B: the confusion matrices of --model and --model-b\n"
        "               over --data, their difference and McNemar's test\n"
        "  similarity   Compare Models: linear CKA of every state of --model against every\n"
        "               state of --model-b over --data, with where each is right\n"
        "  checkpoints  Checkpoints: accuracy, loss, the best unit's |r| with --signal and CKA\n"
        "               to the final checkpoint over the --checkpoints folder's training run\n"
        "  beam         Beam Tree: a seq2seq model's beam search of the sample, every hypothesis\n"
        "               kept, with --beam-width, --alpha, --max-length and --prefix"));
    parser.addHelpOption();
    auto option = [&](const char* name, const char* help, const char* value,
                      const char* fallback = nullptr) {
        QCommandLineOption o(QString::fromLatin1(name), QString::fromLatin1(help),
                             QString::fromLatin1(value));
        if (fallback) o.setDefaultValue(QString::fromLatin1(fallback));
        parser.addOption(o);
        return o;
    };
    const auto modelOption = option("model", "Model (.pt).", "M.pt");
    const auto dataOption = option("data", "Dataset (needed by state-space).", "D");
    const auto viewOption =
        option("view",
               "sample, attention, state-space, units, saturation, features, errors, "
               "attribution, intervention, ablation, patching, compare, similarity, checkpoints or "
               "beam "
               "(see "
               "above).",
               "VIEW");
    const auto outOption = option(
        "out", "Figure to write: .png, .svg or .pdf (attention: also .csv, the matrix).", "FILE");
    const auto sampleOption =
        option("sample", "Dataset sample to show, numbered from 1 as in the window (default 1).",
               "N", "1");
    const auto inputOption = option("input", "Text to run instead of a dataset sample.", "TEXT");
    QCommandLineOption setOption(
        QStringLiteral("set"),
        QStringLiteral("An intervention, TRACK[UNITS]=VALUE as rnnscope-cli intervene takes it "
                       "(repeatable); every panel then draws the intervened run where it shows "
                       "one, the intervention view both runs."),
        QStringLiteral("SPEC"));
    parser.addOption(setOption);
    const auto interveneStepsOption = option(
        "intervene-steps", "Steps of the --set interventions, A-B from 1 (default: all).", "A-B");
    const auto editOption = option(
        "edit",
        "What if: TEXT, an edited copy of the sample, runs beside it; every panel draws both "
        "runs as the window does after What If (one sample).",
        "TEXT");
    const auto unitsOption = option(
        "units",
        "units: these units drawn in colour, the rest grey (such as 45 or 3,7,10-12; of --track "
        "when given).",
        "UNITS");
    const auto dpiOption = option("dpi", "PNG resolution (default 300).", "DPI", "300");
    const auto sizeOption = option(
        "size",
        "Panel size in screen pixels (default 1000x700); a figure whose content needs more room "
        "(every label of a long attention map, the metrics table) grows past it.",
        "WxH", "1000x700");
    const auto methodOption =
        option("method",
               "state-space: pca, tsne or umap (default pca); attribution: grad, ig or "
               "occlusion (default ig).",
               "M", "pca");
    const auto dimsOption = option("dims", "state-space: 2 or 3 (default 3).", "D", "3");
    const auto layerOption =
        option("layer", "state-space: track name or label (default the top hidden state).", "L");
    const auto attentionLayerOption = option(
        "attention-layer",
        "attention: \"attention\" or the <name> of an attention.<name> entry (default the first).",
        "NAME");
    const auto tokensOption = option(
        "tokens",
        "features: map the states of every occurrence of these tokens (space-separated; needs "
        "--data) instead of the vocabulary's embeddings.",
        "TOKENS");
    const auto coClustersOption = option(
        "coclusters",
        "features: unit-word co-clusters (K clusters) of the first hidden state instead of a "
        "map (needs --data).",
        "K");
    const auto minCountOption = option(
        "min-count", "features with --coclusters: words seen fewer times are left out (default 5).",
        "N", "5");
    const auto maxPointsOption = option(
        "max-points", "state-space: at most N points, whole samples (default 0: all).", "N", "0");
    const auto activationsOption = option(
        "activations",
        "Model-free, instead of --model and --data: an LSTMVis project (lstm.yml or its folder), "
        "an rnnscope store (.h5), or a .npy / HDF5 file of states with --token-file "
        "(docs/model-free.md). Views: sample, state-space, units, saturation.",
        "PATH");
    const auto tokenFileOption = option(
        "token-file", "With --activations on an array of states: its tokens, one sample per line.",
        "FILE");
    const auto sessionOption = option(
        "session",
        "A saved .rnnscope session instead of --model and --data: its model, dataset, current "
        "sample and selected units.",
        "S.rnnscope");
    const auto batchOption =
        option("batch",
               "Several samples, one file each: a list such as 1,4,10-19, or @FILE with one sample "
               "number per line (numbered from 1). --out names each file: {sample} in it is "
               "replaced by the sample number, otherwise -<sample> goes before the extension.",
               "LIST");
    addCausalRenderOptions(parser);
    addBeamRenderOptions(parser);
    addAttributionRenderOptions(parser);
    addSeriesOptions(parser);
    const int early = parseCliCommand(parser, arguments, "render", {&viewOption, &outOption});
    if (early >= 0) return early;
    auto usage = [&](const QString& message) { return cliUsageError(parser, "render", message); };
    DatasetOptions windowing;
    if (const QString error = readSeriesOptions(parser, windowing); !error.isEmpty())
        return usage(error);
    const bool checkpointRun = parser.isSet(QStringLiteral("checkpoints"));
    const int sources = int(parser.isSet(sessionOption)) + int(parser.isSet(modelOption)) +
                        int(parser.isSet(activationsOption)) + int(checkpointRun);
    if (sources != 1)
        return usage(
            QStringLiteral("give one of --model M.pt, --session S.rnnscope, "
                           "--activations PATH or (--view checkpoints) --checkpoints DIR"));
    if (parser.isSet(activationsOption) && parser.isSet(dataOption))
        return usage(QStringLiteral("--activations brings its own tokens; leave out --data"));
    if (parser.isSet(activationsOption) && parser.isSet(inputOption))
        return usage(QStringLiteral("--input needs a model to run; --activations has none"));
    if (parser.isSet(sessionOption) && parser.isSet(dataOption))
        return usage(QStringLiteral("--session brings its own dataset; leave out --data"));
    std::vector<qint64> batch;
    if (parser.isSet(batchOption)) {
        if (parser.isSet(inputOption) || parser.isSet(sampleOption))
            return usage(QStringLiteral("--batch takes the place of --sample and --input"));
        QString why;
        batch = parseSampleList(parser.value(batchOption), &why);
        if (batch.empty()) return usage(QStringLiteral("--batch: %1").arg(why));
    }

    const QString view = parser.value(viewOption);
    const QStringList views = renderViews();  // widgets/PanelTable.h
    if (!views.contains(view))
        return usage(QStringLiteral("--view must be one of %1, not '%2'")
                         .arg(views.join(QStringLiteral(", ")), view));
    CausalRenderOptions causal;
    const QString causalUsage = readCausalRenderOptions(parser, view, causal);
    if (!causalUsage.isEmpty()) return usage(causalUsage);
    BeamRenderOptions beamOptions;
    const QString beamUsage = readBeamRenderOptions(parser, view, beamOptions);
    if (!beamUsage.isEmpty()) return usage(beamUsage);
    AttributionRenderOptions attributionOptions;
    const QString attributionUsage = readAttributionRenderOptions(parser, view, attributionOptions);
    if (!attributionUsage.isEmpty()) return usage(attributionUsage);
    const bool causalView =
        view == QLatin1String("ablation") || view == QLatin1String("patching") ||
        view == QLatin1String("similarity") || view == QLatin1String("checkpoints") ||
        view == QLatin1String("compare");
    if (causalView && parser.isSet(batchOption))
        return usage(QStringLiteral("--batch is not for --view %1: it has one figure").arg(view));
    // The same font as File → Export Figure (Preferences); --dpi decides the resolution.
    FigureOptions figure = preferredFigureOptions();
    // The attention matrix as numbers: the same panel, its CSV export instead of its figure.
    const bool csv = parser.value(outOption).endsWith(QLatin1String(".csv"), Qt::CaseInsensitive);
    if (csv && view != QLatin1String("attention"))
        return usage(QStringLiteral("--out .csv is only for --view attention (the matrix)"));
    if (!csv && !figureFormatFromPath(parser.value(outOption), &figure.format))
        return usage(QStringLiteral("--out must end in .png, .svg or .pdf"));
    if (parser.isSet(attentionLayerOption) && view != QLatin1String("attention"))
        return usage(QStringLiteral("--attention-layer is only for --view attention"));
    bool ok = false;
    figure.dpi = parser.value(dpiOption).toInt(&ok);
    if (!ok || figure.dpi < 24 || figure.dpi > 2400)
        return usage(QStringLiteral("--dpi must be between 24 and 2400"));
    const QStringList size = parser.value(sizeOption).split(QLatin1Char('x'));
    const int width = size.value(0).toInt(), height = size.value(1).toInt();
    if (size.size() != 2 || width < 200 || height < 150)
        return usage(QStringLiteral("--size must be WxH, at least 200x150"));
    // A model-free session (saved after File → Open Activations) is read like --activations.
    QString sessionDataset;
    bool sessionModelFree = false;
    if (parser.isSet(sessionOption)) {
        try {
            const SessionFileContent content = readSessionFile(parser.value(sessionOption));
            sessionDataset = content.dataset;
            sessionModelFree = content.model.isEmpty() && !content.activations.isEmpty();
        } catch (const UserError& e) {
            std::fprintf(stderr, "rnnscope-cli render: %s\n", qPrintable(e.message()));
            return 1;
        }
    }
    if ((parser.isSet(activationsOption) || sessionModelFree) &&
        view != QLatin1String("state-space") && view != QLatin1String("units") &&
        view != QLatin1String("saturation") && view != QLatin1String("sample"))
        return usage(QStringLiteral("--view %1 needs the model; with %2 the views are "
                                    "sample, state-space, units and saturation")
                         .arg(view, sessionModelFree ? QStringLiteral("a model-free session")
                                                     : QStringLiteral("--activations")));
    if (view == QLatin1String("errors") && !parser.isSet(dataOption) &&
        !parser.isSet(sessionOption))
        return usage(QStringLiteral("--view errors needs --data: its metrics are over a dataset"));
    if (view == QLatin1String("forecast") && !parser.isSet(dataOption) &&
        !parser.isSet(sessionOption))
        return usage(QStringLiteral(
            "--view forecast needs --data: a CSV time series (with --window, --stride, "
            "--horizon as the model reads it)"));
    // Numbered from 1, as the window shows them.
    qint64 sampleNumber = 0;
    if (parser.isSet(sampleOption)) {
        sampleNumber = parser.value(sampleOption).toLongLong(&ok);
        if (!ok || sampleNumber < 0)
            return usage(QStringLiteral("--sample must be a sample number, such as 1"));
        if (sampleNumber == 0)
            return usage(
                QStringLiteral("--sample 0: samples are numbered from 1, as in the window"));
    }
    if (view == QLatin1String("state-space") && !parser.isSet(dataOption) &&
        !parser.isSet(sessionOption) && !parser.isSet(activationsOption))
        return usage(QStringLiteral("--view state-space needs --data: it projects a dataset"));
    if (parser.isSet(tokensOption) &&
        (view != QLatin1String("features") || !parser.isSet(dataOption)))
        return usage(QStringLiteral("--tokens is for --view features with --data"));
    const int coClusters = parser.value(coClustersOption).toInt();
    if (parser.isSet(coClustersOption) &&
        (view != QLatin1String("features") || !parser.isSet(dataOption) || coClusters < 2 ||
         coClusters > 20 || parser.value(minCountOption).toInt() < 1))
        return usage(
            QStringLiteral("--coclusters K (2 to 20, with --min-count N >= 1) is for --view "
                           "features with --data"));
    ProjectionSpec spec;
    const QString method = parser.value(methodOption);
    spec.method = method == QLatin1String("tsne")   ? ProjectionMethod::Tsne
                  : method == QLatin1String("umap") ? ProjectionMethod::Umap
                                                    : ProjectionMethod::Pca;
    if (view != QLatin1String("attribution") && method != QLatin1String("pca") &&
        method != QLatin1String("tsne") && method != QLatin1String("umap"))
        return usage(QStringLiteral("--method must be pca, tsne or umap"));
    spec.dims = parser.value(dimsOption).toInt();
    if (spec.dims != 2 && spec.dims != 3) return usage(QStringLiteral("--dims must be 2 or 3"));
    spec.maxPoints = parser.value(maxPointsOption).toLongLong();

    auto fail = [](const QString& message) {
        std::fprintf(stderr, "rnnscope-cli render: %s\n", qPrintable(message));
        return 1;
    };
    Session session;
    MainWindow window(session);  // it applies the user's Preferences to the session
    // A window that only renders asks nothing and leaves no recovery copy behind.
    window.document().setInteractive(false);
    QString lastError;
    QObject::connect(&session, &Session::errorOccurred,
                     [&](const QString& title, const QString& message) {
                         lastError = title + QStringLiteral(": ") + message;
                     });
    const QString panelId = panelForView(view)->id;
    Panel* panel = window.panel(panelId);
    QDockWidget* dock = window.dock(panelId);
    window.show();
    // The panel alone, at the asked size: a floating dock.
    dock->setFloating(true);
    dock->resize(width, height);
    dock->show();
    dock->raise();
    if (!waitFor([&] { return dock->windowHandle() && dock->windowHandle()->isExposed(); },
                 lastError, 10000))
        return fail(QStringLiteral("no display to draw on"));
    if (view == QLatin1String("saturation"))
        static_cast<HiddenUnitsPanel*>(panel)->showTab(HiddenUnitsPanel::Saturation);
    // The Error Browser's figure is the tab shown (set again before each figure: a session's
    // own choice of tab is restored once it opens).
    auto showErrorBrowserTab = [&]() {
        if (view == QLatin1String("attribution"))
            static_cast<ErrorBrowserPanel*>(panel)->showAttribution();
        else if (view == QLatin1String("errors"))
            static_cast<ErrorBrowserPanel*>(panel)->showMetrics();
        else if (view == QLatin1String("compare"))
            static_cast<ErrorBrowserPanel*>(panel)->showComparison();
    };
    showErrorBrowserTab();

    const bool fromSession = parser.isSet(sessionOption);
    // What a session file could not give (cut short, newer version) is a warning, not a stop.
    QObject::connect(&session, &Session::noticeOccurred, [](const QString& message) {
        std::fprintf(stderr, "rnnscope-cli render: warning: %s\n", qPrintable(message));
    });
    const bool modelFree = parser.isSet(activationsOption);
    if (!fromSession) session.setDatasetWindowing(windowing);
    if (modelFree)
        session.openActivations(parser.value(activationsOption), parser.value(tokenFileOption));
    else if (fromSession)
        session.openSession(parser.value(sessionOption));
    else if (checkpointRun && parser.isSet(dataOption)) {  // the last checkpoint is the model
        session.openDataset(parser.value(dataOption));
        session.checkpoints().open(parser.value(QStringLiteral("checkpoints")));
    } else if (checkpointRun)
        return usage(
            QStringLiteral("--view checkpoints needs --data: the checkpoints run over it"));
    else if (parser.isSet(dataOption))
        session.openModelAndDataset(parser.value(modelOption), parser.value(dataOption));
    else
        session.openModel(parser.value(modelOption));
    if (!waitFor([&] { return session.model() != nullptr || session.modelFree(); }, lastError,
                 120000))
        return fail(lastError.isEmpty() ? QStringLiteral("the model did not open") : lastError);
    if (parser.isSet(setOption)) {
        if (!session.model()) return fail(QStringLiteral("--set needs a model"));
        Interventions list;
        try {
            for (const QString& spec : parser.values(setOption)) {
                Intervention i = parseInterventionSpec(spec, session.model()->recurrentLayers());
                if (parser.isSet(interveneStepsOption))
                    parseInterventionSteps(parser.value(interveneStepsOption), i);
                list.push_back(i);
            }
        } catch (const UserError& e) {
            return fail(e.message());
        }
        const QString problem = session.interventions().setInterventions(list);
        if (!problem.isEmpty()) return fail(problem);
    }
    if (parser.isSet(editOption) && !session.model())
        return fail(QStringLiteral("--edit needs a model: the edited text is run by it"));
    if (parser.isSet(editOption) && parser.isSet(setOption))
        return fail(QStringLiteral(
            "--edit and --set: a figure compares the sample with one other run, the edited "
            "input or the interventions; give one of them"));
    if (parser.isSet(editOption) &&
        !QStringList{QStringLiteral("sample"), QStringLiteral("attention"),
                     QStringLiteral("state-space"), QStringLiteral("units"),
                     QStringLiteral("attribution")}
             .contains(view))
        return fail(QStringLiteral("--edit shows in the sample, attention, state-space, units and "
                                   "attribution views, not in %1")
                        .arg(view));
    const bool hasData =
        parser.isSet(dataOption) || !sessionDataset.isEmpty() || modelFree || sessionModelFree;
    if (hasData && !waitFor([&] { return session.dataset() != nullptr; }, lastError, 120000))
        return fail(lastError.isEmpty() ? QStringLiteral("the dataset did not open") : lastError);
    if (causalView) {  // a figure of its own inputs, not of the current sample
        const QString problem = prepareCausalView(
            view, panel, session, causal,
            [&](const std::function<bool()>& done) { return waitFor(done, lastError, 3600000); });
        if (!problem.isEmpty()) return fail(lastError.isEmpty() ? problem : lastError);
        try {
            exportFigure(*panel, parser.value(outOption), figure);
        } catch (const UserError& e) {
            return fail(e.message());
        }
        std::printf("%s: %s\n", qPrintable(parser.value(outOption)), qPrintable(view));
        return 0;
    }
    // The result shown before this command asks for its own input: the dataset's first sample
    // may already have run when --sample or --input changes it, and its result stays current
    // until the new one arrives. Held, not just its address, so a new result cannot reuse it.
    const std::shared_ptr<const SampleResult> shownBefore = session.currentResult();
    bool asked = false;
    if (batch.empty()) {
        if (parser.isSet(inputOption)) {
            asked = true;
            session.setCustomInput(parser.value(inputOption));
        } else if (parser.isSet(sampleOption) || (!fromSession && hasData)) {
            if (!hasData) return usage(QStringLiteral("--sample needs --data"));
            batch.push_back(parser.isSet(sampleOption) ? sampleNumber : 1);
        } else if (!fromSession) {
            return usage(QStringLiteral("give --data (and --sample) or --input"));
        }
    } else if (!hasData) {
        return usage(QStringLiteral("--batch needs --data (or a session with a dataset)"));
    }
    // From here on `batch` holds the numbers the user gave (from 1); the Session counts from 0.
    for (qint64 sample : batch)
        if (sample < 1 || sample > session.dataset()->size())
            return fail(QStringLiteral("sample %1: the dataset has samples 1 to %2")
                            .arg(sample)
                            .arg(session.dataset()->size()));
    if (!batch.empty()) {
        asked = true;
        session.setCurrentSample(batch.front() - 1);
    }
    // A session restores its sample (or typed text) once its model and dataset are open. A
    // figure of the sample asked for waits for that sample's result, not the one before it
    // (which drew sample 1 under the title "Sample 3" in some runs).
    if (!waitFor(
            [&] {
                const auto result = session.currentResult();
                return result && (!asked || result != shownBefore);
            },
            lastError, 300000))
        return fail(lastError.isEmpty() ? QStringLiteral("the model gave no result") : lastError);

    if (view == QLatin1String("state-space")) {
        // Projected once; each sample of a batch then only moves the current path.
        auto* space = static_cast<StateSpacePanel*>(panel);
        if (!session.store()) session.captureDataset();
        if (!waitFor([&] { return session.store() != nullptr; }, lastError, 3600000))
            return fail(lastError);
        spec.track = parser.value(layerOption);
        if (spec.track.isEmpty()) {
            spec.track = space->spec().track;
        } else {
            QString why;
            spec.track =
                findProjectedTrack(*session.store(), spec.track, QStringLiteral("hidden"), &why);
            if (spec.track.isEmpty()) return fail(QStringLiteral("--layer: %1").arg(why));
        }
        space->setSpec(spec);
        if (!waitFor(
                [&] {
                    const auto p = session.stateProjection();
                    return p && p->spec.key() == spec.key() && p->finished &&
                           space->pointCount() > 0;
                },
                lastError, 3600000))
            return fail(lastError);
    }
    if (view == QLatin1String("features")) {
        auto* features = static_cast<FeatureScatterPanel*>(panel);
        features->setLayoutMethod(spec.method);
        // With a dataset the map shows how often each token occurs: that needs its states.
        if (hasData) {
            if (!session.store()) session.captureDataset();
            if (!waitFor([&] { return session.store() != nullptr; }, lastError, 3600000))
                return fail(lastError);
        }
        if (parser.isSet(tokensOption)) {
            features->setMode(FeatureScatterPanel::Mode::TokenStates);
            features->setTokens(parser.value(tokensOption));
        } else if (coClusters > 0) {
            features->setCoClusterOptions(coClusters, parser.value(minCountOption).toInt());
            features->setMode(FeatureScatterPanel::Mode::CoClusters);
        }
        if (!waitFor(
                [&] {
                    if (!features->failure().isEmpty()) return true;
                    if (parser.isSet(tokensOption)) return features->tokenStateMap() != nullptr;
                    if (coClusters > 0) return features->coClusters() != nullptr;
                    const auto m = features->embeddingMap();
                    return m && (!session.store() || !m->embeddings.counts.empty());
                },
                lastError, 3600000))
            return fail(lastError);
        if (!features->failure().isEmpty()) return fail(features->failure());
    }

    // --track and --units of the units view: the state drawn and the units in colour, read as an
    // intervention's track and units are (the same names and ranges, the same messages).
    auto chooseUnits = [&](HiddenUnitsPanel* units) -> bool {
        if (!parser.isSet(unitsOption) && causal.track.isEmpty()) return true;
        if (!session.model()) {
            lastError = QStringLiteral("--track and --units need a model's track names");
            return false;
        }
        const TrackId shown = units->currentTrack();
        const QString track = causal.track.isEmpty() ? store::trackName(shown.module, shown.layer,
                                                                        shown.direction, shown.kind)
                                                     : causal.track;
        const QString list =
            parser.isSet(unitsOption) ? parser.value(unitsOption) : QStringLiteral("0");
        Intervention chosen;
        try {
            chosen = parseInterventionSpec(QStringLiteral("%1[%2]=0").arg(track, list),
                                           session.model()->recurrentLayers());
        } catch (const UserError& e) {
            const QString why = e.message();
            const int colon = why.indexOf(QStringLiteral("\": "));
            const QString problem = colon >= 0 ? why.mid(colon + 3) : why;
            lastError =
                (problem.contains(QStringLiteral("no track")) ? QStringLiteral("--track: ")
                                                              : QStringLiteral("--units: ")) +
                problem;
            return false;
        }
        const TrackId id{chosen.module, chosen.layer, chosen.direction, chosen.kind};
        if (!units->selectTrack(id)) {
            lastError = QStringLiteral("--track %1: the sample has no such state").arg(track);
            return false;
        }
        if (!parser.isSet(unitsOption)) return true;
        QVector<UnitRef> refs;
        for (int u : chosen.units) refs.push_back({id.module, id.layer, id.direction, id.kind, u});
        session.selection().setSelectedUnits(refs);
        return waitFor(
            [&] { return qsizetype(units->timeView()->selectedUnits().size()) == refs.size(); },
            lastError, 30000);
    };

    // Shows `sample` (a 0-based index; < 0: what is current) and waits until the panel has
    // drawn it.
    auto show = [&](qint64 sample) -> bool {
        if (sample >= 0 && sample != session.currentSample()) {
            const std::shared_ptr<const SampleResult> before = session.currentResult();
            session.setCurrentSample(sample);
            if (!waitFor(
                    [&] {
                        const auto result = session.currentResult();
                        return result && result != before;
                    },
                    lastError, 300000))
                return false;
        }
        const QRegularExpression shown(
            QStringLiteral("sample %1(\\D|$)").arg(session.currentSample() + 1));
        // --edit: the edited copy of this sample, run beside it.
        if (parser.isSet(editOption) && !session.whatIf().isEditing()) {
            const QString problem = session.whatIf().setEditText(parser.value(editOption));
            if (!problem.isEmpty()) {
                lastError = QStringLiteral("--edit: ") + problem;
                return false;
            }
        }
        // With --set or --edit, every view waits for the compared run: the panels that draw it
        // beside the original (intervention, attention, units, sample) need it.
        auto compared = [&] { return session.comparedRun(); };
        if (!waitFor(
                [&] {
                    const ComparedRun c = compared();
                    return !c.active() || c.result || !c.error.isEmpty();
                },
                lastError, 300000))
            return false;
        if (!compared().error.isEmpty()) {
            lastError = compared().name + QStringLiteral(": ") + compared().error;
            return false;
        }
        if (view == QLatin1String("intervention")) return true;
        if (view == QLatin1String("beam")) {
            const QString problem = prepareBeamView(panel, session, beamOptions,
                                                    [&](const std::function<bool()>& done) {
                                                        return waitFor(done, lastError, 300000);
                                                    });
            if (!problem.isEmpty()) lastError = problem;
            return problem.isEmpty();
        }
        if (view == QLatin1String("state-space")) {
            auto* space = static_cast<StateSpacePanel*>(panel);
            const qint64 s = session.currentSample();
            return waitFor(
                [&] { return s < 0 || space->pointCount() == session.store()->length(s); },
                lastError, 60000);
        }
        if (view == QLatin1String("saturation")) {
            auto* units = static_cast<HiddenUnitsPanel*>(panel);
            SaturationPlot* plot = units->saturationView()->plot();
            QPushButton* compute = units->saturationView()->computeButton();
            // Saturation is one pass over the whole dataset, made once for every sample of a
            // batch, as Compute over Dataset does; without a dataset the plot says what it needs.
            if (plot->isEmpty() && plot->emptyReason().isEmpty() && compute->isEnabled() &&
                !units->isScanning())
                compute->click();
            return !session.dataset() ||
                   waitFor([&] { return !plot->isEmpty() || !plot->emptyReason().isEmpty(); },
                           lastError, 3600000);
        }
        if (view == QLatin1String("units")) {
            auto* units = static_cast<HiddenUnitsPanel*>(panel);
            if (!chooseUnits(units)) return false;
            return waitFor(
                [&] {
                    const TimeViewData& d = units->timeView()->data();
                    return (session.currentSample() < 0 || shown.match(d.subtitle).hasMatch()) &&
                           (!compared().result || d.intervened.size() > 0);
                },
                lastError, 60000);
        }
        if (view == QLatin1String("attention")) {
            auto* attention = static_cast<AttentionPanel*>(panel);
            // The panel refreshes on a short timer after the result arrives: wait for this
            // sample's map (or its one-line message when the model has no attention).
            return waitFor(
                [&] {
                    if (attention->isWaiting()) return false;
                    return !attention->message().isEmpty() ||
                           (!attention->figureData().isEmpty() &&
                            (session.currentSample() < 0 ||
                             shown.match(attention->figureData().title).hasMatch()) &&
                            (!compared().result || attention->figureData().difference));
                },
                lastError, 60000);
        }
        if (view == QLatin1String("sample")) {
            auto* samples = static_cast<SampleViewPanel*>(panel);
            // The strip shows this result's tokens and the line above it its prediction (or
            // what model-free mode has instead).
            return waitFor(
                [&] {
                    const auto result = session.currentResult();
                    return result && samples->inputStrip()->tokens() == result->input.tokens &&
                           !samples->predictionText().isEmpty() &&
                           !samples->predictionText().contains(QStringLiteral("Running")) &&
                           !samples->predictionText().contains(QStringLiteral("running…"));
                },
                lastError, 60000);
        }
        if (view == QLatin1String("forecast")) {
            // The forecast is over the whole series: every prediction, then the panel's
            // (coalesced) refresh after the last.
            auto* forecast = static_cast<ForecastPanel*>(panel);
            const qint64 samples = session.dataset() ? session.dataset()->size() : 0;
            const bool predicted = waitFor(
                [&] {
                    const auto& p = session.predictions();
                    return qint64(p.size()) == samples &&
                           std::all_of(p.begin(), p.end(), [](const auto& x) { return x.done; });
                },
                lastError, 3600000);
            if (!predicted) return false;
            forecast->refreshNow();
            if (!forecast->forecast()) lastError = forecast->plot()->message();
            return forecast->forecast() != nullptr;
        }
        if (view == QLatin1String("errors")) {
            // The metrics are over the whole dataset: every prediction first, then the table
            // the panel builds from them (on a short timer after the last batch).
            auto* errors = static_cast<ErrorBrowserPanel*>(panel);
            const qint64 samples = session.dataset() ? session.dataset()->size() : 0;
            return waitFor(
                [&] {
                    const auto& p = session.predictions();
                    if (qint64(p.size()) != samples ||
                        !std::all_of(p.begin(), p.end(), [](const auto& x) { return x.done; }))
                        return false;
                    const auto table = errors->table();
                    if (!table || table->size() != samples || errors->isFiltering()) return false;
                    for (qint64 s = 0; s < samples; ++s)
                        if (!table->row(s).predicted) return false;
                    return true;
                },
                lastError, 3600000);
        }
        if (view == QLatin1String("attribution")) {
            // What --method, --target and --position ask for, once the model's classes are
            // known; then this sample's scores, or the reason there are none (then it fails).
            AttributionSettings wanted;
            try {
                wanted = attributionRenderSettings(session, attributionOptions);
            } catch (const UserError& e) {
                lastError = e.message();
                return false;
            }
            session.setAttributionSettings(wanted);
            if (!waitFor(
                    [&] {
                        const auto a = session.currentAttribution();
                        const bool original =
                            !session.attributionError().isEmpty() ||
                            (a && a->tokens == session.currentResult()->input.tokens &&
                             a->settings == wanted);
                        // With --set or --edit, the compared run's attribution drawn under it.
                        const ComparedRun c = compared();
                        return original &&
                               (!c.active() || c.attribution || !c.attributionError.isEmpty());
                    },
                    lastError, 300000))
                return false;
            // No scores, no figure: a page holding only the reason is not what was asked for.
            if (!session.attributionError().isEmpty()) {
                lastError = session.attributionError();
                return false;
            }
        }
        return true;
    };

    auto render = [&](const QString& out) -> int {
        if (view == QLatin1String("attention")) {
            auto* attention = static_cast<AttentionPanel*>(panel);
            if (parser.isSet(attentionLayerOption) &&
                !attention->selectAttentionLayer(parser.value(attentionLayerOption)))
                return fail(
                    QStringLiteral("--attention-layer %1: the model's attention layers are %2")
                        .arg(parser.value(attentionLayerOption),
                             attention->attentionLayers().isEmpty()
                                 ? QStringLiteral("none")
                                 : attention->attentionLayers().join(QStringLiteral(", "))));
            if (!attention->notice().isEmpty())
                std::fprintf(stderr, "rnnscope-cli render: %s\n", qPrintable(attention->notice()));
            // No attention to draw: a figure of that sentence is not what was asked for.
            if (!attention->message().isEmpty()) return fail(attention->message());
        }
        showErrorBrowserTab();
        try {
            if (csv)
                static_cast<AttentionPanel*>(panel)->exportMatrixCsv(out);
            else
                exportFigure(*panel, out, figure);
        } catch (const UserError& e) {
            return fail(e.message());
        }
        if (view == QLatin1String("forecast"))  // the whole series, not one sample
            std::printf("%s: forecast of %s\n", qPrintable(out),
                        qPrintable(session.dataset()->displayName()));
        else if (view == QLatin1String("errors"))  // the whole dataset's metrics, not one sample's
            std::printf("%s: errors of %s (%lld samples)\n", qPrintable(out),
                        qPrintable(session.dataset() ? session.dataset()->displayName()
                                                     : QStringLiteral("the dataset")),
                        static_cast<long long>(session.dataset() ? session.dataset()->size() : 0));
        else
            std::printf("%s: %s of %s%s\n", qPrintable(out), qPrintable(view),
                        qPrintable(session.currentResult()->input.tokens.join(
                            // Words read as words: "no staged changes", not "nostagedchanges";
                            // a series' steps as values: "146.3; 106".
                            !session.model() ? QString()
                            : session.model()->meta().input.type == InputSpec::Type::Features
                                ? QStringLiteral("; ")
                            : session.model()->meta().input.tokenizer == QLatin1String("whitespace")
                                ? QStringLiteral(" ")
                                : QString())),
                        session.whatIf().isEditing()
                            ? qPrintable(QStringLiteral(", beside the edit \u201c%1\u201d")
                                             .arg(session.whatIf().editText()))
                            : "");
        return 0;
    };

    if (batch.size() > 1 && parser.isSet(editOption))
        return fail(QStringLiteral("--edit edits one sample: give one --sample, not --batch"));
    if (batch.size() <= 1) {
        if (!show(batch.empty() ? -1 : batch.front() - 1))
            return fail(lastError.isEmpty() ? QStringLiteral("the panel did not draw") : lastError);
        return render(parser.value(outOption));
    }
    for (qint64 sample : batch) {
        if (!show(sample - 1))
            return fail(lastError.isEmpty()
                            ? QStringLiteral("sample %1: the panel did not draw").arg(sample)
                            : lastError);
        const int code = render(batchFileName(parser.value(outOption), sample));
        if (code != 0) return code;
    }
    return 0;
}

}  // namespace rnnscope
