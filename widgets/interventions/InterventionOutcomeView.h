#pragma once
// The current sample's prediction before and after the interventions, as a figure: for a
// classifier each class's probability as a pair of bars (original, intervened); for per-step
// models the output tokens of both runs, the changed ones marked; and the largest logit change.

#include <QStringList>
#include <QWidget>
#include <memory>
#include <optional>

#include "core/model/Capture.h"
#include "core/model/ModelMeta.h"

namespace rnnscope {

class InterventionOutcomeView : public QWidget {
    Q_OBJECT
public:
    explicit InterventionOutcomeView(QWidget* parent = nullptr);

    // Either result may be null (not run yet); `interventions` are the list's lines. The view
    // keeps its own copy of `meta`: a paint can come after the session has replaced the model.
    void setRuns(const ModelMeta* meta, std::shared_ptr<const SampleResult> original,
                 std::shared_ptr<const SampleResult> intervened, const QStringList& interventions,
                 const QString& status);

    void paintFigure(QPainter& painter, const QRectF& rect) const;
    // The height the figure needs at `width` pixels: no empty space under the bars.
    double figureHeight() const;
    QSize sizeHint() const override { return {520, 260}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    void paintClasses(QPainter& p, const QRectF& area) const;
    void paintSteps(QPainter& p, const QRectF& area) const;
    QStringList outputOf(const SampleResult& r) const;

    std::optional<ModelMeta> meta_;
    std::shared_ptr<const SampleResult> original_, intervened_;
    QStringList interventions_;
    QString status_;
};

}  // namespace rnnscope
