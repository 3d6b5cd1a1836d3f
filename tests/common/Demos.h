#pragma once
// The two demos of resources/demo/ (brackets, dates), committed with the source. Every test that
// opens one asks here: a missing file fails the test and says why, instead of letting it pass
// without having run.

#include <QFile>
#include <QString>
#include <catch2/catch.hpp>

namespace rnnscope::test {

// resources/demo/NAME/NAME.SUFFIX ("brackets", "pt" → .../brackets/brackets.pt).
inline QString demoPath(const QString& name, const QString& suffix) {
    const QString path =
        QStringLiteral(RNNSCOPE_SOURCE_DIR "/resources/demo/%1/%1.%2").arg(name, suffix);
    INFO(path.toStdString() << " is missing: it is part of the source tree (git checkout -- "
                               "resources/demo restores it)");
    REQUIRE(QFile::exists(path));
    return path;
}

}  // namespace rnnscope::test
