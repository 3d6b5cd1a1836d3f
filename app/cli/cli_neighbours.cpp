// `rnnscope-cli neighbours --model M.pt --token TOK [--k 10] [--metric cosine|euclidean]
// [--target] [--json]`: the k tokens nearest to TOK in the model's own embedding table, nearest
// first, with their distances.

#include "app/cli/cli_neighbours.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cstdio>

#include "app/cli/CliCommand.h"
#include "core/Errors.h"
#include "core/analysis/featurescatter/EmbeddingMap.h"
#include "core/analysis/featurescatter/Vocabulary.h"
#include "core/model/Model.h"

namespace rnnscope {

int runNeighboursCommand(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Lists the tokens nearest to a token in the model's embedding space (its nn.Embedding "
        "table), nearest first, with their distances."));
    parser.addHelpOption();
    const QCommandLineOption modelOption(QStringLiteral("model"),
                                         QStringLiteral("TorchScript model (.pt) to open."),
                                         QStringLiteral("M.pt"));
    const QCommandLineOption tokenOption(QStringLiteral("token"),
                                         QStringLiteral("The token, as the vocabulary spells it."),
                                         QStringLiteral("TOK"));
    const QCommandLineOption kOption(QStringLiteral("k"),
                                     QStringLiteral("How many neighbours (default 10)."),
                                     QStringLiteral("K"), QStringLiteral("10"));
    const QCommandLineOption metricOption(QStringLiteral("metric"),
                                          QStringLiteral("cosine (default) or euclidean."),
                                          QStringLiteral("M"), QStringLiteral("cosine"));
    const QCommandLineOption targetOption(
        QStringLiteral("target"),
        QStringLiteral("Search the target vocabulary's embedding (seq2seq decoders)."));
    const QCommandLineOption jsonOption(QStringLiteral("json"),
                                        QStringLiteral("Print one JSON object."));
    parser.addOptions({modelOption, tokenOption, kOption, metricOption, targetOption, jsonOption});

    const int early =
        parseCliCommand(parser, arguments, "neighbours", {&modelOption, &tokenOption});
    if (early >= 0) return early;
    bool ok = true;
    const int k = parser.value(kOption).toInt(&ok);
    if (!ok || k < 1) return cliUsageError(parser, "neighbours", "--k must be a positive number");
    const QString metricText = parser.value(metricOption).toLower();
    if (metricText != QLatin1String("cosine") && metricText != QLatin1String("euclidean"))
        return cliUsageError(parser, "neighbours",
                             QStringLiteral("--metric must be cosine or euclidean, not '%1'")
                                 .arg(parser.value(metricOption)));
    const auto metric = metricText == QLatin1String("cosine") ? projection::Metric::Cosine
                                                              : projection::Metric::Euclidean;
    const QString token = parser.value(tokenOption);

    return runGuarded("neighbours", [&]() -> int {
        const auto model = Model::open(parser.value(modelOption));
        const bool output = parser.isSet(targetOption);
        auto embeddings = vocabularyEmbeddings(model.get(), nullptr, output);
        const QString source = embeddings.source;
        const auto map = mapEmbeddings(std::move(embeddings), ProjectionSpec{}, metric);
        const auto near = nearestTokens(*map, token, k);
        if (parser.isSet(jsonOption)) {
            QJsonObject root;
            root[QStringLiteral("model")] = model->path();
            root[QStringLiteral("token")] = token;
            root[QStringLiteral("metric")] = metricText;
            root[QStringLiteral("embedding")] = source;
            root[QStringLiteral("vocabulary_size")] = int(map->embeddings.tokens.size());
            QJsonArray list;
            for (const TokenNeighbour& n : near) {
                QJsonObject o;
                o[QStringLiteral("token")] = n.token;
                o[QStringLiteral("id")] = n.tokenId;
                o[QStringLiteral("distance")] = double(n.distance);
                list.append(o);
            }
            root[QStringLiteral("neighbours")] = list;
            const QByteArray json = QJsonDocument(root).toJson(QJsonDocument::Compact);
            std::fwrite(json.constData(), 1, size_t(json.size()), stdout);
            std::fputc('\n', stdout);
        } else {
            std::printf("nearest to “%s” (%s distance, %s)\n", qPrintable(displayToken(token)),
                        qPrintable(metricText), qPrintable(source));
            for (size_t i = 0; i < near.size(); ++i)
                std::printf("%3zu  %.6f  %s\n", i + 1, double(near[i].distance),
                            qPrintable(displayToken(near[i].token)));
        }
        return 0;
    });
}

}  // namespace rnnscope
