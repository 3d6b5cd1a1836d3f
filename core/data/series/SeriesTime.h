#pragma once
// The time column of a series: what its cells look like, parsed to one number per row for the
// time axis and printed back exactly as the file wrote them. Dates are parsed by hand (not by
// QDateTime) because a 10^6-row series must open in well under a second.

#include <QByteArrayView>
#include <QString>

namespace rnnscope {

// How a time cell is written. Dates and times are UTC; time zones in the cells are refused.
enum class TimeFormat {
    None,        // the series has no time column: rows are numbered from 1
    Number,      // 1749.042, 17, -3.5 (a year fraction, a step, seconds)
    YearMonth,   // 1749-01
    Date,        // 1749-01-31
    DateMinute,  // 2020-03-01T12:30 or 2020-03-01 12:30
    DateSecond,  // 2020-03-01T12:30:15 or with a space
};

// A parsed time: seconds since 1970-01-01T00:00Z for dates, the value itself for numbers.
struct TimeCell {
    TimeFormat format = TimeFormat::None;
    double value = 0;
    bool spaceSeparated = false;  // "2020-03-01 12:30" rather than "…T12:30"
};

// Parses a cell in any of the formats; false when it is none of them (or an impossible date,
// such as 2021-02-30).
bool parseTimeCell(QByteArrayView cell, TimeCell& out);

// Parses a cell that must be in `format` (the one the column's first cell had).
bool parseTimeAs(QByteArrayView cell, TimeFormat format, double& value);

// Prints a time as the file wrote it ("1749-01", "2020-03-01T12:30:15", "1749.042").
QString formatTime(double value, TimeFormat format, bool spaceSeparated = false);

// The time of midnight (UTC) at the start of a date, and the date of a time: for axes that tick
// at years, months and days.
double timeOfDate(qint64 year, int month, int day);
void dateOfTime(double value, qint64& year, int& month, int& day);

// "dates like 1749-01" / "numbers": what a format is called in messages and the docs.
QString timeFormatName(TimeFormat format);

// Whether a column of this name is the time by its name alone: t, time, date, datetime,
// timestamp (any case).
bool isTimeColumnName(const QString& name);

}  // namespace rnnscope
