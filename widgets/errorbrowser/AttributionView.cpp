#include "widgets/errorbrowser/AttributionView.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>

#include "core/model/Model.h"
#include "core/session/Session.h"
#include "widgets/errorbrowser/AttributionFigure.h"

namespace rnnscope {

AttributionView::AttributionView(Session& session, QWidget* parent)
    : QWidget(parent), session_(session) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(4);
    auto* controls = new QHBoxLayout;
    controls->setSpacing(4);
    method_ = new QComboBox(this);
    method_->setToolTip(tr("How each token's share of the output is computed"));
    method_->addItem(attributionMethodName(AttributionMethod::GradientTimesInput),
                     int(AttributionMethod::GradientTimesInput));
    method_->addItem(attributionMethodName(AttributionMethod::IntegratedGradients),
                     int(AttributionMethod::IntegratedGradients));
    method_->addItem(attributionMethodName(AttributionMethod::Occlusion),
                     int(AttributionMethod::Occlusion));
    target_ = new QComboBox(this);
    target_->setToolTip(
        tr("The class whose logit is explained; the true class is shown beside "
           "it when the sample has one"));
    position_ = new QSpinBox(this);
    position_->setRange(0, 100000);
    position_->setSpecialValueText(tr("auto"));
    position_->setToolTip(
        tr("Tagging, language models and seq2seq: the output position explained (or click an "
           "output in the figure). auto: a language model's last step, else the first wrong "
           "output"));
    positionLabel_ = new QLabel(tr("Position"), this);
    steps_ = new QSpinBox(this);
    steps_->setRange(1, 2000);
    steps_->setToolTip(
        tr("Integrated gradients: Gauss-Legendre nodes (or Riemann intervals) between baseline "
           "and input; adaptive starts here"));
    stepsLabel_ = new QLabel(tr("Steps"), this);
    rule_ = new QComboBox(this);
    rule_->setToolTip(tr("How the path integral is summed (Captum's default is Gauss-Legendre)"));
    for (IntegrationRule r : {IntegrationRule::GaussLegendre, IntegrationRule::RiemannTrapezoid,
                              IntegrationRule::RiemannMiddle, IntegrationRule::RiemannLeft,
                              IntegrationRule::RiemannRight})
        rule_->addItem(integrationRuleName(r), int(r));
    adaptive_ = new QCheckBox(tr("adaptive"), this);
    adaptive_->setToolTip(
        tr("Add nodes where the model's output switches sharply along the path until the scores "
           "add up to within 1% of f(input) − f(baseline) (completeness), up to 800 steps"));
    baseline_ = new QComboBox(this);
    baseline_->addItem(tr("pad embedding"), int(AttributionBaseline::Pad));
    baseline_->addItem(tr("zeros"), int(AttributionBaseline::Zeros));
    controls->addWidget(method_);
    controls->addWidget(new QLabel(tr("Class"), this));
    controls->addWidget(target_, 1);
    controls->addWidget(positionLabel_);
    controls->addWidget(position_);
    controls->addWidget(stepsLabel_);
    controls->addWidget(steps_);
    controls->addWidget(rule_);
    controls->addWidget(adaptive_);
    controls->addWidget(new QLabel(tr("Baseline"), this));
    controls->addWidget(baseline_);
    layout->addLayout(controls);

    figure_ = new AttributionFigure;
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(figure_);
    layout->addWidget(scroll, 1);

    auto send = [this]() { sendSettings(); };
    connect(method_, qOverload<int>(&QComboBox::currentIndexChanged), this, send);
    connect(target_, qOverload<int>(&QComboBox::currentIndexChanged), this, send);
    connect(baseline_, qOverload<int>(&QComboBox::currentIndexChanged), this, send);
    connect(rule_, qOverload<int>(&QComboBox::currentIndexChanged), this, send);
    connect(adaptive_, &QCheckBox::toggled, this, send);
    // A spin box reports every keystroke; one run when editing ends (or an arrow click).
    steps_->setKeyboardTracking(false);
    connect(steps_, qOverload<int>(&QSpinBox::valueChanged), this, send);
    position_->setKeyboardTracking(false);
    connect(position_, qOverload<int>(&QSpinBox::valueChanged), this, send);
    connect(figure_, &AttributionFigure::outputClicked, this, [this](int position) {
        {
            const QSignalBlocker block(position_);
            position_->setValue(position + 1);
        }
        sendSettings();
    });

    connect(&session_, &Session::attributionChanged, this, [this]() { updateFromSession(); });
    connect(&session_, &Session::comparedAttributionChanged, this,
            [this]() { updateFromSession(); });
    connect(&session_, &Session::comparedRunChanged, this, [this]() { updateFromSession(); });
    connect(&session_, &Session::modelChanged, this, [this]() { updateFromSession(); });
    updateFromSession();
}

void AttributionView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    session_.setAttributionWanted(true);
}

void AttributionView::hideEvent(QHideEvent* event) {
    QWidget::hideEvent(event);
    session_.setAttributionWanted(false);
}

