#pragma once
// What-if editing in the Samples panel (issue #21, item 4): the current sample's text as the
// user changes it, run beside the original (which stays pinned above, as the current sample of
// every panel). The edited tokens show which of them the edit put in or changed; right-click a
// token, here or in the original, for the quick edits: delete, duplicate, swap with the next,
// replace with an unknown token or with any token of the vocabulary (a completer offers them).

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTimer>
#include <QWidget>

namespace rnnscope {

class Session;
class TokenStrip;

class WhatIfEditor : public QWidget {
    Q_OBJECT
public:
    explicit WhatIfEditor(Session& session, QWidget* parent = nullptr);

    // Starts an edit of the current sample from its own text (the edit changes nothing yet).
    void startEdit();
    // The quick-edit menu on token `index` of the original (`edited` false) or the edit.
    void showTokenMenu(int index, const QPoint& globalPos, bool edited);

    QLineEdit* editLine() const { return line_; }
    TokenStrip* editedStrip() const { return strip_; }
    // Seq2seq: the edited input's output, its tokens marked where they differ from the
    // original's; hidden for other models and until the edited run arrives.
    TokenStrip* editedOutputStrip() const { return output_; }
    QPushButton* endButton() const { return end_; }
    QString statusText() const { return status_->text(); }
    // For each original token: whether the edit removed or changed it (to mark it above).
    QVector<bool> originalChanges() const;

Q_SIGNALS:
    // A quick edit or the Replace dialog could not be done; the panel shows why.
    void problem(const QString& message);

private:
    void refresh();
    void replaceWithVocabulary(int index, bool edited);
    void apply(int kind, int index, bool edited, const QString& replacement = QString());

    Session& session_;
    QLabel* caption_ = nullptr;
    QLineEdit* line_ = nullptr;
    QPushButton* end_ = nullptr;
    TokenStrip* strip_ = nullptr;
    QLabel* outputCaption_ = nullptr;
    TokenStrip* output_ = nullptr;
    QLabel* status_ = nullptr;
    QTimer typing_;
    QString typedProblem_;  // why the typed text cannot run (empty text), until it can
};

}  // namespace rnnscope
