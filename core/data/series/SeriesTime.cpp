// Time cells: ISO 8601 dates without time zones, and plain numbers.

#include "core/data/series/SeriesTime.h"

#include <QStringList>
#include <charconv>
#include <cmath>

namespace rnnscope {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
qint64 daysFromCivil(qint64 y, int m, int d) {
    y -= m <= 2;
    const qint64 era = (y >= 0 ? y : y - 399) / 400;
    const qint64 yoe = y - era * 400;
    const qint64 doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const qint64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void civilFromDays(qint64 z, qint64& y, int& m, int& d) {
    z += 719468;
    const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
    const qint64 doe = z - era * 146097;
    const qint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const qint64 mp = (5 * doy + 2) / 153;
    d = int(doy - (153 * mp + 2) / 5 + 1);
    m = int(mp < 10 ? mp + 3 : mp - 9);
    y = yoe + era * 400 + (m <= 2);
}

bool isLeap(qint64 y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int daysInMonth(qint64 y, int m) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && isLeap(y) ? 29 : days[m - 1];
}

// Reads exactly `digits` decimal digits at `at`; advances `at`.
bool digitsAt(QByteArrayView cell, qsizetype& at, int digits, int& value) {
    if (at + digits > cell.size()) return false;
    value = 0;
    for (int i = 0; i < digits; ++i) {
        const char c = cell[at + i];
        if (c < '0' || c > '9') return false;
        value = value * 10 + (c - '0');
    }
    at += digits;
    return true;
}

bool parseDate(QByteArrayView cell, TimeCell& out) {
    qsizetype at = 0;
    int year = 0, month = 0, day = 1, hour = 0, minute = 0, second = 0;
    if (!digitsAt(cell, at, 4, year) || at >= cell.size() || cell[at++] != '-') return false;
    if (!digitsAt(cell, at, 2, month) || month < 1 || month > 12) return false;
    out.format = TimeFormat::YearMonth;
    if (at < cell.size()) {
        if (cell[at++] != '-' || !digitsAt(cell, at, 2, day)) return false;
        if (day < 1 || day > daysInMonth(year, month)) return false;
        out.format = TimeFormat::Date;
    }
    if (at < cell.size()) {
        const char separator = cell[at++];
        if (separator != 'T' && separator != ' ') return false;
        out.spaceSeparated = separator == ' ';
        if (!digitsAt(cell, at, 2, hour) || hour > 23) return false;
        if (at >= cell.size() || cell[at++] != ':' || !digitsAt(cell, at, 2, minute) || minute > 59)
            return false;
        out.format = TimeFormat::DateMinute;
        if (at < cell.size()) {
            if (cell[at++] != ':' || !digitsAt(cell, at, 2, second) || second > 59) return false;
            out.format = TimeFormat::DateSecond;
        }
    }
    if (at != cell.size()) return false;
    out.value =
        double(daysFromCivil(year, month, day)) * 86400.0 + hour * 3600.0 + minute * 60.0 + second;
    return true;
}

bool parseNumber(QByteArrayView cell, double& value) {
    if (cell.startsWith('+')) cell = cell.sliced(1);
    if (cell.isEmpty()) return false;
    const auto result = std::from_chars(cell.data(), cell.data() + cell.size(), value);
    return result.ec == std::errc() && result.ptr == cell.data() + cell.size() &&
           std::isfinite(value);
}

}  // namespace

bool parseTimeCell(QByteArrayView cell, TimeCell& out) {
    out = TimeCell{};
    if (parseDate(cell, out)) return true;
    out = TimeCell{};
    if (!parseNumber(cell, out.value)) return false;
    out.format = TimeFormat::Number;
    return true;
}

bool parseTimeAs(QByteArrayView cell, TimeFormat format, double& value) {
    if (format == TimeFormat::Number) return parseNumber(cell, value);
    TimeCell parsed;
    if (!parseDate(cell, parsed) || parsed.format != format) return false;
    value = parsed.value;
    return true;
}

QString formatTime(double value, TimeFormat format, bool spaceSeparated) {
    switch (format) {
        case TimeFormat::None:
            return QString::number(qint64(value));
        case TimeFormat::Number:
            return QString::number(value, 'g', 12);
        default:
            break;
    }
    const auto seconds = qint64(std::floor(value));
    qint64 days = seconds / 86400;
    qint64 rest = seconds % 86400;
    if (rest < 0) {
        rest += 86400;
        --days;
    }
    qint64 year;
    int month, day;
    civilFromDays(days, year, month, day);
    // Written into a buffer, not by QString::arg: a window's times are formatted each time the
    // window is read, 48 strings a window, which made them cost as much as running the model.
    char buffer[40];
    int n = 0;
    auto put = [&](qint64 v, int digits) {
        char digitsText[24];
        int k = 0;
        qint64 u = v < 0 ? -v : v;
        do {
            digitsText[k++] = char('0' + u % 10);
            u /= 10;
        } while (u > 0 || k < digits);
        if (v < 0) buffer[n++] = '-';
        while (k > 0) buffer[n++] = digitsText[--k];
    };
    put(year, 4);
    buffer[n++] = '-';
    put(month, 2);
    if (format != TimeFormat::YearMonth) {
        buffer[n++] = '-';
        put(day, 2);
    }
    if (format != TimeFormat::YearMonth && format != TimeFormat::Date) {
        buffer[n++] = spaceSeparated ? ' ' : 'T';
        put(rest / 3600, 2);
        buffer[n++] = ':';
        put(rest / 60 % 60, 2);
        if (format == TimeFormat::DateSecond) {
            buffer[n++] = ':';
            put(rest % 60, 2);
        }
    }
    return QString::fromLatin1(buffer, n);
}

double timeOfDate(qint64 year, int month, int day) {
    return double(daysFromCivil(year, month, day)) * 86400.0;
}

void dateOfTime(double value, qint64& year, int& month, int& day) {
    civilFromDays(qint64(std::floor(value / 86400.0)), year, month, day);
}

QString timeFormatName(TimeFormat format) {
    switch (format) {
        case TimeFormat::None:
            return QStringLiteral("row numbers");
        case TimeFormat::Number:
            return QStringLiteral("numbers");
        case TimeFormat::YearMonth:
            return QStringLiteral("months like 1749-01");
        case TimeFormat::Date:
            return QStringLiteral("dates like 1749-01-31");
        case TimeFormat::DateMinute:
            return QStringLiteral("times like 2020-03-01T12:30");
        case TimeFormat::DateSecond:
            return QStringLiteral("times like 2020-03-01T12:30:15");
    }
    return {};
}

bool isTimeColumnName(const QString& name) {
    static const QStringList names = {QStringLiteral("t"), QStringLiteral("time"),
                                      QStringLiteral("date"), QStringLiteral("datetime"),
                                      QStringLiteral("timestamp")};
    return names.contains(name.trimmed().toLower());
}

}  // namespace rnnscope
