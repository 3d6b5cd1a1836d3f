// Plain-data helpers of Intervention.h (no LibTorch).

#include "core/model/Intervention.h"

namespace rnnscope {

namespace {

// "3, 7, 10–12": runs of consecutive units collapsed.
QString unitList(const std::vector<int>& units) {
    QStringList parts;
    for (size_t i = 0; i < units.size();) {
        size_t j = i;
        while (j + 1 < units.size() && units[j + 1] == units[j] + 1) ++j;
        parts << (j > i + 1 ? QStringLiteral("%1–%2").arg(units[i]).arg(units[j])
                            : QString::number(units[i]));
        if (j == i + 1) parts << QString::number(units[j]);
        i = j + 1;
    }
    return parts.join(QStringLiteral(", "));
}

}  // namespace

QString Intervention::describe() const {
    QString value;
    switch (mode) {
        case Mode::Set: {
            bool same = !values.empty();
            for (float v : values) same = same && v == values.front();
            value = same ? QStringLiteral("= %1").arg(double(values.front()), 0, 'g', 6)
                         : QStringLiteral("= set");
            break;
        }
        case Mode::Scale:
            value = QStringLiteral("× %1").arg(double(factor), 0, 'g', 6);
            break;
        case Mode::Mean:
            value = QStringLiteral("= mean");
            break;
    }
    QString steps;
    if (firstStep > 0 || lastStep >= 0) {
        if (lastStep == firstStep)
            steps = QStringLiteral(" at step %1").arg(firstStep + 1);
        else if (lastStep < 0)
            steps = QStringLiteral(" from step %1").arg(firstStep + 1);
        else
            steps = QStringLiteral(" at steps %1–%2").arg(firstStep + 1).arg(lastStep + 1);
    }
    return QStringLiteral("%1 L%2 %3 %4 [%5] %6%7")
        .arg(module)
        .arg(layer)
        .arg(direction == 0 ? QStringLiteral("fwd") : QStringLiteral("rev"), kind, unitList(units),
             value, steps);
}

QStringList stateKinds(const RecurrentLayerInfo& info) {
    if (info.type == QLatin1String("LSTM"))
        return {QStringLiteral("hidden"),     QStringLiteral("cell"),
                QStringLiteral("gate.input"), QStringLiteral("gate.forget"),
                QStringLiteral("gate.cell"),  QStringLiteral("gate.output")};
    if (info.type == QLatin1String("GRU"))
        return {QStringLiteral("hidden"), QStringLiteral("gate.reset"),
                QStringLiteral("gate.update"), QStringLiteral("gate.new")};
    return {QStringLiteral("hidden")};
}

Interventions interventionsOn(const Interventions& all, const QString& module) {
    Interventions on;
    for (const Intervention& i : all)
        if (i.module == module) on.push_back(i);
    return on;
}

}  // namespace rnnscope
