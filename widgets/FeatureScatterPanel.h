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

#include <memory>
#include <vector>

#include "core/JobRunner.h"
#include "core/analysis/EmbeddingMap.h"
#include "core/analysis/TokenCategories.h"
#include "core/analysis/TokenStateMap.h"
#include "widgets/Panel.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace rnnscope {

class FeatureMapView;

class FeatureScatterPanel : public Panel {
    Q_OBJECT
public:
    enum class Mode { Embeddings, TokenStates };
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
    void setEmbeddingColouring(EmbeddingColouring colouring);
    // Reads a token<TAB>category file and colours by it; the report says what was skipped.
    // Throws UserError.
    QString loadCategories(const QString& path);

    FeatureMapView* mapView() const { return view_; }
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
    // "token,count,x,y,category" or "sample,step,token,x,y,<colour>"; throws UserError.
    void exportCoordinates(const QString& path) const;

protected:
    void refresh() override;

private:
    void buildControls();
    void requestMap();
    void showMap();
    void updateColours();
    void onHovered(qint64 point);
    void onSelected(const std::vector<qint64>& points);
    void followSessionHover();
    QString pointText(qint64 point) const;
    void rebuildTrackList();

    FeatureMapView* view_ = nullptr;
    QComboBox* modeBox_ = nullptr;
    QComboBox* methodBox_ = nullptr;
    QComboBox* metricBox_ = nullptr;
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
    std::unique_ptr<TokenCategories> categories_;
    JobId job_ = 0;
    quint64 request_ = 0;
    qint64 current_ = -1;
    qint64 hovered_ = -1;
    QString failure_;
};

}  // namespace rnnscope
