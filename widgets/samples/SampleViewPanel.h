#pragma once
// The samples of the dataset and the current one as a strip of tokens, with the model's
// prediction. Clicking a sample makes it current everywhere; hovering a token hovers it in every
// panel; typing in the input line runs the model on that text; What If… edits a copy of the
// sample and runs it beside the original (widgets/samples/WhatIfEditor.h).

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QTimer>
#include <QToolButton>

#include "widgets/common/Panel.h"

namespace rnnscope {

class ComparedSamplesBox;
class SampleFilterModel;
class SampleTableModel;
class TokenStrip;
class WhatIfEditor;

class SampleViewPanel : public Panel {
    Q_OBJECT
public:
    explicit SampleViewPanel(Session& session, QWidget* parent = nullptr);

    void paintFigure(QPainter& painter, const QRectF& rect) override;
    QSizeF figureSize() const override;

    QLineEdit* inputLine() const { return input_; }
    TokenStrip* inputStrip() const { return inputStrip_; }
    TokenStrip* outputStrip() const { return outputStrip_; }
    QTableView* table() const { return table_; }
    // With a compared model: which samples the table lists (all, only A right, ...).
    QComboBox* showFilter() const;
    // The line above the table: the dataset, and what the predictions so far measure.
    QString summaryText() const;
    QString predictionText() const { return prediction_->text(); }
    // The exported figure's heading: "Sample 6 of brackets.tsv", or "Typed input".
    QString figureTitle() const;
    QString inputCaption() const { return inputCaption_->text(); }
    // What-if: each token shaded by how much the answer changes when it is deleted.
    QCheckBox* sensitivityBox() const { return sensitivityBox_; }
    TokenStrip* sensitivityStrip() const { return sensitivityStrip_; }
    // What if: the button that starts an edit of the sample, and the edit itself.
    QToolButton* whatIfButton() const { return whatIfButton_; }
    WhatIfEditor* whatIfEditor() const { return editor_; }
    QString whatIfNotice() const {
        return whatIfNotice_->isVisibleTo(this) ? whatIfNotice_->text() : QString();
    }

protected:
    void refresh() override;

private:
    void updateSummary();
    void selectCurrentRow();  // the current sample's row, if the filter lists it
    void showHover();
    // Each token's named group (Session::tokenGroups) as a bar of the group's colour.
    void showGroups();
    void showTokenLoss();  // tagging and LMs: each token coloured by its loss, tips say more
    void showSensitivity();

    QLineEdit* input_ = nullptr;
    QToolButton* whatIfButton_ = nullptr;
    WhatIfEditor* editor_ = nullptr;
    QLabel* whatIfNotice_ = nullptr;
    QTimer inputDelay_;
    QLabel* prediction_ = nullptr;
    QLabel* inputCaption_ = nullptr;
    QLabel* outputCaption_ = nullptr;
    TokenStrip* inputStrip_ = nullptr;
    TokenStrip* outputStrip_ = nullptr;
    QTableView* table_ = nullptr;
    SampleTableModel* model_ = nullptr;
    SampleFilterModel* filter_ = nullptr;
    ComparedSamplesBox* show_ = nullptr;
    QLabel* summary_ = nullptr;
    QCheckBox* sensitivityBox_ = nullptr;
    QLabel* sensitivityCaption_ = nullptr;
    TokenStrip* sensitivityStrip_ = nullptr;
};

}  // namespace rnnscope
