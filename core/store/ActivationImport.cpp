#include "core/store/ActivationImport.h"

#include <yaml-cpp/yaml.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTextStream>
#include <algorithm>
#include <limits>
#include <mutex>

#include "core/Errors.h"
#include "core/data/Dataset.h"
#include "core/projection/NpyFile.h"
#include "core/store/ActivationStore.h"
#include "core/store/Hdf5.h"
#include "core/store/StoreFile.h"

namespace rnnscope {

using store::h5::check;
using store::h5::Hid;

namespace {

QString gigabytes(qint64 bytes) {
    if (bytes >= (qint64(1) << 30))
        return QStringLiteral("%1 GB").arg(double(bytes) / double(qint64(1) << 30), 0, 'f', 1);
    return QStringLiteral("%1 MB").arg(double(bytes) / double(1 << 20), 0, 'f', 1);
}

void checkBudget(qint64 bytes, const ImportOptions& options, const QString& what) {
    if (bytes > options.memoryBudgetBytes)
        throw StoreError(
            QStringLiteral("%1 take %2, more than the memory budget of %3 they must fit "
                           "in; raise it in Analysis → Memory Budget")
                .arg(what, gigabytes(bytes), gigabytes(options.memoryBudgetBytes)));
}

// Bytes of `itemBytes`-sized values over an HDF5 shape, or -1 when that passes 2^62: the shape
// is the file's word, and a damaged or hostile file can claim any (2^40 x 2^40 costs it nothing).
qint64 shapeBytes(const std::vector<hsize_t>& dims, qint64 itemBytes) {
    constexpr qint64 kLimit = qint64(1) << 62;
    qint64 bytes = itemBytes;
    for (hsize_t d : dims) {
        if (d > hsize_t(kLimit) || (d > 0 && bytes > kLimit / qint64(d))) return -1;
        bytes *= qint64(d);
    }
    return bytes;
}

void checkShapeBudget(const std::vector<hsize_t>& dims, qint64 itemBytes,
                      const ImportOptions& options, const QString& what) {
    const qint64 bytes = shapeBytes(dims, itemBytes);
    checkBudget(bytes < 0 ? std::numeric_limits<qint64>::max() : bytes, options, what);
}

void checkCancelled(const ImportOptions& options) {
    if (options.cancelled && options.cancelled()) throw JobCancelled();
}

// ---- token sequences -------------------------------------------------------------------------

struct TokenStream {
    QStringList vocabulary;
    std::vector<int64_t> ids;
    std::vector<qint64> lengths;
};

// Characters joined as they are, words with a space: what a reader expects of the sample text.
// Special tokens (<pad>, <unk>, <eos>) do not make a character vocabulary a word one.
bool charLevel(const QStringList& vocabulary) {
    int characters = 0;
    for (const QString& t : vocabulary) {
        const bool special =
            t.size() > 2 && t.startsWith(QLatin1Char('<')) && t.endsWith(QLatin1Char('>'));
        if (special) continue;
        if (t.size() > 1) return false;
        ++characters;
    }
    return characters > 0;
}

}  // namespace

std::shared_ptr<Dataset> datasetOfStore(const std::shared_ptr<const ActivationStore>& store,
                                        const QString& path, const QString& name) {
    const QString separator =
        charLevel(store->info().inputVocabulary) ? QString() : QStringLiteral(" ");
    std::weak_ptr<const ActivationStore> weak = store;
    // The dataset reads the store's token ids: no second copy of the text.
    return Dataset::fromSamples(path, name.isEmpty() ? QFileInfo(path).fileName() : name,
                                DatasetKind::PlainText, store->sampleCount(),
                                [weak, separator](qint64 index) {
                                    DataSample sample;
                                    const auto s = weak.lock();
                                    if (!s) return sample;
                                    const qint64 first = s->firstRow(index);
                                    const int length = s->length(index);
                                    for (int i = 0; i < length; ++i)
                                        sample.tokens << s->tokenText(first + i);
                                    sample.text = sample.tokens.join(separator);
                                    sample.line = index + 1;
                                    return sample;
                                });
}

namespace {

// A token file: JSON Lines of arrays (or objects with "tokens") when it starts with '[' or '{',
// else one sample per line with space-separated tokens.
TokenStream readTokenFile(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw StoreError(QStringLiteral("cannot open the token file %1: %2")
                             .arg(QFileInfo(path).fileName(), file.errorString()));
    const QString name = QFileInfo(path).fileName();
    TokenStream out;
    QHash<QString, int64_t> idOf;
    auto add = [&](const QString& token) {
        auto it = idOf.find(token);
        if (it == idOf.end()) {
            it = idOf.insert(token, out.vocabulary.size());
            out.vocabulary << token;
        }
        out.ids.push_back(*it);
    };
    qint64 lineNumber = 0;
    bool json = false;
    bool decided = false;
    while (!file.atEnd()) {
        QByteArray line = file.readLine();
        ++lineNumber;
        if (line.endsWith('\n')) line.chop(1);
        if (line.endsWith('\r')) line.chop(1);
        if (!decided && !line.trimmed().isEmpty()) {
            const char first = line.trimmed().at(0);
            json = first == '[' || first == '{';
            decided = true;
        }
        if (line.trimmed().isEmpty()) continue;  // blank lines separate nothing: skip them
        qint64 length = 0;
        if (json) {
            QJsonParseError error;
            const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
            QJsonArray tokens;
            if (doc.isArray())
                tokens = doc.array();
            else if (doc.isObject() && doc.object().value(QStringLiteral("tokens")).isArray())
                tokens = doc.object().value(QStringLiteral("tokens")).toArray();
            else
                throw StoreError(
                    QStringLiteral("line %1 of %2: expected a JSON array of tokens or an object "
                                   "with \"tokens\"%3")
                        .arg(lineNumber)
                        .arg(name, error.error != QJsonParseError::NoError
                                       ? QStringLiteral(" (%1)").arg(error.errorString())
                                       : QString()));
            for (const QJsonValue& token : tokens) {
                if (!token.isString())
                    throw StoreError(QStringLiteral("line %1 of %2: token %3 is not a string")
                                         .arg(lineNumber)
                                         .arg(name)
                                         .arg(length + 1));
                add(token.toString());
                ++length;
            }
        } else {
            const QStringList tokens =
                QString::fromUtf8(line).split(QLatin1Char(' '), Qt::SkipEmptyParts);
            for (const QString& token : tokens) add(token);
            length = tokens.size();
        }
        if (length == 0)
            throw StoreError(
                QStringLiteral("line %1 of %2 has no tokens").arg(lineNumber).arg(name));
        out.lengths.push_back(length);
    }
    if (out.lengths.empty())
        throw StoreError(QStringLiteral("the token file %1 is empty").arg(name));
    return out;
}

// ---- HDF5 --------------------------------------------------------------------------------------

Hid openHdf5(const QString& path, const QString& key) {
    if (!QFileInfo::exists(path))
        throw StoreError(QStringLiteral("%1 names %2, which does not exist")
                             .arg(key, QDir::toNativeSeparators(path)));
    if (H5Fis_hdf5(QFile::encodeName(path).constData()) <= 0)
        throw StoreError(
            QStringLiteral("%1: %2 is not an HDF5 file").arg(key, QFileInfo(path).fileName()));
    return check(H5Fopen(QFile::encodeName(path).constData(), H5F_ACC_RDONLY, H5P_DEFAULT),
                 H5Fclose, QStringLiteral("%1: cannot open %2").arg(key, path));
}

std::vector<hsize_t> datasetDims(hid_t dataset) {
    Hid space = check(H5Dget_space(dataset), H5Sclose, QStringLiteral("dataspace"));
    const int rank = H5Sget_simple_extent_ndims(space);
    std::vector<hsize_t> dims(size_t(std::max(rank, 0)));
    if (rank > 0) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    return dims;
}

Hid openDataset(hid_t file, const QString& path, const QString& key, const QString& fileName) {
    const QByteArray name = path.toUtf8();
    if (path.isEmpty() || H5Lexists(file, name.constData(), H5P_DEFAULT) <= 0)
        throw StoreError(QStringLiteral("%1: %2 has no dataset \"%3\"").arg(key, fileName, path));
    return check(H5Dopen2(file, name.constData(), H5P_DEFAULT), H5Dclose,
                 QStringLiteral("%1: cannot open \"%2\" in %3").arg(key, path, fileName));
}

std::vector<int64_t> readIds(hid_t file, const QString& path, const QString& key,
                             const QString& fileName, const ImportOptions& options) {
    Hid dataset = openDataset(file, path, key, fileName);
    const auto dims = datasetDims(dataset);
    checkShapeBudget(dims, qint64(sizeof(int64_t)), options,
                     QStringLiteral("the word ids \"%1\" in %2").arg(path, fileName));
    qint64 count = 1;
    for (hsize_t d : dims) count *= qint64(d);
    // LSTMVis's word ids are [tokens] or [tokens, 1].
    if (dims.empty() || (dims.size() == 2 && dims[1] != 1) || dims.size() > 2)
        throw StoreError(QStringLiteral("%1: \"%2\" in %3 should be a list of word ids, but it "
                                        "has %4 dimensions")
                             .arg(key, path, fileName)
                             .arg(dims.size()));
    Hid type = check(H5Dget_type(dataset), H5Tclose, QStringLiteral("type"));
    const H5T_class_t typeClass = H5Tget_class(type);
    if (typeClass != H5T_INTEGER && typeClass != H5T_FLOAT)
        throw StoreError(
            QStringLiteral("%1: \"%2\" in %3 does not hold numbers").arg(key, path, fileName));
    std::vector<int64_t> ids(static_cast<size_t>(count));
    check(H5Dread(dataset, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, ids.data()),
          QStringLiteral("%1: cannot read \"%2\" in %3").arg(key, path, fileName));
    return ids;
}

struct FloatMatrix {
    std::vector<float> values;
    std::vector<hsize_t> dims;
};

FloatMatrix readFloats(hid_t file, const QString& path, const QString& key, const QString& fileName,
                       const ImportOptions& options) {
    Hid dataset = openDataset(file, path, key, fileName);
    FloatMatrix out;
    out.dims = datasetDims(dataset);
    if (out.dims.size() < 2 || out.dims.size() > 3)
        throw StoreError(QStringLiteral("%1: \"%2\" in %3 has %4 dimensions; states are "
                                        "[tokens, units] or [samples, steps, units]")
                             .arg(key, path, fileName)
                             .arg(out.dims.size()));
    Hid type = check(H5Dget_type(dataset), H5Tclose, QStringLiteral("type"));
    if (H5Tget_class(type) != H5T_FLOAT && H5Tget_class(type) != H5T_INTEGER)
        throw StoreError(
            QStringLiteral("%1: \"%2\" in %3 does not hold numbers").arg(key, path, fileName));
    checkShapeBudget(out.dims, qint64(sizeof(float)), options,
                     QStringLiteral("the states \"%1\" in %2").arg(path, fileName));
    qint64 count = 1;
    for (hsize_t d : out.dims) count *= qint64(d);
    out.values.resize(size_t(count));
    check(H5Dread(dataset, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.values.data()),
          QStringLiteral("%1: cannot read \"%2\" in %3").arg(key, path, fileName));
    return out;
}

// Every 2-D or 3-D numeric dataset of a file, at any depth, by path.
QStringList floatDatasets(hid_t file) {
    QStringList names;
    auto visit = [](hid_t object, const char* name, const H5O_info_t* info, void* data) -> herr_t {
        if (info->type != H5O_TYPE_DATASET) return 0;
        Hid dataset(H5Dopen2(object, name, H5P_DEFAULT), H5Dclose);
        if (!dataset.valid()) return 0;
        Hid type(H5Dget_type(dataset), H5Tclose);
        const auto dims = datasetDims(dataset);
        if (H5Tget_class(type) == H5T_FLOAT && (dims.size() == 2 || dims.size() == 3))
            static_cast<QStringList*>(data)->append(QString::fromUtf8(name));
        return 0;
    };
    H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_INC, visit, &names, H5O_INFO_BASIC);
    return names;
}

// ---- shared by both sources --------------------------------------------------------------------

// A 3-D stack [samples, steps, units] keeps each sample's first `length` steps.
std::vector<float> unpad(const FloatMatrix& m, const std::vector<qint64>& lengths,
                         const QString& what) {
    if (m.dims.size() == 2) return m.values;
    const qint64 samples = qint64(m.dims[0]), steps = qint64(m.dims[1]), units = qint64(m.dims[2]);
    if (qint64(lengths.size()) != samples)
        throw StoreError(QStringLiteral("%1 holds %2 samples but the tokens make %3")
                             .arg(what)
                             .arg(samples)
                             .arg(lengths.size()));
    std::vector<float> out;
    qint64 total = 0;
    for (qint64 l : lengths) total += l;
    out.reserve(size_t(total * units));
    for (qint64 s = 0; s < samples; ++s) {
        if (lengths[size_t(s)] > steps)
            throw StoreError(
                QStringLiteral("%1 has %2 steps per sample but sample %3 has %4 tokens")
                    .arg(what)
                    .arg(steps)
                    .arg(s + 1)
                    .arg(lengths[size_t(s)]));
        const float* begin = m.values.data() + s * steps * units;
        out.insert(out.end(), begin, begin + lengths[size_t(s)] * units);
    }
    return out;
}

// The track a state array becomes: LSTMVis's `output` is the hidden state and `state` the cell
// state (its export writes them so); anything else keeps its own name as the kind.
StoredTrack trackFor(const QString& module, int layer, const QString& kind, const QString& name,
                     int units) {
    StoredTrack track;
    track.module = module;
    track.layer = layer;
    track.kind = kind;
    track.units = units;
    track.name = name;
    return track;
}

// Lengths that cut a stream: after each end-of-sentence token, else fixed windows.
std::vector<qint64> cutStream(const std::vector<int64_t>& ids, const QStringList& vocabulary,
                              int window, QString* how) {
    static const QStringList ends = {QStringLiteral("<eos>"), QStringLiteral("</s>"),
                                     QStringLiteral("<EOS>")};
    std::vector<char> isEnd(size_t(vocabulary.size()), 0);
    QString endToken;
    for (int i = 0; i < vocabulary.size(); ++i)
        if (ends.contains(vocabulary[i])) {
            isEnd[size_t(i)] = 1;
            if (endToken.isEmpty()) endToken = vocabulary[i];
        }
    std::vector<qint64> lengths;
    qint64 length = 0;
    if (!endToken.isEmpty()) {
        for (int64_t id : ids) {
            ++length;
            if (id >= 0 && id < int64_t(isEnd.size()) && isEnd[size_t(id)]) {
                lengths.push_back(length);
                length = 0;
            }
        }
        if (length > 0) lengths.push_back(length);
        *how = QStringLiteral("cut after every %1").arg(endToken);
        return lengths;
    }
    window = std::max(window, 1);
    for (qint64 left = qint64(ids.size()); left > 0; left -= window)
        lengths.push_back(std::min<qint64>(left, window));
    *how = QStringLiteral("cut into windows of %1 tokens (no end-of-sentence token to cut at)")
               .arg(window);
    return lengths;
}

// ---- LSTMVis -----------------------------------------------------------------------------------

QString projectFile(const QString& path) {
    const QFileInfo info(path);
    if (info.isDir()) return QDir(path).filePath(QStringLiteral("lstm.yml"));
    return path;
}

// yaml-cpp throws BadSubscript for a key looked up in a scalar or a list: say what was meant.
void checkMapping(const YAML::Node& node, const QString& where, const QString& file) {
    if (!node.IsMap())
        throw StoreError(QStringLiteral("%1: %2 should hold \"key: value\" entries%3")
                             .arg(file, where,
                                  node.Mark().is_null()
                                      ? QString()
                                      : QStringLiteral(" (line %1)").arg(node.Mark().line + 1)));
}

YAML::Node child(const YAML::Node& node, const char* key, const QString& where,
                 const QString& file) {
    checkMapping(node, where, file);
    const YAML::Node value = node[key];
    if (!value)
        throw StoreError(
            QStringLiteral("%1 has no \"%2\" (under %3)").arg(file, QLatin1String(key), where));
    return value;
}

QString text(const YAML::Node& node, const QString& key, const QString& file) {
    try {
        return QString::fromStdString(node.as<std::string>());
    } catch (const YAML::Exception&) {
        throw StoreError(QStringLiteral("%1: \"%2\" should be a name").arg(file, key));
    }
}

// LSTMVis's .dict: one "token id" line per word (its data handler splits on whitespace).
QStringList readDict(const QString& path, const QString& key) {
    QFile file(path);
    if (!QFileInfo::exists(path))
        throw StoreError(QStringLiteral("%1 names %2, which does not exist")
                             .arg(key, QDir::toNativeSeparators(path)));
    if (!file.open(QIODevice::ReadOnly))
        throw StoreError(QStringLiteral("%1: cannot open %2: %3")
                             .arg(key, QFileInfo(path).fileName(), file.errorString()));
    const QString name = QFileInfo(path).fileName();
    QStringList vocabulary;
    qint64 lineNumber = 0;
    while (!file.atEnd()) {
        ++lineNumber;
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (line.isEmpty()) continue;
        const int space = line.lastIndexOf(QRegularExpression(QStringLiteral("\\s")));
        bool ok = false;
        const qint64 id = space > 0 ? line.mid(space + 1).toLongLong(&ok) : 0;
        if (!ok || id < 0)
            throw StoreError(QStringLiteral("line %1 of %2: expected \"token id\", found \"%3\"")
                                 .arg(lineNumber)
                                 .arg(name, line.left(60)));
        // Ids past the entries leave placeholders (a sparse dict), but never more than the
        // file could plausibly describe: "word 99999999" must not make 10^8 of them.
        const qint64 maxId = std::max<qint64>(1'000'000, file.size());
        if (id > maxId)
            throw StoreError(QStringLiteral("line %1 of %2: word id %3 is beyond any vocabulary a "
                                            "file of this size describes (at most %4)")
                                 .arg(lineNumber)
                                 .arg(name)
                                 .arg(id)
                                 .arg(maxId));
        if (id >= vocabulary.size()) {
            while (vocabulary.size() < id)
                vocabulary << QStringLiteral("<id %1>").arg(vocabulary.size());
            vocabulary << line.left(space).trimmed();
        } else {
            vocabulary[int(id)] = line.left(space).trimmed();
        }
    }
    if (vocabulary.isEmpty()) throw StoreError(QStringLiteral("%1: %2 is empty").arg(key, name));
    return vocabulary;
}

}  // namespace

