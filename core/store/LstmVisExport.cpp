#include "core/store/LstmVisExport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QTextStream>
#include <algorithm>

#include "core/AtomicFile.h"
#include "core/Errors.h"
#include "core/store/ActivationStore.h"
#include "core/store/Hdf5.h"
#include "core/store/StoreFile.h"

namespace rnnscope {

using store::h5::check;
using store::h5::Hid;

namespace {

// LSTMVis splits each dict line on whitespace: a token must not contain any.
QString dictToken(const QString& token) {
    if (token.isEmpty()) return QStringLiteral("<empty>");
    QString out;
    for (const QChar c : token) {
        if (c == QLatin1Char(' '))
            out += QChar(0x2423);  // ␣ open box, the usual visible space
        else if (c == QLatin1Char('\t'))
            out += QChar(0x21E5);  // ⇥
        else if (c == QLatin1Char('\n') || c == QLatin1Char('\r'))
            out += QChar(0x21B5);  // ↵
        else if (c.isSpace())
            out += QLatin1Char('_');
        else
            out += c;
    }
    return out;
}

QString yamlString(const QString& text) {
    QString escaped = text;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
    escaped.replace(QLatin1Char('"'), QStringLiteral("\\\""));
    escaped.replace(QLatin1Char('\n'), QStringLiteral(" "));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

Hid createFile(const QString& path) {
    return check(
        H5Fcreate(QFile::encodeName(path).constData(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT),
        H5Fclose, QStringLiteral("cannot create %1").arg(path));
}

void writeText(AtomicFile& file, const QString& text) {
    const QByteArray bytes = text.toUtf8();
    if (file.device().write(bytes) != bytes.size())
        throw StoreError(
            QStringLiteral("cannot write %1: %2").arg(file.path(), file.device().errorString()));
}

}  // namespace

LstmVisExport exportLstmVis(const ActivationStore& store, const QString& directory,
                            const QString& projectName, const std::function<bool()>& cancelled) {
    const QStringList& vocab = store.info().inputVocabulary;
    if (vocab.isEmpty())
        throw StoreError(
            QStringLiteral("LSTMVis needs a word sequence, but this model reads "
                           "feature vectors, not tokens"));
    if (!QDir().mkpath(directory))
        throw StoreError(QStringLiteral("cannot create the folder %1").arg(directory));
    const QDir dir(directory);
    LstmVisExport result;
    result.directory = dir.absolutePath();
    result.tokens = store.tokenCount();

    // LSTMVis's types: `state` is the cell state, `output` the hidden state it emits (its own
    // export script writes c as states<L> and h as output<L>). Gates are not among its types.
    struct Entry {
        int track;
        QString type;
        int layer;  // 1-based, counted over (module, layer) pairs in capture order
    };
    std::vector<Entry> entries;
    QMap<QString, int> layerNumbers;
    const auto& tracks = store.tracks();
    for (int t = 0; t < int(tracks.size()); ++t) {
        const StoredTrack& track = tracks[size_t(t)];
        if (track.axis != StoreAxis::Input) continue;
        QString type;
        if (track.kind == QLatin1String("hidden"))
            type = QStringLiteral("output");
        else if (track.kind == QLatin1String("cell") || track.module == QLatin1String("states"))
            type = QStringLiteral("state");
        else
            continue;
        const QString key = track.module + QLatin1Char('#') + QString::number(track.layer);
        if (!layerNumbers.contains(key)) layerNumbers.insert(key, layerNumbers.size() + 1);
        entries.push_back({t, type, layerNumbers.value(key)});
    }
    if (entries.empty())
        throw StoreError(
            QStringLiteral("the store has no hidden or cell states on the input "
                           "tokens to export for LSTMVis"));

    // The four files are written beside their targets and renamed only once all four are
    // complete: a failed or cancelled export leaves the previous project as it was.
    AtomicFile wordsFile(dir.filePath(QStringLiteral("words.h5")));
    AtomicFile statesFile(dir.filePath(QStringLiteral("states.h5")));
    AtomicFile dictFile(dir.filePath(QStringLiteral("train.dict")));
    AtomicFile ymlFile(dir.filePath(QStringLiteral("lstm.yml")));
    auto checkCancelled = [&cancelled]() {
        if (cancelled && cancelled()) throw JobCancelled();
    };
    {
        std::lock_guard<std::recursive_mutex> lock(store::hdf5Lock());
        store::h5::silenceErrors();
        const auto& ids = store.tokenIds();
        std::vector<int32_t> words(ids.begin(), ids.end());
        {
            Hid file = createFile(wordsFile.temporaryPath());
            store::h5::writeVector(file, "words", words);
            // Not LSTMVis's (it reads one stream): rnnscope's import cuts samples here again.
            std::vector<int64_t> lengths(size_t(store.sampleCount()));
            for (qint64 s = 0; s < store.sampleCount(); ++s) lengths[size_t(s)] = store.length(s);
            store::h5::writeVector(file, "sample_lengths", lengths);
        }
        Hid file = createFile(statesFile.temporaryPath());
        constexpr qint64 kBlockRows = 65536;
        for (const Entry& e : entries) {
            const StoredTrack& track = tracks[size_t(e.track)];
            const qint64 rows = store.tokenCount();
            const hsize_t dims[2] = {hsize_t(rows), hsize_t(track.units)};
            Hid space =
                check(H5Screate_simple(2, dims, nullptr), H5Sclose, QStringLiteral("space"));
            Hid create = store::h5::matrixCreateProperties(std::clamp<qint64>(rows, 1, 4096),
                                                           std::min(track.units, 64), 1);
            Hid dataset = check(H5Dcreate2(file, track.name.toUtf8().constData(), H5T_IEEE_F32LE,
                                           space, H5P_DEFAULT, create, H5P_DEFAULT),
                                H5Dclose, QStringLiteral("cannot create %1").arg(track.name));
            for (qint64 first = 0; first < rows; first += kBlockRows) {
                checkCancelled();
                const qint64 count = std::min(kBlockRows, rows - first);
                const MatrixRM block = store.trackRows(e.track, first, count);
                const hsize_t start[2] = {hsize_t(first), 0};
                const hsize_t size[2] = {hsize_t(count), hsize_t(track.units)};
                H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, size, nullptr);
                Hid memory =
                    check(H5Screate_simple(2, size, nullptr), H5Sclose, QStringLiteral("space"));
                check(H5Dwrite(dataset, H5T_NATIVE_FLOAT, memory, space, H5P_DEFAULT, block.data()),
                      QStringLiteral("cannot write %1 to states.h5").arg(track.name));
            }
            result.stateTracks << track.name;
        }
    }

    QString dict;
    for (int id = 0; id < vocab.size(); ++id)
        dict += dictToken(vocab[id]) + QLatin1Char(' ') + QString::number(id) + QLatin1Char('\n');
    writeText(dictFile, dict);

    const QString name = projectName.isEmpty()
                             ? QStringLiteral("%1 on %2")
                                   .arg(QFileInfo(store.info().modelPath).fileName(),
                                        QFileInfo(store.info().datasetPath).fileName())
                             : projectName;
    QString yml;
    QTextStream out(&yml);
    out << "name: " << yamlString(name) << "\n";
    out << "description: "
        << yamlString(QStringLiteral("rnnscope %1 capture of %2 on %3")
                          .arg(store.info().rnnscopeVersion, store.info().modelPath,
                               store.info().datasetPath))
        << "\n\n";
    out << "files:\n"
           "  states: states.h5\n"
           "  word_ids: words.h5\n"
           "  dict: train.dict\n\n";
    out << "word_sequence:\n"
           "  file: word_ids\n"
           "  path: words\n"
           "  dict_file: dict\n\n";
    out << "states:\n"
           "  file: states\n"
           "  types: [\n";
    for (size_t i = 0; i < entries.size(); ++i)
        out << "    {type: " << entries[i].type << ", layer: " << entries[i].layer
            << ", path: " << tracks[size_t(entries[i].track)].name << "}"
            << (i + 1 < entries.size() ? "," : "") << "\n";
    out << "  ]\n";
    out.flush();
    writeText(ymlFile, yml);
    checkCancelled();
    try {
        for (AtomicFile* file : {&wordsFile, &statesFile, &dictFile, &ymlFile}) file->commit();
    } catch (const UserError& e) {
        throw StoreError(e.message());
    }
    return result;
}

}  // namespace rnnscope
