// rnnscope-cli: the headless entry point. Never needs a display.

#include <QApplication>
#include <QCoreApplication>
#include <QThread>
#include <cstdio>

#include "app/cli_alignment.h"
#include "app/cli_attribute.h"
#include "app/cli_errors.h"
#include "app/cli_extract.h"
#include "app/cli_inspect.h"
#include "app/cli_merge.h"
#include "app/cli_neighbours.h"
#include "app/cli_project.h"
#include "app/cli_render.h"
#include "app/cli_units.h"
#include "core/model/Model.h"

namespace {

const char* kUsage =
    "Usage: rnnscope-cli COMMAND [OPTIONS]\n\n"
    "Headless rnnscope: the same core as the GUI, for scripts and servers.\n\n"
    "Commands:\n"
    "  inspect --model M.pt --input TEXT [--target TEXT] --json\n"
    "        run the model on one input and print tokens, prediction, attention and every\n"
    "        captured layer (hidden, cell, gates) as one JSON object\n\n"
    "  extract --model M.pt --data D --out F.h5 [--lstmvis DIR] [--batch 64] [--threads N]\n"
    "          [--memory-budget MB] [--compress LEVEL] [--shard K/N]\n"
    "        run the model over a whole dataset and store every captured state in HDF5;\n"
    "        --shard K/N does the K-th of N parts, one per machine\n\n"
    "  merge --out ALL.h5 SHARD.h5...\n"
    "        join the shards of an extraction into one store (no copy)\n\n"
    "  alignment --model M.pt --data D.tsv [--json]\n"
    "        share of output tokens whose strongest attention lies in their true source span\n\n"
    "  errors --model M.pt --data D [--wrong N] --json\n"
    "        metrics over a dataset (confusion matrix and per-class F1, or seq2seq exact match\n"
    "        and token accuracy) and the wrong samples, highest loss first\n\n"
    "  attribute --model M.pt --input TEXT --method grad|ig|occlusion [--target CLASS]\n"
    "            [--steps 50] [--rule gausslegendre] [--max-steps 800] [--fixed-steps]\n"
    "            [--baseline pad|zeros] --json\n"
    "        per-token attribution of the model's output (needs logits_from_embeddings);\n"
    "        integrated gradients also print their completeness error and the steps used\n\n"
    "  units --model M.pt --data D --signal NAME [--layer L] [--top K] --json\n"
    "        rank every unit by its correlation with a per-token signal over the dataset\n"
    "        (position, depth, quote, token:TOKEN, label:LABEL, annotation:NAME[=VALUE])\n\n"
    "  project --states X.npy --method pca|tsne|umap [--dims 2|3] --out Y.npy|Y.csv\n"
    "          [--threads N] [--seed S] [--quality] ...\n"
    "        project states (one row per point) to 2 or 3 dimensions; --quality also prints\n"
    "        neighbour preservation and trustworthiness\n\n"
    "  neighbours --model M.pt --token TOK [--k 10] [--metric cosine|euclidean] [--json]\n"
    "        the tokens nearest to TOK in the model's embedding space, with distances; an\n"
    "        unknown token is answered with the closest spellings in the vocabulary\n\n"
    "  render --model M.pt [--data D --sample N | --input TEXT]\n"
    "         --view sample|attention|state-space|units|saturation|features|errors|attribution\n"
    "         [--tokens \"( [\"] [--batch 1,4,10-19] [--session S.rnnscope]\n"
    "         --out FILE.png|svg|pdf [--dpi 300]\n"
    "        write any panel's figure as File > Export Figure does, with the window's\n"
    "        Preferences (needs a display: xvfb-run); samples are numbered from 1\n\n"
    "Run `rnnscope-cli COMMAND --help` for a command's options.\n"
    "  -h, --help      show this help\n"
    "  -v, --version   show the version\n";

}  // namespace

int main(int argc, char** argv) {
    // Only `render` draws: it needs a QApplication on a display. Every other command keeps
    // Qt off any display, so it runs on servers without X.
    QStringList raw;
    for (int i = 1; i < argc; ++i) raw << QString::fromLocal8Bit(argv[i]);
    if (rnnscope::isRenderCommand(raw)) {
        if (qEnvironmentVariableIsEmpty("DISPLAY") &&
            qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")) {
            std::fputs(
                "rnnscope-cli render: needs a display to draw on; on a server run it "
                "under a virtual one: xvfb-run -a rnnscope-cli render ...\n",
                stderr);
            return 1;
        }
        QApplication app(argc, argv);
        // The window's settings: its Preferences (colour map, figure font and DPI, memory
        // budget) apply to the figures render draws, as they do to File > Export Figure.
        QCoreApplication::setOrganizationName(QStringLiteral("rnnscope"));
        QCoreApplication::setApplicationName(QStringLiteral("rnnscope"));
        rnnscope::Model::setThreadCount(QThread::idealThreadCount());
        return rnnscope::runRenderCommand(raw);
    }
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("rnnscope-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(RNNSCOPE_VERSION));
    const QStringList args = app.arguments().mid(1);
    if (args.isEmpty() || args.front() == QLatin1String("-h") ||
        args.front() == QLatin1String("--help")) {
        std::fputs(kUsage, args.isEmpty() ? stderr : stdout);
        return args.isEmpty() ? 2 : 0;
    }
    if (args.front() == QLatin1String("-v") || args.front() == QLatin1String("--version")) {
        std::printf("rnnscope-cli %s\n", RNNSCOPE_VERSION);
        return 0;
    }
    rnnscope::Model::setThreadCount(QThread::idealThreadCount());
    const QString command = args.front();
    if (command == QLatin1String("inspect")) return rnnscope::runInspectCommand(args);
    if (command == QLatin1String("extract")) return rnnscope::runExtractCommand(args);
    if (command == QLatin1String("merge")) return rnnscope::runMergeCommand(args);
    if (command == QLatin1String("alignment")) return rnnscope::runAlignmentCommand(args);
    if (command == QLatin1String("errors")) return rnnscope::runErrorsCommand(args);
    if (command == QLatin1String("units")) return rnnscope::runUnitsCommand(args);
    if (command == QLatin1String("attribute")) return rnnscope::runAttributeCommand(args);
    if (command == QLatin1String("project")) return rnnscope::runProjectCommand(args);
    if (command == QLatin1String("neighbours")) return rnnscope::runNeighboursCommand(args);
    std::fprintf(stderr, "rnnscope-cli: unknown command '%s'\n\n%s", qPrintable(command), kUsage);
    return 2;
}
