// CSV time series as forecasters write them: a time column recognised and kept out of the
// features, windows cut with a length, stride and horizon exactly as NumPy's stride tricks cut
// them, missing values counted and their windows left out by name, and every bad file answered
// with the file, line and column.

#include <QDate>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "core/Errors.h"
#include "core/data/Dataset.h"
#include "core/data/series/SeriesTime.h"
#include "core/data/series/SeriesWindows.h"
#include "core/errors/SeriesForecast.h"

using namespace rnnscope;

namespace {

class TempFiles {
public:
    QString write(const QString& name, const QByteArray& bytes) {
        const QString path = dir_.filePath(name);
        QFile file(path);
        REQUIRE(file.open(QIODevice::WriteOnly));
        file.write(bytes);
        return path;
    }

private:
    QTemporaryDir dir_;
};

DatasetOptions windows(int length, int stride = 0, int horizon = 0) {
    DatasetOptions options;
    options.kind = DatasetKind::TimeSeries;
    options.window = length;
    options.stride = stride;
    options.horizon = horizon;
    return options;
}

QString openError(const QString& path, const DatasetOptions& options) {
    try {
        Dataset::open(path, options);
    } catch (const DataError& e) {
        return e.message();
    }
    return {};
}

}  // namespace

TEST_CASE("time cells parse and print back as the file wrote them", "[series]") {
    for (const char* text :
         {"1749-01", "1749-01-31", "2020-02-29", "2020-03-01T12:30", "2020-03-01 12:30",
          "1999-12-31T23:59:59", "0001-01-01", "1749.042", "17", "-3.5"}) {
        TimeCell cell;
        INFO(text);
        REQUIRE(parseTimeCell(QByteArrayView(text), cell));
        CHECK(formatTime(cell.value, cell.format, cell.spaceSeparated) == QLatin1String(text));
    }
    TimeCell cell;
    for (const char* bad : {"2021-02-29", "2021-13", "2021-1-5", "2021-01-01T25:00", "monday", "",
                            "2020-03-01T12:30Z"})
        CHECK_FALSE(parseTimeCell(QByteArrayView(bad), cell));

    // Days against Qt's calendar, an independent count, over 2,000 random dates.
    std::mt19937 random(7);
    std::uniform_int_distribution<int> day(-200000, 200000);
    const QDate epoch(1970, 1, 1);
    for (int i = 0; i < 2000; ++i) {
        const QDate date = epoch.addDays(day(random));
        const QByteArray text = date.toString(Qt::ISODate).toLatin1();
        REQUIRE(parseTimeCell(text, cell));
        REQUIRE(cell.value == double(epoch.daysTo(date)) * 86400.0);
        REQUIRE(formatTime(cell.value, TimeFormat::Date) == date.toString(Qt::ISODate));
    }
}

TEST_CASE("a date column is the time, not a feature", "[series]") {
    TempFiles files;
    const QString path = files.write("sun.csv",
                                     "date,sunspots\n1749-01,58\n1749-02,62.6\n1749-03,70\n"
                                     "1749-04,55.7\n1749-05,85\n");
    auto data = Dataset::open(path, windows(2, 1, 1));
    CHECK(data->featureNames() == QStringList{"sunspots"});
    CHECK(data->targetNames() == QStringList{"sunspots (+1)"});
    REQUIRE(data->size() == 3);  // starts at 1749-01, -02, -03; the last needs 1749-05
    const DataSample s = data->sample(1);
    CHECK(s.times == QStringList{"1749-02", "1749-03"});
    CHECK(s.line == 3);
    CHECK(s.features(0, 0) == Approx(62.6));
    REQUIRE(s.stepTargets.rows() == 2);
    CHECK(s.stepTargets(0, 0) == Approx(70));
    CHECK(s.stepTargets(1, 0) == Approx(55.7));
    CHECK(s.featureTargets == QStringList{"55.7"});
    REQUIRE(data->series());
    CHECK(data->series()->table.timeName == "date");
    CHECK(data->series()->table.timeFormat == TimeFormat::YearMonth);

    // Named t/time: numbers are the time too; "none" keeps the column a feature.
    const QString numbered = files.write("t.csv", "t,x\n0.5,1\n1.5,2\n2.5,3\n");
    CHECK(Dataset::open(numbered, windows(0))->featureNames() == QStringList{"x"});
    DatasetOptions none = windows(0);
    none.timeColumn = QStringLiteral("none");
    CHECK(Dataset::open(numbered, none)->featureNames() == QStringList{"t", "x"});
    DatasetOptions declared = windows(0);
    declared.timeColumn = QStringLiteral("x");
    CHECK(Dataset::open(numbered, declared)->sample(0).times == QStringList{"1", "2", "3"});
    // The dialog's column list is the reader's own split of the header.
    CHECK(readSeriesHeader(files.write("h.csv", "\xEF\xBB\xBF\"date\"; \"a\" ;\n1;2;3\n")) ==
          QStringList{"date", "a", "column 3"});
    CHECK(readSeriesHeader(files.write("none.csv", "")).isEmpty());
    declared.timeColumn = QStringLiteral("when");
    CHECK(openError(numbered, declared) ==
          "line 1 of t.csv: no column named 'when' for the time; the columns are t, x");
}

