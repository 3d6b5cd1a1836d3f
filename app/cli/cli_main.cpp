// rnnscope-cli: the headless entry point. Never needs a display, and links only the core: the
// one command that draws, `render`, is rnnscope-render beside this binary (app/render/).

#include <unistd.h>
#include <QCoreApplication>
#include <QString>
#include <QStringList>
#include <QThread>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "app/cli/cli_ablate.h"
#include "app/cli/cli_alignment.h"
#include "app/cli/cli_attribute.h"
#include "app/cli/cli_beam.h"
#include "app/cli/cli_checkpoints.h"
#include "app/cli/cli_compare.h"
#include "app/cli/cli_errors.h"
#include "app/cli/cli_extract.h"
#include "app/cli/cli_inspect.h"
#include "app/cli/cli_intervene.h"
#include "app/cli/cli_merge.h"
#include "app/cli/cli_neighbours.h"
#include "app/cli/cli_patch.h"
#include "app/cli/cli_project.h"
#include "app/cli/cli_units.h"
#include "core/model/Model.h"

namespace {

struct Command {
    const char* name;
    // arguments[0] is the command's name. Null for render, which main() hands to
    // rnnscope-render before Qt starts.
    int (*run)(const QStringList& arguments);
    const char* usage;  // its lines of the help text
};

// One row per command: the dispatch below and the help text both read it.
const Command kCommands[] = {
    {"inspect", &rnnscope::runInspectCommand,
     "  inspect --model M.pt --input TEXT [--target TEXT] --json\n"
     "        run the model on one input and print tokens, prediction, attention and every\n"
     "        captured layer (hidden, cell, gates) as one JSON object\n\n"},
    {"extract", &rnnscope::runExtractCommand,
     "  extract --model M.pt --data D --out F.h5 [--lstmvis DIR] [--batch 64] [--threads N]\n"
     "          [--memory-budget MB] [--compress LEVEL] [--shard K/N]\n"
     "        run the model over a whole dataset and store every captured state in HDF5;\n"
     "        --shard K/N does the K-th of N parts, one per machine\n\n"},
    {"merge", &rnnscope::runMergeCommand,
     "  merge --out ALL.h5 SHARD.h5...\n"
     "        join the shards of an extraction into one store (no copy)\n\n"},
    {"alignment", &rnnscope::runAlignmentCommand,
     "  alignment --model M.pt --data D.tsv [--json]\n"
     "        share of output tokens whose strongest attention lies in their true source span\n\n"},
    {"errors", &rnnscope::runErrorsCommand,
     "  errors --model M.pt --data D [--wrong N] --json\n"
     "        metrics over a dataset (confusion matrix and per-class F1, or seq2seq exact match\n"
     "        and token accuracy) and the wrong samples, highest loss first\n\n"},
    {"attribute", &rnnscope::runAttributeCommand,
     "  attribute --model M.pt --input TEXT --method grad|ig|occlusion [--target CLASS]\n"
     "            [--steps 50] [--rule gausslegendre] [--max-steps 800] [--fixed-steps]\n"
     "            [--baseline pad|zeros] --json\n"
     "        per-token attribution of the model's output (a model whose forward() embeds its\n"
     "        tokens with an nn.Embedding needs nothing; others export logits_from_embeddings);\n"
     "        integrated gradients also print their completeness error and the steps used\n\n"},
    {"beam", &rnnscope::runBeamCommand,
     "  beam --model M.pt (--input TEXT | --data D --sample N) [--width K] [--alpha A]\n"
     "       [--max-length L] [--prefix TOKENS] [--attend STEP:SOURCES] [--ignore STEP:SOURCES]\n"
     "       [--samples N --temperature T --top-k K --seed S] --json\n"
     "        a seq2seq model's beam search (or sampling) with the tree of every hypothesis\n"
     "        kept, a forced prefix, attention edits, and the reference's rank (the model\n"
     "        exports decode_start() and decode_step())\n\n"},
    {"intervene", &rnnscope::runInterveneCommand,
     "  intervene --model M.pt (--input TEXT | --data D --sample N) --set SPEC [--set SPEC ...]\n"
     "            [--steps A-B] --json\n"
     "        run one sample as the model computes it and with units replaced; SPEC is\n"
     "        TRACK[UNITS]=VALUE, e.g. lstm_l0_fwd_cell[3,7,10-12]=0 (VALUE: a number, mean, "
     "x2.5)\n\n"},
    {"ablate", &rnnscope::runAblateCommand,
     "  ablate --model M.pt --data D --track TRACK [--units U] [--mode zero|mean] [--top K]\n"
     "         --json\n"
     "        ablate each unit of a state over the dataset in turn and rank the units by the\n"
     "        change in accuracy, loss and the reference's probability\n\n"},
    {"patch", &rnnscope::runPatchCommand,
     "  patch --model M.pt (--clean TEXT | --data D --clean-sample N)\n"
     "        (--corrupt TEXT | --corrupt-sample M) [--align start|end] --json\n"
     "        activation patching: how much of the clean output each layer and step of the\n"
     "        clean run restores when put into the corrupted run\n\n"},
    {"units", &rnnscope::runUnitsCommand,
     "  units --model M.pt --data D --signal NAME [--layer L] [--top K] --json\n"
     "        rank every unit by its correlation with a per-token signal over the dataset\n"
     "        (position, depth, quote, token:TOKEN, label:LABEL, annotation:NAME[=VALUE])\n\n"},
    {"compare", &rnnscope::runCompareCommand,
     "  compare --model A.pt --model-b B.pt --data D [--max-samples N] [--batch 64]\n"
     "          [--threshold 0.5] [--top K] [--json]\n"
     "        two models over one dataset: accuracies, where each is right and the other wrong,\n"
     "        McNemar's test, linear CKA and SVCCA of every pair of states, matched units\n\n"},
    {"checkpoints", &rnnscope::runCheckpointsCommand,
     "  checkpoints --models DIR_OR_LIST --data D [--signal NAME] [--json]\n"
     "        a model across its training checkpoints: accuracy, loss, attention alignment,\n"
     "        the best unit's |r| with a signal, each state's CKA to the final checkpoint\n\n"},
    {"project", &rnnscope::runProjectCommand,
     "  project --states X.npy --method pca|tsne|umap [--dims 2|3] --out Y.npy|Y.csv\n"
     "          [--threads N] [--seed S] [--quality] ...\n"
     "        project states (one row per point) to 2 or 3 dimensions; --quality also prints\n"
     "        neighbour preservation and trustworthiness\n\n"},
    {"neighbours", &rnnscope::runNeighboursCommand,
     "  neighbours --model M.pt --token TOK [--k 10] [--metric cosine|euclidean] [--json]\n"
     "        the tokens nearest to TOK in the model's embedding space, with distances; an\n"
     "        unknown token is answered with the closest spellings in the vocabulary\n\n"},
    {"render", nullptr,
     "  render --model M.pt [--data D --sample N | --input TEXT]\n"
     "         --view sample|attention|state-space|units|saturation|features|errors|attribution\n"
     "                |intervention|ablation|patching|similarity|checkpoints|beam\n"
     "         [--tokens \"( [\"] [--batch 1,4,10-19] [--session S.rnnscope] [--set SPEC ...]\n"
     "         --out FILE.png|svg|pdf [--dpi 300]\n"
     "        write any panel's figure as File > Export Figure does, with the window's\n"
     "        Preferences (needs a display: xvfb-run); samples are numbered from 1\n\n"},
};

void printUsage(FILE* to) {
    std::fputs(
        "Usage: rnnscope-cli COMMAND [OPTIONS]\n\n"
        "Headless rnnscope: the same core as the GUI, for scripts and servers.\n\n"
        "Commands:\n",
        to);
    for (const Command& c : kCommands) std::fputs(c.usage, to);
    std::fputs(
        "Run `rnnscope-cli COMMAND --help` for a command's options.\n"
        "  -h, --help      show this help\n"
        "  -v, --version   show the version\n",
        to);
}

// The folder of this executable (argv[0] may be a bare name found on PATH).
std::string ownFolder() {
    char path[4096];
    const ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
    if (n <= 0) return ".";
    path[n] = '\0';
    std::string s(path);
    const auto slash = s.rfind('/');
    return slash == std::string::npos ? std::string(".") : s.substr(0, slash);
}

// `render` runs rnnscope-render from this binary's folder with the same arguments; only it
// loads Qt Widgets, Qt Charts and VTK.
int execRender(int argc, char** argv) {
    const std::string render = ownFolder() + "/rnnscope-render";
    // argv[0] is what --help's usage line names: the command the user typed.
    static char shownName[] = "rnnscope-cli render";
    std::vector<char*> args{shownName};
    for (int i = 1; i < argc; ++i) args.push_back(argv[i]);
    args.push_back(nullptr);
    execv(render.c_str(), args.data());
    std::fprintf(stderr,
                 "rnnscope-cli render: cannot run %s: %s (it is built with rnnscope-cli: "
                 "make build)\n",
                 render.c_str(), std::strerror(errno));
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 1 && std::strcmp(argv[1], "render") == 0) return execRender(argc, argv);
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("rnnscope-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(RNNSCOPE_VERSION));
    const QStringList args = app.arguments().mid(1);
    if (args.isEmpty() || args.front() == QLatin1String("-h") ||
        args.front() == QLatin1String("--help")) {
        printUsage(args.isEmpty() ? stderr : stdout);
        return args.isEmpty() ? 2 : 0;
    }
    if (args.front() == QLatin1String("-v") || args.front() == QLatin1String("--version")) {
        std::printf("rnnscope-cli %s\n", RNNSCOPE_VERSION);
        return 0;
    }
    rnnscope::Model::setThreadCount(QThread::idealThreadCount());
    for (const Command& c : kCommands)
        if (c.run && args.front() == QLatin1String(c.name)) return c.run(args);
    std::fprintf(stderr, "rnnscope-cli: unknown command '%s'\n\n", qPrintable(args.front()));
    printUsage(stderr);
    return 2;
}
