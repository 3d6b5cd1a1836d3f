#include "widgets/forecast/ForecastPlot.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

#include "core/data/series/SeriesTime.h"
#include "widgets/common/FigureText.h"

namespace rnnscope {

namespace {

constexpr double kLeft = 64, kRight = 18, kTop = 54, kBottom = 42, kGap = 12;
const QColor kTruth(40, 40, 40);
const QColor kForecast(31, 119, 180);
const QColor kOver(214, 39, 40, 150);    // forecast above the truth
const QColor kUnder(31, 119, 180, 150);  // forecast below it
const QColor kWorst(214, 39, 40, 36);
const QColor kCurrent(44, 160, 44, 48);

// 1, 2 or 5 times a power of ten, at least `raw`.
double niceStep(double raw) {
    if (!(raw > 0)) return 1;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * power >= raw) return m * power;
    return 10 * power;
}

QString number(double v) {
    return QString::number(v, 'g', std::abs(v) >= 1e5 ? 6 : 4);
}

// Smallest and largest finite value of `values` over rows [first, last), row by row.
std::pair<double, double> scan(const std::vector<float>& values, qint64 first, qint64 last) {
    double lo = INFINITY, hi = -INFINITY;
    for (qint64 r = first; r < last; ++r) {
        const float v = values[size_t(r)];
        if (std::isnan(v)) continue;
        lo = std::min(lo, double(v));
        hi = std::max(hi, double(v));
    }
    return {lo, hi};
}

struct Tick {
    double row;
    QString label;
};

// Ticks on the time axis over rows [begin, end) of the forecast's series, at most about
// `most`: at round years, months or days when the time column holds dates (found by binary
// search in the sorted times), else at a round number of rows labelled with their time.
std::vector<Tick> timeTicks(const SeriesForecast& f, const WindowedSeries* series, double begin,
                            double end, int most) {
    std::vector<Tick> ticks;
    const SeriesTable* table = series ? &series->table : nullptr;
    const bool dates = table && !table->time.empty() && table->timeFormat != TimeFormat::Number &&
                       table->timeFormat != TimeFormat::None;
    const qint64 first = std::clamp<qint64>(qint64(std::floor(begin)), 0, f.rows - 1);
    const qint64 last = std::clamp<qint64>(qint64(std::ceil(end)) - 1, first, f.rows - 1);
    if (dates) {
        const auto times = table->time.begin() + f.firstRow;
        const double t0 = times[first], t1 = times[last];
        const double days = (t1 - t0) / 86400.0;
        qint64 y0, y1;
        int m0, m1, d0, d1;
        dateOfTime(t0, y0, m0, d0);
        dateOfTime(t1, y1, m1, d1);
        const auto add = [&](double t, const QString& label) {
            const auto at = std::lower_bound(times + first, times + last + 1, t);
            if (at != times + last + 1) ticks.push_back({double(at - times), label});
        };
        const auto pick = [&](std::initializer_list<int> steps, double span) {
            for (int step : steps)
                if (span / step <= most) return step;
            return 0;
        };
        if (days / 365.25 >= 2) {
            const int step = pick({1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000}, days / 365.25);
            for (qint64 y = (y0 + step - 1) / step * step; step > 0 && y <= y1; y += step)
                add(timeOfDate(y, 1, 1), QString::number(y));
            if (!ticks.empty()) return ticks;
        } else if (days >= 60) {
            const int step = pick({1, 2, 3, 6}, days / 30.44);
            for (qint64 m = (y0 * 12 + m0 - 1 + step - 1) / step * step;
                 step > 0 && m <= y1 * 12 + m1 - 1; m += step)
                add(timeOfDate(m / 12, int(m % 12) + 1, 1),
                    QStringLiteral("%1-%2").arg(m / 12).arg(m % 12 + 1, 2, 10, QLatin1Char('0')));
            if (!ticks.empty()) return ticks;
        } else if (days >= 2) {
            const int step = pick({1, 2, 7, 14}, days);
            const double day0 = std::ceil(t0 / 86400.0 / step) * step;
            for (double d = day0; step > 0 && d * 86400.0 <= t1; d += step)
                add(d * 86400.0, formatTime(d * 86400.0, TimeFormat::Date));
            if (!ticks.empty()) return ticks;
        }
    }
    const double step = std::max(1.0, niceStep((end - begin) / std::max(2, most)));
    for (double r = std::ceil(begin / step) * step; r < end; r += step)
        ticks.push_back({r, table ? table->timeText(f.firstRow + qint64(r)) : number(r + 1)});
    return ticks;
}

}  // namespace

