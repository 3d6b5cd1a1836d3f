// `rnnscope-cli project --states X.npy --method pca|tsne|umap --dims 2|3 [--threads N]
// [--seed S] [--perplexity P] [--neighbours K] [--min-dist D] [--iterations N]
// [--metric euclidean|cosine] [--quality] --out Y.npy|Y.csv`: states that came from anywhere
// (numpy.save) through the same engine as the state-space view, with a progress line on stderr
// and a summary on stdout. With `--model M.pt --data D [--layer L] [--final] [--max-points N]`
// instead of --states, a model's own states over a dataset (app/cli/cli_project_model.cpp).

#include "app/cli/cli_project.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QLocale>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <optional>

#include "app/cli/CliCommand.h"
#include "app/cli/CliDataset.h"
#include "app/cli/CliProgress.h"
#include "app/cli/cli_project_model.h"
#include "core/AtomicFile.h"
#include "core/analysis/statespace/ProjectorExport.h"
#include "core/projection/NpyFile.h"
#include "core/projection/Pca.h"
#include "core/projection/Tsne.h"
#include "core/projection/Umap.h"

namespace rnnscope {

namespace {

namespace proj = projection;

using ProgressLine = CliProgress;

enum class Method { Pca, Tsne, Umap };

// Everything the command line asked for, checked.
struct ProjectRequest {
    Method method = Method::Pca;
    int dims = 2;
    int threads = 0;
    uint64_t seed = 42;
    proj::Metric metric = proj::Metric::Euclidean;
    std::optional<double> perplexity;  // t-SNE
    std::optional<int> neighbours;     // UMAP
    std::optional<double> minDist;     // UMAP
    std::optional<int> iterations;     // t-SNE iterations, UMAP epochs
    bool quality = false;
    QString out;
    QString projector;  // folder for TensorFlow Projector TSVs of the input, or empty
};

const char* methodName(Method method) {
    switch (method) {
        case Method::Pca:
            return "PCA";
        case Method::Tsne:
            return "t-SNE";
        case Method::Umap:
            return "UMAP";
    }
    return "";
}

// Where the states come from: a .npy file today. Issue #5 adds --model/--data/--layer (a
// model's states over a dataset): another branch here, the rest of the command unchanged.
struct StatesSource {
    QString npyPath;
    QString describe() const { return npyPath; }
    proj::Points load() const {
        proj::Points states = proj::readNpy(npyPath.toStdString());
        if (states.rows() == 0 || states.cols() == 0)
            throw proj::InputError(npyPath.toStdString() + ": holds no points (shape " +
                                   std::to_string(states.rows()) + " x " +
                                   std::to_string(states.cols()) + ")");
        return states;
    }
};

struct Projected {
    proj::Points layout;  // [n, dims]
    QString summary;      // method-specific line for stdout ("explained variance ...")
};

void setCommon(proj::CommonOptions& options, const ProjectRequest& request) {
    options.dims = request.dims;
    options.threads = request.threads;
    options.seed = request.seed;
    options.metric = request.metric;
}

// Set-up (neighbours, affinities, start) reports through the monitor; then a few iterations
// per step, so the progress line shows the iteration and the objective as it falls.
void runLayout(std::unique_ptr<proj::IterativeLayout> run, const char* name, const char* objective,
               ProgressLine& progress, Projected& result) {
    const int total = std::max(1, run->totalIterations());
    double last = std::numeric_limits<double>::quiet_NaN();
    while (!run->finished()) {
        if (run->step(10) == 0) break;
        if (std::isfinite(run->objective())) last = run->objective();
        const std::string stage =
            std::string(name) + ": iteration " + std::to_string(run->iteration()) + "/" +
            std::to_string(total) +
            (std::isfinite(last)
                 ? "  " + std::string(objective) + " " + QString::number(last, 'f', 3).toStdString()
                 : std::string());
        progress.update(stage, double(run->iteration()) / total);
    }
    result.layout = run->layout();
    if (std::isfinite(run->objective())) last = run->objective();
    if (std::isfinite(last))
        result.summary = QStringLiteral("%1 after %2 iterations: %3")
                             .arg(QLatin1String(objective))
                             .arg(run->iteration())
                             .arg(last, 0, 'f', 4);
}

Projected project(const proj::Points& states, const ProjectRequest& request,
                  ProgressLine& progress) {
    proj::Monitor monitor;
    monitor.progress = [&progress](double fraction, const std::string& stage) {
        progress.update(stage, fraction);
    };
    Projected result;
    switch (request.method) {
        case Method::Pca: {
            proj::PcaOptions options;
            options.components = request.dims;
            options.threads = request.threads;
            options.seed = request.seed;
            proj::PcaProjection fit = proj::fitTransform(states, options, monitor);
            result.layout = std::move(fit.points);
            QStringList ratios;
            for (Eigen::Index c = 0; c < fit.model.explainedVarianceRatio().size(); ++c)
                ratios << QString::number(fit.model.explainedVarianceRatio()(c), 'f', 5);
            result.summary = QStringLiteral("explained variance ratio %1 (sum %2, %3 solver)")
                                 .arg(ratios.join(QLatin1Char(' ')))
                                 .arg(fit.model.explainedVarianceRatio().sum(), 0, 'f', 5)
                                 .arg(fit.model.randomized() ? QStringLiteral("randomized")
                                                             : QStringLiteral("exact"));
            break;
        }
        case Method::Tsne: {
            proj::TsneOptions options;
            setCommon(options, request);
            if (request.perplexity) options.perplexity = *request.perplexity;
            if (request.iterations) options.iterations = *request.iterations;
            runLayout(proj::makeTsne(states, options, monitor), "t-SNE", "KL", progress, result);
            break;
        }
        case Method::Umap: {
            proj::UmapOptions options;
            setCommon(options, request);
            if (request.neighbours) options.neighbours = *request.neighbours;
            if (request.minDist) options.minDist = *request.minDist;
            if (request.iterations) options.epochs = *request.iterations;
            runLayout(proj::makeUmap(states, options, monitor), "UMAP", "cross-entropy", progress,
                      result);
            break;
        }
    }
    return result;
}

// One row per point, "x,y[,z]" header; shortest decimal that reads back as the same float.
void writeCsv(QIODevice& file, const QString& path, const proj::Points& layout) {
    const char* names[] = {"x", "y", "z"};
    QByteArray text;
    for (Eigen::Index c = 0; c < layout.cols(); ++c) {
        if (c > 0) text += ',';
        text += c < 3 ? QByteArray(names[c]) : "d" + QByteArray::number(qlonglong(c));
    }
    text += '\n';
    char buffer[32];
    for (Eigen::Index r = 0; r < layout.rows(); ++r) {
        for (Eigen::Index c = 0; c < layout.cols(); ++c) {
            if (c > 0) text += ',';
            const auto end = std::to_chars(buffer, buffer + sizeof buffer, layout(r, c)).ptr;
            text.append(buffer, int(end - buffer));
        }
        text += '\n';
        if (text.size() > (1 << 20)) {
            if (file.write(text) != text.size())
                throw std::runtime_error("could not write all of " + path.toStdString() + ": " +
                                         file.errorString().toStdString());
            text.clear();
        }
    }
    if (file.write(text) != text.size())
        throw std::runtime_error("could not write all of " + path.toStdString() + ": " +
                                 file.errorString().toStdString());
}

// Writes beside the target and renames (core/AtomicFile.h), so a failed run leaves the
// previous file, never a partial one.
void writeLayout(const QString& path, const proj::Points& layout) {
    AtomicFile target(path);
    if (path.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive))
        writeCsv(target.device(), path, layout);
    else
        proj::writeNpy(target.temporaryPath().toStdString(), layout);
    target.commit();
}

}  // namespace