bool isRnnscopeStore(const QString& path) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != QLatin1String("h5") && suffix != QLatin1String("hdf5")) return false;
    try {
        ActivationStore::open(path, qint64(16) << 20);
        return true;
    } catch (const UserError&) {
        return false;
    }
}

bool isLstmVisProject(const QString& path) {
    // LSTMVis looks for lstm.yml; a project file renamed (or .yaml) is still one.
    const QFileInfo info(projectFile(path));
    const QString suffix = info.suffix().toLower();
    return info.isFile() && (suffix == QLatin1String("yml") || suffix == QLatin1String("yaml"));
}

namespace {

ActivationImport importLstmVis(const QString& path, const ImportOptions& options) {
    const QString ymlPath = projectFile(path);
    const QFileInfo ymlInfo(ymlPath);
    if (!ymlInfo.isFile())
        throw StoreError(QStringLiteral("%1 is not an LSTMVis project: it has no lstm.yml")
                             .arg(QDir::toNativeSeparators(path)));
    const QString yml = ymlInfo.fileName();
    const QDir dir = ymlInfo.absoluteDir();
    YAML::Node root;
    try {
        root = YAML::LoadFile(QFile::encodeName(ymlInfo.absoluteFilePath()).toStdString());
    } catch (const YAML::Exception& e) {
        throw StoreError(QStringLiteral("line %1 of %2: %3")
                             .arg(e.mark.line + 1)
                             .arg(yml, QString::fromStdString(e.msg)));
    }
    if (!root.IsMap()) throw StoreError(QStringLiteral("%1 is not a YAML mapping").arg(yml));

    const YAML::Node files = child(root, "files", QStringLiteral("the top level"), yml);
    checkMapping(files, QStringLiteral("files"), yml);
    // A key of `files` to the file it names, relative to the project folder.
    auto fileFor = [&](const YAML::Node& ref, const QString& key) {
        const QString name = text(ref, key, yml);
        const YAML::Node entry = files[name.toStdString()];
        if (!entry)
            throw StoreError(QStringLiteral("%1: %2 is \"%3\", which is not a key of files")
                                 .arg(yml, key, name));
        return dir.filePath(text(entry, QStringLiteral("files.") + name, yml));
    };

    const YAML::Node words = child(root, "word_sequence", QStringLiteral("the top level"), yml);
    const QString wordsFile =
        fileFor(child(words, "file", QStringLiteral("word_sequence"), yml), "word_sequence.file");
    const QString wordsPath =
        text(child(words, "path", QStringLiteral("word_sequence"), yml), "word_sequence.path", yml);
    const QString dictFile = fileFor(
        child(words, "dict_file", QStringLiteral("word_sequence"), yml), "word_sequence.dict_file");
    const YAML::Node states = child(root, "states", QStringLiteral("the top level"), yml);
    const QString statesFile =
        fileFor(child(states, "file", QStringLiteral("states"), yml), "states.file");
    const YAML::Node types = child(states, "types", QStringLiteral("states"), yml);
    if (!types.IsSequence() || types.size() == 0)
        throw StoreError(QStringLiteral("%1: states.types lists no states").arg(yml));

    ActivationImport result;
    result.source = ymlInfo.absoluteFilePath();
    result.name = root["name"] ? text(root["name"], "name", yml) : dir.dirName();
    ImportedStates imported;
    imported.info.inputVocabulary = readDict(dictFile, QStringLiteral("word_sequence.dict_file"));
    imported.info.task = QStringLiteral("imported");
    imported.info.datasetPath = result.source;
    imported.info.modelPath = QString();

    std::lock_guard<std::recursive_mutex> lock(store::hdf5Lock());
    store::h5::silenceErrors();
    {
        const QString key = QStringLiteral("word_sequence.file");
        Hid file = openHdf5(wordsFile, key);
        const QString fileName = QFileInfo(wordsFile).fileName();
        imported.tokenIds =
            readIds(file, wordsPath, QStringLiteral("word_sequence.path"), fileName, options);
        for (int64_t& id : imported.tokenIds) {
            if (id < 0 || id >= imported.info.inputVocabulary.size()) {
                const int64_t bad = id;
                throw StoreError(QStringLiteral("%1: word id %2 in %3 is not in %4 (ids 0 to %5)")
                                     .arg(QStringLiteral("word_sequence"))
                                     .arg(bad)
                                     .arg(fileName, QFileInfo(dictFile).fileName())
                                     .arg(imported.info.inputVocabulary.size() - 1));
            }
        }
        // rnnscope's own export keeps the sample boundaries beside the word ids.
        if (H5Lexists(file, "sample_lengths", H5P_DEFAULT) > 0) {
            const auto lengths = store::h5::readVector<int64_t>(file, "sample_lengths", fileName);
            imported.lengths.assign(lengths.begin(), lengths.end());
            qint64 sum = 0;
            for (qint64 l : imported.lengths) sum += l;
            if (sum != qint64(imported.tokenIds.size()))
                throw StoreError(QStringLiteral("%1: sample_lengths add up to %2 tokens, but "
                                                "\"%3\" holds %4")
                                     .arg(fileName)
                                     .arg(sum)
                                     .arg(wordsPath)
                                     .arg(imported.tokenIds.size()));
            result.samplesFrom = QStringLiteral("sample boundaries from %1").arg(fileName);
        }
    }
    if (imported.tokenIds.empty())
        throw StoreError(QStringLiteral("word_sequence: %1 holds no words").arg(wordsPath));
    if (imported.lengths.empty())
        imported.lengths = cutStream(imported.tokenIds, imported.info.inputVocabulary,
                                     options.window, &result.samplesFrom);

    Hid file = openHdf5(statesFile, QStringLiteral("states.file"));
    const QString statesName = QFileInfo(statesFile).fileName();
    qint64 totalBytes = 0;
    for (size_t i = 0; i < types.size(); ++i) {
        checkCancelled(options);
        const YAML::Node entry = types[i];
        const QString where = QStringLiteral("states.types[%1]").arg(i);
        const QString datasetPath = text(child(entry, "path", where, yml), where + ".path", yml);
        const QString type =
            entry["type"] ? text(entry["type"], where + ".type", yml) : QStringLiteral("state");
        int layer = 1;
        try {
            if (entry["layer"]) layer = entry["layer"].as<int>();
        } catch (const YAML::Exception&) {
            throw StoreError(QStringLiteral("%1: %2.layer should be a number").arg(yml, where));
        }
        FloatMatrix m = readFloats(file, datasetPath, where + ".path", statesName, options);
        totalBytes += qint64(m.values.size() * sizeof(float));
        checkBudget(totalBytes, options, QStringLiteral("the states of %1").arg(yml));
        if (m.dims.size() != 2 || qint64(m.dims[0]) != qint64(imported.tokenIds.size()))
            throw StoreError(QStringLiteral("%1: \"%2\" in %3 has %4 rows, but the word sequence "
                                            "(%5 in %6) has %7 words")
                                 .arg(where + QStringLiteral(".path"), datasetPath, statesName)
                                 .arg(m.dims.empty() ? 0 : m.dims[0])
                                 .arg(wordsPath, QFileInfo(wordsFile).fileName())
                                 .arg(imported.tokenIds.size()));
        const QString kind = type == QLatin1String("output")  ? QStringLiteral("hidden")
                             : type == QLatin1String("state") ? QStringLiteral("cell")
                                                              : type;
        QString name = datasetPath;
        name.replace(QLatin1Char('/'), QLatin1Char('_'));
        imported.tracks.push_back(
            trackFor(QStringLiteral("lstm"), std::max(layer, 1) - 1, kind, name, int(m.dims[1])));
        imported.values.push_back(std::move(m.values));
    }
    result.store = ActivationStore::fromStates(std::move(imported));
    result.dataset = datasetOfStore(result.store, result.source, result.name);
    return result;
}

}  // namespace