// The smallest and largest value per block of rows of the truth, the forecast and their
// difference, so the range over any rows costs O(rows / block): the whole of a 10^6-row series
// is drawn from 16,000 blocks, not a million rows, each frame.
struct ForecastPlot::Ranges {
    static constexpr qint64 kBlock = 64;
    struct Column {
        std::vector<float> values;
        std::vector<float> lo, hi;  // per block; NaN for a block of no values

        explicit Column(std::vector<float> v) : values(std::move(v)) {
            const size_t blocks = (values.size() + kBlock - 1) / kBlock;
            lo.assign(blocks, NAN);
            hi.assign(blocks, NAN);
            for (size_t b = 0; b < blocks; ++b) {
                const auto [l, h] =
                    scan(values, qint64(b) * kBlock,
                         std::min<qint64>(qint64(values.size()), qint64(b + 1) * kBlock));
                if (std::isfinite(l)) lo[b] = float(l), hi[b] = float(h);
            }
        }
        // Smallest and largest value over rows [first, last); ±infinity when none.
        std::pair<double, double> range(qint64 first, qint64 last) const {
            last = std::min<qint64>(last, qint64(values.size()));
            if (last - first < 2 * kBlock) return scan(values, first, last);
            const qint64 firstBlock = (first + kBlock - 1) / kBlock, lastBlock = last / kBlock;
            auto [l, h] = scan(values, first, firstBlock * kBlock);
            const auto [tl, th] = scan(values, lastBlock * kBlock, last);
            l = std::min(l, tl);
            h = std::max(h, th);
            for (qint64 b = firstBlock; b < lastBlock; ++b) {
                if (std::isnan(lo[size_t(b)])) continue;
                l = std::min(l, double(lo[size_t(b)]));
                h = std::max(h, double(hi[size_t(b)]));
            }
            return {l, h};
        }
    };
    Column truth, predicted, residual;

    explicit Ranges(const SeriesForecast& f)
        : truth(f.truth), predicted(f.predicted), residual(difference(f)) {}
    static std::vector<float> difference(const SeriesForecast& f) {
        std::vector<float> d(f.truth.size());
        for (size_t r = 0; r < d.size(); ++r) d[r] = f.predicted[r] - f.truth[r];  // NaN stays
        return d;
    }
};

struct ForecastPlot::Layout {
    QRectF main, residual;
    double begin = 0, end = 1;
    double x(double row) const {
        return main.left() + (row - begin) / (end - begin) * main.width();
    }
    double rowAt(double px) const {
        return begin + (px - main.left()) / main.width() * (end - begin);
    }
};

ForecastPlot::ForecastPlot(QWidget* parent) : QWidget(parent) {
    setMinimumSize(420, 260);
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(false);
    setToolTip(
        tr("Wheel: zoom · Drag: pan · Double-click: the whole series · Click: open the "
           "window whose forecast is there"));
}

void ForecastPlot::setForecast(std::shared_ptr<const SeriesForecast> forecast,
                               std::shared_ptr<const WindowedSeries> series,
                               std::vector<ForecastStretch> worst) {
    const bool sameSeries =
        forecast_ && forecast && series_ == series && forecast_->series == forecast->series;
    forecast_ = std::move(forecast);
    ranges_ = forecast_ ? std::make_shared<const Ranges>(*forecast_) : nullptr;
    series_ = std::move(series);
    worst_ = std::move(worst);
    if (!sameSeries) showAll();  // a new series starts whole; new predictions keep the zoom
    update();
}