TEST_CASE("windows equal NumPy's sliding_window_view with a stride and horizon", "[series]") {
    // Two series (by id) of 23 and 40 rows with two features and a target column.
    QByteArray csv = "id,time,a,b,target\n";
    for (int s = 0; s < 2; ++s)
        for (int r = 0; r < (s == 0 ? 23 : 40); ++r)
            csv += QByteArray::number(s) + "," + QByteArray::number(r) + "," +
                   QByteArray::number(s * 100 + r) + "," + QByteArray::number(-r * 0.5) + "," +
                   QByteArray::number(r * r) + "\n";
    TempFiles files;
    const QString path = files.write("two.csv", csv);
    const QString script = QStringLiteral(R"(
import csv, json, sys
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view as windows
length, stride, horizon = (int(v) for v in sys.argv[2:5])
rows = list(csv.DictReader(open(sys.argv[1])))
out = []
for sid in ('0', '1'):
    part = [r for r in rows if r['id'] == sid]
    x = np.array([[float(r['a']), float(r['b'])] for r in part])
    y = np.array([float(r['target']) for r in part])
    n = len(part) - horizon
    if n < length:
        continue
    xs = windows(x[:n], length, axis=0)[::stride]          # [W, F, L]
    ys = windows(y[horizon:], length)[::stride]             # [W, L]
    for xw, yw in zip(xs, ys):
        out.append({'x': xw.T.tolist(), 'y': yw.tolist()})
print(json.dumps(out))
)");
    for (auto [length, stride, horizon] :
         {std::tuple{5, 1, 0}, {5, 3, 2}, {8, 8, 0}, {24, 2, 1}, {1, 7, 4}}) {
        INFO("length " << length << ", stride " << stride << ", horizon " << horizon);
        QProcess python;
        python.start(QStringLiteral("/usr/bin/python3"),
                     {QStringLiteral("-c"), script, path, QString::number(length),
                      QString::number(stride), QString::number(horizon)});
        REQUIRE(python.waitForFinished(60000));
        REQUIRE(python.exitCode() == 0);
        const QJsonArray reference =
            QJsonDocument::fromJson(python.readAllStandardOutput()).array();
        auto data = Dataset::open(path, windows(length, stride, horizon));
        REQUIRE(data->size() == reference.size());
        for (qint64 w = 0; w < data->size(); ++w) {
            const DataSample s = data->sample(w);
            const QJsonArray x = reference[w].toObject()[QStringLiteral("x")].toArray();
            const QJsonArray y = reference[w].toObject()[QStringLiteral("y")].toArray();
            REQUIRE(s.features.rows() == x.size());
            for (int t = 0; t < x.size(); ++t) {
                REQUIRE(s.features(t, 0) == float(x[t].toArray()[0].toDouble()));
                REQUIRE(s.features(t, 1) == float(x[t].toArray()[1].toDouble()));
                REQUIRE(s.stepTargets(t, 0) == float(y[t].toDouble()));
            }
        }
    }
}

