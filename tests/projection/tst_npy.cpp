// `rnnscope-cli project --states X.npy` reads whatever numpy.save wrote: every readable array
// must come back exactly, and every unreadable file must say what is wrong with it, by name.
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/projection/NpyFile.h"

using namespace rnnscope::projection;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        char pattern[] = "/tmp/rnnscope-npy-XXXXXX";
        path = mkdtemp(pattern);
    }
    ~TempDir() { fs::remove_all(path); }
    std::string file(const std::string& name) const { return (path / name).string(); }
};

// A .npy file as numpy writes it (version 1 or 2 header), with any header dict and payload.
void writeRaw(const std::string& path, const std::string& dict, const std::string& payload,
              int major = 1) {
    std::string header = dict;
    const size_t lengthBytes = major == 1 ? 2 : 4;
    const size_t unpadded = 8 + lengthBytes + header.size() + 1;
    header.append((64 - unpadded % 64) % 64, ' ');
    header.push_back('\n');
    std::ofstream out(path, std::ios::binary);
    out.write("\x93NUMPY", 6);
    out.put(char(major));
    out.put(0);
    for (size_t i = 0; i < lengthBytes; ++i) out.put(char((header.size() >> (8 * i)) & 0xff));
    out << header << payload;
}

template <class T>
std::string bytesOf(const std::vector<T>& values) {
    return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

}  // namespace

TEST_CASE("A float32 matrix survives writeNpy and readNpy exactly", "[npy]") {
    TempDir dir;
    Points points(37, 5);
    for (int r = 0; r < 37; ++r)
        for (int c = 0; c < 5; ++c) points(r, c) = float(r) * 0.5f - float(c) / 3.0f;
    writeNpy(dir.file("x.npy"), points);
    const NpyShape shape = readNpyShape(dir.file("x.npy"));
    CHECK(shape.rows == 37);
    CHECK(shape.cols == 5);
    CHECK(shape.dtype == "<f4");
    CHECK(readNpy(dir.file("x.npy")) == points);
    // numpy aligns the data to 64 bytes; so do we.
    CHECK((fs::file_size(dir.file("x.npy")) - 37 * 5 * 4) % 64 == 0);
}

TEST_CASE("float64, Fortran order, big-endian and version 2 headers are read", "[npy]") {
    TempDir dir;
    // [[1, 2, 3], [4, 5, 6]]
    writeRaw(dir.file("f8.npy"), "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }",
             bytesOf(std::vector<double>{1, 2, 3, 4, 5, 6}));
    writeRaw(dir.file("fortran.npy"), "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }",
             bytesOf(std::vector<float>{1, 4, 2, 5, 3, 6}));
    std::vector<float> big{1, 2, 3, 4, 5, 6};
    std::string bigBytes = bytesOf(big);
    for (size_t i = 0; i < bigBytes.size(); i += 4)
        std::reverse(bigBytes.begin() + long(i), bigBytes.begin() + long(i) + 4);
    writeRaw(dir.file("big.npy"), "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }",
             bigBytes);
    writeRaw(dir.file("v2.npy"), "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
             bytesOf(big), 2);
    Points expected(2, 3);
    expected << 1, 2, 3, 4, 5, 6;
    for (const char* name : {"f8.npy", "fortran.npy", "big.npy", "v2.npy"}) {
        INFO(name);
        CHECK(readNpy(dir.file(name)) == expected);
    }
}

TEST_CASE("Each unreadable file names itself and its problem", "[npy]") {
    TempDir dir;
    const auto expectError = [&](const std::string& name, const std::string& problem) {
        INFO(name);
        CHECK_THROWS_WITH(readNpy(dir.file(name)),
                          Catch::StartsWith(dir.file(name) + ": ") && Catch::Contains(problem));
        CHECK_THROWS_AS(readNpy(dir.file(name)), InputError);
    };
    const std::string f4 = bytesOf(std::vector<float>(12, 1.0f));

    expectError("missing.npy", "cannot open");
    std::ofstream(dir.file("empty.npy")).close();
    expectError("empty.npy", "the file is empty");
    std::ofstream(dir.file("text.npy")) << "1,2,3\n4,5,6\n";
    expectError("text.npy", "not a NumPy .npy file");
    std::ofstream(dir.file("short.npy"), std::ios::binary) << "\x93NUMPY\x01";
    expectError("short.npy", "header is cut short");
    writeRaw(dir.file("int.npy"), "{'descr': '<i8', 'fortran_order': False, 'shape': (3, 4), }",
             f4 + f4);
    expectError("int.npy", "holds int64 values");
    writeRaw(dir.file("1d.npy"), "{'descr': '<f4', 'fortran_order': False, 'shape': (12,), }", f4);
    expectError("1d.npy", "is a 1-D array");
    writeRaw(dir.file("3d.npy"), "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 2), }",
             f4);
    expectError("3d.npy", "is a 3-D array");
    writeRaw(dir.file("truncated.npy"),
             "{'descr': '<f4', 'fortran_order': False, 'shape': (5, 4), }", f4);
    expectError("truncated.npy",
                "the header says 5 rows of 4 values but the file holds only 3 "
                "complete rows: it is truncated");
    writeRaw(dir.file("huge.npy"),
             "{'descr': '<f4', 'fortran_order': False, 'shape': (100000000000, 128), }", f4);
    // The shape is checked against the file before anything is allocated.
    expectError("huge.npy", "says 100,000,000,000 rows of 128 values but the file holds only 0");
    writeRaw(dir.file("absurd.npy"),
             "{'descr': '<f4', 'fortran_order': False, 'shape': (100000000000000, 1000000), }", f4);
    expectError("absurd.npy", "absurd");
    writeRaw(dir.file("long.npy"), "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 4), }",
             f4);
    expectError("long.npy", "holds 48 bytes of data");
    writeRaw(dir.file("records.npy"),
             "{'descr': [('x', '<f4'), ('y', '<f4')], 'fortran_order': False, 'shape': (6,), }",
             f4);
    expectError("records.npy", "structured");
    writeRaw(dir.file("v9.npy"), "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }", f4,
             9);
    expectError("v9.npy", "version 9.0 is not supported");
}

TEST_CASE("Writing where no file can go says so", "[npy]") {
    CHECK_THROWS_WITH(writeNpy("/nonexistent-folder/x.npy", Points::Zero(2, 2)),
                      Catch::Contains("cannot write /nonexistent-folder/x.npy"));
}
