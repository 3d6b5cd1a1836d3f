#pragma once
// The Beam Tree panel (issue #26): a seq2seq model's decoding of the current sample explored —
// beam search with its width, length normalisation and maximum length, or sampling with its
// temperature and top-k — drawn as the tree of every hypothesis kept (BeamTreeView). A node's
// menu forces its output as a prefix and decodes on; clicking a source token under a node edits
// the attention at that step, and the output without the edit stays beside the new one. The
// decoding itself is the Session's DecodingAnalysis, made on the worker while the panel shows.

#include "widgets/common/Panel.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QToolButton;
class QScrollArea;

namespace rnnscope {

class BeamTreeView;
struct AttentionEdit;
struct DecodingSetup;

class BeamTreePanel : public Panel {
    Q_OBJECT
public:
    explicit BeamTreePanel(Session& session, QWidget* parent = nullptr);

    void paintFigure(QPainter& painter, const QRectF& rect) override;
    QSizeF figureSize() const override;
    // Besides the controls: the forced prefix and the attention edits.
    QJsonObject saveSettings() const override;
    void restoreSettings(const QJsonObject& settings) override;

    // For tests and rnnscope-cli render.
    BeamTreeView* view() const { return view_; }
    QString statusText() const;
    void setWidth(int width);
    void setPrefix(const QString& prefix);
    void decodeOnFrom(int node);  // the node's output becomes the forced prefix
    void editAttention(int step, int position, bool remove);
    // The weight the shown node's step put on source `from` moved onto `to` (a drag).
    void moveAttention(int step, int from, int to);
    void clearEdits();
    // Over the dataset: widths 1 to the Width box (the first `maxSamples`; -1 all). Returns why
    // not ("" when started).
    QString computeOverDataset(qint64 maxSamples = -1);
    QString datasetText() const;
    // The Error Browser filtered to the samples the widest beam fixes (or breaks).
    void showFixes(bool fixes);
    void refreshNow() { refresh(); }

protected:
    void refresh() override;
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    DecodingSetup setupFromControls() const;
    // The setup with the shown node's output so far forced (an edit applies on its path), and
    // `edit` replacing any edit at its step; decodes again.
    void applyEdit(const AttentionEdit& edit);
    void applySetup();
    void showNodeMenu(int node, const QPoint& globalPos);
    void hoverNode(int node);
    void updateControls();
    void updateDatasetRow();

    QComboBox* method_;
    QSpinBox* width_;
    QDoubleSpinBox* alpha_;
    QSpinBox* maxLength_;
    QSpinBox* samples_;
    QDoubleSpinBox* temperature_;
    QSpinBox* topK_;
    QSpinBox* seed_;
    QLineEdit* prefix_;
    QToolButton* edits_;
    QLabel* status_;
    QPushButton* overDataset_;
    QPushButton* cancelDataset_;
    QProgressBar* datasetProgress_;
    QLabel* datasetResult_;
    QPushButton* fixes_;
    QPushButton* breaks_;
    QScrollArea* scroll_;
    BeamTreeView* view_;
    QList<QWidget*> beamControls_, samplingControls_;
};

}  // namespace rnnscope
