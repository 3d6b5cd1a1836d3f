#include "app/render/RenderCausal.h"

#include "core/Errors.h"
#include "core/causal/InterventionSpec.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "widgets/ablation/AblationBreakdownPlot.h"
#include "widgets/ablation/AblationPanel.h"
#include "widgets/ablation/AblationPlot.h"
#include "widgets/checkpoints/CheckpointsPanel.h"
#include "widgets/compare/ComparePanel.h"
#include "widgets/errorbrowser/ErrorBrowserPanel.h"
#include "widgets/errorbrowser/ErrorComparisonFigure.h"
#include "widgets/errorbrowser/ErrorComparisonView.h"
#include "widgets/patching/PatchingMapView.h"
#include "widgets/patching/PatchingPanel.h"

namespace rnnscope {

namespace {

// Both models' predictions over the whole dataset are in.
bool predictionsDone(const Session& session) {
    const auto& a = session.predictions();
    const auto& b = session.comparison().modelB().predictions();
    return !a.empty() && a.back().done && !b.empty() && b.back().done;
}

}  // namespace

void addCausalRenderOptions(QCommandLineParser& parser) {
    auto add = [&](const char* name, const char* help, const char* value) {
        parser.addOption(QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(help),
                                            QString::fromLatin1(value)));
    };
    add("track",
        "ablation: the state whose units are ablated (a track name, such as "
        "lstm_l0_fwd_cell; default the first cell state, else hidden state). units: the state "
        "drawn (default the panel's first).",
        "TRACK");
    add("ablate-mode", "ablation: zero or mean (default zero).", "MODE");
    add("signal",
        "ablation: plot each unit's effect against its r with this signal (depth, "
        "position, quote, token:X, label:X, annotation:NAME); default none: bars.",
        "NAME");
    add("breakdown",
        "ablation: these units (such as 45 or 3,7,10-12) ablated together, and under the plot "
        "the accuracy with and without them in groups of samples by the --signal's largest "
        "value in each (the deepest nesting with depth; by length without a signal).",
        "UNITS");
    add("clean", "patching: the clean input, as text.", "TEXT");
    add("corrupt", "patching: the corrupted input, as text.", "TEXT");
    add("clean-sample", "patching: the clean input, a --data sample numbered from 1.", "N");
    add("corrupt-sample", "patching: the corrupted input, a --data sample numbered from 1.", "N");
    add("align", "patching: line steps up from the start or the end (default start).", "WHERE");
    add("model-b",
        "compare, similarity: the model compared with --model over --data (reads the same "
        "input).",
        "B.pt");
    add("checkpoints",
        "checkpoints: a folder of one training run's checkpoints (*.pt, ordered by the number "
        "in each name), in place of --model.",
        "DIR");
}

