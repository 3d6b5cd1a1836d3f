#include "widgets/hiddenunits/HiddenUnitsPatternView.h"

#include <QMenu>

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "core/session/Session.h"
#include "widgets/common/InterveneMenu.h"
#include "widgets/hiddenunits/HiddenUnitsColours.h"

namespace rnnscope {

using namespace hiddenunits;

namespace {

QString joined(const QStringList& tokens) {
    // Characters read as text; words need their spaces back.
    bool chars =
        std::all_of(tokens.begin(), tokens.end(), [](const QString& t) { return t.size() <= 1; });
    QStringList shown;
    for (const QString& t : tokens) shown << (t == QLatin1String("\n") ? QStringLiteral("↵") : t);
    return shown.join(chars ? QString() : QStringLiteral(" "));
}

}  // namespace

HiddenUnitsPatternView::HiddenUnitsPatternView(Session& session, QWidget* parent)
    : QWidget(parent), session_(session) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Threshold:"), this));
    threshold_ = new QDoubleSpinBox(this);
    threshold_->setRange(-5, 5);
    threshold_->setSingleStep(0.05);
    threshold_->setValue(0.3);
    threshold_->setToolTip(tr("A unit is on at a step when its activation is at least this"));
    bar->addWidget(threshold_);
    offBefore_ = new QCheckBox(tr("off just before"), this);
    offBefore_->setChecked(true);
    offBefore_->setToolTip(
        tr("Keep only units that were below the threshold the step before "
           "the range: the ones that switch on there"));
    bar->addWidget(offBefore_);
    search_ = new QPushButton(tr("Search Dataset"), this);
    search_->setEnabled(false);
    cancel_ = new QPushButton(tr("Cancel"), this);
    cancel_->setEnabled(false);
    csv_ = new QPushButton(tr("Save CSV…"), this);
    csv_->setEnabled(false);
    bar->addWidget(search_);
    bar->addWidget(cancel_);
    bar->addWidget(csv_);
    bar->addStretch(1);
    layout->addLayout(bar);
    queryLabel_ = new QLabel(tr("Brush a range of steps in the Over Time view (drag across the "
                                "plot) to select the units that switch on there."),
                             this);
    queryLabel_->setWordWrap(true);
    layout->addWidget(queryLabel_);
    status_ = new QLabel(this);
    layout->addWidget(status_);
    table_ = new QTableWidget(0, 4, this);
    table_->setHorizontalHeaderLabels({tr("Overlap"), tr("Sample"), tr("Steps"), tr("Text")});
    table_->horizontalHeader()->setSectionResizeMode(3, QHeaderView::Stretch);
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 4);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    layout->addWidget(table_, 1);

    connect(threshold_, &QDoubleSpinBox::valueChanged, this,
            [this](double v) { Q_EMIT thresholdChanged(float(v)); });
    connect(offBefore_, &QCheckBox::toggled, this,
            [this]() { Q_EMIT thresholdChanged(float(threshold_->value())); });
    connect(search_, &QPushButton::clicked, this, [this]() { Q_EMIT searchRequested(query_); });
    connect(cancel_, &QPushButton::clicked, this, [this]() { Q_EMIT cancelRequested(); });
    connect(csv_, &QPushButton::clicked, this, [this]() {
        saveCsvWithDialog(this, QStringLiteral("pattern-matches.csv"), hitsCsv());
    });
    connect(table_, &QTableWidget::cellClicked, this, [this](int row) { openHit(row); });
    // Right-click a hit: open it and intervene on the pattern's units at its steps.
    table_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(table_, &QWidget::customContextMenuRequested, this, [this](const QPoint& pos) {
        const int row = table_->rowAt(pos.y());
        if (row < 0 || row >= int(hits_.size())) return;
        QVector<UnitRef> units;
        for (int u : query_.units) units << query_.track.unit(u);
        const PatternHit hit = hits_[size_t(row)];
        QMenu menu(this);
        addInterveneActions(menu, session_, units, this, hit.begin, hit.end);
        // Interventions hold for every sample: the hit's is opened to show what they do there.
        for (QAction* action : menu.actions())
            connect(action, &QAction::triggered, this, [this, row] { openHit(row); });
        if (!menu.isEmpty()) menu.exec(table_->viewport()->mapToGlobal(pos));
    });
}

float HiddenUnitsPatternView::threshold() const {
    return float(threshold_->value());
}

bool HiddenUnitsPatternView::offBefore() const {
    return offBefore_->isChecked();
}

void HiddenUnitsPatternView::setQuery(const PatternQuery& query, const QString& description) {
    query_ = query;
    description_ = description;
    queryLabel_->setText(description);
    search_->setEnabled(!query.units.empty() && (session_.model() || session_.store()) &&
                        session_.dataset());
}

