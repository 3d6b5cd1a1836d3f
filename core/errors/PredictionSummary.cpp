#include "core/errors/PredictionSummary.h"

#include <QObject>
#include <cmath>

#include "core/Predictions.h"
#include "core/errors/TokenErrors.h"

namespace rnnscope {

PredictionSummary summarizePredictions(Task task, const std::vector<SamplePrediction>& predictions,
                                       const TokenErrorStats& tokens) {
    PredictionSummary s;
    s.task = task;
    qint64 known = 0, right = 0, tokensRight = 0, tokensTotal = 0, values = 0;
    double absSum = 0.0, squaredSum = 0.0;
    for (const SamplePrediction& p : predictions) {
        if (!p.done) continue;
        ++s.predicted;
        if (p.correct >= 0) {
            ++known;
            right += p.correct;
        }
        tokensRight += p.tokensRight;
        tokensTotal += p.tokensTotal;
        absSum += p.residualAbsSum;
        squaredSum += p.residualSquaredSum;
        values += p.residualCount;
    }
    switch (task) {
        case Task::Classification:
        case Task::Seq2Seq:
            if (known > 0) s.accuracy = double(right) / double(known);
            if (task == Task::Seq2Seq && tokensTotal > 0)
                s.tokenAccuracy = double(tokensRight) / double(tokensTotal);
            break;
        case Task::Tagging:
        case Task::LanguageModel:
            if (tokens.total.occurrences > 0) {
                s.tokenAccuracy =
                    1.0 - double(tokens.total.errors) / double(tokens.total.occurrences);
                if (tokens.total.lossCount > 0) s.perplexity = std::exp(tokens.total.meanLoss());
            }
            break;
        case Task::Regression:
            if (values > 0) {
                s.mae = absSum / double(values);
                s.rmse = std::sqrt(squaredSum / double(values));
            }
            break;
    }
    return s;
}

QString predictionSummaryText(const PredictionSummary& s) {
    if (s.predicted == 0) return QString();
    auto percent = [](double v) { return QString::number(v * 100.0, 'f', 1) + QLatin1Char('%'); };
    QStringList parts;
    switch (s.task) {
        case Task::Classification:
            if (!std::isnan(s.accuracy))
                parts << QObject::tr("accuracy %1").arg(percent(s.accuracy));
            break;
        case Task::Seq2Seq:
            if (!std::isnan(s.accuracy))
                parts << QObject::tr("exact match %1").arg(percent(s.accuracy));
            if (!std::isnan(s.tokenAccuracy))
                parts << QObject::tr("token accuracy %1").arg(percent(s.tokenAccuracy));
            break;
        case Task::Tagging:
        case Task::LanguageModel: {
            const bool lm = s.task == Task::LanguageModel;
            if (!std::isnan(s.tokenAccuracy))
                parts << (lm ? QObject::tr("next-token accuracy %1")
                             : QObject::tr("tag accuracy %1"))
                             .arg(percent(s.tokenAccuracy));
            if (!std::isnan(s.perplexity))
                parts << QObject::tr("perplexity %1").arg(s.perplexity, 0, 'f', 2);
            break;
        }
        case Task::Regression:
            if (!std::isnan(s.mae))
                parts
                    << QObject::tr("MAE %1 · RMSE %2").arg(s.mae, 0, 'g', 4).arg(s.rmse, 0, 'g', 4);
            break;
    }
    if (parts.isEmpty()) return QString();
    return QObject::tr(" · %1 on %2 predicted")
        .arg(parts.join(QStringLiteral(" · ")))
        .arg(s.predicted);
}

}  // namespace rnnscope
