#pragma once
// The Error Browser's "Tokens" tab for tagging and language models: every token of the dataset
// with how often it occurs, how often the model gets it wrong (its tag, or predicting it as the
// next token) and its mean loss, most errors first; any column sorts. Clicking a token asks to
// show the samples that contain it.

#include <QWidget>

#include "core/errors/TokenErrors.h"

class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace rnnscope {

class TokenErrorsModel;

class TokenErrorsView : public QWidget {
    Q_OBJECT
public:
    explicit TokenErrorsView(QWidget* parent = nullptr);

    void setStats(const TokenErrorStats& stats, bool languageModel);
    void setMessage(const QString& message);  // no per-token numbers, and why
    QTableView* table() const { return table_; }
    // The token shown at a row of the (sorted) table.
    QString tokenAt(int row) const;
    int rowCount() const;

Q_SIGNALS:
    void tokenActivated(const QString& token);

private:
    QLabel* caption_ = nullptr;
    QTableView* table_ = nullptr;
    TokenErrorsModel* model_ = nullptr;
    QSortFilterProxyModel* sorted_ = nullptr;
};

}  // namespace rnnscope
