#include "core/model/ModelFile.h"

#include <QByteArray>
#include <QFile>
#include <QFileInfo>
#include <algorithm>

#include "core/Errors.h"

namespace rnnscope {

void checkModelFile(const QString& path) {
    const QFileInfo info(path);
    if (!info.exists()) throw ModelError(QStringLiteral("%1: no such file").arg(path));
    if (info.isDir())
        throw ModelError(QStringLiteral("%1: is a folder, not a model file").arg(path));
    if (info.size() == 0) throw ModelError(QStringLiteral("%1: is empty").arg(path));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw ModelError(QStringLiteral("%1: cannot be read: %2").arg(path, file.errorString()));
    const QByteArray head = file.read(4096);
    file.close();
    // TorchScript archives are zip files: every one starts with a local file header.
    if (!head.startsWith(QByteArrayLiteral("PK\x03\x04"))) {
        const bool text = !head.isEmpty() && std::all_of(head.begin(), head.end(), [](char c) {
            const auto u = static_cast<unsigned char>(c);
            return u >= 0x20 || c == '\n' || c == '\r' || c == '\t';
        });
        throw ModelError(QStringLiteral("%1: is %2, not a TorchScript model (save the model with "
                                        "torch.jit.save, see docs/model-contract.md)")
                             .arg(path, text ? QStringLiteral("a text file")
                                             : QStringLiteral("not a zip archive")));
    }
}

}  // namespace rnnscope
