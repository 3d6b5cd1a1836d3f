#pragma once
// Where the model looked: the current sample's attention as a heatmap (or bertviz-style links)
// with token labels, a colour bar, entropy and coverage beside the map, ground-truth spans
// outlined and the alignment score of the sample and of the whole dataset. Hovering a cell or a
// token hovers it through the Session, so every panel lights up the same token; a click pins it
// and Esc clears it. Layers (attention and attention.<name>), heads, the axis switch, the colour
// map and which output (the model's own or the reference) are chosen here; the matrix shown
// exports as CSV. A matrix that breaks the contract is drawn as is, with a notice saying how.

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QStackedWidget>

#include "core/analysis/attention/AttentionAlignment.h"
#include "core/jobs/JobHandle.h"
#include "core/session/Refs.h"
#include "widgets/attention/AttentionFigure.h"
#include "widgets/common/Panel.h"

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
    QString sourceCaption() const;  // what shades the source strip
    QComboBox* headSelector() const { return heads_; }
    QComboBox* layerSelector() const { return layers_; }
    // The attention layers of the current result ("attention", then each attention.<name>).
    QStringList attentionLayers() const;
    // Shows that layer (now if the result has it, else once one does); false when the current
    // result has no layer of that name.
    bool selectAttentionLayer(const QString& name);
    QPushButton* swapAxesButton() const { return swap_; }
    QComboBox* viewSelector() const { return view_; }
    QComboBox* outputSelector() const { return output_; }
    // With interventions (issue #21): the original run, the run with them, or their difference.
    enum Run { Original = 0, Intervened = 1, Difference = 2 };
    QComboBox* runSelector() const { return run_; }
    QComboBox* colourMapSelector() const { return colours_; }
    QString statusText() const { return status_->text(); }
    // What breaks the contract in the matrix shown (wrong shape, rows not summing to 1, NaN or
    // infinite weights), one finding per line; "" when nothing does.
    QString notice() const { return notice_->text(); }
    // Writes the matrix shown (layer, head or mean, output choice) as CSV; throws UserError.
    void exportMatrixCsv(const QString& path) const;
    // The line shown instead of the map when there is nothing to draw ("" when the map shows).
    QString message() const { return message_; }
    // True until the panel shows the current input's own result: no model yet, the model still
    // running, or the previous sample's figure kept meanwhile. Headless renders and tests wait
    // for it to turn false before they read the figure or the message.
    bool isWaiting() const { return waiting_; }
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
    void rebuildLayers(const QStringList& names);
    QString currentLayer() const;
    QStringList noticeLines(const AttentionData& data) const;
    void exportMatrixCsvDialog();
    AttentionData buildData() const;
    // The chosen layer's weights in `result` (one head or their mean), and what was chosen.
    MatrixRM chosenWeights(const SampleResult& result, QString* headText) const;
    // The run the map draws from: the intervened one when chosen and ready, else the original.
    std::shared_ptr<const SampleResult> shownResult() const;
    int shownRun() const;  // Original when there are no interventions
    void showHighlight();
    // The attention of the Beam Tree node under the pointer when the map has no row for it
    // (empty otherwise), and the source strip's caption for it.
    std::vector<float> hoveredNodeAttention(QString* caption) const;
    void hoverFromMap(const AttentionHit& hit);
    void clickFromMap(const AttentionHit& hit);
    void clearPin();
    TokenRef tokenFor(const AttentionHit& hit) const;
    void startDatasetScore();
    QString scoreCaption(const AttentionData& data) const;
    QString hint() const;          // the status line when nothing is under the cursor
    bool resultIsCurrent() const;  // the Session's result belongs to the current text
    void applyStyle();

    QComboBox* view_ = nullptr;
    QComboBox* heads_ = nullptr;
    QLabel* layerLabel_ = nullptr;
    QComboBox* layers_ = nullptr;
    QPushButton* csv_ = nullptr;
    QLabel* notice_ = nullptr;
    QPushButton* swap_ = nullptr;
    QComboBox* colours_ = nullptr;
    QCheckBox* log_ = nullptr;
    QCheckBox* truth_ = nullptr;
    QCheckBox* stats_ = nullptr;
    QComboBox* output_ = nullptr;
    QLabel* runLabel_ = nullptr;
    QComboBox* run_ = nullptr;
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

    bool waiting_ = true;
    QString message_;
    TokenRef pinned_;
    AttentionHit cellHover_;
    int headCount_ = -1;
    QString wantedLayer_;  // the layer asked for, kept across samples and results

    DatasetAlignment datasetScore_;
    quint64 scoredGeneration_ = 0;  // Session generation the dataset score belongs to
    JobHandle scoreJob_;            // the dataset's alignment score
    bool scoreRunning_ = false;
    QString scoreError_;
};

}  // namespace rnnscope
