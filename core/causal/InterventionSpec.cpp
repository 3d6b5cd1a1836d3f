// Parsing "TRACK[UNITS]=VALUE" intervention specs (InterventionSpec.h).

#include "core/causal/InterventionSpec.h"

#include <QRegularExpression>
#include <algorithm>
#include <cmath>

#include "core/Errors.h"
#include "core/store/StoreFile.h"

namespace rnnscope {

namespace {

struct TrackChoice {
    QString name;
    Intervention state;  // module, layer, direction, kind
    int units = 0;
};

std::vector<TrackChoice> choices(const std::vector<RecurrentLayerInfo>& layers) {
    std::vector<TrackChoice> all;
    for (const RecurrentLayerInfo& info : layers)
        for (int layer = 0; layer < info.numLayers; ++layer)
            for (int dir = 0; dir < (info.bidirectional ? 2 : 1); ++dir)
                for (const QString& kind : stateKinds(info)) {
                    TrackChoice c;
                    c.name = store::trackName(info.module, layer, dir, kind);
                    c.state.module = info.module;
                    c.state.layer = layer;
                    c.state.direction = dir;
                    c.state.kind = kind;
                    c.units = kind == QLatin1String("hidden") && info.projSize > 0
                                  ? info.projSize
                                  : info.hiddenSize;
                    all.push_back(c);
                }
    return all;
}

UserError specError(const QString& spec, const QString& problem) {
    return UserError(QStringLiteral("intervention \"%1\": %2").arg(spec, problem));
}

}  // namespace

QStringList interventionTrackNames(const std::vector<RecurrentLayerInfo>& layers) {
    QStringList names;
    for (const TrackChoice& c : choices(layers)) names << c.name;
    return names;
}

Intervention parseInterventionSpec(const QString& spec,
                                   const std::vector<RecurrentLayerInfo>& layers) {
    static const QRegularExpression form(
        QStringLiteral("^\\s*([A-Za-z0-9_]+)\\s*\\[([^\\]]*)\\]\\s*=\\s*(\\S+)\\s*$"));
    const auto match = form.match(spec);
    if (!match.hasMatch()) {
        // A module path written with its dots ("model.rnn_l0_fwd_hidden"): track names use _.
        const QString head = spec.section(QLatin1Char('['), 0, 0).trimmed();
        const QStringList names = interventionTrackNames(layers);
        if (head.contains(QLatin1Char('.'))) {
            QString dotted = head;
            dotted.replace(QLatin1Char('.'), QLatin1Char('_'));
            throw specError(
                spec, QStringLiteral("track names write a module path with _ for its dots "
                                     "(%1); the model has: %2")
                          .arg(names.contains(dotted) ? dotted
                                                      : QStringLiteral("model_rnn_l0_fwd_hidden"),
                               names.join(QStringLiteral(", "))));
        }
        throw specError(spec, QStringLiteral("write it as TRACK[UNITS]=VALUE, e.g. "
                                             "%1[3,7]=0 (VALUE: a number, mean, or x2.5 to "
                                             "scale); the model has: %2")
                                  .arg(names.value(0, QStringLiteral("lstm_l0_fwd_cell")),
                                       names.join(QStringLiteral(", "))));
    }
    const std::vector<TrackChoice> all = choices(layers);
    if (all.empty())
        throw specError(spec, QStringLiteral("the model has no nn.LSTM, nn.GRU or nn.RNN"));
    const QString track = match.captured(1);
    const auto choice =
        std::find_if(all.begin(), all.end(), [&](const TrackChoice& c) { return c.name == track; });
    if (choice == all.end())
        throw specError(spec,
                        QStringLiteral("the model has no track \"%1\"; it has: %2")
                            .arg(track, interventionTrackNames(layers).join(QStringLiteral(", "))));
    Intervention i = choice->state;

    const QString unitsText = match.captured(2).trimmed();
    if (unitsText.isEmpty())
        throw specError(spec, QStringLiteral("no units between [ ]; %1 has units 0 to %2")
                                  .arg(track)
                                  .arg(choice->units - 1));
    for (const QString& part : unitsText.split(QLatin1Char(','))) {
        const QStringList ends = part.trimmed().split(QLatin1Char('-'));
        bool ok1 = false, ok2 = true;
        const int first = ends.value(0).trimmed().toInt(&ok1);
        const int last = ends.size() == 2 ? ends[1].trimmed().toInt(&ok2) : first;
        if (ends.size() > 2 || !ok1 || !ok2 || last < first)
            throw specError(spec, QStringLiteral("\"%1\" is not a unit or a range such as 10-12")
                                      .arg(part.trimmed()));
        if (first < 0 || last >= choice->units)
            throw specError(spec, QStringLiteral("unit %1 is not in %2: its units are 0 to %3")
                                      .arg(first < 0 ? first : last)
                                      .arg(track)
                                      .arg(choice->units - 1));
        for (int u = first; u <= last; ++u)
            if (std::find(i.units.begin(), i.units.end(), u) == i.units.end()) i.units.push_back(u);
    }

    const QString value = match.captured(3);
    bool ok = false;
    if (value.compare(QLatin1String("mean"), Qt::CaseInsensitive) == 0) {
        i.mode = Intervention::Mode::Mean;
    } else if (value.startsWith(QLatin1Char('x')) || value.startsWith(QChar(0xd7))) {
        i.mode = Intervention::Mode::Scale;
        i.factor = value.mid(1).toFloat(&ok);
        if (!ok || !std::isfinite(i.factor))
            throw specError(spec, QStringLiteral("\"%1\" is not a scale such as x2.5").arg(value));
    } else {
        const float v = value.toFloat(&ok);
        if (!ok || !std::isfinite(v))
            throw specError(spec, QStringLiteral("\"%1\" is not a finite number, mean, or a scale "
                                                 "such as x2.5")
                                      .arg(value));
        i.values.assign(i.units.size(), v);
    }
    return i;
}

Intervention parseInterventionTrack(const QString& track,
                                    const std::vector<RecurrentLayerInfo>& layers) {
    const std::vector<TrackChoice> all = choices(layers);
    if (all.empty()) throw UserError(QStringLiteral("the model has no nn.LSTM, nn.GRU or nn.RNN"));
    for (const TrackChoice& c : all)
        if (c.name == track.trimmed()) return c.state;
    throw UserError(QStringLiteral("the model has no track \"%1\"; it has: %2")
                        .arg(track, interventionTrackNames(layers).join(QStringLiteral(", "))));
}

void parseInterventionSteps(const QString& text, Intervention& intervention) {
    const QStringList ends = text.trimmed().split(QLatin1Char('-'));
    bool ok1 = false, ok2 = true;
    const int first = ends.value(0).trimmed().toInt(&ok1);
    const bool toEnd = ends.size() == 2 && ends[1].trimmed().isEmpty();  // "4-"
    const int last = toEnd ? -1 : ends.size() == 2 ? ends[1].trimmed().toInt(&ok2) : first;
    if (ends.size() > 2 || !ok1 || !ok2 || first < 1 || (!toEnd && last < first))
        throw UserError(QStringLiteral("steps \"%1\": write A-B, A- (to the end) or A, numbered "
                                       "from 1 (A <= B)")
                            .arg(text));
    intervention.firstStep = first - 1;
    intervention.lastStep = toEnd ? -1 : last - 1;
}

QString interventionSpec(const Intervention& i) {
    QStringList units;  // runs of three or more as ranges: "3,7,10-12"
    for (size_t a = 0; a < i.units.size();) {
        size_t b = a;
        while (b + 1 < i.units.size() && i.units[b + 1] == i.units[b] + 1) ++b;
        if (b >= a + 2) {
            units << QStringLiteral("%1-%2").arg(i.units[a]).arg(i.units[b]);
            a = b + 1;
        } else {
            units << QString::number(i.units[a]);
            ++a;
        }
    }
    QString value;
    if (i.mode == Intervention::Mode::Mean)
        value = QStringLiteral("mean");
    else if (i.mode == Intervention::Mode::Scale)
        value = QStringLiteral("x%1").arg(double(i.factor), 0, 'g', 9);
    else
        value = QString::number(double(i.values.empty() ? 0.0f : i.values.front()), 'g', 9);
    return QStringLiteral("%1[%2]=%3")
        .arg(store::trackName(i.module, i.layer, i.direction, i.kind), units.join(QLatin1Char(',')),
             value);
}

QString interventionStepsText(const Intervention& i) {
    if (i.firstStep <= 0 && i.lastStep < 0) return {};
    if (i.lastStep < 0) return QStringLiteral("%1-").arg(i.firstStep + 1);
    if (i.lastStep == i.firstStep) return QString::number(i.firstStep + 1);
    return QStringLiteral("%1-%2").arg(i.firstStep + 1).arg(i.lastStep + 1);
}

}  // namespace rnnscope
