// The feature scatter's controls and colours: what the user picks above the map, and how each
// choice becomes bands of colour (a series per band, so OpenGL series can draw them).
#include "widgets/featurescatter/FeatureScatterPanel.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <cmath>

#include "core/Errors.h"
#include "core/analysis/featurescatter/Vocabulary.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "core/store/ActivationStore.h"
#include "widgets/common/TokenContextDelegate.h"
#include "widgets/featurescatter/CoClusterView.h"
#include "widgets/featurescatter/FeatureMapView.h"
#include "widgets/hiddenunits/HiddenUnitsColours.h"

namespace rnnscope {

namespace {

constexpr int kColourBands = 10;

QColor categoryColour(int i) {
    static const QRgb palette[] = {0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f, 0xedc948,
                                   0xb07aa1, 0xff9da7, 0x9c755f, 0x86bcb6, 0xd37295, 0xfabfd2};
    return QColor(palette[size_t(i) % (sizeof(palette) / sizeof(palette[0]))]);
}

const QColor kNoValue(200, 200, 200);

// Values into bands of a colour scale (NaN: a grey band of its own).
FeatureMapColours continuousBands(const std::vector<float>& values, bool diverging,
                                  const QString& title) {
    FeatureMapColours c;
    c.continuous = true;
    c.diverging = diverging;
    c.title = title;
    double lo = INFINITY, hi = -INFINITY;
    for (float v : values)
        if (std::isfinite(v)) lo = std::min(lo, double(v)), hi = std::max(hi, double(v));
    if (!std::isfinite(lo)) lo = 0, hi = 1;
    if (diverging) hi = std::max(std::abs(lo), std::abs(hi)), lo = -hi;
    if (hi <= lo) hi = lo + 1;
    c.min = lo;
    c.max = hi;
    const hiddenunits::ColourScale scale{diverging, lo, hi};
    for (int b = 0; b < kColourBands; ++b)
        c.colours.push_back(scale.colour(lo + (hi - lo) * (b + 0.5) / kColourBands));
    c.colours.push_back(kNoValue);
    for (float v : values) {
        if (!std::isfinite(v)) {
            c.band.push_back(kColourBands);
            continue;
        }
        c.band.push_back(std::clamp(int((v - lo) / (hi - lo) * kColourBands), 0, kColourBands - 1));
    }
    return c;
}

FeatureMapColours categoryBands(const std::vector<float>& index, const QStringList& categories,
                                const QString& title) {
    FeatureMapColours c;
    c.title = title;
    for (int i = 0; i < categories.size(); ++i) {
        c.colours.push_back(categoryColour(i));
        c.names << categories[i];
    }
    c.colours.push_back(kNoValue);
    c.names << QObject::tr("none");
    for (float v : index) c.band.push_back(v >= 0 ? int(v) : int(categories.size()));
    return c;
}

}  // namespace

void FeatureScatterPanel::buildControls() {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);
    auto* bar = new QHBoxLayout;
    modeBox_ = new QComboBox(this);
    modeBox_->addItem(tr("Embeddings"), int(Mode::Embeddings));
    modeBox_->addItem(tr("Token states"), int(Mode::TokenStates));
    modeBox_->addItem(tr("Unit–word co-clusters"), int(Mode::CoClusters));
    modeBox_->setToolTip(
        tr("The vocabulary's embeddings, the states of every occurrence of chosen tokens, or "
           "which units respond to which words"));
    methodBox_ = new QComboBox(this);
    methodBox_->addItem(QStringLiteral("PCA"), int(ProjectionMethod::Pca));
    methodBox_->addItem(QStringLiteral("t-SNE"), int(ProjectionMethod::Tsne));
    methodBox_->addItem(QStringLiteral("UMAP"), int(ProjectionMethod::Umap));
    metricBox_ = new QComboBox(this);
    metricBox_->addItem(tr("cosine"), int(projection::Metric::Cosine));
    metricBox_->addItem(tr("Euclidean"), int(projection::Metric::Euclidean));
    metricBox_->setToolTip(tr("Distance of the nearest-neighbour lists"));
    vocabularyBox_ = new QComboBox(this);
    vocabularyBox_->addItem(tr("input"), false);
    vocabularyBox_->addItem(tr("output"), true);
    vocabularyBox_->setToolTip(
        tr("Which vocabulary's embeddings: the input, or the output (target) vocabulary of a "
           "seq2seq decoder or language model"));
    vocabularyBox_->setEnabled(false);
    colourBox_ = new QComboBox(this);
    categoriesButton_ = new QPushButton(tr("Categories…"), this);
    categoriesButton_->setToolTip(tr("Colour tokens by a file of token<TAB>category lines"));
    auto* exportButton = new QPushButton(tr("CSV…"), this);
    exportButton->setToolTip(tr("Save every point's coordinates as CSV"));
    bar->addWidget(new QLabel(tr("Show:"), this));
    bar->addWidget(modeBox_);
    bar->addWidget(vocabularyBox_);
    bar->addWidget(new QLabel(tr("Layout:"), this));
    bar->addWidget(methodBox_);
    bar->addWidget(new QLabel(tr("Neighbours by:"), this));
    bar->addWidget(metricBox_);
    bar->addWidget(new QLabel(tr("Colour:"), this));
    bar->addWidget(colourBox_);
    bar->addWidget(categoriesButton_);
    bar->addStretch(1);
    auto* lasso = new QToolButton(this);
    lasso->setText(tr("Lasso"));
    lasso->setCheckable(true);
    lasso->setToolTip(tr("Select by drawing an outline (Shift while dragging does it once)"));
    bar->addWidget(lasso);
    buildGroupControls(bar);
    bar->addWidget(exportButton);
    layout->addLayout(bar);