void ForecastPlot::setCurrentRows(qint64 first, qint64 rows) {
    currentFirst_ = first;
    currentRows_ = rows;
    update();
}

void ForecastPlot::setMessage(const QString& message) {
    message_ = message;
    update();
}

void ForecastPlot::showAll() {
    setVisibleRows(0, forecast_ ? double(forecast_->rows) : 1.0);
}

void ForecastPlot::setVisibleRows(double begin, double end) {
    const double rows = forecast_ ? double(std::max<qint64>(forecast_->rows, 1)) : 1.0;
    double span = std::clamp(end - begin, std::min(8.0, rows), rows);
    begin = std::clamp(begin, 0.0, rows - span);
    if (begin == begin_ && begin + span == end_) return;
    begin_ = begin;
    end_ = begin + span;
    update();
    Q_EMIT visibleRowsChanged();
}

ForecastPlot::Layout ForecastPlot::layout(const QRectF& rect) const {
    Layout l;
    const QRectF inner = rect.adjusted(kLeft, kTop, -kRight, -kBottom);
    const double mainHeight = (inner.height() - kGap) * 0.72;
    l.main = QRectF(inner.left(), inner.top(), inner.width(), mainHeight);
    l.residual = QRectF(inner.left(), l.main.bottom() + kGap, inner.width(),
                        inner.height() - mainHeight - kGap);
    l.begin = begin_;
    l.end = end_;
    return l;
}

void ForecastPlot::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), Qt::white);
    paintFigure(painter, rect(), true);
}

