#include "widgets/samples/WhatIfEditor.h"

#include <QCompleter>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QMenu>
#include <QVBoxLayout>
#include <algorithm>

#include "core/causal/TokenEdit.h"
#include "core/model/Model.h"
#include "core/session/Session.h"
#include "widgets/common/TokenStrip.h"

namespace rnnscope {

namespace {

const QColor kChanged(250, 200, 160);  // the compared run's orange, light enough for text

}  // namespace

WhatIfEditor::WhatIfEditor(Session& session, QWidget* parent) : QWidget(parent), session_(session) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 4);
    auto* row = new QHBoxLayout;
    caption_ = new QLabel(tr("Edited"), this);
    caption_->setToolTip(tr("Every panel shows this input's run beside the original's"));
    row->addWidget(caption_);
    line_ = new QLineEdit(this);
    line_->setObjectName(QStringLiteral("whatIfText"));
    line_->setToolTip(
        tr("Change the text: the model runs on it as you type, beside the original sample"));
    row->addWidget(line_, 1);
    end_ = new QPushButton(tr("End Edit"), this);
    end_->setObjectName(QStringLiteral("whatIfEnd"));
    end_->setToolTip(tr("Back to the sample as it is (Esc in the edited text)"));
    row->addWidget(end_);
    layout->addLayout(row);
    strip_ = new TokenStrip(this);
    strip_->setObjectName(QStringLiteral("whatIfTokens"));
    strip_->setToolTip(tr("Right-click a token for quick edits"));
    layout->addWidget(strip_);
    outputCaption_ = new QLabel(tr("Output of the edited input"), this);
    layout->addWidget(outputCaption_);
    output_ = new TokenStrip(this);
    output_->setObjectName(QStringLiteral("whatIfOutput"));
    output_->setVisible(false);
    outputCaption_->setVisible(false);
    layout->addWidget(output_);
    status_ = new QLabel(this);
    status_->setWordWrap(true);
    layout->addWidget(status_);

    typing_.setSingleShot(true);
    typing_.setInterval(120);  // one run per pause in typing
    connect(line_, &QLineEdit::textEdited, this, [this]() { typing_.start(); });
    auto run = [this]() {
        typing_.stop();
        typedProblem_ = session_.whatIf().setEditText(line_->text());
        refresh();
    };
    connect(&typing_, &QTimer::timeout, this, run);
    connect(line_, &QLineEdit::returnPressed, this, run);
    connect(end_, &QPushButton::clicked, this, [this]() { session_.whatIf().endEdit(); });
    auto* escape = new QAction(this);
    escape->setShortcut(Qt::Key_Escape);
    escape->setShortcutContext(Qt::WidgetShortcut);
    line_->addAction(escape);
    connect(escape, &QAction::triggered, this, [this]() { session_.whatIf().endEdit(); });
    connect(strip_, &TokenStrip::tokenMenuRequested, this,
            [this](int index, const QPoint& at) { showTokenMenu(index, at, true); });
    connect(&session.whatIf(), &WhatIfAnalysis::editChanged, this, [this]() { refresh(); });
    connect(&session.whatIf(), &WhatIfAnalysis::editedResultChanged, this, [this]() { refresh(); });
    setVisible(false);
}

void WhatIfEditor::startEdit() {
    const QString why = session_.whatIf().setEditText(session_.currentText());
    if (!why.isEmpty()) {
        Q_EMIT problem(why);
        return;
    }
    line_->setFocus();
}

void WhatIfEditor::refresh() {
    const WhatIfAnalysis& whatIf = session_.whatIf();
    setVisible(whatIf.isEditing());
    if (!whatIf.isEditing()) {
        typing_.stop();
        typedProblem_.clear();
        return;
    }
    if (line_->text() != whatIf.editText() && !typing_.isActive())
        line_->setText(whatIf.editText());
    const QStringList edited = whatIf.editedTokens();
    const QStringList& original = whatIf.originalTokens();
    const std::vector<int> align = alignEditedTokens(original, edited);
    QVector<QColor> colours;
    QVector<bool> added;
    QStringList tips;
    int changed = 0, inserted = 0;
    for (int t = 0; t < edited.size(); ++t) {
        const int o = align[size_t(t)];
        const bool isNew = o < 0;
        const bool replaced = !isNew && original.value(o) != edited[t];
        colours << (isNew || replaced ? kChanged : QColor());
        added << isNew;
        changed += replaced;
        inserted += isNew;
        tips << (isNew      ? tr("Put in by the edit; right-click for quick edits")
                 : replaced ? tr("Was “%1”; right-click for quick edits").arg(original.value(o))
                            : tr("Right-click for quick edits"));
    }
    strip_->setTokens(edited);
    strip_->setColours(colours);
    strip_->setMarked(added);
    strip_->setToolTips(tips);
    // A seq2seq model's answer is a sequence: the edited run's, marked where it differs.
    const auto result = whatIf.editedResult();
    if (result && result->input.tokens == edited && session_.model())
        strip_->setUnknown(result->input.unknown, session_.model()->meta().input.unk);
    const auto originalRun = session_.currentResult();
    const bool seq2seq = result && originalRun && !result->outputTokens.isEmpty() &&
                         session_.model() && session_.model()->meta().task == Task::Seq2Seq;
    outputCaption_->setVisible(seq2seq);
    output_->setVisible(seq2seq);
    if (seq2seq) {
        outputCaption_->setText(result->outputIsGenerated
                                    ? tr("Output of the edited input (the model's own)")
                                    : tr("Output of the edited input (reference, teacher-forced)"));
        QVector<bool> differs;
        for (int i = 0; i < result->outputTokens.size(); ++i)
            differs << (originalRun->outputTokens.value(i) != result->outputTokens[i]);
        output_->setTokens(result->outputTokens);
        output_->setMarked(differs);
    }
    const QVector<bool> gone = originalChanges();  // removed or replaced
    const int removed = int(std::count(gone.begin(), gone.end(), true)) - changed;
    QString text;
    if (!typedProblem_.isEmpty())
        text = typedProblem_;
    else if (!whatIf.editError().isEmpty())
        text = tr("The model cannot run on the edited input: %1").arg(whatIf.editError());
    else if (changed + inserted + removed == 0)
        text = tr("The same tokens as the original: change the text, or right-click a token.");
    else
        text = tr("%1 changed, %2 put in, %3 removed · orange: changed or new; the original "
                  "above marks what the edit changed")
                   .arg(changed)
                   .arg(inserted)
                   .arg(removed);
    // Tokens the vocabulary lacks are read as its unknown token: say so, it changes the question.
    if (result && result->input.unknownTokens > 0 && typedProblem_.isEmpty()) {
        const QString unk = session_.model() ? session_.model()->meta().input.unk : QString();
        text += result->input.unknownTokens == 1
                    ? tr(" · 1 token of the edit is not in the vocabulary: the model reads it as "
                         "%1")
                          .arg(unk)
                    : tr(" · %1 tokens of the edit are not in the vocabulary: the model reads "
                         "them as %2")
                          .arg(result->input.unknownTokens)
                          .arg(unk);
    }
    status_->setText(text);
}

