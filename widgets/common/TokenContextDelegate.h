#pragma once
// Draws a list entry as rich text when it carries some (the feature scatter's selected
// occurrences: the token in bold amid a few tokens either side), and as plain text otherwise.

#include <QStyledItemDelegate>

namespace rnnscope {

class TokenContextDelegate : public QStyledItemDelegate {
public:
    static constexpr int kHtmlRole = Qt::UserRole + 1;
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

}  // namespace rnnscope