void HiddenUnitsPatternView::setHits(std::vector<PatternHit> hits, qint64 samples) {
    hits_ = std::move(hits);
    table_->setRowCount(int(hits_.size()));
    for (int i = 0; i < int(hits_.size()); ++i) {
        const PatternHit& h = hits_[size_t(i)];
        auto* score = new QTableWidgetItem(QString::number(h.score, 'f', 2));
        score->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        table_->setItem(i, 0, score);
        table_->setItem(i, 1, new QTableWidgetItem(QString::number(h.sample + 1)));
        table_->setItem(i, 2,
                        new QTableWidgetItem(QStringLiteral("%1–%2").arg(h.begin).arg(h.end - 1)));
        table_->setItem(
            i, 3,
            new QTableWidgetItem(QStringLiteral("%1 ⟦%2⟧ %3")
                                     .arg(joined(h.before), joined(h.match), joined(h.after))));
    }
    csv_->setEnabled(!hits_.empty());
    status_->setText(
        tr("%n match(es) with overlap ≥ 0.2 in %1 samples", "", int(hits_.size())).arg(samples));
}

void HiddenUnitsPatternView::setBusy(bool busy, const QString& status) {
    search_->setEnabled(!busy && !query_.units.empty());
    cancel_->setEnabled(busy);
    if (!status.isEmpty()) status_->setText(status);
}

void HiddenUnitsPatternView::openHit(int row) {
    if (row < 0 || row >= int(hits_.size())) return;
    const PatternHit h = hits_[size_t(row)];
    // The sample first (it clears the old range and hover), then where the pattern is.
    session_.setCurrentSample(h.sample);
    session_.selection().setTimeRange(TimeRange{h.begin, h.end});
    session_.selection().setHoveredToken(TokenRef{h.sample, TokenRef::Input, h.begin});
}

QString HiddenUnitsPatternView::hitsCsv() const {
    auto quoted = [](QString s) {
        s.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        return QLatin1Char('"') + s + QLatin1Char('"');
    };
    QString csv = QStringLiteral("rank,overlap,sample,begin,end,before,match,after\n");
    for (size_t i = 0; i < hits_.size(); ++i) {
        const PatternHit& h = hits_[i];
        csv += QStringLiteral("%1,%2,%3,%4,%5,%6,%7,%8\n")
                   .arg(i + 1)
                   .arg(h.score, 0, 'f', 4)
                   .arg(h.sample + 1)
                   .arg(h.begin)
                   .arg(h.end)
                   .arg(quoted(joined(h.before)), quoted(joined(h.match)), quoted(joined(h.after)));
    }
    return csv;
}

QSizeF HiddenUnitsPatternView::naturalSize() const {
    const int rows = std::min<int>(int(hits_.size()), 30);
    return QSizeF(820, 80 + rows * 22);
}

void HiddenUnitsPatternView::paint(QPainter& p, const QRectF& rect) const {
    p.save();
    p.fillRect(rect, Qt::white);
    QFont bold = figureFont(font(), 12);
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(QColor(30, 30, 30));
    const qreal x = rect.left() + 10;
    qreal y = rect.top() + 8;
    p.drawText(QRectF(x, y, rect.width() - 20, 20), Qt::AlignLeft | Qt::AlignVCenter,
               tr("Pattern matches (Jaccard overlap of units switching on)"));
    y += 22;
    p.setFont(figureFont(font(), 12));
    p.setPen(QColor(70, 70, 70));
    p.drawText(QRectF(x, y, rect.width() - 20, 20), Qt::AlignLeft | Qt::AlignVCenter, description_);
    y += 26;
    QFont mono = figureFont(QFont(QStringLiteral("DejaVu Sans Mono")), 12);
    const QFontMetricsF fm(mono);
    for (size_t i = 0; i < hits_.size() && y + 22 <= rect.bottom(); ++i) {
        const PatternHit& h = hits_[i];
        p.setFont(figureFont(font(), 12));
        p.setPen(QColor(40, 40, 40));
        p.drawText(QRectF(x, y, 120, 20), Qt::AlignLeft | Qt::AlignVCenter,
                   tr("%1  #%2").arg(h.score, 0, 'f', 2).arg(h.sample + 1));
        p.setFont(mono);
        // Keyword in context: every match starts at the same column.
        const qreal column = fm.horizontalAdvance(QString(12, QLatin1Char('m')));
        const QString before = fm.elidedText(joined(h.before), Qt::ElideLeft, column);
        const QString match = joined(h.match), after = joined(h.after);
        qreal tx = x + 120 + column;
        p.setPen(QColor(90, 90, 90));
        p.drawText(QPointF(tx - 2 - fm.horizontalAdvance(before), y + 14), before);
        const QRectF band(tx - 1, y + 1, fm.horizontalAdvance(match) + 2, 19);
        p.fillRect(band, QColor(255, 214, 102));
        p.setPen(QColor(20, 20, 20));
        p.drawText(QPointF(tx, y + 14), match);
        tx += fm.horizontalAdvance(match) + 3;
        p.setPen(QColor(90, 90, 90));
        p.drawText(QPointF(tx, y + 14), after);
        y += 22;
    }
    p.restore();
}

}  // namespace rnnscope