QString readCausalRenderOptions(const QCommandLineParser& parser, const QString& view,
                                CausalRenderOptions& o) {
    const bool ablation = view == QLatin1String("ablation");
    const bool patching = view == QLatin1String("patching");
    if (parser.isSet(QStringLiteral("track")) && !ablation && view != QLatin1String("units"))
        return QStringLiteral("--track is for --view ablation or units");
    const bool checkpoints = view == QLatin1String("checkpoints");
    if (parser.isSet(QStringLiteral("signal")) && !ablation && !checkpoints)
        return QStringLiteral("--signal is for --view ablation or checkpoints");
    for (const char* name : {"ablate-mode", "breakdown"})
        if (parser.isSet(QString::fromLatin1(name)) && !ablation)
            return QStringLiteral("--%1 is for --view ablation").arg(QString::fromLatin1(name));
    if (parser.isSet(QStringLiteral("checkpoints")) != checkpoints)
        return checkpoints ? QStringLiteral(
                                 "--view checkpoints needs --checkpoints DIR: the "
                                 "folder of the training run's checkpoints")
                           : QStringLiteral("--checkpoints is for --view checkpoints");
    o.checkpoints = parser.value(QStringLiteral("checkpoints"));
    for (const char* name : {"clean", "corrupt", "clean-sample", "corrupt-sample", "align"})
        if (parser.isSet(QString::fromLatin1(name)) && !patching)
            return QStringLiteral("--%1 is for --view patching").arg(QString::fromLatin1(name));
    const bool twoModels = view == QLatin1String("similarity") || view == QLatin1String("compare");
    if (parser.isSet(QStringLiteral("model-b")) != twoModels)
        return twoModels ? QStringLiteral(
                               "--view %1 needs --model-b B.pt: the model "
                               "compared with --model")
                               .arg(view)
                         : QStringLiteral("--model-b is for --view compare or similarity");
    o.modelB = parser.value(QStringLiteral("model-b"));
    o.track = parser.value(QStringLiteral("track"));
    const QString mode = parser.value(QStringLiteral("ablate-mode"));
    if (!mode.isEmpty() && mode != QLatin1String("zero") && mode != QLatin1String("mean"))
        return QStringLiteral("--ablate-mode must be zero or mean, not '%1'").arg(mode);
    o.mean = mode == QLatin1String("mean");
    o.signal = parser.value(QStringLiteral("signal"));
    // Null when not given; set but empty is a mistake prepareCausalView names.
    if (parser.isSet(QStringLiteral("breakdown")))
        o.breakdown = parser.value(QStringLiteral("breakdown")).isNull()
                          ? QStringLiteral("")
                          : parser.value(QStringLiteral("breakdown"));
    if (!patching) return {};
    for (const char* side : {"clean", "corrupt"}) {
        const QString name = QString::fromLatin1(side);
        const bool text = parser.isSet(name),
                   sample = parser.isSet(name + QStringLiteral("-sample"));
        if (text == sample)
            return QStringLiteral("--view patching needs one of --%1 TEXT or --%1-sample N")
                .arg(name);
        if (sample) {
            bool ok = false;
            const qint64 n = parser.value(name + QStringLiteral("-sample")).toLongLong(&ok);
            if (!ok || n < 1)
                return QStringLiteral("--%1-sample must be a sample number from 1").arg(name);
            (name == QLatin1String("clean") ? o.cleanSample : o.corruptSample) = n;
        }
    }
    o.clean = parser.value(QStringLiteral("clean"));
    o.corrupt = parser.value(QStringLiteral("corrupt"));
    const QString align = parser.value(QStringLiteral("align"));
    if (!align.isEmpty() && align != QLatin1String("start") && align != QLatin1String("end"))
        return QStringLiteral("--align must be start or end, not '%1'").arg(align);
    o.fromEnd = align == QLatin1String("end");
    return {};
}

