#pragma once
// The Samples table's rows narrowed by how model A and the compared model B did on them (issue
// #25): only A right, only B right, both wrong, or the two predicting differently. Rows keep
// their dataset index through mapToSource, so the current sample stays the same sample.

#include <QSortFilterProxyModel>

namespace rnnscope {

class Session;

class SampleFilterModel : public QSortFilterProxyModel {
    Q_OBJECT
public:
    enum class Show { All, OnlyARight, OnlyBRight, BothWrong, Disagree };

    explicit SampleFilterModel(Session& session, QObject* parent = nullptr);
    void setShow(Show show);
    Show show() const { return show_; }
    // Re-reads the predictions (they arrive batch by batch).
    void predictionsChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    Session& session_;
    Show show_ = Show::All;
};

}  // namespace rnnscope