bool AttributionView::readsFeatures() const {
    const auto model = session_.model();
    return model && model->meta().input.type == InputSpec::Type::Features;
}

void AttributionView::sendSettings() {
    AttributionSettings s = session_.attributionSettings();
    s.method = AttributionMethod(method_->currentData().toInt());
    s.target = target_->currentData().toInt();
    s.position = position_->value() - 1;  // 0 ("auto") → -1
    s.steps = steps_->value();
    s.baseline = AttributionBaseline(baseline_->currentData().toInt());
    s.rule = IntegrationRule(rule_->currentData().toInt());
    s.adaptive = adaptive_->isChecked();
    session_.setAttributionSettings(s);
}

void AttributionView::updateFromSession() {
    const AttributionSettings s = session_.attributionSettings();
    {
        const QSignalBlocker b1(method_), b2(target_), b3(steps_), b4(baseline_), b5(rule_),
            b6(adaptive_), b7(position_);
        // The range follows the sample's outputs once they are known.
        const auto known = session_.currentAttribution();
        position_->setMaximum(known && !known->outputTokens.isEmpty()
                                  ? std::max(int(known->outputTokens.size()), s.position + 1)
                                  : 100000);
        position_->setValue(s.position + 1);
        rule_->setCurrentIndex(rule_->findData(int(s.rule)));
        adaptive_->setChecked(s.adaptive);
        method_->setCurrentIndex(method_->findData(int(s.method)));
        // A model that reads features has no pad token: its baseline is zeros, whatever is set.
        baseline_->setCurrentIndex(
            baseline_->findData(int(readsFeatures() ? AttributionBaseline::Zeros : s.baseline)));
        steps_->setValue(s.steps);
        // Classes: "predicted" first, then every class of the model by name.
        const auto model = session_.model();
        QStringList names;
        if (model) names = attributionClassNames(model->meta());
        if (target_->count() != names.size() + 1 ||
            (names.size() > 0 && target_->itemText(1) != names.front())) {
            target_->clear();
            target_->addItem(tr("predicted"), -1);
            for (int c = 0; c < names.size(); ++c) target_->addItem(names[c], c);
        }
        target_->setCurrentIndex(std::max(0, target_->findData(s.target)));
    }
    const bool ig = s.method == AttributionMethod::IntegratedGradients;
    steps_->setEnabled(ig);
    stepsLabel_->setEnabled(ig);
    rule_->setEnabled(ig);
    adaptive_->setEnabled(ig);
    baseline_->setEnabled(s.method != AttributionMethod::GradientTimesInput);
    const bool usable = session_.model() && session_.model()->hasAttribution();
    for (QWidget* w : {static_cast<QWidget*>(method_), static_cast<QWidget*>(target_)})
        w->setEnabled(usable);
    // The position is for models with an output per step; its range follows the sample.
    const auto attribution = session_.currentAttribution();
    const bool perStep =
        attribution ? !attribution->outputTokens.isEmpty()
                    : session_.model() && session_.model()->meta().task != Task::Classification;
    // Shown only where it applies, so a classifier's controls stay as narrow as before.
    position_->setEnabled(usable && perStep);
    positionLabel_->setEnabled(usable && perStep);
    position_->setVisible(perStep);
    positionLabel_->setVisible(perStep);
    if (!usable) {
        steps_->setEnabled(false);
        rule_->setEnabled(false);
        adaptive_->setEnabled(false);
        baseline_->setEnabled(false);
    }
    if (readsFeatures()) baseline_->setEnabled(false);
    baseline_->setToolTip(readsFeatures()
                              ? tr("A model that reads features starts from zeros: it has no pad "
                                   "token")
                              : tr("What integrated gradients start from and occlusion puts in "
                                   "a token's place"));

    if (attribution)
        figure_->setAttribution(attribution);
    else if (!session_.attributionError().isEmpty())
        figure_->setMessage(session_.attributionError());
    else if (!session_.model())
        figure_->setMessage(tr("Open a model and a sample to see why the model decided."));
    else
        figure_->setMessage(tr("Computing the attribution of the current sample…"));

    // With interventions or an edit, the compared run explained the same way, under the
    // original.
    // (Model B's own attribution is not drawn here: it explains another model.)
    ComparedRun compared = session_.comparedRun();
    if (compared.otherModel()) compared = ComparedRun{};
    const bool edit = compared.kind == ComparedRun::Kind::Edited;
    figure_->setRunName(!compared.active() ? QString()
                        : edit             ? tr("the original input")
                                           : tr("the model as it computes"));
    if (!compared.active())
        figure_->clearComparison();
    else
        figure_->setComparison(compared.attribution, edit ? tr("the edited input") : compared.name,
                               !compared.attributionError.isEmpty()
                                   ? tr("%1: %2").arg(compared.name, compared.attributionError)
                               : edit ? tr("Computing the attribution of the edited input…")
                                      : tr("Computing the attribution with the interventions…"));
}

}  // namespace rnnscope