int runProjectCommand(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Projects a matrix of states (a 2-D float32 or float64 NumPy array, one row per point) "
        "to 2 or 3 dimensions and writes the layout as .npy (float32) or .csv (header x,y[,z]). "
        "Exit code 1 when the states cannot be read or projected, 2 for a usage error. Methods, "
        "options and defaults: docs/projection.md."));
    parser.addHelpOption();
    const QCommandLineOption statesOption(
        QStringLiteral("states"), QStringLiteral("States to project (.npy, one row per point)."),
        QStringLiteral("X.npy"));
    const QCommandLineOption methodOption(
        QStringLiteral("method"), QStringLiteral("pca, tsne or umap."), QStringLiteral("M"));
    const QCommandLineOption dimsOption(QStringLiteral("dims"),
                                        QStringLiteral("2 or 3 (default 2)."), QStringLiteral("D"),
                                        QStringLiteral("2"));
    const QCommandLineOption outOption(QStringLiteral("out"),
                                       QStringLiteral("Layout to write: .npy or .csv (replaced)."),
                                       QStringLiteral("Y.npy|Y.csv"));
    const QCommandLineOption threadsOption(
        QStringLiteral("threads"), QStringLiteral("Threads (default 0: all cores; 1: bit-exact)."),
        QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption seedOption(QStringLiteral("seed"),
                                        QStringLiteral("Random seed (default 42)."),
                                        QStringLiteral("S"), QStringLiteral("42"));
    const QCommandLineOption perplexityOption(QStringLiteral("perplexity"),
                                              QStringLiteral("t-SNE perplexity (default 30)."),
                                              QStringLiteral("P"));
    const QCommandLineOption neighboursOption(
        QStringLiteral("neighbours"), QStringLiteral("UMAP neighbourhood size (default 15)."),
        QStringLiteral("K"));
    const QCommandLineOption minDistOption(QStringLiteral("min-dist"),
                                           QStringLiteral("UMAP minimum distance (default 0.1)."),
                                           QStringLiteral("D"));
    const QCommandLineOption iterationsOption(
        QStringLiteral("iterations"),
        QStringLiteral("t-SNE iterations (default 750) or UMAP epochs (default 500 below 10,000 "
                       "points, else 200)."),
        QStringLiteral("N"));
    const QCommandLineOption metricOption(
        QStringLiteral("metric"),
        QStringLiteral("euclidean or cosine, for the neighbours (default euclidean)."),
        QStringLiteral("M"), QStringLiteral("euclidean"));
    const QCommandLineOption qualityOption(
        QStringLiteral("quality"),
        QStringLiteral("Also print neighbour preservation and trustworthiness (k = 10, on a "
                       "seeded sample of 5,000 points)."));
    // A model's own states over a dataset instead of --states: what the 3D State Space shows.
    const QCommandLineOption modelOption(
        QStringLiteral("model"),
        QStringLiteral("Project this model's states over --data instead of --states."),
        QStringLiteral("M.pt"));
    const QCommandLineOption dataOption(QStringLiteral("data"),
                                        QStringLiteral("Dataset the model runs over (--model)."),
                                        QStringLiteral("D"));
    const QCommandLineOption layerOption(
        QStringLiteral("layer"),
        QStringLiteral("State to project (--model): a track name such as lstm_l0_fwd_hidden, its "
                       "label, or a layer number (default: the top layer's hidden state)."),
        QStringLiteral("L"));
    const QCommandLineOption kindOption(
        QStringLiteral("kind"),
        QStringLiteral("With a layer number: hidden, cell or gate.<name> (default hidden)."),
        QStringLiteral("K"), QStringLiteral("hidden"));
    const QCommandLineOption finalOption(
        QStringLiteral("final"),
        QStringLiteral("One point per sample, its final state, instead of one per token "
                       "(--model)."));
    const QCommandLineOption maxPointsOption(
        QStringLiteral("max-points"),
        QStringLiteral("At most this many points: a seeded choice of whole samples (--model; "
                       "default 0: all)."),
        QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption projectorOption(
        QStringLiteral("projector"),
        QStringLiteral("Also write the projected states as the TensorFlow Embedding Projector "
                       "reads them: DIR/vectors.tsv and DIR/metadata.tsv (sample, step, token, "
                       "label with --model; the row with --states)."),
        QStringLiteral("DIR"));
    parser.addOptions({statesOption, modelOption, dataOption, layerOption, kindOption, finalOption,
                       maxPointsOption, methodOption, dimsOption, outOption, threadsOption,
                       seedOption, perplexityOption, neighboursOption, minDistOption,
                       iterationsOption, metricOption, qualityOption, projectorOption});

    addSeriesOptions(parser);
    const int early = parseCliCommand(parser, arguments, "project", {&methodOption, &outOption});
    if (early >= 0) return early;
    DatasetOptions windowing;
    if (const QString error = readSeriesOptions(parser, windowing); !error.isEmpty())
        return cliUsageError(parser, "project", error);
    auto usageError = [&](const QString& message) {
        return cliUsageError(parser, "project", message);
    };

    ProjectRequest request;
    const QString method = parser.value(methodOption).toLower();
    if (method == QLatin1String("pca"))
        request.method = Method::Pca;
    else if (method == QLatin1String("tsne") || method == QLatin1String("t-sne"))
        request.method = Method::Tsne;
    else if (method == QLatin1String("umap"))
        request.method = Method::Umap;
    else
        return usageError(QStringLiteral("--method must be pca, tsne or umap, not '%1'")
                              .arg(parser.value(methodOption)));
    bool ok = false;
    request.dims = parser.value(dimsOption).toInt(&ok);
    if (!ok || (request.dims != 2 && request.dims != 3))
        return usageError(
            QStringLiteral("--dims must be 2 or 3, not '%1'").arg(parser.value(dimsOption)));
    request.threads = parser.value(threadsOption).toInt(&ok);
    if (!ok || request.threads < 0)
        return usageError(QStringLiteral("--threads must be 0 (all cores) or more, not '%1'")
                              .arg(parser.value(threadsOption)));
    request.seed = parser.value(seedOption).toULongLong(&ok);
    if (!ok)
        return usageError(QStringLiteral("--seed must be a whole number 0 or more, not '%1'")
                              .arg(parser.value(seedOption)));
    const QString metric = parser.value(metricOption).toLower();
    if (metric == QLatin1String("cosine"))
        request.metric = proj::Metric::Cosine;
    else if (metric != QLatin1String("euclidean"))
        return usageError(QStringLiteral("--metric must be euclidean or cosine, not '%1'")
                              .arg(parser.value(metricOption)));

    // Options that only one method reads are refused elsewhere rather than silently ignored.
    auto onlyFor = [&](const QCommandLineOption& option, Method owner) {
        return parser.isSet(option) && request.method != owner
                   ? QStringLiteral("--%1 applies to %2 only")
                         .arg(option.names().front(), QLatin1String(methodName(owner)))
                   : QString();
    };
    for (const QString& problem :
         {onlyFor(perplexityOption, Method::Tsne), onlyFor(neighboursOption, Method::Umap),
          onlyFor(minDistOption, Method::Umap)})
        if (!problem.isEmpty()) return usageError(problem);
    if (parser.isSet(iterationsOption) && request.method == Method::Pca)
        return usageError(QStringLiteral("--iterations applies to t-SNE and UMAP only"));
    if (parser.isSet(metricOption) && request.method == Method::Pca)
        return usageError(QStringLiteral("--metric applies to t-SNE and UMAP only"));
    if (parser.isSet(perplexityOption)) {
        request.perplexity = parser.value(perplexityOption).toDouble(&ok);
        if (!ok || !(*request.perplexity > 0))
            return usageError(QStringLiteral("--perplexity must be a positive number, not '%1'")
                                  .arg(parser.value(perplexityOption)));
    }
    if (parser.isSet(neighboursOption)) {
        request.neighbours = parser.value(neighboursOption).toInt(&ok);
        if (!ok || *request.neighbours < 2)
            return usageError(QStringLiteral("--neighbours must be 2 or more, not '%1'")
                                  .arg(parser.value(neighboursOption)));
    }
    if (parser.isSet(minDistOption)) {
        request.minDist = parser.value(minDistOption).toDouble(&ok);
        if (!ok || !(*request.minDist >= 0))
            return usageError(QStringLiteral("--min-dist must be 0 or more, not '%1'")
                                  .arg(parser.value(minDistOption)));
    }
    if (parser.isSet(iterationsOption)) {
        request.iterations = parser.value(iterationsOption).toInt(&ok);
        if (!ok || *request.iterations < 1)
            return usageError(QStringLiteral("--iterations must be a positive number, not '%1'")
                                  .arg(parser.value(iterationsOption)));
    }
    request.quality = parser.isSet(qualityOption);
    request.out = parser.value(outOption);
    request.projector = parser.value(projectorOption);
    if (!request.out.endsWith(QLatin1String(".npy"), Qt::CaseInsensitive) &&
        !request.out.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive))
        return usageError(
            QStringLiteral("--out must end in .npy or .csv, not '%1'").arg(request.out));
    if (parser.isSet(statesOption) == parser.isSet(modelOption))
        return usageError(QStringLiteral("give either --states X.npy or --model M.pt --data D"));
    if (parser.isSet(modelOption)) {
        if (!parser.isSet(dataOption))
            return usageError(QStringLiteral("--model needs --data: the dataset it runs over"));
        if (parser.isSet(iterationsOption) || parser.isSet(metricOption))
            return usageError(
                QStringLiteral("--iterations and --metric apply to --states only; --model "
                               "projects as the 3D State Space panel does"));
        ModelProjectionRequest model;
        model.modelPath = parser.value(modelOption);
        model.dataPath = parser.value(dataOption);
        model.windowing = windowing;
        model.layer = parser.value(layerOption);
        model.kind = parser.value(kindOption);
        model.threads = request.threads;
        model.quality = request.quality;
        model.out = request.out;
        model.projector = request.projector;
        model.spec.method = request.method == Method::Pca    ? ProjectionMethod::Pca
                            : request.method == Method::Tsne ? ProjectionMethod::Tsne
                                                             : ProjectionMethod::Umap;
        model.spec.dims = request.dims;
        model.spec.seed = request.seed;
        if (request.perplexity) model.spec.perplexity = *request.perplexity;
        if (request.neighbours) model.spec.neighbours = *request.neighbours;
        if (request.minDist) model.spec.minDist = *request.minDist;
        model.spec.unit =
            parser.isSet(finalOption) ? ProjectionUnit::Samples : ProjectionUnit::Tokens;
        model.spec.maxPoints = parser.value(maxPointsOption).toLongLong(&ok);
        if (!ok || model.spec.maxPoints < 0)
            return usageError(QStringLiteral("--max-points must be 0 (all) or more, not '%1'")
                                  .arg(parser.value(maxPointsOption)));
        return projectModelStates(model);
    }
    for (const QCommandLineOption* o : {&dataOption, &layerOption, &finalOption, &maxPointsOption})
        if (parser.isSet(*o))
            return usageError(
                QStringLiteral("--%1 applies to --model only").arg(o->names().front()));
    const StatesSource source{parser.value(statesOption)};

    auto error = [](const QString& message) {
        std::fprintf(stderr, "rnnscope-cli project: %s\n", qPrintable(message));
        return 1;
    };
    std::unique_ptr<ProgressLine> progress;
    auto endProgress = [&] {
        if (progress) progress->end();
    };
    try {
        const proj::Points states = source.load();
        progress = std::make_unique<ProgressLine>("project");
        const Projected result = project(states, request, *progress);
        const double seconds = progress->seconds();
        progress->update("done", 1.0, true);
        endProgress();
        writeLayout(request.out, result.layout);
        if (!request.projector.isEmpty()) {
            std::vector<QStringList> rows(size_t(states.rows()));
            for (size_t r = 0; r < rows.size(); ++r) rows[r] = QStringList{QString::number(r)};
            writeProjectorTsv(request.projector, states, {QStringLiteral("row")}, rows);
        }
        const QLocale locale;
        std::printf("%s: %s points, %lld -> %d dimensions by %s in %.2f s\n",
                    qPrintable(request.out), qPrintable(locale.toString(qlonglong(states.rows()))),
                    qlonglong(states.cols()), request.dims, methodName(request.method), seconds);
        if (!result.summary.isEmpty()) std::printf("%s\n", qPrintable(result.summary));
        // The same figures for every method, on the states' own metric.
        if (request.quality)
            printLayoutQuality(states, result.layout, request.seed,
                               request.metric == proj::Metric::Cosine, request.threads);
        return 0;
    } catch (const std::exception& e) {
        endProgress();
        return error(QString::fromUtf8(e.what()));
    }
}

}  // namespace rnnscope
