#include "widgets/hiddenunits/HiddenUnitsFinderView.h"

#include <QMenu>

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include "core/session/Session.h"
#include "widgets/common/InterveneMenu.h"
#include "widgets/hiddenunits/HiddenUnitsColours.h"
#include "widgets/hiddenunits/UnitTextView.h"

namespace rnnscope {

HiddenUnitsFinderView::HiddenUnitsFinderView(Session& session, QWidget* parent)
    : QWidget(parent), session_(session) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Signal:"), this));
    signalBox_ = new QComboBox(this);
    signalBox_->addItem(tr("Nesting depth of brackets"), int(SignalKind::Depth));
    signalBox_->addItem(tr("Inside a quoted string"), int(SignalKind::Quote));
    signalBox_->addItem(tr("Position in sequence"), int(SignalKind::Position));
    signalBox_->addItem(tr("Token identity (one vs rest)"), int(SignalKind::TokenIdentity));
    signalBox_->addItem(tr("Label (one vs rest)"), int(SignalKind::Label));
    signalBox_->setToolTip(
        tr("A per-token signal; every unit is ranked by its Pearson r with it "
           "over every token of the dataset"));
    bar->addWidget(signalBox_);
    valueEdit_ = new QLineEdit(this);
    valueEdit_->setPlaceholderText(tr("token or label"));
    valueEdit_->setMaximumWidth(120);
    valueEdit_->setEnabled(false);
    bar->addWidget(valueEdit_);
    bar->addWidget(new QLabel(tr("States:"), this));
    kindBox_ = new QComboBox(this);
    kindBox_->addItem(tr("hidden and cell"), QStringLiteral("hidden,cell"));
    kindBox_->addItem(tr("all (gates too)"), QString());
    kindBox_->addItem(tr("hidden"), QStringLiteral("hidden"));
    kindBox_->addItem(tr("cell"), QStringLiteral("cell"));
    bar->addWidget(kindBox_);
    bar->addWidget(new QLabel(tr("Show top:"), this));
    topBox_ = new QSpinBox(this);
    topBox_->setRange(1, 20);
    topBox_->setValue(5);
    bar->addWidget(topBox_);
    rank_ = new QPushButton(tr("Rank Units over Dataset"), this);
    bar->addWidget(rank_);
    cancel_ = new QPushButton(tr("Cancel"), this);
    cancel_->setEnabled(false);
    bar->addWidget(cancel_);
    csv_ = new QPushButton(tr("Save CSV…"), this);
    csv_->setEnabled(false);
    bar->addWidget(csv_);
    bar->addStretch(1);
    layout->addLayout(bar);
    status_ = new QLabel(this);
    layout->addWidget(status_);