    stateControls_ = new QWidget(this);
    auto* states = new QHBoxLayout(stateControls_);
    states->setContentsMargins(0, 0, 0, 0);
    tokensEdit_ = new QLineEdit(stateControls_);
    tokensEdit_->setPlaceholderText(tr("tokens, separated by spaces: ( [ {"));
    trackBox_ = new QComboBox(stateControls_);
    tokensLabel_ = new QLabel(tr("Every occurrence of:"), stateControls_);
    states->addWidget(tokensLabel_);
    states->addWidget(tokensEdit_, 1);
    coControls_ = buildCoClusterControls();
    states->addWidget(coControls_);
    states->addWidget(new QLabel(tr("State:"), stateControls_));
    states->addWidget(trackBox_);
    layout->addWidget(stateControls_);

    auto* split = new QSplitter(Qt::Horizontal, this);
    stack_ = new QStackedWidget(split);
    view_ = new FeatureMapView(stack_);
    coView_ = new CoClusterView(stack_);
    stack_->addWidget(view_);
    stack_->addWidget(coView_);
    auto* side = side_ = new QWidget(split);
    auto* sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    neighbours_ = new QListWidget(side);
    selection_ = new QListWidget(side);
    sideLayout->addWidget(new QLabel(tr("Nearest neighbours (click a point):"), side));
    sideLayout->addWidget(neighbours_, 1);
    sideLayout->addWidget(
        new QLabel(tr("Selected (drag a rectangle; Shift or Lasso: an outline):"), side));
    sideLayout->addWidget(selection_, 1);
    selection_->setItemDelegate(new TokenContextDelegate(selection_));
    connect(selection_, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
        const QVariant p = item->data(Qt::UserRole);
        if (p.isValid()) openSelected(p.toLongLong());
    });
    split->addWidget(stack_);
    split->addWidget(side);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);
    hover_ = new QLabel(this);
    info_ = new QLabel(this);
    info_->setWordWrap(true);
    layout->addWidget(hover_);
    layout->addWidget(info_);

    auto remap = [this]() {
        const Mode m = mode();
        vocabularyBox_->setVisible(m == Mode::Embeddings);
        // The co-cluster matrix has no layout, neighbours or point colours.
        for (QWidget* w : std::initializer_list<QWidget*>{methodBox_, metricBox_, colourBox_})
            w->setEnabled(m != Mode::CoClusters);
        stateControls_->setVisible(m != Mode::Embeddings);
        tokensLabel_->setVisible(m == Mode::TokenStates);
        tokensEdit_->setVisible(m == Mode::TokenStates);
        coControls_->setVisible(m == Mode::CoClusters);
        side_->setVisible(m != Mode::CoClusters);
        stack_->setCurrentWidget(m == Mode::CoClusters ? static_cast<QWidget*>(coView_) : view_);
        requestMap();
    };
    connect(modeBox_, &QComboBox::currentIndexChanged, this, remap);
    connect(methodBox_, &QComboBox::currentIndexChanged, this, remap);
    connect(vocabularyBox_, &QComboBox::currentIndexChanged, this, remap);
    connect(metricBox_, &QComboBox::currentIndexChanged, this, remap);
    connect(trackBox_, &QComboBox::currentIndexChanged, this, remap);
    connect(tokensEdit_, &QLineEdit::returnPressed, this, remap);
    connect(colourBox_, &QComboBox::currentIndexChanged, this, [this]() { updateColours(); });
    connect(categoriesButton_, &QPushButton::clicked, this, [this]() {
        const QString path = QFileDialog::getOpenFileName(this, tr("Token categories"));
        if (path.isEmpty()) return;
        try {
            info_->setText(loadCategories(path));
        } catch (const UserError& e) {
            QMessageBox::warning(this, tr("Categories not loaded"), e.message());
        }
    });
    connect(exportButton, &QPushButton::clicked, this, [this]() {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Save coordinates"), QStringLiteral("feature-map.csv"), tr("CSV (*.csv)"));
        if (path.isEmpty()) return;
        try {
            exportCoordinates(path);
        } catch (const UserError& e) {
            QMessageBox::warning(this, tr("Not saved"), e.message());
        }
    });
    connect(lasso, &QToolButton::toggled, view_, &FeatureMapView::setLassoMode);
    connect(view_, &FeatureMapView::pointHovered, this, &FeatureScatterPanel::onHovered);
    connect(view_, &FeatureMapView::pointClicked, this, [this](qint64 p) {
        if (p >= 0) showNeighbours(p);
    });
    connect(view_, &FeatureMapView::pointsSelected, this, &FeatureScatterPanel::onSelected);
    // Clicking a neighbour makes it current: its own neighbours are listed, and a state's
    // sample opens in every panel.
    connect(neighbours_, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
        const qint64 p = item->data(Qt::UserRole).toLongLong();
        showNeighbours(p);
        if (mode() == Mode::TokenStates && stateMap_)
            session().setCurrentSample(stateMap_->samples[size_t(p)]);
    });
    connectCoClusterView();
    stateControls_->setVisible(false);
}

