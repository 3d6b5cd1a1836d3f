// Fuzzes what rnnscope itself does with a model file before LibTorch builds the module: the
// checks of Model::open (checkModelFile: empty, text, not a zip) and the rnnscope.json read out
// of the archive's extra/ folder, which torch::jit::load does with the same stream reader, then
// parsed. The reader is LibTorch's (its exceptions are what Model::open turns into "is damaged
// or truncated"); LibTorch's module loading itself is not fuzzed here.
#include <caffe2/serialize/inline_container.h>

#include <exception>

#include "core/model/ModelFile.h"
#include "core/model/ModelMeta.h"
#include "tests/fuzz/FuzzInput.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const QString path = rnnscope::fuzz::writeInput(QStringLiteral("model.pt"), data, size);
    rnnscope::fuzz::expectCleanErrors([&] {
        rnnscope::checkModelFile(path);
        std::string json;
        try {
            caffe2::serialize::PyTorchStreamReader reader(path.toStdString());
            if (!reader.hasRecord("extra/rnnscope.json")) return;
            const auto [bytes, length] = reader.getRecord("extra/rnnscope.json");
            json.assign(static_cast<const char*>(bytes.get()), length);
        } catch (const std::exception&) {
            return;  // Model::open: "is damaged or truncated, LibTorch cannot read it: ..."
        }
        rnnscope::ModelMeta::fromJson(QByteArray::fromStdString(json), path);
    });
    return 0;
}