TEST_CASE("missing values are counted and their windows left out by name", "[series]") {
    TempFiles files;
    const QString path =
        files.write("gaps.csv",
                    "date,x\n2020-01-01,1\n2020-01-02,NA\n2020-01-03,3\n2020-01-04,4\n"
                    "2020-01-05,5\n2020-01-06,\n2020-01-07,7\n2020-01-08,8\n2020-01-09,9\n");
    auto data = Dataset::open(path, windows(2, 1));
    // Eight windows of two rows; those touching line 3 (row 2) or line 7 (row 6) go.
    CHECK(data->size() == 4);
    CHECK(data->sample(0).times == QStringList{"2020-01-03", "2020-01-04"});
    const QStringList notes = data->notes();
    REQUIRE(notes.size() == 2);
    CHECK(notes[0] ==
          "4 windows left out because they hold a missing value: lines 2–3 (2020-01-01 to "
          "2020-01-02); lines 3–4 (2020-01-02 to 2020-01-03); lines 6–7 (2020-01-05 to "
          "2020-01-06) and 1 more");
    CHECK(notes[1] == "column 'x' has 2 missing values, the first on line 3");

    const QString all = files.write("all.csv", "x\n1\nnan\n3\n");
    CHECK(openError(all, windows(3)).startsWith("every window of all.csv holds a missing value"));
}

TEST_CASE("bad series files name the file, line, column and the fix", "[series]") {
    TempFiles files;
    CHECK(openError(files.write("long.csv", "x\n1\n2\n3\n"), windows(48, 1)) ==
          "a window of 48 rows is longer than every series in long.csv (the longest has 3 rows); "
          "choose a shorter window");
    CHECK(openError(files.write("short.csv", "x\n1\n2\n"), windows(0, 0, 5)) ==
          "a horizon of 5 rows is longer than every series in short.csv (the longest has 2 rows); "
          "choose a shorter horizon");
    CHECK(openError(files.write("date.csv", "date,x\n2020-01,1\n2020-13,2\n"), windows(0)) ==
          "line 3 of date.csv: column 'date': '2020-13' is not a time written as the first one "
          "is (months like 1749-01)");
    CHECK(openError(files.write("order.csv", "date,x\n2020-02,1\n2020-01,2\n"), windows(0)) ==
          "line 3 of order.csv: column 'date': 2020-01 does not come after 2020-02 on the row "
          "above; sort the rows by time, or give each series its own 'sequence' id");
    CHECK(openError(files.write("text.csv", "x,target\n1,high\n"), windows(0)) ==
          "line 2 of text.csv, column 'target': 'high' is not a number; a regression target is "
          "a number (text labels belong in a classification dataset)");
    CHECK(openError(files.write("time.csv", "time,x\nnoon,1\n"), windows(0)) ==
          "line 2 of time.csv: column 'time': 'noon' is not a time (a number, or an ISO date "
          "such as 1749-01, 1749-01-31 or 2020-03-01T12:30); name the time column with "
          "--time-column, or 'none'");
}

