#pragma once
// Where the model looked: the current sample's attention as a heatmap (or bertviz-style links)
// with token labels, a colour bar, entropy and coverage beside the map, ground-truth spans
// outlined and the alignment score of the sample and of the whole dataset. Hovering a cell or a
// token hovers it through the Session, so every panel lights up the same token; a click pins it
// and Esc clears it. Heads, the axis switch, the colour map and which output (the model's own or
// the reference) are chosen here.

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QStackedWidget>

#include "core/JobRunner.h"
#include "core/Selection.h"
#include "core/analysis/AttentionAlignment.h"
#include "widgets/AttentionFigure.h"
#include "widgets/Panel.h"

namespace rnnscope {

class AttentionMapView;
class TokenStrip;

class AttentionPanel : public Panel {
    Q_OBJECT
public:
    explicit AttentionPanel(Session& session, QWidget* parent = nullptr);

    void paintFigure(QPainter& painter, const QRectF& rect) override;
    QSizeF figureSize() const override;

    AttentionMapView* mapView() const { return map_; }
    TokenStrip* sourceStrip() const { return sourceStrip_; }
    TokenStrip* outputStrip() const { return outputStrip_; }
    QComboBox* headSelector() const { return heads_; }
    QPushButton* swapAxesButton() const { return swap_; }
    QComboBox* viewSelector() const { return view_; }
    QComboBox* outputSelector() const { return output_; }
    QString statusText() const { return status_->text(); }
    // The line shown instead of the map when there is nothing to draw ("" when the map shows).
    QString message() const { return message_; }
    TokenRef pinnedToken() const { return pinned_; }
    const AttentionData& figureData() const;
    // The dataset's alignment score once computed (score.total == 0 before).
    const DatasetAlignment& datasetScore() const { return datasetScore_; }

protected:
    void refresh() override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    void buildControls();
    void rebuildHeads(int count);
    AttentionData buildData() const;
    void showHighlight();
    void hoverFromMap(const AttentionHit& hit);
    void clickFromMap(const AttentionHit& hit);
    void clearPin();
    TokenRef tokenFor(const AttentionHit& hit) const;
    void startDatasetScore();
    QString scoreCaption(const AttentionData& data) const;
    QString hint() const;
    bool resultIsCurrent() const;  // the Session's result belongs to the current text  // the
                                   // status line when nothing is under the cursor
    void applyStyle();

    QComboBox* view_ = nullptr;
    QComboBox* heads_ = nullptr;
    QPushButton* swap_ = nullptr;
    QComboBox* colours_ = nullptr;
    QCheckBox* log_ = nullptr;
    QCheckBox* truth_ = nullptr;
    QCheckBox* stats_ = nullptr;
    QComboBox* output_ = nullptr;
    QPushButton* fit_ = nullptr;
    QSlider* threshold_ = nullptr;
    QLabel* thresholdLabel_ = nullptr;
    QLabel* status_ = nullptr;
    QStackedWidget* stack_ = nullptr;
    QLabel* messageLabel_ = nullptr;
    AttentionMapView* map_ = nullptr;
    QLabel* sourceCaption_ = nullptr;
    QLabel* outputCaption_ = nullptr;
    TokenStrip* sourceStrip_ = nullptr;
    TokenStrip* outputStrip_ = nullptr;

    QString message_;
    TokenRef pinned_;
    AttentionHit cellHover_;
    int headCount_ = -1;

    DatasetAlignment datasetScore_;
    quint64 scoredGeneration_ = 0;  // Session generation the dataset score belongs to
    JobId scoreJob_ = 0;
    bool scoreRunning_ = false;
    QString scoreError_;
};

}  // namespace rnnscope