    auto* split = new QSplitter(Qt::Horizontal, this);
    table_ = new QTableWidget(0, 3, split);
    table_->setHorizontalHeaderLabels({tr("State"), tr("Unit"), tr("r")});
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 4);
    table_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    auto* scroll = new QScrollArea(split);
    text_ = new UnitTextView;
    scroll->setWidget(text_);
    scroll->setWidgetResizable(true);
    split->addWidget(table_);
    split->addWidget(scroll);
    split->setStretchFactor(1, 3);
    layout->addWidget(split, 1);

    connect(signalBox_, &QComboBox::currentIndexChanged, this, [this]() {
        const auto kind = SignalKind(signalBox_->currentData().toInt());
        valueEdit_->setEnabled(kind == SignalKind::TokenIdentity || kind == SignalKind::Label ||
                               kind == SignalKind::Annotation);
        valueEdit_->setPlaceholderText(kind == SignalKind::Annotation ? tr("value (optional)")
                                                                      : tr("token or label"));
        valueEdit_->setToolTip(
            kind == SignalKind::Annotation
                ? tr("Empty: the annotation's numbers. A value (such as NN): 1 where the "
                     "annotation is that value, 0 elsewhere.")
                : QString());
        fillTable();
    });
    connect(valueEdit_, &QLineEdit::editingFinished, this, [this]() { fillTable(); });
    connect(kindBox_, &QComboBox::currentIndexChanged, this, [this]() { fillTable(); });
    connect(topBox_, &QSpinBox::valueChanged, this, [this]() { refreshText(); });
    connect(rank_, &QPushButton::clicked, this, [this]() {
        const SignalSpec spec = signal();
        if ((spec.kind == SignalKind::TokenIdentity || spec.kind == SignalKind::Label) &&
            spec.value.isEmpty()) {
            status_->setText(tr("Type the token or label to compare against."));
            return;
        }
        Q_EMIT rankRequested(spec);
    });
    connect(cancel_, &QPushButton::clicked, this, [this]() { Q_EMIT cancelRequested(); });
    connect(table_, &QTableWidget::currentCellChanged, this, [this](int row) {
        const auto units = ranked();
        if (row >= 0 && row < int(units.size()))
            session_.selection().setSelectedUnits(
                {units[size_t(row)].track.unit(units[size_t(row)].unit)});
    });
    // Right-click ranked units: intervene on them (every selected row, or the one clicked).
    table_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(table_, &QWidget::customContextMenuRequested, this, [this](const QPoint& pos) {
        const auto units = ranked();
        QVector<UnitRef> refs;
        for (const QModelIndex& index : table_->selectionModel()->selectedRows())
            if (index.row() < int(units.size()))
                refs << units[size_t(index.row())].track.unit(units[size_t(index.row())].unit);
        const int row = table_->rowAt(pos.y());
        if (row >= 0 && row < int(units.size()) &&
            !table_->selectionModel()->isRowSelected(row, {}))
            refs = {units[size_t(row)].track.unit(units[size_t(row)].unit)};
        QMenu menu(this);
        addInterveneActions(menu, session_, refs, this);
        if (!menu.isEmpty()) menu.exec(table_->viewport()->mapToGlobal(pos));
    });
    connect(text_, &UnitTextView::unitClicked, this, [this](int row) {
        const auto& rows = text_->rows();
        if (row >= 0 && row < int(rows.size()))
            session_.selection().setSelectedUnits(
                {rows[size_t(row)].unit.track.unit(rows[size_t(row)].unit.unit)});
    });
    connect(text_, &UnitTextView::stepHovered, this, [this](int step) {
        session_.selection().setHoveredToken(
            step >= 0 ? TokenRef{session_.currentSample(), TokenRef::Input, step} : TokenRef{});
    });
    connect(csv_, &QPushButton::clicked, this, [this]() {
        QString name = signal().name();
        name.replace(QLatin1Char(':'), QLatin1Char('-'));
        saveCsvWithDialog(this, QStringLiteral("units-%1.csv").arg(name), rankedCsv());
    });
}

SignalSpec HiddenUnitsFinderView::signal() const {
    const auto kind = SignalKind(signalBox_->currentData().toInt());
    const QString value = valueEdit_->text().trimmed();
    if (kind != SignalKind::Annotation) return SignalSpec{kind, value};
    const QString name = signalBox_->currentData(kAnnotationRole).toString();
    return SignalSpec{kind, value.isEmpty() ? name : name + QLatin1Char('=') + value};
}

void HiddenUnitsFinderView::setSignal(const SignalSpec& spec) {
    int index = signalBox_->findData(int(spec.kind));
    if (spec.kind == SignalKind::Annotation)
        index = signalBox_->findData(spec.annotationName(), kAnnotationRole);
    if (index < 0) return;
    signalBox_->setCurrentIndex(index);
    valueEdit_->setText(spec.kind == SignalKind::Annotation ? spec.annotationValue() : spec.value);
    fillTable();
}

void HiddenUnitsFinderView::setAnnotationNames(const QStringList& names) {
    QSignalBlocker block(signalBox_);
    const SignalSpec current = signal();
    for (int i = signalBox_->count() - 1; i >= 0; --i)
        if (SignalKind(signalBox_->itemData(i).toInt()) == SignalKind::Annotation)
            signalBox_->removeItem(i);
    for (const QString& name : names) {
        signalBox_->addItem(tr("Dataset annotation \u201C%1\u201D").arg(name),
                            int(SignalKind::Annotation));
        signalBox_->setItemData(signalBox_->count() - 1, name, kAnnotationRole);
    }
    const int keep = current.kind == SignalKind::Annotation
                         ? signalBox_->findData(current.annotationName(), kAnnotationRole)
                         : signalBox_->findData(int(current.kind));
    signalBox_->setCurrentIndex(std::max(0, keep));
}

void HiddenUnitsFinderView::setScan(std::shared_ptr<const UnitScan> scan) {
    scan_ = std::move(scan);
    fillTable();
}

void HiddenUnitsFinderView::setBusy(bool busy, const QString& status) {
    rank_->setEnabled(!busy);
    cancel_->setEnabled(busy);
    if (!status.isEmpty() || !busy) status_->setText(status);
}

int HiddenUnitsFinderView::scanSignalIndex() const {
    if (!scan_) return -1;
    const QString name = signal().name();
    for (size_t i = 0; i < scan_->signals.size(); ++i)
        if (scan_->signals[i].name() == name) return int(i);
    return -1;
}

