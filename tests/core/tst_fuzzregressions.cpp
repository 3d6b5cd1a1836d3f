// Every input a fuzzer once crashed, hung or blew up on (tests/data/fuzz-regressions/<target>/,
// docs/reliability.md) goes through the same parser code again: each must now be read, or
// refused with a message the user can act on, never a crash.

#include <QDir>
#include <QFile>
#include <catch2/catch.hpp>

#include "core/model/Model.h"
#include "tests/fuzz/Targets.h"

using namespace rnnscope;

namespace {

// The archive fuzzer reads rnnscope.json with LibTorch's zip reader; here the input goes
// through the whole of Model::open, as a user's file does.
void openModel(const QByteArray& in) {
    const QString path =
        fuzz::writeFile(QStringLiteral("model.pt"), in.constData(), size_t(in.size()));
    fuzz::expectCleanErrors([&] { Model::open(path); });
}

}  // namespace

TEST_CASE("inputs that once crashed a parser are read or refused with a message",
          "[fuzzregressions]") {
    const QDir root(QStringLiteral(RNNSCOPE_TEST_DATA "/fuzz-regressions"));
    REQUIRE(root.exists());
    int fed = 0;
    for (const QString& target : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        void (*feed)(const QByteArray&) = nullptr;
        if (target == QLatin1String("model_archive")) feed = openModel;
        for (const fuzz::Target& t : fuzz::targets())
            if (target == QLatin1String(t.name)) feed = t.feed;
        INFO("tests/data/fuzz-regressions/" << target.toStdString() << " names no fuzz target");
        REQUIRE(feed != nullptr);
        const QDir dir(root.filePath(target));
        for (const QString& name : dir.entryList(QDir::Files)) {
            QFile file(dir.filePath(name));
            REQUIRE(file.open(QIODevice::ReadOnly));
            const QByteArray input = file.readAll();
            INFO(target.toStdString() << "/" << name.toStdString());
            CHECK_NOTHROW(feed(input));
            ++fed;
        }
    }
    CHECK(fed > 0);
}