void ForecastPlot::paintFigure(QPainter& painter, const QRectF& rect, bool onScreen) const {
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, true);
    const QFont font = figureFont(painter.font(), 12);
    const QFont small = figureFont(painter.font(), 11);
    const QFont bold = [&] {
        QFont f = figureFont(painter.font(), 13);
        f.setBold(true);
        return f;
    }();
    if (!forecast_ || forecast_->rows == 0) {
        painter.setFont(font);
        painter.setPen(QColor(90, 90, 90));
        painter.drawText(rect.adjusted(20, 20, -20, -20), Qt::AlignCenter | Qt::TextWordWrap,
                         message_);
        painter.restore();
        return;
    }
    const SeriesForecast& f = *forecast_;
    const Layout l = layout(rect);
    const qint64 first = std::clamp<qint64>(qint64(std::floor(l.begin)), 0, f.rows - 1);
    const qint64 last = std::clamp<qint64>(qint64(std::ceil(l.end)), first + 1, f.rows);
    const double rowsPerPixel = (l.end - l.begin) / std::max(1.0, l.main.width());
    const bool detailed = rowsPerPixel <= 0.5;  // every row drawn; else a range per pixel

    // The value axis: truth and forecast over the visible rows.
    const Ranges& ranges = *ranges_;
    auto [lo, hi] = ranges.truth.range(first, last);
    const auto [plo, phi] = ranges.predicted.range(first, last);
    lo = std::min(lo, plo);
    hi = std::max(hi, phi);
    if (!std::isfinite(lo)) lo = 0, hi = 1;
    if (hi - lo < 1e-9) lo -= 0.5, hi += 0.5;
    const double pad = (hi - lo) * 0.06;
    lo -= pad;
    hi += pad;
    const auto y = [&](double v) {
        return l.main.bottom() - (v - lo) / (hi - lo) * l.main.height();
    };
    // The residual axis, symmetric about 0.
    double worstResidual = 0;
    for (qint64 r = first; r < last; ++r) {
        const float p = f.predicted[size_t(r)], t = f.truth[size_t(r)];
        if (!std::isnan(p) && !std::isnan(t))
            worstResidual = std::max(worstResidual, double(std::abs(p - t)));
    }
    const double residualSpan = worstResidual > 0 ? worstResidual * 1.08 : 1.0;
    const auto yr = [&](double v) {
        return l.residual.center().y() - v / residualSpan * (l.residual.height() / 2);
    };

    // Title and legend.
    painter.setFont(bold);
    painter.setPen(Qt::black);
    QString title = tr("%1: truth and forecast").arg(f.outputName);
    if (f.predictedRows > 0)
        title += tr("  ·  MAE %1  ·  RMSE %2 over %3 forecast rows")
                     .arg(number(f.mae), number(f.rmse))
                     .arg(f.predictedRows);
    painter.drawText(QRectF(rect.left() + kLeft, rect.top() + 6, rect.width() - kLeft - kRight, 20),
                     Qt::AlignLeft | Qt::AlignVCenter, title);
    painter.setFont(small);
    double lx = rect.left() + kLeft;
    const double ly = rect.top() + 36;
    const auto legend = [&](const QString& text, const QColor& colour, bool band) {
        if (band)
            painter.fillRect(QRectF(lx, ly - 6, 18, 12), colour);
        else
            painter.setPen(QPen(colour, 2)),
                painter.drawLine(QPointF(lx, ly), QPointF(lx + 18, ly));
        painter.setPen(QColor(60, 60, 60));
        const double w = painter.fontMetrics().horizontalAdvance(text);
        painter.drawText(QPointF(lx + 24, ly + 4), text);
        lx += 24 + w + 18;
    };
    legend(tr("truth"), kTruth, false);
    legend(tr("forecast"), kForecast, false);
    legend(tr("forecast too high"), kOver, true);
    legend(tr("too low (forecast − truth, below)"), kUnder, true);
    if (!worst_.empty()) legend(tr("worst stretches"), QColor(214, 39, 40, 70), true);
    if (onScreen && currentRows_ > 0) legend(tr("window shown"), kCurrent, true);

    // Shading behind the curves: the worst stretches, then the shown window.
    painter.setClipRect(l.main.united(l.residual));
    const auto span = [&](qint64 from, qint64 rows) {
        return QRectF(QPointF(l.x(double(from)), l.main.top()),
                      QPointF(l.x(double(from + rows)), l.residual.bottom()));
    };
    painter.setFont(small);
    for (size_t k = 0; k < worst_.size(); ++k) {
        QRectF band = span(worst_[k].first, worst_[k].rows);
        if (band.width() < 3) band.adjust(-1.5, 0, 1.5, 0);  // visible when zoomed out
        painter.fillRect(band, kWorst);
        painter.setPen(QColor(180, 30, 30));
        painter.drawText(QPointF(band.left() + 2, l.main.top() + 12),
                         QStringLiteral("#%1").arg(k + 1));
    }
    if (onScreen && currentRows_ > 0) {
        QRectF band = span(currentFirst_, currentRows_);
        if (band.width() < 3) band.adjust(-1.5, 0, 1.5, 0);
        painter.fillRect(band, kCurrent);
    }
    painter.setClipping(false);

    // Axes and grid.
    painter.setPen(QColor(225, 225, 225));
    const double yStep = niceStep((hi - lo) / 5);
    painter.setFont(small);
    for (double v = std::ceil(lo / yStep) * yStep; v <= hi; v += yStep) {
        painter.setPen(QColor(230, 230, 230));
        painter.drawLine(QPointF(l.main.left(), y(v)), QPointF(l.main.right(), y(v)));
        painter.setPen(QColor(70, 70, 70));
        painter.drawText(QRectF(rect.left(), y(v) - 8, kLeft - 6, 16),
                         Qt::AlignRight | Qt::AlignVCenter, number(v));
    }
    painter.setPen(QColor(200, 200, 200));
    painter.drawLine(QPointF(l.residual.left(), yr(0)), QPointF(l.residual.right(), yr(0)));
    painter.setPen(QColor(70, 70, 70));
    for (double v : {-worstResidual, 0.0, worstResidual}) {
        if (v != 0 && worstResidual == 0) continue;
        painter.drawText(QRectF(rect.left(), yr(v) - 8, kLeft - 6, 16),
                         Qt::AlignRight | Qt::AlignVCenter,
                         v > 0 ? QLatin1Char('+') + number(v) : number(v));
    }
    painter.setPen(QColor(150, 150, 150));
    painter.drawRect(l.main);
    painter.drawRect(l.residual);

    // Time ticks: round years, months or days for dates, else round row counts.
    painter.setPen(QColor(70, 70, 70));
    for (const Tick& tick :
         timeTicks(f, series_.get(), l.begin, l.end, std::max(2, int(l.main.width() / 110)))) {
        const double x = l.x(tick.row + 0.5);
        painter.drawLine(QPointF(x, l.residual.bottom()), QPointF(x, l.residual.bottom() + 4));
        painter.drawText(QRectF(x - 60, l.residual.bottom() + 6, 120, 16), Qt::AlignHCenter,
                         tick.label);
    }
    const QString axis = series_ && !series_->table.timeName.isEmpty() ? series_->table.timeName
                                                                       : tr("row of the series");
    painter.drawText(QRectF(l.main.left(), rect.bottom() - 18, l.main.width(), 16),
                     Qt::AlignHCenter, axis);

    // The curves, then the residual band.
    painter.setClipRect(l.main);
    const auto drawCurve = [&](const Ranges::Column& column, const QColor& colour, double width) {
        const std::vector<float>& values = column.values;
        painter.setPen(QPen(colour, width, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        if (detailed) {
            QPolygonF line;
            for (qint64 r = std::max<qint64>(0, first - 1); r < std::min(f.rows, last + 1); ++r) {
                const float v = values[size_t(r)];
                if (std::isnan(v)) {
                    if (line.size() > 1) painter.drawPolyline(line);
                    line.clear();
                    continue;
                }
                line << QPointF(l.x(double(r) + 0.5), y(v));
            }
            if (line.size() > 1) painter.drawPolyline(line);
            return;
        }
        // One vertical stroke per pixel column over the range of its rows, joined to the next.
        // Filled rectangles, not wide lines: a 1.4-wide pen goes through the path stroker for
        // every stroke, a rectangle straight to the rasteriser (and scales with the DPI alike).
        std::vector<QRectF> strokes;
        double previous = NAN;
        for (double px = 0; px < l.main.width(); px += 1) {
            const qint64 a = qint64(l.begin + px * rowsPerPixel);
            const qint64 b =
                std::min<qint64>(f.rows, qint64(l.begin + (px + 1) * rowsPerPixel) + 1);
            auto [vlo, vhi] = column.range(a, std::max(a + 1, b));
            if (!std::isfinite(vlo)) {
                previous = NAN;
                continue;
            }
            if (std::isfinite(previous))
                vlo = std::min(vlo, previous), vhi = std::max(vhi, previous);
            const double x = l.main.left() + px + 0.5;
            strokes.emplace_back(QPointF(x - width / 2, y(vhi) - width / 2),
                                 QPointF(x + width / 2, y(vlo) + width / 2));
            previous = values[size_t(std::max(a, b - 1))];
            if (std::isnan(previous)) previous = (vlo + vhi) / 2;
        }
        painter.setRenderHint(QPainter::Antialiasing, false);
        for (const QRectF& stroke : strokes) painter.fillRect(stroke, colour);
        painter.setRenderHint(QPainter::Antialiasing, true);
    };
    drawCurve(ranges.truth, kTruth, 1.4);
    drawCurve(ranges.predicted, kForecast, 1.4);
    painter.setClipRect(l.residual);
    painter.setPen(Qt::NoPen);
    const double columns = detailed ? double(last - first) : l.main.width();
    for (double c = 0; c < columns; c += 1) {
        qint64 a, b;
        double x0, x1;
        if (detailed) {
            a = first + qint64(c);
            b = a + 1;
            x0 = l.x(double(a));
            x1 = l.x(double(b));
        } else {
            a = qint64(l.begin + c * rowsPerPixel);
            b = std::min<qint64>(f.rows, std::max(a + 1, qint64(l.begin + (c + 1) * rowsPerPixel)));
            x0 = l.main.left() + c;
            x1 = x0 + 1;
        }
        const auto [dlo, dhi] = ranges.residual.range(a, b);
        const double over = std::isfinite(dhi) ? std::max(0.0, dhi) : 0.0;
        const double under = std::isfinite(dlo) ? std::min(0.0, dlo) : 0.0;
        if (over > 0) painter.fillRect(QRectF(QPointF(x0, yr(over)), QPointF(x1, yr(0))), kOver);
        if (under < 0) painter.fillRect(QRectF(QPointF(x0, yr(0)), QPointF(x1, yr(under))), kUnder);
    }
    painter.setClipping(false);
    if (onScreen) {
        painter.setFont(small);
        painter.setPen(QColor(130, 130, 130));
        painter.drawText(QRectF(l.main.left(), l.main.top() - 18, l.main.width(), 16),
                         Qt::AlignRight | Qt::AlignVCenter,
                         tr("rows %1–%2 of %3").arg(first + 1).arg(last).arg(f.rows));
    }
    painter.restore();
}

qint64 ForecastPlot::sampleAt(const QPointF& pos) const {
    if (!forecast_ || forecast_->rows == 0) return -1;
    const Layout l = layout(rect());
    if (!l.main.united(l.residual).adjusted(0, 0, 0, 0).contains(pos)) return -1;
    const double row = l.rowAt(pos.x());
    for (const ForecastStretch& s : worst_)
        if (row >= double(s.first) && row < double(s.first + s.rows) && s.sample >= 0)
            return s.sample;
    const SeriesForecast& f = *forecast_;
    const qint64 at = std::clamp<qint64>(qint64(row), 0, f.rows - 1);
    const qint64 reach = std::max<qint64>(3, qint64(3 * (l.end - l.begin) / l.main.width()));
    for (qint64 d = 0; d <= reach; ++d)
        for (qint64 r : {at - d, at + d})
            if (r >= 0 && r < f.rows && f.windowOf[size_t(r)] >= 0) return f.windowOf[size_t(r)];
    return -1;
}

void ForecastPlot::zoom(double factor, double aboutRow) {
    const double begin = aboutRow - (aboutRow - begin_) * factor;
    const double end = aboutRow + (end_ - aboutRow) * factor;
    setVisibleRows(begin, end);
}

void ForecastPlot::wheelEvent(QWheelEvent* event) {
    if (!forecast_) return;
    const Layout l = layout(rect());
    const double steps = event->angleDelta().y() / 120.0;
    zoom(std::pow(0.8, steps), l.rowAt(event->position().x()));
    event->accept();
}

void ForecastPlot::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) return;
    dragging_ = true;
    dragged_ = false;
    pressPos_ = event->position();
    pressBegin_ = begin_;
    pressEnd_ = end_;
}