ActivationImport importLstmVisProject(const QString& path, const ImportOptions& options) {
    try {
        return importLstmVis(path, options);
    } catch (const YAML::Exception& e) {
        // Anything of lstm.yml's shape the checks above did not foresee.
        const QString yml = QFileInfo(projectFile(path)).fileName();
        throw StoreError(e.mark.is_null()
                             ? QStringLiteral("%1: %2").arg(yml, QString::fromStdString(e.msg))
                             : QStringLiteral("line %1 of %2: %3")
                                   .arg(e.mark.line + 1)
                                   .arg(yml, QString::fromStdString(e.msg)));
    }
}

ActivationImport importStateArrays(const QString& statesPath, const QString& tokensPath,
                                   const ImportOptions& options) {
    const QFileInfo statesInfo(statesPath);
    if (!statesInfo.isFile())
        throw StoreError(QStringLiteral("the states file %1 does not exist")
                             .arg(QDir::toNativeSeparators(statesPath)));
    TokenStream tokens = readTokenFile(tokensPath);
    qint64 tokenCount = qint64(tokens.ids.size());
    const QString statesName = statesInfo.fileName();
    const QString tokensName = QFileInfo(tokensPath).fileName();

    ImportedStates imported;
    imported.info.task = QStringLiteral("imported");
    imported.info.datasetPath = QFileInfo(tokensPath).absoluteFilePath();
    imported.info.inputVocabulary = tokens.vocabulary;
    imported.lengths = tokens.lengths;
    imported.tokenIds = tokens.ids;

    auto addTrack = [&](FloatMatrix m, const QString& module, const QString& kind,
                        const QString& what) {
        if (m.dims.size() == 2 && qint64(m.dims[0]) != tokenCount)
            throw StoreError(QStringLiteral("%1 has %2 rows but %3 has %4 tokens in %5 samples")
                                 .arg(what)
                                 .arg(m.dims[0])
                                 .arg(tokensName)
                                 .arg(tokenCount)
                                 .arg(tokens.lengths.size()));
        const int units = int(m.dims.back());
        imported.values.push_back(unpad(m, tokens.lengths, what));
        imported.tracks.push_back(trackFor(module, 0, kind, QString(), units));
    };

    ActivationImport result;
    result.source = statesInfo.absoluteFilePath();
    result.name = statesInfo.completeBaseName();
    result.samplesFrom = QStringLiteral("one sample per line of %1").arg(tokensName);
    if (statesInfo.suffix().compare(QStringLiteral("npy"), Qt::CaseInsensitive) == 0) {
        // float64 arrays become float32: the file size bounds what is kept.
        checkBudget(statesInfo.size(), options, QStringLiteral("the states in %1").arg(statesName));
        projection::NpyShape shape;
        projection::Points points;
        try {
            points = projection::readNpyStack(QFile::encodeName(statesPath).toStdString(), &shape);
        } catch (const std::exception& e) {
            throw StoreError(QString::fromStdString(e.what()));
        }
        FloatMatrix m;
        for (int64_t d : shape.dims) m.dims.push_back(hsize_t(d));
        m.values.assign(points.data(), points.data() + points.size());
        points = projection::Points();
        addTrack(std::move(m), QStringLiteral("rnn"), QStringLiteral("hidden"), statesName);
    } else {
        std::lock_guard<std::recursive_mutex> lock(store::hdf5Lock());
        store::h5::silenceErrors();
        if (H5Fis_hdf5(QFile::encodeName(statesPath).constData()) <= 0)
            throw StoreError(
                QStringLiteral("%1 is neither a NumPy .npy file nor an HDF5 file").arg(statesName));
        Hid file = openHdf5(statesPath, QStringLiteral("the states file"));
        const QStringList names = floatDatasets(file);
        if (names.isEmpty())
            throw StoreError(QStringLiteral("%1 has no 2-D or 3-D float dataset to read as states")
                                 .arg(statesName));
        qint64 totalBytes = 0;
        for (const QString& name : names) {
            checkCancelled(options);
            FloatMatrix m = readFloats(file, name, name, statesName, options);
            totalBytes += qint64(m.values.size() * sizeof(float));
            checkBudget(totalBytes, options, QStringLiteral("the states in %1").arg(statesName));
            QString kind = name;
            kind.replace(QLatin1Char('/'), QLatin1Char('_'));
            addTrack(std::move(m), QStringLiteral("states"), kind,
                     QStringLiteral("\"%1\" in %2").arg(name, statesName));
        }
    }
    result.store = ActivationStore::fromStates(std::move(imported));
    result.dataset =
        datasetOfStore(result.store, QFileInfo(tokensPath).absoluteFilePath(), statesName);
    return result;
}

}  // namespace rnnscope
