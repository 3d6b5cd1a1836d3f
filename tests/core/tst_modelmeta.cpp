// rnnscope.json's input.normalize: a model's own text preprocessing declared, not rewritten.
// The expected strings are what the PyTorch translation tutorial's normalizeString() returns
// for the same text (computed with Python: unicodedata NFD without Mn, re.sub).

#include <catch2/catch.hpp>

#include "core/Errors.h"
#include "core/model/ModelMeta.h"

using namespace rnnscope;

namespace {

ModelMeta withInput(const char* input) {
    const QString json =
        QStringLiteral(R"({"task": "classification", "labels": ["a"], "input": )") +
        QString::fromUtf8(input) + QLatin1Char('}');
    return ModelMeta::fromJson(json.toUtf8(), QStringLiteral("m.pt"));
}

QString messageOf(const char* input) {
    try {
        withInput(input);
    } catch (const ModelError& e) {
        return e.message();
    }
    return QString();
}

}  // namespace

TEST_CASE("the translation tutorial's normalizeString can be declared", "[modelmeta]") {
    // normalizeString: lowercase, strip, unicodeToAscii, r"([.!?])" -> r" \1",
    // r"[^a-zA-Z!?]+" -> r" ", strip.
    const ModelMeta meta = withInput(R"json({"type": "tokens", "tokenizer": "whitespace",
        "vocab": ["<pad>", "<unk>"], "normalize": ["lowercase", "trim", "strip_accents",
        {"replace": "([.!?])", "with": " \\1"}, {"replace": "[^a-zA-Z!?]+", "with": " "},
        "trim"]})json");
    const InputSpec& in = meta.input;
    CHECK(in.normalized(QStringLiteral("Cannot open file: permission denied!")) ==
          QStringLiteral("cannot open file permission denied !"));
    CHECK(in.normalized(QStringLiteral("  Ça a été réglé. Vraiment?")) ==
          QStringLiteral("ca a ete regle vraiment ?"));
    CHECK(in.normalized(QStringLiteral("Don't stop...now")) == QStringLiteral("don t stop now"));
    CHECK(in.tokenize(QStringLiteral("Cannot open file: permission denied!")) ==
          QStringList{QStringLiteral("cannot"), QStringLiteral("open"), QStringLiteral("file"),
                      QStringLiteral("permission"), QStringLiteral("denied"), QStringLiteral("!")});
}

TEST_CASE("named normalisation steps", "[modelmeta]") {
    const ModelMeta meta = withInput(R"({"type": "tokens", "tokenizer": "whitespace",
        "vocab": ["<pad>"], "normalize": ["separate_punctuation"]})");
    CHECK(meta.input.tokenize(QStringLiteral("Hello, world!")) ==
          QStringList{QStringLiteral("Hello"), QStringLiteral(","), QStringLiteral("world"),
                      QStringLiteral("!")});
    CHECK(withInput(R"({"type": "tokens", "vocab": ["<pad>"]})").input.normalize.empty());
}

TEST_CASE("a wrong normalisation step is named with what is allowed", "[modelmeta]") {
    CHECK(messageOf(R"({"type": "tokens", "vocab": ["a"], "normalize": "lowercase"})")
              .contains(QStringLiteral("\"input.normalize\" must be a list of steps")));
    const QString unknown =
        messageOf(R"({"type": "tokens", "vocab": ["a"], "normalize": ["lowercase", "nfkc"]})");
    CHECK(unknown.contains(QStringLiteral("entry 1 is not one of")));
    CHECK(unknown.contains(QStringLiteral("strip_accents")));
    CHECK(messageOf(R"json({"type": "tokens", "vocab": ["a"],
                        "normalize": [{"replace": "([a-", "with": ""}]})json")
              .contains(QStringLiteral("is not a regular expression")));
}