void ForecastPlot::mouseMoveEvent(QMouseEvent* event) {
    if (!dragging_ || !forecast_) return;
    const double dx = event->position().x() - pressPos_.x();
    if (std::abs(dx) > 3) dragged_ = true;
    if (!dragged_) return;
    const Layout l = layout(rect());
    const double rows = -dx / l.main.width() * (pressEnd_ - pressBegin_);
    setVisibleRows(pressBegin_ + rows, pressEnd_ + rows);
}

void ForecastPlot::mouseReleaseEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton || !dragging_) return;
    dragging_ = false;
    if (dragged_) return;
    const qint64 sample = sampleAt(event->position());
    if (sample >= 0) Q_EMIT windowClicked(sample);
}

void ForecastPlot::mouseDoubleClickEvent(QMouseEvent*) {
    showAll();
}

void ForecastPlot::keyPressEvent(QKeyEvent* event) {
    const double span = end_ - begin_;
    switch (event->key()) {
        case Qt::Key_Plus:
        case Qt::Key_Equal:
            zoom(0.5, (begin_ + end_) / 2);
            break;
        case Qt::Key_Minus:
            zoom(2.0, (begin_ + end_) / 2);
            break;
        case Qt::Key_Left:
            setVisibleRows(begin_ - span * 0.1, end_ - span * 0.1);
            break;
        case Qt::Key_Right:
            setVisibleRows(begin_ + span * 0.1, end_ + span * 0.1);
            break;
        case Qt::Key_Home:
            showAll();
            break;
        default:
            QWidget::keyPressEvent(event);
    }
}

}  // namespace rnnscope
