#pragma once
// The feature scatter: what the representations encode. Two maps share one Qt Charts scatter:
//  - the embedding map: every token of the vocabulary at its embedding, projected to 2D (PCA,
//    t-SNE, UMAP), labelled (thinned by zoom), coloured by frequency in the dataset, by a
//    user's category file, or by the selected unit's mean response to the token;
//  - the token-state map: the states of every occurrence of chosen tokens, coloured by context
//    (depth, position, label).
// Hover shows the token and its count and hovers it in every panel; a click lists the point's
// nearest neighbours (cosine or Euclidean, in embedding or state space), and clicking one of
// them makes it current; a rubber band lists the tokens or occurrences inside it.
// A third mode shows unit–word co-clusters (RNNVis) of a captured state in a CoClusterView.

#include <memory>
#include <vector>

#include "core/analysis/featurescatter/CoClustering.h"
#include "core/analysis/featurescatter/EmbeddingMap.h"
#include "core/analysis/featurescatter/TokenCategories.h"
#include "core/analysis/featurescatter/TokenGroups.h"
#include "core/analysis/featurescatter/TokenStateMap.h"
#include "core/jobs/JobHandle.h"
#include "widgets/common/Panel.h"

class QComboBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QStackedWidget;

namespace rnnscope {

class CoClusterView;
class FeatureMapView;

class FeatureScatterPanel : public Panel {
    Q_OBJECT
public:
    enum class Mode { Embeddings, TokenStates, CoClusters };
    enum class EmbeddingColouring { Frequency, Category, UnitResponse };
    // The colour box's data: an EmbeddingColouring, or this plus a ContextColoring, so that a
    // choice made for one map is never read as a choice for the other.
    static constexpr int kContextColouring = 100;

    explicit FeatureScatterPanel(Session& session, QWidget* parent = nullptr);
    ~FeatureScatterPanel() override;

    void paintFigure(QPainter& painter, const QRectF& rect) override;
    QSizeF figureSize() const override;

    Mode mode() const;
    void setMode(Mode mode);
    void setTokens(const QString& tokens);  // the token-state map's tokens, space-separated
    void setLayoutMethod(ProjectionMethod method);
    // The embedding map of the input vocabulary, or of the output (target) vocabulary when the
    // model has an embedding of it (seq2seq decoders, language models).
    void setOutputVocabulary(bool output);
    void setEmbeddingColouring(EmbeddingColouring colouring);
    // Reads a token<TAB>category file and colours by it; the report says what was skipped.
    // Throws UserError.
    QString loadCategories(const QString& path);

    // Named groups (kept in the Session, so every panel can colour by them): the points of the
    // last rubber band become a group; throws UserError without a selection or with an empty or
    // taken name. Groups save to and load from CSV (core/analysis/featurescatter/TokenGroups.h).
    void saveSelectionAsGroup(const QString& name);
    void saveGroups(const QString& path) const;
    QString loadGroups(const QString& path);  // returns the report of skipped lines
    const std::vector<qint64>& selectedPoints() const { return selected_; }
    static constexpr int kGroupColouring = 200;  // colour box data: this + group index

    // Co-clusters: how many, and how often a word must occur to be a column.
    void setCoClusterOptions(int clusters, int minOccurrences);
    static constexpr int kCoClusterWords = 150;  // the most frequent words at most

    FeatureMapView* mapView() const { return view_; }
    CoClusterView* coClusterView() const { return coView_; }
    std::shared_ptr<const UnitWordCoClusters> coClusters() const { return coClusters_; }
    std::shared_ptr<const EmbeddingMap> embeddingMap() const { return embeddingMap_; }
    std::shared_ptr<const TokenStateMap> tokenStateMap() const { return stateMap_; }
    QListWidget* neighbourList() const { return neighbours_; }
    QListWidget* selectionList() const { return selection_; }
    QString hoverText() const;
    qint64 currentPoint() const { return current_; }
    // Why the last map could not be made ("“x” is not in the vocabulary ..."); empty otherwise.
    QString failure() const { return failure_; }
    // Lists the neighbours of a point and rings them (what a click does).
    void showNeighbours(qint64 point);
    // What a click on a selected point's entry does: a token's neighbours, or an occurrence's
    // sample made current everywhere with the token hovered.
    void openSelected(qint64 point);
    // "token,count,x,y,category" or "sample,step,token,x,y,<colour>"; throws UserError.
    void exportCoordinates(const QString& path) const;

protected:
    void refresh() override;

private:
    void buildControls();
    QWidget* buildCoClusterControls();
    void connectCoClusterView();
    void requestCoClusters();
    void showCoClusters();
    void selectCoClusterUnit(int unit);
    void followSelectedUnits();
    void buildGroupControls(QHBoxLayout* bar);
    void rebuildGroupColourings();
    bool colourByGroup(int group);
    GroupVocabularies groupVocabularies() const;
    // Points of the map as an unnamed group: its words, or its occurrences.
    TokenGroup selectionAsGroup(const std::vector<qint64>& points) const;
    void requestMap();
    void showMap();
    void updateColours();
    void onHovered(qint64 point);
    void onSelected(const std::vector<qint64>& points);
    void followSessionHover();
    // The current sample's token ids on the input, or on the decoder's output in the output
    // map's vocabulary (-1 for a token it lacks); empty without a result.
    std::vector<int64_t> currentTokenIds(bool output) const;
    QString pointText(qint64 point) const;
    // A selected occurrence as rich text: sample, step, and the tokens around it, its own bold.
    QString contextHtml(qint64 point) const;
    void rebuildTrackList();

    FeatureMapView* view_ = nullptr;
    CoClusterView* coView_ = nullptr;
    QStackedWidget* stack_ = nullptr;
    QWidget* side_ = nullptr;
    QWidget* coControls_ = nullptr;
    QWidget* tokensLabel_ = nullptr;
    QSpinBox* clustersBox_ = nullptr;
    QSpinBox* minCountBox_ = nullptr;
    QPushButton* saveGroupButton_ = nullptr;
    std::vector<qint64> selected_;  // the last rubber band's points
    QComboBox* modeBox_ = nullptr;
    QComboBox* methodBox_ = nullptr;
    QComboBox* metricBox_ = nullptr;
    QComboBox* vocabularyBox_ = nullptr;
    QComboBox* colourBox_ = nullptr;
    QComboBox* trackBox_ = nullptr;
    QLineEdit* tokensEdit_ = nullptr;
    QWidget* stateControls_ = nullptr;
    QPushButton* categoriesButton_ = nullptr;
    QListWidget* neighbours_ = nullptr;
    QListWidget* selection_ = nullptr;
    QLabel* info_ = nullptr;
    QLabel* hover_ = nullptr;

    std::shared_ptr<const EmbeddingMap> embeddingMap_;
    std::shared_ptr<const TokenStateMap> stateMap_;
    std::shared_ptr<const UnitWordCoClusters> coClusters_;
    std::unique_ptr<TokenCategories> categories_;
    JobHandle job_;  // the map or the co-clusters being computed; the latest request wins
    qint64 current_ = -1;
    qint64 hovered_ = -1;
    QString failure_;
};

}  // namespace rnnscope