std::vector<RankedUnit> HiddenUnitsFinderView::ranked() const {
    const int s = scanSignalIndex();
    if (s < 0) return {};
    const QString kinds = kindBox_->currentData().toString();
    return scan_->ranked(
        s, kinds.isEmpty() ? QStringList() : kinds.split(QLatin1Char(','), Qt::SkipEmptyParts));
}

void HiddenUnitsFinderView::fillTable() {
    const auto units = ranked();
    csv_->setEnabled(!units.empty());
    QSignalBlocker block(table_);
    const int shown = std::min<int>(int(units.size()), 200);
    table_->setRowCount(shown);
    for (int i = 0; i < shown; ++i) {
        const RankedUnit& u = units[size_t(i)];
        table_->setItem(i, 0, new QTableWidgetItem(u.track.label()));
        table_->setItem(i, 1, new QTableWidgetItem(QStringLiteral("#%1").arg(u.unit)));
        auto* r = new QTableWidgetItem(QString::number(u.r, 'f', 3));
        r->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        table_->setItem(i, 2, r);
    }
    const int signalIndex = scanSignalIndex();
    if (scan_ && units.empty() && signalIndex < 0)
        status_->setText(tr("Not ranked for this signal yet: press Rank Units over Dataset."));
    else if (scan_ && units.empty() && size_t(signalIndex) < scan_->constantSignals.size() &&
             scan_->constantSignals[size_t(signalIndex)])
        status_->setText(tr("%1 has the same value on all %2 tokens of the dataset: no unit can "
                            "correlate with it (r is undefined), so nothing is ranked.")
                             .arg(signal().title())
                             .arg(scan_->tokens));
    else if (scan_ && !units.empty()) {
        QString text = tr("%1 over %2 tokens of %3 samples: best %4 #%5, r = %6")
                           .arg(signal().title())
                           .arg(scan_->tokens)
                           .arg(scan_->samples)
                           .arg(units[0].track.label())
                           .arg(units[0].unit)
                           .arg(units[0].r, 0, 'f', 3);
        const int s = scanSignalIndex();
        if (s >= 0 && size_t(s) < scan_->undefinedSamples.size() &&
            scan_->undefinedSamples[size_t(s)] > 0)
            text += tr(" (%1 samples left out: the annotation is missing or has another number "
                       "of values than tokens)")
                        .arg(scan_->undefinedSamples[size_t(s)]);
        status_->setText(text);
    }
    refreshText();
}

void HiddenUnitsFinderView::refreshText() {
    const auto units = ranked();
    auto result = session_.currentResult();
    std::vector<UnitTextView::Row> rows;
    QStringList tokens;
    if (result) {
        tokens = result->input.tokens;
        for (int i = 0; i < topBox_->value() && i < int(units.size()); ++i) {
            UnitTextView::Row row;
            row.unit = units[size_t(i)];
            for (const StateTrack& t : result->tracks)
                if (row.unit.track.matches(t) && t.values.rows() == tokens.size() &&
                    row.unit.unit < t.values.cols())
                    row.values = t.values.col(row.unit.unit);
            rows.push_back(std::move(row));
        }
    }
    const QString title =
        rows.empty()
            ? QString()
            : tr("Units most correlated with %1, over the current sample").arg(signal().title());
    text_->setRows(std::move(rows), tokens, title);
}

void HiddenUnitsFinderView::setHoveredStep(int step) {
    text_->setHoveredStep(step);
}

QString HiddenUnitsFinderView::rankedCsv() const {
    QString csv = QStringLiteral("rank,module,layer,direction,kind,unit,r\n");
    const auto units = ranked();
    for (size_t i = 0; i < units.size(); ++i) {
        const RankedUnit& u = units[i];
        csv +=
            QStringLiteral("%1,%2,%3,%4,%5,%6,%7\n")
                .arg(i + 1)
                .arg(u.track.module)
                .arg(u.track.layer)
                .arg(u.track.direction == 0 ? QStringLiteral("forward") : QStringLiteral("reverse"))
                .arg(u.track.kind)
                .arg(u.unit)
                .arg(u.r, 0, 'f', 6);
    }
    return csv;
}

QSizeF HiddenUnitsFinderView::naturalSize() const {
    const qreal w = std::max(720, text_->width());
    return QSizeF(w, text_->heightForWidthF(w - 16) + 16);
}

void HiddenUnitsFinderView::paint(QPainter& painter, const QRectF& rect) const {
    painter.fillRect(rect, Qt::white);
    text_->paint(painter, rect.adjusted(8, 8, -8, -8));
}

}  // namespace rnnscope
