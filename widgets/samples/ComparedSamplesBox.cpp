#include "widgets/samples/ComparedSamplesBox.h"

#include <algorithm>

#include "core/Predictions.h"
#include "core/session/Session.h"
#include "widgets/samples/SampleFilterModel.h"

namespace rnnscope {

ComparedSamplesBox::ComparedSamplesBox(Session& session, SampleFilterModel& filter, QWidget* parent)
    : QComboBox(parent), session_(session), filter_(filter) {
    setObjectName(QStringLiteral("show"));
    setToolTip(
        tr("List only the samples where one model is right and the other wrong, both "
           "are wrong, or the two predict differently"));
    setVisible(false);
    connect(this, &QComboBox::currentIndexChanged, this, [this](int index) {
        filter_.setShow(SampleFilterModel::Show(std::max(0, index)));
        Q_EMIT shownChanged();
    });
    const ComparisonAnalysis& comparison = session.comparison();
    connect(&comparison, &ComparisonAnalysis::modelChanged, this, [this]() { update(); });
    connect(&comparison, &ComparisonAnalysis::predictionsChanged, this, [this]() {
        filter_.predictionsChanged();
        update();
    });
}

void ComparedSamplesBox::update() {
    const ComparisonAnalysis& comparison = session_.comparison();
    const bool filterable = comparison.predictionsCompared();
    setVisible(filterable);
    if (!filterable) {
        setCurrentIndex(0);
        return;
    }
    const PairedCounts c = comparison.counts();
    const QStringList items = {tr("All samples"), tr("Only model A right (%L1)").arg(c.onlyARight),
                               tr("Only model B right (%L1)").arg(c.onlyBRight),
                               tr("Both wrong (%L1)").arg(c.bothWrong),
                               tr("A and B predict differently (%L1)").arg(c.disagree)};
    QSignalBlocker block(this);
    const int current = std::max(0, currentIndex());
    if (count() != items.size()) {
        clear();
        addItems(items);
    } else {
        for (int i = 0; i < items.size(); ++i) setItemText(i, items[i]);
    }
    setCurrentIndex(current);
}

QString ComparedSamplesBox::modelBAnswer(const Session& session, const SampleResult& result,
                                         const DataSample& data) {
    const ComparisonAnalysis& comparison = session.comparison();
    if (!comparison.isOpen()) return {};
    const auto b = comparison.modelB().currentResult();
    QString answer = tr("running…");
    if (b && b->input.tokens == result.input.tokens) {  // B's run of this same sample
        const SamplePrediction q = summarizePrediction(*comparison.model(), *b, data);
        answer = QStringLiteral("<b>%1</b>").arg(q.predicted.toHtmlEscaped());
        if (q.predictedClass >= 0)
            answer += QStringLiteral(" (%1%)").arg(double(q.confidence) * 100, 0, 'f', 1);
        if (q.correct >= 0)
            answer += q.correct ? tr(" <span style='color:#2a7d2a'>✔</span>")
                                : tr(" <span style='color:#c81e1e'>✘</span>");
    }
    return tr(" · <span style='color:#1f5fa8'>model B: %1</span>").arg(answer);
}

}  // namespace rnnscope