QString prepareCausalView(const QString& view, Panel* panel, Session& session,
                          const CausalRenderOptions& o,
                          const std::function<bool(const std::function<bool()>&)>& waitFor) {
    if (!session.model()) return QStringLiteral("--view %1 needs a model").arg(view);
    if (view == QLatin1String("checkpoints")) {
        if (!session.dataset())
            return QStringLiteral("--view checkpoints needs --data: the checkpoints run over it");
        auto* checkpoints = static_cast<CheckpointsPanel*>(panel);
        if (!checkpoints->setSignal(o.signal.isEmpty() ? QStringLiteral("none") : o.signal))
            return QStringLiteral(
                       "--signal: \"%1\" is not a signal; use depth, position, quote, "
                       "token:X, label:X or annotation:NAME")
                .arg(o.signal);
        const QString problem = checkpoints->computeCurves();
        if (!problem.isEmpty()) return problem;
        if (!waitFor([&] {
                return session.checkpoints().curves() != nullptr ||
                       !session.checkpoints().curvesError().isEmpty();
            }))
            return QStringLiteral("the curves did not finish");
        if (!session.checkpoints().curvesError().isEmpty())
            return session.checkpoints().curvesError();
        checkpoints->refreshNow();
        return {};
    }
    if (view == QLatin1String("compare")) {
        if (!session.dataset())
            return QStringLiteral(
                "--view compare needs --data: the models' errors are compared over a dataset");
        session.comparison().openModel(o.modelB);
        if (!waitFor([&] { return session.comparison().isOpen(); }))
            return QStringLiteral("%1 did not open").arg(o.modelB);
        if (!waitFor([&] { return predictionsDone(session); }))
            return QStringLiteral("the predictions did not finish");
        // The panel builds both tables on a short timer after the last batch.
        auto* errors = static_cast<ErrorBrowserPanel*>(panel);
        errors->showComparison();
        const qint64 n = session.dataset()->size();
        if (!waitFor([&] {
                const auto table = errors->table();
                if (!table || table->size() != n || errors->isFiltering()) return false;
                for (qint64 s = 0; s < n; ++s)
                    if (!table->row(s).predicted) return false;
                return !session.comparison().predictionsCompared() ||
                       errors->comparisonView()->figure()->comparison().counts.compared ==
                           session.comparison().counts().compared;
            }))
            return QStringLiteral("the comparison did not finish");
        return {};
    }
    if (view == QLatin1String("similarity")) {
        if (!session.dataset())
            return QStringLiteral(
                "--view similarity needs --data: the models are compared "
                "over a dataset");
        session.comparison().openModel(o.modelB);
        if (!waitFor([&] { return session.comparison().isOpen(); }))
            return QStringLiteral("%1 did not open").arg(o.modelB);
        auto* compare = static_cast<ComparePanel*>(panel);
        const QString problem = compare->computeSimilarity();
        if (!problem.isEmpty()) return problem;
        if (!waitFor([&] {
                return session.comparison().similarity() != nullptr ||
                       !session.comparison().similarityError().isEmpty();
            }))
            return QStringLiteral("the comparison did not finish");
        if (!session.comparison().similarityError().isEmpty())
            return session.comparison().similarityError();
        // Both models' predictions, for the agreement line under the matrix.
        if (!waitFor([&] { return predictionsDone(session); }))
            return QStringLiteral("the predictions did not finish");
        compare->refreshNow();
        return {};
    }
    if (view == QLatin1String("ablation")) {
        auto* ablation = static_cast<AblationPanel*>(panel);
        if (!session.dataset())
            return QStringLiteral("--view ablation needs --data: the sweep is over a dataset");
        if (!o.track.isEmpty() && !ablation->setTrack(o.track))
            return QStringLiteral("--track: the model has no track \"%1\"; it has: %2")
                .arg(o.track, interventionTrackNames(session.model()->recurrentLayers())
                                  .join(QStringLiteral(", ")));
        ablation->setMean(o.mean);
        if (!ablation->setSignal(o.signal.isEmpty() ? QStringLiteral("none") : o.signal))
            return QStringLiteral(
                       "--signal: \"%1\" is not a signal; use depth, position, quote, "
                       "token:X, label:X or annotation:NAME")
                .arg(o.signal);
        // The breakdown's units are checked against the state before the long sweep.
        std::vector<int> units;
        if (!o.breakdown.isNull()) {
            if (o.breakdown.trimmed().isEmpty())
                return QStringLiteral("--breakdown needs units, such as 45 or 3,7,10-12");
            try {  // read as the units of an intervention on the sweep's state
                units = parseInterventionSpec(
                            QStringLiteral("%1[%2]=0").arg(ablation->track(), o.breakdown),
                            session.model()->recurrentLayers())
                            .units;
            } catch (const UserError& e) {
                const QString why = e.message();
                const int colon = why.indexOf(QStringLiteral("\": "));
                return QStringLiteral("--breakdown: ") + (colon >= 0 ? why.mid(colon + 3) : why);
            }
        }
        const QString problem = ablation->run();
        if (!problem.isEmpty()) return problem;
        const AblationAnalysis& a = session.ablation();
        // Ended, and the panel has drawn every unit (it redraws on a short timer).
        if (!waitFor([&] {
                return !a.isRunning() &&
                       (!a.error().isEmpty() ||
                        (a.complete() && ablation->plot()->pointCount() == a.units().size()));
            }))
            return QStringLiteral("the sweep did not end");
        if (!a.error().isEmpty() || units.empty()) return a.error();
        const QString why = ablation->showBreakdown(units);
        if (!why.isEmpty()) return why;
        if (!waitFor([&] {
                return (a.breakdown() && ablation->breakdownPlot()->breakdown() == a.breakdown()) ||
                       !a.breakdownError().isEmpty();
            }))
            return QStringLiteral("the breakdown did not end");
        return a.breakdownError();
    }
    auto* patching = static_cast<PatchingPanel*>(panel);
    for (qint64 n : {o.cleanSample, o.corruptSample})
        if (n > 0 && (!session.dataset() || n > session.dataset()->size()))
            return session.dataset() ? QStringLiteral("sample %1: the dataset has samples 1 to %2")
                                           .arg(n)
                                           .arg(session.dataset()->size())
                                     : QStringLiteral(
                                           "--clean-sample and --corrupt-sample need "
                                           "--data");
    patching->setInputs(o.cleanSample - 1, o.clean, o.corruptSample - 1, o.corrupt, o.fromEnd);
    const QString problem = patching->run();
    if (!problem.isEmpty()) return problem;
    const PatchingAnalysis& p = session.patching();
    if (!waitFor([&] {
            return !p.isRunning() && (!p.error().isEmpty() ||
                                      (p.result() && patching->map()->result() == p.result()));
        }))
        return QStringLiteral("the map did not end");
    return p.error();
}

}  // namespace rnnscope
