#include "app/cli/cli_project_model.h"

#include <QFile>
#include <QLocale>
#include <cstdio>

#include "app/cli/CliDataset.h"
#include "app/cli/CliProgress.h"
#include "core/AtomicFile.h"
#include "core/Errors.h"
#include "core/Predictions.h"
#include "core/analysis/statespace/ProjectorExport.h"
#include "core/data/Dataset.h"
#include "core/model/Model.h"
#include "core/projection/NpyFile.h"
#include "core/projection/Projection.h"
#include "core/projection/Quality.h"
#include "core/store/ActivationStore.h"

namespace rnnscope {

namespace {

// The first recurrent module's top layer, forward hidden state: what the panel shows first.
QString defaultTrack(const ActivationStore& store) {
    const StoredTrack* best = nullptr;
    for (const StoredTrack& t : store.tracks()) {
        if (t.kind != QLatin1String("hidden") || t.direction != 0) continue;
        if (!best || (t.module == best->module && t.layer > best->layer)) best = &t;
    }
    return best ? best->name : QString();
}

}  // namespace

void printLayoutQuality(const MatrixRM& states, const MatrixRM& layout, quint64 seed, bool cosine,
                        int threads) {
    const auto quality = projection::layoutQuality(
        states, layout, 10, 5000, seed,
        cosine ? projection::Metric::Cosine : projection::Metric::Euclidean, threads);
    std::printf(
        "quality (k = %d, %s sampled points): neighbour preservation %.4f, trustworthiness "
        "%.4f\n",
        quality.k, qPrintable(QLocale().toString(qlonglong(quality.sampled))),
        quality.neighbourPreservation, quality.trustworthiness);
}

int projectModelStates(const ModelProjectionRequest& request) {
    CliProgress progress("project");
    auto fail = [&](const QString& message) {
        progress.end();
        std::fprintf(stderr, "rnnscope-cli project: %s\n", qPrintable(message));
        return 1;
    };
    try {
        const auto model = Model::open(request.modelPath);
        const auto dataset = openCliDataset(
            "project", request.dataPath, datasetOptionsForModel(model->meta(), request.windowing));
        ExtractOptions options;
        options.threads = request.threads;
        const auto store = ActivationStore::extract(
            *model, *dataset, options, [&progress](qint64 done, qint64 total) {
                progress.update(
                    QStringLiteral("capturing %1 / %2 samples").arg(done).arg(total).toStdString(),
                    0.4 * double(done) / double(std::max<qint64>(1, total)), done == total);
            });
        ProjectionSpec spec = request.spec;
        QString why;
        spec.track = request.layer.isEmpty()
                         ? defaultTrack(*store)
                         : findProjectedTrack(*store, request.layer, request.kind, &why);
        if (spec.track.isEmpty())
            return fail(why.isEmpty() ? QStringLiteral("%1 captured no recurrent state to project")
                                            .arg(request.modelPath)
                                      : QStringLiteral("--layer: %1").arg(why));
        projection::Monitor monitor;
        monitor.progress = [&progress](double fraction, const std::string& stage) {
            progress.update(stage, 0.4 + 0.6 * fraction);
        };
        const auto projected = projectStates(*store, spec, monitor);
        progress.update("done", 1.0, true);
        progress.end();

        if (request.out.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive)) {
            writeProjectionCsv(request.out, *projected, *store);  // atomic itself
        } else {
            AtomicFile target(request.out);
            projection::writeNpy(target.temporaryPath().toStdString(), projected->coords);
            target.commit();
        }
        if (!request.projector.isEmpty())
            writeProjectorTsv(request.projector, *projected, *store, dataset.get());
        const QLocale locale;
        std::printf("%s: %s points (%s) by %s in %.1f s\n", qPrintable(request.out),
                    qPrintable(locale.toString(projected->pointCount())),
                    qPrintable(projected->spec.describe(projected->trackLabel)),
                    qPrintable(projected->spec.methodName()), progress.seconds());
        if (!projected->note.isEmpty()) std::printf("%s\n", qPrintable(projected->note));
        if (projected->explained.size() > 0) {
            QStringList shares;
            for (Eigen::Index c = 0; c < projected->explained.size(); ++c)
                shares << QString::number(projected->explained(c), 'f', 5);
            std::printf("explained variance ratio %s\n", qPrintable(shares.join(' ')));
        }
        if (request.quality)
            printLayoutQuality(store->trackRows(store->findTrack(spec.track), projected->rows),
                               projected->coords, spec.seed, false, request.threads);
        return 0;
    } catch (const UserError& e) {
        return fail(e.message());
    } catch (const std::exception& e) {
        return fail(QString::fromUtf8(e.what()));
    }
}

}  // namespace rnnscope
