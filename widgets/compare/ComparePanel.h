#pragma once
// The Compare panel (issue #25): model A, the Session's model, against model B (File → Open
// Model to Compare…). It shows where each is right and the other wrong, with McNemar's test;
// the representation similarity of every state of A against every state of B (linear CKA or
// SVCCA); and for a chosen pair of states, B's units matched to A's with their r. Selecting a
// matched pair selects A's unit in every panel. The numbers live in the Session's
// ComparisonAnalysis (core/session/ComparisonAnalysis.h).

#include "widgets/common/Panel.h"

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace rnnscope {

class SimilarityMatrix;

class ComparePanel : public Panel {
    Q_OBJECT
public:
    explicit ComparePanel(Session& session, QWidget* parent = nullptr);

    void paintFigure(QPainter& painter, const QRectF& rect) override;
    QSizeF figureSize() const override;

    // For tests and rnnscope-cli render: start the similarity pass as Compute does.
    QString computeSimilarity();  // "" when started, else why not
    SimilarityMatrix* matrix() const { return matrix_; }
    QTableWidget* unitsTable() const { return units_; }
    // Above the table: the matching's summary; its tooltip lists the units without a partner.
    QLabel* unitsCaption() const { return unitsCaption_; }
    QString agreementText() const;
    QString headerText() const;
    // Redraws from the Session now, not at the next coalesced refresh (rnnscope-cli render).
    void refreshNow() { refresh(); }
    // Shows the matched units of A's track `a` and B's track `b`.
    void showPair(int a, int b);

protected:
    void refresh() override;
    void showEvent(QShowEvent* event) override;

private:
    void refreshUnits();
    QString figureFooter() const;  // the models, their accuracies and the agreement
    double footerHeight(double width) const;
    void startIfSmall();       // a dataset the size of the demos is compared as soon as it is shown
    bool autoCompare_ = true;  // false once the user cancelled, until another model or dataset

    QLabel* header_;
    QPushButton* open_;
    QPushButton* close_;
    QLabel* agreement_;
    QComboBox* measure_;
    QPushButton* compute_;
    QPushButton* cancel_;
    QProgressBar* progress_;
    QLabel* status_;
    SimilarityMatrix* matrix_;
    QLabel* unitsCaption_;
    QTableWidget* units_;
};

}  // namespace rnnscope
