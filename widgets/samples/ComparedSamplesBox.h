#pragma once
// The Samples panel's menu of which samples to list while a second model is compared (issue
// #25): all, only model A right, only model B right, both wrong, or the two predicting
// differently, each with its count, kept current as the predictions arrive. Hidden while the
// two models' predictions cannot be compared. It narrows the table through SampleFilterModel.

#include <QComboBox>

namespace rnnscope {

class SampleFilterModel;
class Session;
struct DataSample;
struct SampleResult;

class ComparedSamplesBox : public QComboBox {
    Q_OBJECT
public:
    ComparedSamplesBox(Session& session, SampleFilterModel& filter, QWidget* parent = nullptr);

    // Model B's answer on the sample model A's `result` ran, for the prediction line
    // (" · model B: balanced (97.1%) ✔"); "" without model B.
    static QString modelBAnswer(const Session& session, const SampleResult& result,
                                const DataSample& data);

Q_SIGNALS:
    void shownChanged();  // the table lists other samples

private:
    void update();

    Session& session_;
    SampleFilterModel& filter_;
};

}  // namespace rnnscope