TEST_CASE("a forecast lays each row's prediction from the window that read most before it",
          "[series]") {
    TempFiles files;
    // Ten rows of one value; windows of 3 at every row, each step's target the next row.
    QByteArray csv = "t,x\n";
    for (int r = 0; r < 10; ++r)
        csv += QByteArray::number(r) + "," + QByteArray::number(r * r) + "\n";
    auto data = Dataset::open(files.write("f.csv", csv), windows(3, 1, 1));
    REQUIRE(data->size() == 7);  // starts 0..6: the last window's last target is row 9
    CHECK(data->sample(0).forecastFrom == 0);
    CHECK(data->sample(1).forecastFrom == 2);
    CHECK(data->sample(1).seriesRow == 1);
    // Predictions by hand: window w predicts 100 * w + step at each step it owns.
    std::vector<SamplePrediction> predictions(size_t(data->size()));
    for (qint64 w = 0; w < data->size(); ++w) {
        predictions[size_t(w)].done = w != 4;  // one window not predicted yet
        for (int t = data->sample(w).forecastFrom; t < 3; ++t)
            predictions[size_t(w)].forecast.push_back(float(100 * w + t));
    }
    const SeriesForecast f = seriesForecast(*data->series(), predictions, 0);
    REQUIRE(f.rows == 10);
    CHECK(f.outputName == "x (+1)");
    // Row 0 has no prediction (nothing before it); rows 1-3 from window 0's steps 0-2; row r ≥ 4
    // from window r - 3's last step, except row 7 (window 4, not done).
    const float expected[] = {NAN, 0, 1, 2, 102, 202, 302, NAN, 502, 602};
    for (int r = 0; r < 10; ++r) {
        INFO("row " << r);
        if (std::isnan(expected[r])) {
            CHECK(std::isnan(f.predicted[size_t(r)]));
            CHECK(f.windowOf[size_t(r)] == -1);
        } else {
            CHECK(f.predicted[size_t(r)] == expected[r]);
        }
        CHECK(f.truth[size_t(r)] == float(r * r));
    }
    CHECK(f.windowOf[5] == 2);
    double absolute = 0, squared = 0;
    int n = 0;
    for (int r = 0; r < 10; ++r)
        if (!std::isnan(expected[r])) {
            const double e = expected[r] - r * r;
            absolute += std::abs(e);
            squared += e * e;
            ++n;
        }
    CHECK(f.predictedRows == n);
    CHECK(f.mae == Approx(absolute / n));
    CHECK(f.rmse == Approx(std::sqrt(squared / n)));

    // Worst runs of 2 rows: rows 8-9 (errors 438, 521), then rows 6-7 (266 and no forecast:
    // half a run is enough), by hand.
    const std::vector<ForecastStretch> worst = worstStretches(f, 2, 2);
    REQUIRE(worst.size() == 2);
    CHECK(worst[0].first == 8);
    CHECK(worst[0].mae == Approx((502 - 64 + 602 - 81) / 2.0));
    CHECK(worst[0].sample == 6);
    CHECK(worst[1].first == 6);
    CHECK(worst[1].mae == Approx(266));
    CHECK(worst[1].sample == 3);  // row 7 has none: the window of row 6
}

TEST_CASE("feature columns are read by the model's names, in the model's order", "[series]") {
    TempFiles files;
    DatasetOptions model = windows(0);
    model.featureNames = QStringList{"temp", "pressure"};
    // The file has them the other way round: read in the model's order, not swapped.
    const QString swapped =
        files.write("swapped.csv", "time,Pressure,temp,target\n1,1013,20.5,21\n2,1009,19.5,20\n");
    const auto data = Dataset::open(swapped, model);
    CHECK(data->featureNames() == QStringList{"temp", "Pressure"});
    const DataSample first = data->sample(0);
    REQUIRE(first.features.rows() == 2);
    CHECK(first.features(0, 0) == 20.5f);
    CHECK(first.features(0, 1) == 1013.0f);
    CHECK(first.features(1, 0) == 19.5f);
    // Without the model's names the file's order stands.
    CHECK(Dataset::open(swapped, windows(0))->sample(0).features(0, 0) == 1013.0f);
    // A file that names none of them keeps its order: the names are the user's to choose.
    CHECK(Dataset::open(files.write("other.csv", "a,b\n1,2\n"), model)->sample(0).features(0, 1) ==
          2.0f);
    CHECK(openError(files.write("absent.csv", "temp,pres\n1,2\n"), model) ==
          "line 1 of absent.csv: the model reads the features temp, pressure, but this file has "
          "no column named 'pressure' (its feature columns: temp, pres); rename the column, or "
          "give every feature its own column");
    CHECK(openError(files.write("extra.csv", "temp,pressure,humidity\n1,2,3\n"), model) ==
          "line 1 of extra.csv: column 'humidity' is not a feature the model reads (temp, "
          "pressure); remove it, or name it target_humidity to keep it as a reference");
    CHECK(openError(files.write("extras.csv", "wind,temp,pressure,rain\n1,2,3,4\n"), model) ==
          "line 1 of extras.csv: columns 'wind', 'rain' are not features the model reads (temp, "
          "pressure); remove them, or name them target_<name> to keep them as references");
    CHECK(openError(files.write("twice.csv", "temp,pressure,Temp\n1,2,3\n"), model) ==
          "line 1 of twice.csv: 2 columns are named 'temp', a feature the model reads once; "
          "rename or remove the others");
}