QVector<bool> WhatIfEditor::originalChanges() const {
    const WhatIfAnalysis& whatIf = session_.whatIf();
    const QStringList& original = whatIf.originalTokens();
    QVector<bool> out(original.size(), whatIf.isEditing());
    if (!whatIf.isEditing()) return out;
    const QStringList edited = whatIf.editedTokens();
    const std::vector<int> align = alignEditedTokens(original, edited);
    for (int t = 0; t < edited.size(); ++t)
        if (const int o = align[size_t(t)]; o >= 0 && original[o] == edited[t]) out[o] = false;
    return out;
}

void WhatIfEditor::showTokenMenu(int index, const QPoint& globalPos, bool edited) {
    const auto model = session_.model();
    if (!model || model->meta().input.type == InputSpec::Type::Features) return;
    const QStringList tokens =
        edited ? session_.whatIf().editedTokens() : session_.whatIf().originalTokens();
    if (index < 0 || index >= tokens.size()) return;
    QMenu menu(this);
    menu.setObjectName(QStringLiteral("quickEdits"));
    menu.setToolTipsVisible(true);
    const QString token = tokens[index];
    auto add = [&](const QString& text, TokenEditKind kind, const QString& tip) {
        QAction* a = menu.addAction(
            text, this, [this, kind, index, edited]() { apply(int(kind), index, edited); });
        a->setToolTip(tip);
        return a;
    };
    menu.addSection(tr("What if “%1”…").arg(token));
    add(tr("Delete"), TokenEditKind::Delete, tr("Run the input without this token"));
    add(tr("Duplicate"), TokenEditKind::Duplicate, tr("Run the input with this token twice"));
    add(tr("Swap with Next"), TokenEditKind::SwapWithNext,
        tr("This token and the next change places"))
        ->setEnabled(index + 1 < tokens.size());
    add(tr("Replace with Unknown (%1)").arg(model->meta().input.unk), TokenEditKind::ReplaceUnknown,
        tr("A token the vocabulary lacks: the model reads its unknown token"));
    menu.addAction(tr("Replace with…"), this,
                   [this, index, edited]() { replaceWithVocabulary(index, edited); })
        ->setToolTip(tr("Any token of the vocabulary, completed as you type"));
    menu.exec(globalPos);
}

void WhatIfEditor::replaceWithVocabulary(int index, bool edited) {
    const auto model = session_.model();
    if (!model) return;
    QStringList vocab = model->meta().input.vocab;
    vocab.removeAll(model->meta().input.pad);
    QInputDialog dialog(this);
    dialog.setObjectName(QStringLiteral("replaceToken"));
    dialog.setWindowTitle(tr("Replace Token"));
    dialog.setLabelText(tr("Replace token %1 with (the vocabulary has %2 tokens):")
                            .arg(index + 1)
                            .arg(vocab.size()));
    dialog.setInputMode(QInputDialog::TextInput);
    if (auto* edit = dialog.findChild<QLineEdit*>()) {
        auto* completer = new QCompleter(vocab, &dialog);
        completer->setCaseSensitivity(Qt::CaseInsensitive);
        completer->setFilterMode(Qt::MatchContains);
        edit->setCompleter(completer);
    }
    if (dialog.exec() != QDialog::Accepted) return;
    apply(int(TokenEditKind::Replace), index, edited, dialog.textValue());
}

void WhatIfEditor::apply(int kind, int index, bool edited, const QString& replacement) {
    WhatIfAnalysis& whatIf = session_.whatIf();
    // A token of the original while an edit is on: the same token in the edit, if it is there.
    if (!edited && whatIf.isEditing()) {
        const std::vector<int> align =
            alignEditedTokens(whatIf.originalTokens(), whatIf.editedTokens());
        const auto at = std::find(align.begin(), align.end(), index);
        if (at == align.end()) {
            Q_EMIT problem(tr("The edit has already removed that token; edit the text below."));
            return;
        }
        index = int(at - align.begin());
    }
    const QString why = whatIf.applyEdit({TokenEditKind(kind), index, replacement});
    if (!why.isEmpty()) Q_EMIT problem(why);
}

}  // namespace rnnscope
