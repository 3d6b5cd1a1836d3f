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
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "core/AtomicFile.h"
#include "core/Errors.h"
#include "core/analysis/featurescatter/Vocabulary.h"
#include "core/jobs/JobMonitor.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "core/store/ActivationStore.h"
#include "widgets/common/ColourMaps.h"
#include "widgets/common/TokenContextDelegate.h"
#include "widgets/featurescatter/CoClusterView.h"
#include "widgets/featurescatter/FeatureMapView.h"
#include "widgets/hiddenunits/HiddenUnitsColours.h"

namespace rnnscope {

namespace {

constexpr int kNeighbours = 10;
constexpr int kMaxListed = 500;  // selection list entries

}  // namespace

FeatureScatterPanel::FeatureScatterPanel(Session& session, QWidget* parent)
    : Panel(session, QStringLiteral("feature-scatter"), parent), job_(session.jobs()) {
    buildControls();
    connect(&session, &Session::modelChanged, this, [this]() {
        embeddingMap_.reset();
        stateMap_.reset();
        rebuildTrackList();
        // The output vocabulary is offered when the model has an embedding table of it.
        bool hasOutput = false;
        if (const auto model = this->session().model())
            for (const EmbeddingTable& t : model->embeddingTables()) hasOutput |= t.output;
        {
            QSignalBlocker block(vocabularyBox_);
            if (!hasOutput) vocabularyBox_->setCurrentIndex(0);
            vocabularyBox_->setEnabled(hasOutput);
        }
        requestMap();
    });
    connect(&session, &Session::storeChanged, this, [this]() {
        rebuildTrackList();
        requestMap();
    });
    connect(&session.selection(), &Selection::selectedUnitsChanged, this, [this]() {
        followSelectedUnits();
        if (!this->session().selection().selectedUnits().isEmpty() && mode() == Mode::Embeddings)
            setEmbeddingColouring(EmbeddingColouring::UnitResponse);
        else
            updateColours();
    });
    connect(&session.selection(), &Selection::hoveredTokenChanged, this,
            [this]() { followSessionHover(); });
    // Preferences → colour map: counts and other magnitudes take the new map at once.
    connect(&ColourMapPreference::instance(), &ColourMapPreference::changed, this, [this]() {
        updateColours();
        coView_->update();
    });
    connect(&session, &Session::tokenGroupsChanged, this, [this]() { rebuildGroupColourings(); });
    connect(&job_, &JobHandle::progress, this,
            [this](double, const QString& text) { info_->setText(text); });
    connect(&job_, &JobHandle::finished, this, [this](bool cancelled, const QString& error) {
        if (cancelled) info_->setText(tr("Cancelled."));
        if (!error.isEmpty()) info_->setText(failure_ = error);
    });
    rebuildTrackList();
    keepSettings({{QStringLiteral("mode"), modeBox_},
                  {QStringLiteral("method"), methodBox_},
                  {QStringLiteral("metric"), metricBox_},
                  {QStringLiteral("colour"), colourBox_},
                  {QStringLiteral("track"), trackBox_}});
    requestMap();
}

FeatureScatterPanel::~FeatureScatterPanel() = default;  // job_ cancels its job

FeatureScatterPanel::Mode FeatureScatterPanel::mode() const {
    return Mode(modeBox_->currentData().toInt());
}

void FeatureScatterPanel::setMode(Mode mode) {
    modeBox_->setCurrentIndex(modeBox_->findData(int(mode)));
}

void FeatureScatterPanel::setTokens(const QString& tokens) {
    tokensEdit_->setText(tokens);
    if (mode() == Mode::TokenStates) requestMap();
}

void FeatureScatterPanel::setOutputVocabulary(bool output) {
    vocabularyBox_->setCurrentIndex(output ? 1 : 0);
}

void FeatureScatterPanel::setLayoutMethod(ProjectionMethod method) {
    methodBox_->setCurrentIndex(methodBox_->findData(int(method)));
}

void FeatureScatterPanel::setEmbeddingColouring(EmbeddingColouring colouring) {
    const int i = colourBox_->findData(int(colouring));
    if (i >= 0 && i != colourBox_->currentIndex())
        colourBox_->setCurrentIndex(i);
    else
        updateColours();
}

void FeatureScatterPanel::rebuildTrackList() {
    const QString previous = trackBox_->currentData().toString();
    QSignalBlocker block(trackBox_);
    trackBox_->clear();
    const auto store = session().store();
    if (!store) return;
    int hidden = -1;
    for (const StoredTrack& t : store->tracks()) {
        trackBox_->addItem(t.label(), t.name);
        if (hidden < 0 && t.kind == QLatin1String("hidden")) hidden = trackBox_->count() - 1;
    }
    const int same = trackBox_->findData(previous);
    trackBox_->setCurrentIndex(same >= 0 ? same : std::max(0, hidden));
    if (tokensEdit_->text().isEmpty()) {
        // The most frequent token is a telling first choice ("(" in the brackets demo).
        const auto counts =
            tokenCounts(*store, StoreAxis::Input, int(store->info().inputVocabulary.size()));
        const auto most = std::max_element(counts.begin(), counts.end());
        if (most != counts.end() && *most > 0)
            tokensEdit_->setText(store->info().inputVocabulary[int(most - counts.begin())]);
    }
}

void FeatureScatterPanel::requestMap() {
    job_.reset();
    failure_.clear();
    ProjectionSpec spec;
    spec.method = ProjectionMethod(methodBox_->currentData().toInt());
    spec.dims = 2;
    const auto metric = projection::Metric(metricBox_->currentData().toInt());
    const auto model = session().model();
    const auto store = session().store();
    if (mode() == Mode::CoClusters) {
        embeddingMap_.reset();
        stateMap_.reset();
        requestCoClusters();
        return;
    }
    coClusters_.reset();
    if (mode() == Mode::Embeddings) {
        stateMap_.reset();
        if (!model) {
            view_->setEmptyText(
                session().modelFree()
                    ? tr("Model-free mode: the embedding map needs the model's embedding "
                         "matrix. The token-state map works on the imported states.")
                    : tr("Open a model to see its token embeddings (File → Open Demo has "
                         "two)."));
            showMap();
            return;
        }
        const bool output = vocabularyBox_->currentData().toBool();
        job_.start<std::shared_ptr<const EmbeddingMap>>(
            tr("Mapping the embeddings"),
            [model, store, spec, metric,
             output](JobContext& ctx) -> std::shared_ptr<const EmbeddingMap> {
                return mapEmbeddings(vocabularyEmbeddings(model.get(), store.get(), output), spec,
                                     metric, jobMonitor(ctx));
            },
            [this](std::shared_ptr<const EmbeddingMap> map) {
                embeddingMap_ = std::move(map);
                showMap();
            });
        return;
    }
    embeddingMap_.reset();
    if (!store) {
        view_->setEmptyText(
            tr("Capture the dataset's states first (Analysis → Capture Every State)."));
        showMap();
        return;
    }
    TokenStateMapSpec stateSpec;
    stateSpec.track = trackBox_->currentData().toString();
    stateSpec.tokens = tokensEdit_->text().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    stateSpec.layout = spec;
    stateSpec.metric = metric;
    job_.start<std::shared_ptr<const TokenStateMap>>(
        tr("Mapping token states"),
        [store, stateSpec](JobContext& ctx) -> std::shared_ptr<const TokenStateMap> {
            return mapTokenStates(*store, stateSpec, jobMonitor(ctx));
        },
        [this](std::shared_ptr<const TokenStateMap> map) {
            stateMap_ = std::move(map);
            showMap();
        });
}

void FeatureScatterPanel::showMap() {
    current_ = hovered_ = -1;
    neighbours_->clear();
    selection_->clear();
    hover_->clear();
    QSignalBlocker block(colourBox_);
    const QVariant previous = colourBox_->currentData();
    colourBox_->clear();
    if (embeddingMap_) {
        const EmbeddingMap& m = *embeddingMap_;
        QStringList labels;
        std::vector<double> priority;
        for (size_t p = 0; p < m.tokenIds.size(); ++p) {
            const int id = m.tokenIds[p];
            labels << displayToken(m.embeddings.tokens[id]);
            priority.push_back(m.embeddings.counts.empty()
                                   ? -double(id)
                                   : double(m.embeddings.counts[size_t(id)]));
        }
        view_->setPoints(m.coords, labels, priority);
        colourBox_->addItem(tr("frequency"), int(EmbeddingColouring::Frequency));
        colourBox_->addItem(tr("category file"), int(EmbeddingColouring::Category));
        colourBox_->addItem(tr("selected unit's mean response"),
                            int(EmbeddingColouring::UnitResponse));
        view_->setTitle(tr("%1 of %2 tokens: %3")
                            .arg(m.spec.methodName())
                            .arg(m.pointCount())
                            .arg(m.embeddings.source));
        info_->setText(m.note);
    } else if (stateMap_) {
        const TokenStateMap& m = *stateMap_;
        view_->setPoints(m.coords, {}, {});
        for (ContextColoring c :
             {ContextColoring::Depth, ContextColoring::Position, ContextColoring::RelativePosition,
              ContextColoring::Label, ContextColoring::Token})
            colourBox_->addItem(contextColoringName(c), kContextColouring + int(c));
        view_->setTitle(tr("%1 of %Ln occurrences of %2 (%3)", "", int(m.pointCount()))
                            .arg(m.spec.layout.methodName(),
                                 m.spec.tokens.join(QStringLiteral(" ")), m.trackLabel));
        info_->setText(m.note);
    } else {
        view_->setPoints(MatrixRM(0, 2), {}, {});
        view_->setTitle(QString());
    }
    const auto& groups = session().tokenGroups();
    if (embeddingMap_ || stateMap_)
        for (int g = 0; g < groups.size(); ++g)
            colourBox_->addItem(tr("Group: %1").arg(groups[g].name), kGroupColouring + g);
    const int same = colourBox_->findData(previous);
    colourBox_->setCurrentIndex(std::max(0, same));
    categoriesButton_->setVisible(embeddingMap_ != nullptr);
    selected_.clear();
    session().selection().setSelectedTokens({});
    saveGroupButton_->setEnabled(false);
    updateColours();
}

QString FeatureScatterPanel::loadCategories(const QString& path) {
    if (!embeddingMap_) throw UserError(tr("Open a model with token embeddings first."));
    categories_ = std::make_unique<TokenCategories>(
        loadTokenCategories(path, embeddingMap_->embeddings.tokens));
    setEmbeddingColouring(EmbeddingColouring::Category);
    return categories_->report();
}

QString FeatureScatterPanel::pointText(qint64 p) const {
    if (p < 0) return {};
    if (embeddingMap_ && p < embeddingMap_->pointCount()) {
        const EmbeddingMap& m = *embeddingMap_;
        const int id = m.tokenIds[size_t(p)];
        QString text = QStringLiteral("“%1”").arg(displayToken(m.embeddings.tokens[id]));
        if (!m.embeddings.counts.empty())
            text += tr(" · %L1 occurrences").arg(m.embeddings.counts[size_t(id)]);
        if (categories_ && categories_->categoryOf[size_t(id)] >= 0)
            text += tr(" · %1").arg(categories_->categories[categories_->categoryOf[size_t(id)]]);
        return text;
    }
    const auto store = session().store();
    if (stateMap_ && store && p < stateMap_->pointCount()) {
        const TokenStateMap& m = *stateMap_;
        const qint64 sample = m.samples[size_t(p)];
        const int step = m.steps[size_t(p)];
        const qint64 first = store->firstRow(sample, m.axis);
        const int length = store->length(sample, m.axis);
        QString context;
        for (int s = std::max(0, step - 12); s < std::min(length, step + 13); ++s) {
            const QString t = displayToken(store->tokenText(first + s, m.axis));
            context += s == step ? QStringLiteral("[%1]").arg(t) : t;
            if (store->info().inputVocabulary.size() > 300) context += QLatin1Char(' ');
        }
        return tr("“%1” · sample %2, step %3 · %4")
            .arg(displayToken(store->tokenText(m.rows[size_t(p)], m.axis)))
            .arg(sample + 1)
            .arg(step)
            .arg(context);
    }
    return {};
}

QString FeatureScatterPanel::contextHtml(qint64 p) const {
    const auto store = session().store();
    if (!stateMap_ || !store || p < 0 || p >= stateMap_->pointCount()) return {};
    const TokenStateMap& m = *stateMap_;
    const qint64 sample = m.samples[size_t(p)];
    const int step = m.steps[size_t(p)];
    const qint64 first = store->firstRow(sample, m.axis);
    const int length = store->length(sample, m.axis);
    const bool words = store->info().inputVocabulary.size() > 300;  // else characters
    const int reach = words ? 5 : 12;
    QString context;
    for (int s = std::max(0, step - reach); s < std::min(length, step + reach + 1); ++s) {
        const QString t = displayToken(store->tokenText(first + s, m.axis)).toHtmlEscaped();
        context += s == step ? QStringLiteral("<b>%1</b>").arg(t) : t;
        if (words) context += QLatin1Char(' ');
    }
    return tr("<span style=\"color:#666\">sample %1, step %2</span>&nbsp;&nbsp;%3")
        .arg(sample + 1)
        .arg(step)
        .arg(context);
}

void FeatureScatterPanel::openSelected(qint64 p) {
    if (embeddingMap_ && p >= 0 && p < embeddingMap_->pointCount()) {
        showNeighbours(p);
        return;
    }
    if (!stateMap_ || p < 0 || p >= stateMap_->pointCount()) return;
    // The occurrence's sample in every panel, with the token itself hovered.
    const qint64 sample = stateMap_->samples[size_t(p)];
    session().setCurrentSample(sample);
    session().selection().setHoveredToken(
        TokenRef{sample, int(stateMap_->axis), stateMap_->steps[size_t(p)]});
    view_->setHovered(p);
    hover_->setText(pointText(p));
}

QString FeatureScatterPanel::hoverText() const {
    return hover_->text();
}

void FeatureScatterPanel::onHovered(qint64 point) {
    hovered_ = point;
    hover_->setText(pointText(point));
    TokenRef ref;
    if (point >= 0 && embeddingMap_) {
        // A vocabulary entry hovers its first occurrence in the current sample, if any: on the
        // input, or for the output vocabulary among the decoder's output tokens.
        const int id = embeddingMap_->tokenIds[size_t(point)];
        const bool output = embeddingMap_->embeddings.output;
        const std::vector<int64_t> ids = currentTokenIds(output);
        const auto at = std::find(ids.begin(), ids.end(), int64_t(id));
        if (at != ids.end())
            ref = TokenRef{session().currentSample(), output ? TokenRef::Output : TokenRef::Input,
                           int(at - ids.begin())};
    } else if (point >= 0 && stateMap_) {
        ref = TokenRef{stateMap_->samples[size_t(point)],
                       stateMap_->axis == StoreAxis::Output ? TokenRef::Output : TokenRef::Input,
                       stateMap_->steps[size_t(point)]};
    }
    session().selection().setHoveredToken(ref);
}

std::vector<int64_t> FeatureScatterPanel::currentTokenIds(bool output) const {
    const auto result = session().currentResult();
    if (!result) return {};
    if (!output) return result->input.ids;
    // A run gives the decoder's output as text: its ids are its places in the map's (target)
    // vocabulary.
    if (!embeddingMap_ || !embeddingMap_->embeddings.output) return {};
    return idsBySpelling(result->outputTokens, embeddingMap_->embeddings.tokens);
}

void FeatureScatterPanel::followSessionHover() {
    const TokenRef ref = session().selection().hoveredToken();
    qint64 point = -1;
    const int mapSide =
        embeddingMap_ && embeddingMap_->embeddings.output ? TokenRef::Output : TokenRef::Input;
    if (ref.isValid() && embeddingMap_ && ref.side == mapSide &&
        ref.sample == session().currentSample()) {
        const std::vector<int64_t> ids = currentTokenIds(mapSide == TokenRef::Output);
        if (size_t(ref.index) < ids.size() && ids[size_t(ref.index)] >= 0)
            point = embeddingMap_->pointOfToken(int(ids[size_t(ref.index)]));
    } else if (ref.isValid() && stateMap_ && ref.side == int(stateMap_->axis)) {
        // Only a token of the map's own side: step 3 of the output is not step 3 of the input.
        for (size_t p = 0; p < stateMap_->samples.size(); ++p)
            if (stateMap_->samples[p] == ref.sample && stateMap_->steps[p] == ref.index) {
                point = qint64(p);
                break;
            }
    }
    view_->setHovered(point);
}

void FeatureScatterPanel::showNeighbours(qint64 point) {
    neighbours_->clear();
    current_ = point;
    std::vector<qint64> ringed;
    if (embeddingMap_ && point >= 0 && point < embeddingMap_->pointCount()) {
        const EmbeddingMap& m = *embeddingMap_;
        for (const TokenNeighbour& n : nearestTokens(m, m.tokenIds[size_t(point)], kNeighbours)) {
            const qint64 p = m.pointOfToken(n.tokenId);
            auto* item = new QListWidgetItem(
                n.count >= 0 ? tr("%1   %2   (%L3×)")
                                   .arg(displayToken(n.token))
                                   .arg(n.distance, 0, 'f', 4)
                                   .arg(n.count)
                             : tr("%1   %2").arg(displayToken(n.token)).arg(n.distance, 0, 'f', 4));
            item->setData(Qt::UserRole, p);
            neighbours_->addItem(item);
            ringed.push_back(p);
        }
    } else if (stateMap_ && point >= 0 && point < stateMap_->pointCount()) {
        const auto store = session().store();
        for (const OccurrenceNeighbour& n :
             nearestOccurrences(*stateMap_, *store, point, kNeighbours)) {
            auto* item = new QListWidgetItem(tr("“%1” sample %2 step %3   %4")
                                                 .arg(displayToken(n.token))
                                                 .arg(n.sample + 1)
                                                 .arg(n.step)
                                                 .arg(n.distance, 0, 'f', 4));
            item->setData(Qt::UserRole, n.point);
            neighbours_->addItem(item);
            ringed.push_back(n.point);
        }
    }
    view_->setHighlighted(ringed);
    view_->setHovered(point);
    hover_->setText(pointText(point));
}

void FeatureScatterPanel::onSelected(const std::vector<qint64>& points) {
    selected_ = points;
    // Every panel that shows tokens marks the selection.
    session().selection().setSelectedTokens(selectionAsGroup(points));
    saveGroupButton_->setEnabled(!points.empty());
    selection_->clear();
    for (size_t i = 0; i < points.size() && int(i) < kMaxListed; ++i) {
        auto* item = new QListWidgetItem(pointText(points[i]));
        item->setData(Qt::UserRole, points[i]);
        item->setData(TokenContextDelegate::kHtmlRole, contextHtml(points[i]));
        selection_->addItem(item);
    }
    if (int(points.size()) > kMaxListed)
        selection_->addItem(tr("… and %L1 more").arg(qint64(points.size()) - kMaxListed));
    view_->setSelected(points.size() <= 5000 ? points : std::vector<qint64>{});
    info_->setText(tr("%Ln points selected.", "", int(points.size())));
}

void FeatureScatterPanel::exportCoordinates(const QString& path) const {
    QString csv;
    auto quote = [](QString s) {
        s.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        return QStringLiteral("\"%1\"").arg(s);
    };
    if (embeddingMap_) {
        const EmbeddingMap& m = *embeddingMap_;
        csv = QStringLiteral("token,count,x,y,category\n");
        for (qint64 p = 0; p < m.pointCount(); ++p) {
            const int id = m.tokenIds[size_t(p)];
            const int c = categories_ ? categories_->categoryOf[size_t(id)] : -1;
            csv += QStringLiteral("%1,%2,%3,%4,%5\n")
                       .arg(quote(m.embeddings.tokens[id]))
                       .arg(m.embeddings.counts.empty() ? -1 : m.embeddings.counts[size_t(id)])
                       .arg(double(m.coords(p, 0)), 0, 'g', 9)
                       .arg(double(m.coords(p, 1)), 0, 'g', 9)
                       .arg(c >= 0 ? quote(categories_->categories[c]) : QString());
        }
    } else if (stateMap_ && session().store()) {
        const TokenStateMap& m = *stateMap_;
        const auto store = session().store();
        csv = QStringLiteral("sample,step,token,x,y\n");
        for (qint64 p = 0; p < m.pointCount(); ++p)
            csv += QStringLiteral("%1,%2,%3,%4,%5\n")
                       .arg(m.samples[size_t(p)])
                       .arg(m.steps[size_t(p)])
                       .arg(quote(store->tokenText(m.rows[size_t(p)], m.axis)))
                       .arg(double(m.coords(p, 0)), 0, 'g', 9)
                       .arg(double(m.coords(p, 1)), 0, 'g', 9);
    } else {
        throw UserError(tr("There is no map to save yet."));
    }
    writeFileAtomically(path, csv.toUtf8());
}

void FeatureScatterPanel::refresh() {
    followSessionHover();
    update();
}

void FeatureScatterPanel::paintFigure(QPainter& painter, const QRectF& rect) {
    if (mode() == Mode::CoClusters)
        coView_->paint(painter, rect);
    else
        view_->paintMap(painter, rect);
}

QSizeF FeatureScatterPanel::figureSize() const {
    return mode() == Mode::CoClusters ? QSizeF(coView_->size()) : QSizeF(view_->size());
}

}  // namespace rnnscope
