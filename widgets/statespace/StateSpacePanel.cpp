#include "widgets/statespace/StateSpacePanel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <cmath>

#include "core/Errors.h"
#include "core/analysis/statespace/Pca.h"
#include "core/analysis/statespace/ProjectorExport.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "core/store/ActivationStore.h"
#include "widgets/common/ColourMaps.h"
#include "widgets/common/VtkView.h"
#include "widgets/statespace/StateSpaceScene.h"

namespace rnnscope {

namespace {

constexpr int kMaxPinned = 5;
const QRgb kPinColors[kMaxPinned] = {0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x17becf};

// Default points for t-SNE and UMAP: enough for a dense picture, minutes at most on a laptop.
constexpr int kDefaultIterativePoints = 50000;

// Per point of a projection of tokens: whether its token is in the group.
std::vector<char> membership(const StateProjection& projection, const ActivationStore& store,
                             const TokenGroup& group) {
    const int track = store.findTrack(projection.spec.track);
    const StoreAxis axis = track >= 0 ? store.tracks()[size_t(track)].axis : StoreAxis::Input;
    return groupMembership(group, store, axis, projection.samples, projection.steps);
}

// A token group's members in the first category colour, every other point grey (-1).
PointColors groupColors(const StateProjection& projection, const ActivationStore& store,
                        const TokenGroup& group) {
    PointColors colors;
    colors.categorical = true;
    colors.title = QObject::tr("token group");
    colors.categories << group.name;
    if (projection.spec.unit != ProjectionUnit::Tokens) {
        colors.unavailable = QObject::tr(
            "Colouring by a token group needs a projection of tokens, not of final "
            "states.");
        colors.values.assign(projection.samples.size(), -1.0f);
        return colors;
    }
    for (char m : membership(projection, store, group)) colors.values.push_back(m ? 0.0f : -1.0f);
    return colors;
}

// Part of the colours' cache key: a group's name and size, so that editing it recolours.
QString groupKey(const Session& session, int group) {
    if (group < 0 || group >= session.tokenGroups().size()) return QString();
    const TokenGroup& g = session.tokenGroups()[group];
    return QStringLiteral("|%1|%2").arg(g.name).arg(g.size());
}

QString coloringName(PointColoring c) {
    switch (c) {
        case PointColoring::Label:
            return QObject::tr("True label");
        case PointColoring::Prediction:
            return QObject::tr("Prediction");
        case PointColoring::Correct:
            return QObject::tr("Right / wrong");
        case PointColoring::Token:
            return QObject::tr("Token");
        case PointColoring::Step:
            return QObject::tr("Time step");
        case PointColoring::RelativePosition:
            return QObject::tr("Position in sequence");
        case PointColoring::Unit:
            return QObject::tr("Unit activation");
    }
    return {};
}

// `color` moved towards white by `amount` in [0, 1].
QColor blend(const QColor& color, double amount) {
    auto mix = [amount](int c) { return int(std::lround(c + (255 - c) * amount)); };
    return QColor(mix(color.red()), mix(color.green()), mix(color.blue()));
}

const StateTrack* findResultTrack(const SampleResult& result, const StoredTrack& stored) {
    for (const StateTrack& t : result.tracks)
        if (t.module == stored.module && t.layer == stored.layer &&
            t.direction == stored.direction && t.kind == stored.kind)
            return &t;
    return nullptr;
}

}  // namespace

StateSpacePanel::StateSpacePanel(Session& session, QWidget* parent)
    : Panel(session, QStringLiteral("state-space"), parent) {
    buildControls();
    scene_ = std::make_unique<StateSpaceScene>(view_);

    projectTimer_ = new QTimer(this);
    projectTimer_->setSingleShot(true);
    projectTimer_->setInterval(250);  // controls changed in a burst give one projection
    connect(projectTimer_, &QTimer::timeout, this, [this]() { requestProjection(); });

    connect(&session, &Session::currentResultChanged, this, [this]() { scheduleRefresh(); });
    // A sample of the projection is drawn from its own points at once, before the model has
    // run on it (the result refreshes the rest).
    connect(&session, &Session::currentSampleChanged, this, [this]() {
        if (!shown_) return;
        showTrajectory(false);
        showHover();
    });
    connect(&session, &Session::storeChanged, this, [this]() {
        rebuildTrackList();
        updateControls();
        // A new store is one event, not a burst of control changes: project it at once (a
        // checkpoint stepped back to has its projection kept, and shows it at once).
        projectTimer_->stop();
        if (this->session().store()) requestProjection();
        scheduleRefresh();
    });
    connect(&session, &Session::stateProjectionChanged, this, [this]() { showProjection(); });
    connect(&session.selection(), &Selection::hoveredTokenChanged, this, [this]() { showHover(); });
    connect(&session.decoding(), &DecodingAnalysis::hoveredNodeChanged, this,
            [this]() { showHover(); });
    // A unit selected anywhere (the hidden-units panel's finder, saturation plot or heatmap)
    // colours the cloud by its activation.
    connect(&session.selection(), &Selection::selectedUnitsChanged, this,
            [this]() { colorBySelectedUnit(); });
    connect(&session, &Session::tokenGroupsChanged, this, [this]() { rebuildGroupColorings(); });
    // Tokens selected in the feature scatter are marked in the cloud before they are named.
    connect(&session.selection(), &Selection::selectedTokensChanged, this,
            [this]() { showSelection(); });
    connect(&session, &Session::modelChanged, this, [this]() {
        pinned_.clear();
        showPinned();
    });
    connect(&session, &Session::comparedRunChanged, this, [this]() { showPinned(); });
    connect(&session.comparison(), &ComparisonAnalysis::similarityChanged, this,
            [this]() { showPinned(); });
    // Preferences → colour map: the path and a continuous colouring take the new map at once.
    connect(&ColourMapPreference::instance(), &ColourMapPreference::changed, this, [this]() {
        colorsKey_.clear();
        updateColors();
        if (shown_) showTrajectory(true);
        view_->update();
    });
    connect(view_, &VtkView::hovered, this, &StateSpacePanel::onHovered);
    connect(view_, &VtkView::clicked, this, &StateSpacePanel::onClicked);
    connect(view_, &VtkView::interactionStarted, this, [this]() { scene_->setInteracting(true); });
    connect(view_, &VtkView::interactionEnded, this, [this]() {
        scene_->setInteracting(false);
        view_->update();
    });
    rebuildTrackList();
    updateControls();
    refresh();
    // The method's own change of max points comes first, the saved value after it.
    keepSettings({{QStringLiteral("track"), trackBox_},
                  {QStringLiteral("points"), unitBox_},
                  {QStringLiteral("method"), methodBox_},
                  {QStringLiteral("dims"), dimsBox_},
                  {QStringLiteral("perplexity"), perplexity_},
                  {QStringLiteral("neighbours"), neighbours_},
                  {QStringLiteral("min_dist"), minDist_},
                  {QStringLiteral("max_points"), maxPoints_},
                  {QStringLiteral("seed"), seed_},
                  {QStringLiteral("colour"), colorBox_},
                  {QStringLiteral("colour_unit"), colorUnit_}});
}

StateSpacePanel::~StateSpacePanel() = default;

void StateSpacePanel::buildControls() {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(3);
    auto* row1 = new QHBoxLayout;
    auto* row2 = new QHBoxLayout;
    auto label = [this](const QString& text) { return new QLabel(text, this); };

    trackBox_ = new QComboBox(this);
    trackBox_->setToolTip(tr("Which captured state is projected (layer, direction, kind)"));
    trackBox_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    unitBox_ = new QComboBox(this);
    unitBox_->addItem(tr("Every token"), int(ProjectionUnit::Tokens));
    unitBox_->addItem(tr("Final states"), int(ProjectionUnit::Samples));
    unitBox_->setToolTip(
        tr("One point per token, or one per sample (its state after the last "
           "step)"));
    methodBox_ = new QComboBox(this);
    methodBox_->addItem(QStringLiteral("PCA"), int(ProjectionMethod::Pca));
    methodBox_->addItem(QStringLiteral("t-SNE"), int(ProjectionMethod::Tsne));
    methodBox_->addItem(QStringLiteral("UMAP"), int(ProjectionMethod::Umap));
    methodBox_->setToolTip(
        tr("PCA is instant and linear; t-SNE and UMAP show neighbourhoods and "
           "are drawn while they converge"));
    dimsBox_ = new QComboBox(this);
    dimsBox_->addItem(QStringLiteral("3D"), 3);
    dimsBox_->addItem(QStringLiteral("2D"), 2);

    tsneParams_ = new QWidget(this);
    auto* tsneLayout = new QHBoxLayout(tsneParams_);
    tsneLayout->setContentsMargins(0, 0, 0, 0);
    perplexity_ = new QDoubleSpinBox(tsneParams_);
    perplexity_->setRange(2, 500);
    perplexity_->setValue(30);
    perplexity_->setDecimals(0);
    perplexity_->setToolTip(
        tr("t-SNE perplexity: the effective number of neighbours of a point "
           "(needs 3 × perplexity + 1 points)"));
    tsneLayout->addWidget(new QLabel(tr("Perplexity"), tsneParams_));
    tsneLayout->addWidget(perplexity_);

    umapParams_ = new QWidget(this);
    auto* umapLayout = new QHBoxLayout(umapParams_);
    umapLayout->setContentsMargins(0, 0, 0, 0);
    neighbours_ = new QSpinBox(umapParams_);
    neighbours_->setRange(2, 200);
    neighbours_->setValue(15);
    neighbours_->setToolTip(tr("UMAP neighbours: larger values keep more of the global shape"));
    minDist_ = new QDoubleSpinBox(umapParams_);
    minDist_->setRange(0.0, 1.0);
    minDist_->setSingleStep(0.05);
    minDist_->setValue(0.1);
    minDist_->setToolTip(tr("UMAP minimum distance: how tightly points may pack"));
    umapLayout->addWidget(new QLabel(tr("Neighbours"), umapParams_));
    umapLayout->addWidget(neighbours_);
    umapLayout->addWidget(new QLabel(tr("Min dist"), umapParams_));
    umapLayout->addWidget(minDist_);

    maxPoints_ = new QSpinBox(this);
    maxPoints_->setRange(0, 100000000);
    maxPoints_->setSingleStep(10000);
    maxPoints_->setSpecialValueText(tr("all"));
    maxPoints_->setGroupSeparatorShown(true);
    maxPoints_->setValue(0);
    maxPoints_->setToolTip(
        tr("At most this many points: a seeded choice of whole samples (0: "
           "all). t-SNE and UMAP start at 50,000."));
    seed_ = new QSpinBox(this);
    seed_->setRange(0, 1000000);
    seed_->setValue(42);
    seed_->setToolTip(tr("Seed: the same seed gives the same layout"));

    row1->addWidget(label(tr("State")));
    row1->addWidget(trackBox_);
    row1->addWidget(unitBox_);
    row1->addWidget(methodBox_);
    row1->addWidget(dimsBox_);
    row1->addWidget(tsneParams_);
    row1->addWidget(umapParams_);
    row1->addWidget(label(tr("Points")));
    row1->addWidget(maxPoints_);
    row1->addWidget(label(tr("Seed")));
    row1->addWidget(seed_);
    row1->addStretch(1);

    colorBox_ = new QComboBox(this);
    for (PointColoring c : {PointColoring::Label, PointColoring::Prediction, PointColoring::Correct,
                            PointColoring::Token, PointColoring::Step,
                            PointColoring::RelativePosition, PointColoring::Unit})
        colorBox_->addItem(coloringName(c), int(c));
    colorBox_->setCurrentIndex(colorBox_->findData(int(PointColoring::Step)));
    colorBox_->setToolTip(tr("What the colour of a point shows"));
    colorUnit_ = new QSpinBox(this);
    colorUnit_->setRange(0, 4095);
    colorUnit_->setPrefix(tr("unit "));
    colorUnit_->setToolTip(tr("The unit whose activation colours the points"));
    captureButton_ = new QPushButton(tr("Capture Every State…"), this);
    captureButton_->setToolTip(
        tr("Run the model over the whole dataset to project every state "
           "(Analysis → Capture Every State)"));
    pinButton_ = new QToolButton(this);
    pinButton_->setText(tr("Pin"));
    pinButton_->setToolTip(tr("Keep the current sample's path on screen to compare (up to %1; "
                              "P)")
                               .arg(kMaxPinned));
    pinButton_->setShortcut(QKeySequence(Qt::Key_P));
    clearPinsButton_ = new QToolButton(this);
    clearPinsButton_->setText(tr("Unpin All"));
    exportButton_ = new QToolButton(this);
    exportButton_->setText(tr("Export Points…"));
    exportButton_->setToolTip(
        tr("Save the points (sample, step, token, coordinates) as CSV, or their states for the "
           "TensorFlow Embedding Projector"));
    info_ = new QLabel(this);
    info_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    info_->setWordWrap(true);

    row2->addWidget(label(tr("Colour")));
    row2->addWidget(colorBox_);
    row2->addWidget(colorUnit_);
    row2->addWidget(pinButton_);
    row2->addWidget(clearPinsButton_);
    row2->addWidget(exportButton_);
    row2->addWidget(captureButton_);
    row2->addWidget(info_, 1);
    layout->addLayout(row1);
    layout->addLayout(row2);

    view_ = new VtkView(this);
    view_->setToolTip(
        tr("Drag to rotate, right-drag or wheel to zoom, middle-drag to pan, R "
           "resets; click a point to open its sample"));
    layout->addWidget(view_, 1);

    auto project = [this]() {
        updateControls();
        if (session().store()) projectTimer_->start();
    };
    connect(trackBox_, &QComboBox::currentIndexChanged, this, [this, project]() {
        if (session().store())
            project();
        else
            scheduleRefresh();
    });
    connect(unitBox_, &QComboBox::currentIndexChanged, this, project);
    connect(methodBox_, &QComboBox::currentIndexChanged, this, [this, project]() {
        // t-SNE and UMAP start on a sample of the dataset; PCA takes everything at once.
        const bool iterative = methodBox_->currentData().toInt() != int(ProjectionMethod::Pca);
        const auto store = session().store();
        if (iterative && maxPoints_->value() == 0 && store &&
            store->tokenCount() > kDefaultIterativePoints)
            maxPoints_->setValue(kDefaultIterativePoints);
        project();
    });
    connect(dimsBox_, &QComboBox::currentIndexChanged, this, project);
    connect(perplexity_, &QDoubleSpinBox::valueChanged, this, project);
    connect(neighbours_, &QSpinBox::valueChanged, this, project);
    connect(minDist_, &QDoubleSpinBox::valueChanged, this, project);
    connect(maxPoints_, &QSpinBox::valueChanged, this, project);
    connect(seed_, &QSpinBox::valueChanged, this, project);
    connect(colorBox_, &QComboBox::currentIndexChanged, this, [this]() {
        updateControls();
        updateColors();
    });
    connect(colorUnit_, &QSpinBox::valueChanged, this, [this]() { updateColors(); });
    connect(captureButton_, &QPushButton::clicked, this, [this]() { session().captureDataset(); });
    connect(pinButton_, &QToolButton::clicked, this, [this]() { pinCurrentSample(); });
    connect(clearPinsButton_, &QToolButton::clicked, this, [this]() {
        pinned_.clear();
        showPinned();
        updateControls();
    });
    auto* exportMenu = new QMenu(exportButton_);
    exportMenu->addAction(tr("Points as CSV…"), this, [this]() {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export Points"), QStringLiteral("state-space.csv"), tr("CSV (*.csv)"));
        if (path.isEmpty()) return;
        try {
            exportCoordinates(path);
        } catch (const UserError& e) {
            QMessageBox::warning(this, tr("Export Points"), e.message());
        }
    });
    exportMenu->addAction(tr("States for TensorFlow Projector…"), this, [this]() {
        const QString dir =
            QFileDialog::getExistingDirectory(this, tr("Folder for vectors.tsv and metadata.tsv"));
        if (dir.isEmpty()) return;
        try {
            exportProjector(dir);
        } catch (const UserError& e) {
            QMessageBox::warning(this, tr("Export for TensorFlow Projector"), e.message());
        }
    });
    exportButton_->setMenu(exportMenu);
    exportButton_->setPopupMode(QToolButton::InstantPopup);
}

void StateSpacePanel::rebuildTrackList() {
    const QString previous = trackBox_->currentData().toString();
    QSignalBlocker block(trackBox_);
    trackBox_->clear();
    int preferred = -1;
    auto consider = [&](const QString& module, int layer, int direction, const QString& kind) {
        // Default: the top layer's forward hidden state of the first recurrent module.
        if (kind != QLatin1String("hidden") || direction != 0) return;
        if (preferred < 0) {
            preferred = trackBox_->count() - 1;
            return;
        }
        const QStringList parts = trackBox_->itemData(preferred, Qt::UserRole + 1).toStringList();
        if (parts.value(0) == module && layer > parts.value(1).toInt())
            preferred = trackBox_->count() - 1;
    };
    if (const auto store = session().store()) {
        for (const StoredTrack& t : store->tracks()) {
            trackBox_->addItem(t.label(), t.name);
            trackBox_->setItemData(trackBox_->count() - 1,
                                   QStringList{t.module, QString::number(t.layer)},
                                   Qt::UserRole + 1);
            consider(t.module, t.layer, t.direction, t.kind);
        }
    } else if (const auto result = session().currentResult()) {
        for (const StateTrack& t : result->tracks) {
            trackBox_->addItem(t.label(), t.label());
            trackBox_->setItemData(trackBox_->count() - 1,
                                   QStringList{t.module, QString::number(t.layer)},
                                   Qt::UserRole + 1);
            consider(t.module, t.layer, t.direction, t.kind);
        }
    }
    const int keep = trackBox_->findData(previous);
    trackBox_->setCurrentIndex(keep >= 0 ? keep : std::max(0, preferred));
}

void StateSpacePanel::updateControls() {
    const bool store = session().store() != nullptr;
    const auto method = ProjectionMethod(methodBox_->currentData().toInt());
    for (QWidget* w : std::initializer_list<QWidget*>{unitBox_, methodBox_, dimsBox_, maxPoints_,
                                                      seed_, colorBox_, exportButton_})
        w->setEnabled(store);
    tsneParams_->setVisible(method == ProjectionMethod::Tsne);
    umapParams_->setVisible(method == ProjectionMethod::Umap);
    colorUnit_->setVisible(colorBox_->currentData().toInt() == int(PointColoring::Unit));
    captureButton_->setVisible(!store && session().model() && session().dataset());
    pinButton_->setEnabled(store && int(pinned_.size()) < kMaxPinned &&
                           session().currentSample() >= 0);
    clearPinsButton_->setEnabled(!pinned_.empty());
}

ProjectionSpec StateSpacePanel::spec() const {
    ProjectionSpec s;
    s.track = trackBox_->currentData().toString();
    s.unit = ProjectionUnit(unitBox_->currentData().toInt());
    s.method = ProjectionMethod(methodBox_->currentData().toInt());
    s.dims = dimsBox_->currentData().toInt();
    s.perplexity = perplexity_->value();
    s.neighbours = neighbours_->value();
    s.minDist = minDist_->value();
    s.maxPoints = maxPoints_->value();
    s.seed = quint64(seed_->value());
    return s;
}

void StateSpacePanel::setSpec(const ProjectionSpec& s) {
    for (QWidget* w :
         std::initializer_list<QWidget*>{trackBox_, unitBox_, methodBox_, dimsBox_, perplexity_,
                                         neighbours_, minDist_, maxPoints_, seed_})
        w->blockSignals(true);
    const int track = trackBox_->findData(s.track);
    if (track >= 0) trackBox_->setCurrentIndex(track);
    unitBox_->setCurrentIndex(unitBox_->findData(int(s.unit)));
    methodBox_->setCurrentIndex(methodBox_->findData(int(s.method)));
    dimsBox_->setCurrentIndex(dimsBox_->findData(s.dims));
    perplexity_->setValue(s.perplexity);
    neighbours_->setValue(s.neighbours);
    minDist_->setValue(s.minDist);
    maxPoints_->setValue(int(std::min<qint64>(s.maxPoints, maxPoints_->maximum())));
    seed_->setValue(int(s.seed));
    for (QWidget* w :
         std::initializer_list<QWidget*>{trackBox_, unitBox_, methodBox_, dimsBox_, perplexity_,
                                         neighbours_, minDist_, maxPoints_, seed_})
        w->blockSignals(false);
    updateControls();
    requestProjection();
}

void StateSpacePanel::colorBySelectedUnit() {
    const QVector<UnitRef> units = session().selection().selectedUnits();
    const auto store = session().store();
    if (units.isEmpty() || !store) return;
    const UnitRef& u = units.back();  // the one selected last
    const int track = store->findTrack(u.module, u.layer, u.direction, u.kind);
    if (track < 0) return;
    colorTrack_ = store->tracks()[size_t(track)].name;
    colorUnit_->blockSignals(true);
    colorUnit_->setValue(u.unit);
    colorUnit_->blockSignals(false);
    colorBox_->blockSignals(true);
    colorBox_->setCurrentIndex(colorBox_->findData(int(PointColoring::Unit)));
    colorBox_->blockSignals(false);
    updateControls();
    updateColors();
}

void StateSpacePanel::rebuildGroupColorings() {
    const QVariant previous = colorBox_->currentData();
    const QString previousText = colorBox_->currentText();
    QSignalBlocker block(colorBox_);
    for (int i = colorBox_->count() - 1; i >= 0; --i)
        if (colorBox_->itemData(i).toInt() >= kGroupColoring) colorBox_->removeItem(i);
    const auto& groups = session().tokenGroups();
    for (int g = 0; g < groups.size(); ++g)
        colorBox_->addItem(tr("Group: %1").arg(groups[g].name), kGroupColoring + g);
    // The same group by name, else the same colouring, else step.
    int same = colorBox_->findText(previousText);
    if (same < 0 && previous.toInt() < kGroupColoring) same = colorBox_->findData(previous);
    if (same < 0) same = colorBox_->findData(int(PointColoring::Step));
    colorBox_->setCurrentIndex(same);
    colorsKey_.clear();
    updateControls();
    updateColors();
}

bool StateSpacePanel::colorByGroup(const QString& name) {
    const int i = colorBox_->findText(tr("Group: %1").arg(name));
    if (i < 0) return false;
    colorBox_->setCurrentIndex(i);
    updateColors();
    return true;
}

QStringList StateSpacePanel::groupColorings() const {
    QStringList names;
    for (int i = 0; i < colorBox_->count(); ++i)
        if (colorBox_->itemData(i).toInt() >= kGroupColoring)
            names << session()
                         .tokenGroups()
                         .value(colorBox_->itemData(i).toInt() - kGroupColoring)
                         .name;
    return names;
}

PointColoring StateSpacePanel::coloring() const {
    return PointColoring(colorBox_->currentData().toInt());
}

QColor StateSpacePanel::cloudPointColor(qint64 point) const {
    if (point < 0 || size_t(point) * 3 + 2 >= rgb_.size()) return QColor();
    return QColor(rgb_[size_t(point) * 3], rgb_[size_t(point) * 3 + 1],
                  rgb_[size_t(point) * 3 + 2]);
}

void StateSpacePanel::setColoring(PointColoring coloring, int unit) {
    colorTrack_.clear();
    colorUnit_->setValue(unit);
    colorBox_->setCurrentIndex(colorBox_->findData(int(coloring)));
    updateColors();
}

void StateSpacePanel::requestProjection() {
    projectTimer_->stop();
    const auto store = session().store();
    if (!store || trackBox_->count() == 0) return;
    ProjectionSpec s = spec();
    if (!fitsMethod(s, *store)) return;
    session().projectStates(s);
}

bool StateSpacePanel::fitsMethod(const ProjectionSpec& s, const ActivationStore& store) {
    if (s.method == ProjectionMethod::Pca) return true;
    const int track = store.findTrack(s.track);
    const StoreAxis axis = track >= 0 ? store.tracks()[size_t(track)].axis : StoreAxis::Input;
    qint64 points =
        s.unit == ProjectionUnit::Samples ? store.sampleCount() : store.tokenCount(axis);
    if (s.maxPoints > 0) points = std::min(points, s.maxPoints);
    // t-SNE needs 3 x perplexity + 1 points, UMAP neighbours + 1: say so, and change the
    // parameter only when the user agrees.
    const bool tsne = s.method == ProjectionMethod::Tsne;
    const qint64 needed = tsne ? qint64(std::floor(3 * s.perplexity)) + 1 : s.neighbours + 1;
    if (points >= needed) return true;
    const double perplexity = std::floor(double(points - 1) / 3.0);
    const int neighbours = int(points - 1);
    if ((tsne && perplexity < 2) || (!tsne && neighbours < 2)) {
        info_->setText(
            tr("%1 needs more points than the %L2 there are.").arg(s.methodName()).arg(points));
        return false;
    }
    const QString question =
        tsne ? tr("t-SNE with perplexity %1 needs at least %L2 points; this projection has %L3.\n\n"
                  "Use perplexity %4 instead?")
                   .arg(s.perplexity)
                   .arg(needed)
                   .arg(points)
                   .arg(perplexity)
             : tr("UMAP with %1 neighbours needs at least %L2 points; this projection has %L3.\n\n"
                  "Use %4 neighbours instead?")
                   .arg(s.neighbours)
                   .arg(needed)
                   .arg(points)
                   .arg(neighbours);
    if (QMessageBox::question(this, tr("Too few points for %1").arg(s.methodName()), question) !=
        QMessageBox::Yes) {
        info_->setText(tr("Too few points for %1: lower its parameter or allow more points.")
                           .arg(s.methodName()));
        return false;
    }
    const QSignalBlocker blockPerplexity(perplexity_), blockNeighbours(neighbours_);
    if (tsne)
        perplexity_->setValue(perplexity);
    else
        neighbours_->setValue(neighbours);
    session().projectStates(spec());
    return false;  // already started with the agreed parameter
}

const StoredTrack* StateSpacePanel::projectedTrack() const {
    const auto store = session().store();
    if (!store || !shown_) return nullptr;
    const int t = store->findTrack(shown_->spec.track);
    return t >= 0 ? &store->tracks()[size_t(t)] : nullptr;
}

void StateSpacePanel::refresh() {
    if (!session().store()) {
        rebuildTrackList();
        shown_.reset();
        scene_->clearCloud();
        scene_->clearLegend();
        scene_->setMarked(MatrixRM());
    }
    updateControls();
    showTrajectory();
    showPinned();
    showHover();
}

void StateSpacePanel::showProjection() {
    const auto projection = session().stateProjection();
    const bool newPoints = !shown_ || !projection || shown_->spec.key() != projection->spec.key();
    shown_ = projection;
    if (!projection) {
        scene_->clearCloud();
        scene_->clearLegend();
        scene_->setMarked(MatrixRM());
        refresh();
        return;
    }
    scene_->setTwoD(projection->spec.dims == 2);
    if (newPoints) colorsKey_.clear();
    updateColors();  // sets the cloud with its colours
    if (cameraFor_ != projection->spec.key() || (projection->finished && !cameraSet_)) {
        // A new view, or the first whole layout of a converging one: frame it.
        scene_->resetCamera();
        cameraFor_ = projection->spec.key();
        cameraSet_ = projection->finished;
    } else if (!projection->finished) {
        scene_->resetCamera();  // t-SNE grows while it converges; keep it in frame
        cameraSet_ = false;
    }

    QString text = projection->spec.describe(projection->trackLabel);
    text += tr(" · %L1 points").arg(projection->pointCount());
    if (projection->spec.method == ProjectionMethod::Pca && projection->explained.size() > 0) {
        QStringList shares;
        for (int c = 0; c < projection->explained.size(); ++c)
            shares << QString::number(projection->explained(c) * 100, 'f', 1) + QLatin1Char('%');
        text += tr(" · explained %1").arg(shares.join(QStringLiteral(" / ")));
    } else if (!projection->finished) {
        text +=
            tr(" · iteration %1 / %2").arg(projection->iteration).arg(projection->totalIterations);
    }
    if (!projection->note.isEmpty()) text += QStringLiteral(" · ") + projection->note;
    info_->setText(text);
    showTrajectory();
    showPinned();
    showHover();
    showSelection();
}

void StateSpacePanel::showSelection() {
    const TokenGroup& selection = session().selection().selectedTokens();
    const auto store = session().store();
    MatrixRM marked;
    if (shown_ && store && selection.size() > 0 && shown_->spec.unit == ProjectionUnit::Tokens) {
        const std::vector<char> in = membership(*shown_, *store, selection);
        marked.resize(Eigen::Index(std::count(in.begin(), in.end(), char(1))),
                      shown_->coords.cols());
        Eigen::Index row = 0;
        for (size_t p = 0; p < in.size(); ++p)
            if (in[p]) marked.row(row++) = shown_->coords.row(Eigen::Index(p));
    }
    if (marked.rows() == 0 && scene_->markedCount() == 0) return;
    scene_->setMarked(marked);
    view_->update();
}

qint64 StateSpacePanel::markedPoints() const {
    return scene_->markedCount();
}

void StateSpacePanel::updateColors() {
    if (!shown_) return;
    const auto store = session().store();
    if (!store) return;
    const auto coloring = PointColoring(colorBox_->currentData().toInt());
    const QString key = QStringLiteral("%1|%2|%3|%4|%5")
                            .arg(shown_->spec.key())
                            .arg(int(coloring))
                            .arg(colorUnit_->value())
                            .arg(shown_->pointCount())
                            .arg(colorTrack_) +
                        groupKey(session(), colorBox_->currentData().toInt() - kGroupColoring);
    if (key != colorsKey_) {
        const auto model = session().model();
        const int group = colorBox_->currentData().toInt() - kGroupColoring;
        const PointColors colors =
            group >= 0 ? groupColors(*shown_, *store, session().tokenGroups().value(group))
                       : colorPoints(*shown_, *store, session().dataset().get(),
                                     model ? model->meta().labels : QStringList(), coloring,
                                     colorUnit_->value(),
                                     colorTrack_.isEmpty() ? -1 : store->findTrack(colorTrack_));
        rgb_.assign(size_t(shown_->pointCount()) * 3, 0);
        colorTitle_ = colors.unavailable.isEmpty() ? colors.title : QString();
        if (!colors.unavailable.isEmpty()) {
            scene_->clearLegend();
            info_->setToolTip(colors.unavailable);
        } else {
            info_->setToolTip(QString());
        }
        double lo = 0, hi = 1;
        if (!colors.categorical && !colors.values.empty() && colors.unavailable.isEmpty()) {
            const auto [mn, mx] = std::minmax_element(colors.values.begin(), colors.values.end());
            lo = *mn;
            hi = *mx;
        }
        for (size_t p = 0; p < colors.values.size(); ++p) {
            const float v = colors.values[p];
            const QColor c = !colors.unavailable.isEmpty() ? StateSpaceScene::categoryColor(-1)
                             : colors.categorical
                                 ? StateSpaceScene::categoryColor(int(v))
                                 : sequentialColour(hi > lo ? (v - lo) / (hi - lo) : 0.0);
            // A little paler than the legend's swatches, so the current path stands out.
            const QColor pale = blend(c, 0.25);
            rgb_[p * 3] = static_cast<unsigned char>(pale.red());
            rgb_[p * 3 + 1] = static_cast<unsigned char>(pale.green());
            rgb_[p * 3 + 2] = static_cast<unsigned char>(pale.blue());
        }
        if (colors.unavailable.isEmpty()) {
            if (colors.categorical) {
                std::vector<QColor> swatches;
                for (int i = 0; i < colors.categories.size(); ++i)
                    swatches.push_back(StateSpaceScene::categoryColor(i));
                scene_->setLegend(colors.title, colors.categories, swatches);
            } else {
                scene_->setColorBar(colors.title, lo, hi);
            }
        }
        colorsKey_ = key;
        if (!colors.unavailable.isEmpty()) info_->setText(colors.unavailable);
    }
    scene_->setCloud(shown_->coords, rgb_);
    view_->update();
}

MatrixRM StateSpacePanel::currentStates() const {
    const auto result = session().currentResult();
    return result ? statesOf(*result) : MatrixRM();
}

MatrixRM StateSpacePanel::statesOf(const SampleResult& result) const {
    if (const StoredTrack* stored = projectedTrack())
        if (stored->module == QLatin1String("embeddings")) return result.embeddings;
    const StateTrack* t = shownTrackOf(result);
    return t ? t->values : MatrixRM();
}

const StateTrack* StateSpacePanel::shownTrackOf(const SampleResult& result) const {
    if (const StoredTrack* stored = projectedTrack()) return findResultTrack(result, *stored);
    if (session().store()) return nullptr;
    // No store: the chosen track of the result.
    for (const StateTrack& t : result.tracks)
        if (t.label() == trackBox_->currentData().toString()) return &t;
    return nullptr;
}

MatrixRM StateSpacePanel::intervenedPath() const {
    const ComparedRun run = session().comparedRun();
    if (!run.result) return {};
    // Model B's states are carried into model A's space first (StateSpaceModelB.cpp).
    const MatrixRM states =
        run.otherModel() ? modelBStates(*run.result).states : statesOf(*run.result);
    if (states.rows() == 0) return {};
    if (shown_) return shown_->finished ? shown_->place(states) : MatrixRM();
    if (session().store() || samplePcaComponents_.cols() == 0 ||
        states.cols() != samplePcaComponents_.rows())
        return {};
    return MatrixRM((states.rowwise() - samplePcaMean_) * samplePcaComponents_);
}

void StateSpacePanel::showTrajectory(bool resultIsCurrent) {
    trajectory_.resize(0, 3);
    const auto result = session().currentResult();
    QStringList tokens = result ? result->input.tokens : QStringList();
    const StoredTrack* stored = projectedTrack();
    if (stored && stored->axis == StoreAxis::Output && result) tokens = result->outputTokens;
    const qint64 sample = session().currentSample();
    if (shown_) {
        // A sample of the projection: exactly its points. Otherwise (typed text, a sample left
        // out of a t-SNE) placed among the projected states once the layout is final.
        const auto points = shown_->spec.unit == ProjectionUnit::Tokens && sample >= 0
                                ? shown_->pointsOfSample(sample)
                                : std::vector<qint64>();
        if (!points.empty()) {
            // Everything is in the projection and the store: no need to wait for the model.
            trajectory_.resize(Eigen::Index(points.size()), shown_->coords.cols());
            tokens.clear();
            for (size_t t = 0; t < points.size(); ++t) {
                trajectory_.row(Eigen::Index(t)) = shown_->coords.row(points[t]);
                if (const auto store = session().store())
                    tokens << store->tokenText(shown_->rows[points[t]],
                                               stored ? stored->axis : StoreAxis::Input);
            }
        } else if (shown_->finished && resultIsCurrent) {
            trajectory_ = shown_->place(currentStates());
        }
    } else if (!session().store()) {
        const MatrixRM states = currentStates();
        if (states.rows() > 0) {
            const PcaResult projection = pca(states, 3);
            trajectory_ = projection.projected;
            samplePcaMean_ = projection.mean;
            samplePcaComponents_ = projection.components;
            info_->setText(
                tr("%1 steps · PCA of %2 units · explained %3% / %4% / %5% · capture every "
                   "state to see the whole dataset")
                    .arg(states.rows())
                    .arg(states.cols())
                    .arg(projection.explained(0) * 100, 0, 'f', 1)
                    .arg(projection.explained.size() > 1 ? projection.explained(1) * 100 : 0, 0,
                         'f', 1)
                    .arg(projection.explained.size() > 2 ? projection.explained(2) * 100 : 0, 0,
                         'f', 1));
            scene_->setTwoD(false);
            scene_->setTrajectory(trajectory_, tokens);
            scene_->setColorBar(tr("step"), 0, std::max<double>(1, states.rows() - 1));
            if (!cameraSet_ || cameraFor_ != QStringLiteral("sample")) {
                scene_->resetCamera();
                cameraFor_ = QStringLiteral("sample");
                cameraSet_ = true;
            }
            showPinned();  // the intervened path, in this sample's axes
            return;
        }
        info_->setText(result ? tr("This model exposes no per-step states to project.")
                              : tr("Open a model and a sample to see its hidden states move "
                                   "through state space."));
        scene_->clearLegend();
    }
    scene_->setTrajectory(trajectory_, tokens.mid(0, int(trajectory_.rows())));
    view_->update();
}

void StateSpacePanel::pinCurrentSample() {
    const qint64 sample = session().currentSample();
    if (sample < 0 || !session().store()) return;
    if (std::find(pinned_.begin(), pinned_.end(), sample) != pinned_.end()) return;
    if (int(pinned_.size()) >= kMaxPinned) pinned_.erase(pinned_.begin());
    pinned_.push_back(sample);
    showPinned();
    updateControls();
}

void StateSpacePanel::showPinned() {
    std::vector<StateSpaceScene::Pinned> pins;
    const auto store = session().store();
    const StoredTrack* stored = projectedTrack();
    if (shown_ && store && stored) {
        const int track = store->findTrack(stored->name);
        for (size_t i = 0; i < pinned_.size(); ++i) {
            const qint64 s = pinned_[i];
            StateSpaceScene::Pinned pin;
            pin.color = QColor(kPinColors[i % kMaxPinned]);
            pin.label = tr("#%1").arg(s);
            const auto points = shown_->spec.unit == ProjectionUnit::Tokens
                                    ? shown_->pointsOfSample(s)
                                    : std::vector<qint64>();
            if (!points.empty()) {
                pin.coords.resize(Eigen::Index(points.size()), shown_->coords.cols());
                for (size_t t = 0; t < points.size(); ++t)
                    pin.coords.row(Eigen::Index(t)) = shown_->coords.row(points[t]);
            } else if (shown_->finished && s < store->sampleCount()) {
                pin.coords = shown_->place(store->trackRows(track, store->firstRow(s, stored->axis),
                                                            store->length(s, stored->axis)));
            }
            pins.push_back(std::move(pin));
        }
    }
    // The compared run (interventions, or an edit) beside the original: its own path, orange.
    StateSpaceScene::Pinned intervened;
    intervened.coords = intervenedPath();
    intervened.color = QColor(214, 96, 34);
    intervened.label =
        session().comparedRun().otherModel() ? modelBLabel() : session().comparedRun().name;
    if (intervened.coords.rows() > 0) pins.push_back(std::move(intervened));
    scene_->setPinned(pins);
    view_->update();
}

void StateSpacePanel::showHover() {
    const TokenRef hovered = session().selection().hoveredToken();
    hoveredStep_ = -1;
    MatrixRM at;
    if (hovered.isValid() && hovered.sample == session().currentSample() &&
        hovered.index < trajectory_.rows()) {
        hoveredStep_ = hovered.index;
        at = trajectory_.row(hovered.index);
    } else if (hovered.isValid() && shown_ && hovered.sample >= 0) {
        const auto points = shown_->pointsOfSample(hovered.sample);
        if (hovered.index < int(points.size()))
            at = shown_->coords.row(points[size_t(hovered.index)]);
    }
    if (at.rows() == 0) at = hoveredNodePosition();  // a Beam Tree node off the shown output
    hoverAt_ = at;
    scene_->setHover(at);
    view_->update();
}

QString StateSpacePanel::tokenInContext(qint64 sample, int step) const {
    const auto store = session().store();
    const StoredTrack* stored = projectedTrack();
    if (!store || !stored || sample < 0 || sample >= store->sampleCount()) return {};
    const qint64 first = store->firstRow(sample, stored->axis);
    const int len = store->length(sample, stored->axis);
    const auto& vocabulary = store->info().inputVocabulary;
    // Characters join without spaces; words with them.
    const bool chars = !vocabulary.isEmpty() &&
                       std::all_of(vocabulary.begin(), vocabulary.end(), [](const QString& v) {
                           return v.size() <= 1 || v.startsWith('<');
                       });
    QStringList parts;
    for (int t = std::max(0, step - 6); t < std::min(len, step + 7); ++t) {
        QString token = store->tokenText(first + t, stored->axis).toHtmlEscaped();
        if (t == step) token = QStringLiteral("<b style='color:#c0392b'>[%1]</b>").arg(token);
        parts << token;
    }
    QString text = parts.join(chars ? QString() : QStringLiteral(" "));
    if (step > 6) text.prepend(QStringLiteral("… "));
    if (step + 7 < len) text += QStringLiteral(" …");
    QString head = tr("sample %1 · step %2").arg(sample).arg(step);
    if (const auto dataset = session().dataset()) {
        const QString label = dataset->labelOf(sample);
        if (!label.isEmpty()) head += tr(" · label %1").arg(label.toHtmlEscaped());
    }
    const StoredPrediction p = store->prediction(sample);
    if (p.correct >= 0) head += p.correct ? tr(" · predicted right") : tr(" · predicted wrong");
    return QStringLiteral("<p style='white-space:pre'>%1<br/><tt>%2</tt></p>").arg(head, text);
}

void StateSpacePanel::onHovered(const QPoint& pos) {
    const int step = pickPoint(pos);
    if (step >= 0) {
        const qint64 sample = session().currentSample();
        const StoredTrack* stored = projectedTrack();
        const int side =
            stored && stored->axis == StoreAxis::Output ? TokenRef::Output : TokenRef::Input;
        session().selection().setHoveredToken(TokenRef{sample, side, step});
        if (sample >= 0)
            QToolTip::showText(view_->mapToGlobal(pos), tokenInContext(sample, step), view_);
        return;
    }
    const qint64 point = pickCloudPoint(pos);
    hoveredCloud_ = point;
    if (point < 0) {
        session().selection().setHoveredToken(TokenRef{});
        QToolTip::hideText();
        return;
    }
    const qint64 sample = shown_->samples[size_t(point)];
    const int pointStep = shown_->steps[size_t(point)];
    const StoredTrack* stored = projectedTrack();
    const int side =
        stored && stored->axis == StoreAxis::Output ? TokenRef::Output : TokenRef::Input;
    session().selection().setHoveredToken(TokenRef{sample, side, pointStep});
    QToolTip::showText(view_->mapToGlobal(pos), tokenInContext(sample, pointStep), view_);
}

void StateSpacePanel::onClicked(const QPoint& pos) {
    if (pickPoint(pos) >= 0) return;  // already the current sample
    const qint64 point = pickCloudPoint(pos);
    if (point < 0) return;
    const qint64 sample = shown_->samples[size_t(point)];
    const int step = shown_->steps[size_t(point)];
    session().setCurrentSample(sample);
    const StoredTrack* stored = projectedTrack();
    session().selection().setHoveredToken(TokenRef{
        sample, stored && stored->axis == StoreAxis::Output ? TokenRef::Output : TokenRef::Input,
        step});
}

int StateSpacePanel::pickPoint(const QPoint& logicalPos) const {
    return trajectory_.rows() > 0 ? scene_->pickTrajectory(logicalPos) : -1;
}

QPoint StateSpacePanel::pointPosition(int index) const {
    if (index < 0 || index >= trajectory_.rows()) return QPoint(-1, -1);
    return scene_->screenPosition(trajectory_.row(index));
}

qint64 StateSpacePanel::cloudPointCount() const {
    return scene_->cloudSize();
}

qint64 StateSpacePanel::pickCloudPoint(const QPoint& logicalPos) const {
    return shown_ ? scene_->pickCloud(logicalPos) : -1;
}

QPoint StateSpacePanel::cloudPointPosition(qint64 point) const {
    if (!shown_ || point < 0 || point >= shown_->pointCount()) return QPoint(-1, -1);
    return scene_->screenPosition(shown_->coords.row(point));
}

void StateSpacePanel::exportProjector(const QString& dir) const {
    const auto store = session().store();
    if (!shown_ || !store) throw UserError(tr("Nothing is projected yet."));
    writeProjectorTsv(dir, *shown_, *store, session().dataset().get());
}

void StateSpacePanel::exportCoordinates(const QString& path) const {
    const auto store = session().store();
    if (!shown_ || !store)
        throw UserError(tr("There is no projection of the dataset to export yet."));
    writeProjectionCsv(path, *shown_, *store);
}

QSizeF StateSpacePanel::figureSize() const {
    return view_->size();
}

void StateSpacePanel::paintFigure(QPainter& painter, const QRectF& rect) {
    painter.fillRect(rect, Qt::white);
    if ((trajectory_.rows() == 0 && scene_->cloudSize() == 0) || !view_->isVisible()) {
        painter.setPen(QColor(90, 90, 90));
        painter.drawText(
            rect.adjusted(16, 16, -16, -16), Qt::AlignCenter | Qt::TextWordWrap,
            view_->isVisible() ? info_->text() : tr("Show the 3D State Space panel to export it."));
        return;
    }
    // Rendered again at the export's own size, text scaled with it, so a figure larger than
    // the window stays sharp.
    const QSize target = painter.deviceTransform().mapRect(rect).size().toSize();
    const double scale =
        double(target.width()) / std::max(1.0, view_->width() * view_->pixelRatio());
    scene_->setTextScale(scale);
    scene_->setHover({});  // the mouse is not part of the figure
    const QImage image = view_->renderImage(target);
    scene_->setTextScale(1.0);
    showHover();
    view_->update();
    painter.drawImage(rect, image.isNull() ? view_->frame() : image);
}

}  // namespace rnnscope
