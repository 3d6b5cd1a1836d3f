#include "widgets/samples/SampleFilterModel.h"

#include "core/session/Session.h"

namespace rnnscope {

SampleFilterModel::SampleFilterModel(Session& session, QObject* parent)
    : QSortFilterProxyModel(parent), session_(session) {}

void SampleFilterModel::setShow(Show show) {
    if (show == show_) return;
    show_ = show;
    invalidateRowsFilter();
}

void SampleFilterModel::predictionsChanged() {
    if (show_ != Show::All) invalidateRowsFilter();
}

bool SampleFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex&) const {
    if (show_ == Show::All) return true;
    const ComparisonAnalysis& comparison = session_.comparison();
    if (!comparison.predictionsCompared()) return true;
    if (show_ == Show::Disagree) {
        const auto& a = session_.predictions();
        const auto& b = comparison.modelB().predictions();
        const size_t row = size_t(sourceRow);
        return row < a.size() && row < b.size() && a[row].done && b[row].done &&
               a[row].predicted != b[row].predicted;
    }
    const PairedOutcome outcome = comparison.outcome(sourceRow);
    switch (show_) {
        case Show::OnlyARight:
            return outcome == PairedOutcome::OnlyARight;
        case Show::OnlyBRight:
            return outcome == PairedOutcome::OnlyBRight;
        case Show::BothWrong:
            return outcome == PairedOutcome::BothWrong;
        default:
            return true;
    }
}

}  // namespace rnnscope
