// JSON of a model's output shared by the commands (CliJson.h).

#include "app/cli/CliJson.h"

#include <QJsonDocument>
#include <cstdio>

#include "core/model/Model.h"

namespace rnnscope {

QJsonArray toJson(const QStringList& list) {
    return QJsonArray::fromStringList(list);
}

QJsonArray rowToJson(const MatrixRM& m, Eigen::Index row) {
    QJsonArray out;
    for (Eigen::Index c = 0; c < m.cols(); ++c) out.append(static_cast<double>(m(row, c)));
    return out;
}

QJsonArray toJson(const MatrixRM& m) {
    QJsonArray rows;
    for (Eigen::Index r = 0; r < m.rows(); ++r) rows.append(rowToJson(m, r));
    return rows;
}

QJsonObject predictionJson(const Model& model, const SampleResult& r) {
    const ModelMeta& meta = model.meta();
    QJsonObject out;
    switch (meta.task) {
        case Task::Classification: {
            if (r.predicted.empty()) break;
            out[QStringLiteral("label")] = meta.labels.value(r.predicted.front());
            QJsonObject probabilities;
            for (Eigen::Index c = 0; c < r.probabilities.cols(); ++c)
                probabilities[meta.labels.value(static_cast<int>(c), QString::number(c))] =
                    static_cast<double>(r.probabilities(0, c));
            out[QStringLiteral("probabilities")] = probabilities;
            break;
        }
        case Task::Tagging: {
            QStringList labels;
            for (int p : r.predicted) labels << meta.labels.value(p);
            out[QStringLiteral("labels")] = toJson(labels);
            break;
        }
        case Task::LanguageModel: {
            QStringList next;
            for (int p : r.predicted) next << meta.targetVocab.value(p);
            out[QStringLiteral("next_tokens")] = toJson(next);
            break;
        }
        case Task::Seq2Seq: {
            QStringList tokens = r.generatedTokens;
            if (!r.generateRan) {
                // No generate(): the teacher-forced argmax is the best guess we have.
                for (int p : r.predicted) {
                    if (meta.targetVocab.value(p) == meta.eos) break;
                    tokens << meta.targetVocab.value(p);
                }
            }
            out[QStringLiteral("output_tokens")] = toJson(tokens);
            out[QStringLiteral("generated")] = r.generateRan;
            break;
        }
        case Task::Regression: {
            if (r.logits.rows() == 1) {
                QJsonObject values;
                for (Eigen::Index c = 0; c < r.logits.cols(); ++c)
                    values[meta.outputs.value(static_cast<int>(c), QString::number(c))] =
                        static_cast<double>(r.logits(0, c));
                out[QStringLiteral("values")] = values;
            } else {
                out[QStringLiteral("values")] = toJson(r.logits);
            }
            break;
        }
    }
    return out;
}

void printJsonLine(const QJsonObject& object) {
    const QByteArray json = QJsonDocument(object).toJson(QJsonDocument::Compact);
    std::fwrite(json.constData(), 1, static_cast<size_t>(json.size()), stdout);
    std::fputc('\n', stdout);
}

}  // namespace rnnscope
