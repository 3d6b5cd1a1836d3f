#pragma once
// The error browser's metrics as one figure: for classification the confusion matrix (counts and
// row shares; a click on a cell asks to filter the table to that true/predicted pair) with
// per-class precision, recall, F1 and support beside it; for seq2seq exact match, token accuracy
// and where the first wrong output token falls. The screen and File → Export Figure share paint().

#include <QWidget>
#include <optional>

#include "core/errors/ErrorMetrics.h"
#include "core/errors/RegressionErrors.h"
#include "core/errors/TokenErrors.h"

namespace rnnscope {

class ErrorMetricsView : public QWidget {
    Q_OBJECT
public:
    explicit ErrorMetricsView(QWidget* parent = nullptr);

    void setClassification(const ClassificationMetrics& metrics, const QString& caption);
    void setSeq2Seq(const Seq2SeqMetrics& metrics, const QString& caption);
    // Tagging and language models: token accuracy, loss and perplexity of the samples shown,
    // and Karpathy et al.'s errors by context over the dataset's tokens (`stats`).
    void setTokens(const TokenTaskMetrics& metrics, const TokenErrorStats& stats,
                   bool languageModel, const QString& caption);
    // Regression: MAE and RMSE of the samples shown, with their worst windows of steps.
    void setRegression(const RegressionMetrics& metrics, const std::vector<WorstWindow>& worst,
                       const QString& caption);
    // The bars of the errors-by-context charts as drawn last (for tooltips and tests): where
    // each is and what it says.
    struct Bar {
        QRectF rect;
        QString chart;  // "frequency", "depth", "distance"
        ContextBucket bucket;
    };
    const std::vector<Bar>& bars() const { return bars_; }
    void setMessage(const QString& message);  // no metrics to show, and why
    // The cell drawn as the current filter (-1, -1: none).
    void setHighlightedCell(int trueClass, int predictedClass);

    void paint(QPainter& painter, const QRectF& rect) const;
    QSizeF figureSize() const;
    // The cell under `pos` (widget coordinates), if any: {true class, predicted class}.
    std::optional<std::pair<int, int>> cellAt(const QPointF& pos) const;
    // Where a cell is on screen (empty when no matrix is shown).
    QRectF cellRect(int trueClass, int predictedClass) const;

    QSize sizeHint() const override { return {420, 260}; }  // the table gets the rest
    // Room for the figures of the current kind: the view sits in a scroll area, so a short
    // dock scrolls it instead of squeezing the charts away.
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void cellClicked(int trueClass, int predictedClass);

protected:
    void paintEvent(QPaintEvent*) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    struct MatrixLayout {
        QRectF matrix;  // the C x C cells
        double cell = 0.0;
        QRectF table;  // per-class metrics
        double top = 0.0;
    };
    MatrixLayout layoutFor(const QRectF& rect) const;
    void paintClassification(QPainter& painter, const QRectF& rect) const;
    void paintSeq2Seq(QPainter& painter, const QRectF& rect) const;
    // ErrorMetricsTasks.cpp:
    void paintTokens(QPainter& painter, const QRectF& rect) const;
    void paintRegression(QPainter& painter, const QRectF& rect) const;
    void paintBuckets(QPainter& painter, const QRectF& rect, const QString& title,
                      const QString& axis, const QString& key,
                      const std::vector<ContextBucket>& buckets) const;

    enum class Kind { Message, Classification, Seq2Seq, Tokens, Regression } kind_ = Kind::Message;
    RegressionMetrics regression_;
    std::vector<WorstWindow> worst_;
    TokenTaskMetrics tokens_;
    TokenErrorStats tokenStats_;
    bool languageModel_ = false;
    mutable std::vector<Bar> bars_;
    ClassificationMetrics classification_;
    Seq2SeqMetrics seq2seq_;
    QString caption_;
    QString message_;
    int highlightTrue_ = -1;
    int highlightPredicted_ = -1;
};

}  // namespace rnnscope