void FeatureScatterPanel::updateColours() {
    const auto store = session().store();
    if (colourByGroup(colourBox_->currentData().toInt() - kGroupColouring)) return;
    if (embeddingMap_) {
        const EmbeddingMap& m = *embeddingMap_;
        const auto colouring = EmbeddingColouring(colourBox_->currentData().toInt());
        std::vector<float> values;
        if (colouring == EmbeddingColouring::Category && categories_) {
            for (int id : m.tokenIds)
                values.push_back(size_t(id) < categories_->categoryOf.size()
                                     ? float(categories_->categoryOf[size_t(id)])
                                     : -1.0f);
            view_->setColours(categoryBands(values, categories_->categories, tr("category")));
            return;
        }
        const QVector<UnitRef> units = session().selection().selectedUnits();
        if (colouring == EmbeddingColouring::UnitResponse && store && !units.isEmpty() &&
            !m.embeddings.output) {
            const UnitRef& u = units.front();
            const int track = store->findTrack(u.module, u.layer, u.direction, u.kind);
            if (track >= 0 && store->tracks()[size_t(track)].axis == StoreAxis::Input) {
                const auto mean =
                    meanResponseByToken(*store, track, u.unit, int(m.embeddings.tokens.size()));
                for (int id : m.tokenIds) values.push_back(mean[size_t(id)]);
                view_->setColours(continuousBands(values, true,
                                                  tr("mean of %1 unit %2")
                                                      .arg(store->tracks()[size_t(track)].label())
                                                      .arg(u.unit)));
                return;
            }
        }
        if (colouring != EmbeddingColouring::Frequency)
            info_->setText(colouring == EmbeddingColouring::Category
                               ? tr("Load a category file (Categories…) to colour by it.")
                               : tr("Select a unit in Hidden Units (and capture the dataset) to "
                                    "colour by its mean response."));
        for (int id : m.tokenIds)
            values.push_back(
                m.embeddings.counts.empty()
                    ? NAN
                    : float(std::log10(1.0 + double(m.embeddings.counts[size_t(id)]))));
        view_->setColours(continuousBands(values, false, tr("log10(1 + count)")));
        return;
    }
    if (stateMap_ && store) {
        const PointColors c =
            contextColors(*stateMap_, *store, session().dataset().get(),
                          ContextColoring(colourBox_->currentData().toInt() - kContextColouring));
        if (!c.unavailable.isEmpty()) info_->setText(c.unavailable);
        view_->setColours(c.categorical ? categoryBands(c.values, c.categories, c.title)
                                        : continuousBands(c.values, false, c.title));
    }
}

}  // namespace rnnscope
