#include "core/projection/NpyFile.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <regex>
#include <stdexcept>
#include <vector>

namespace rnnscope::projection {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

struct Header {
    NpyShape shape;
    int itemSize = 4;
    bool bigEndian = false;
    int64_t dataOffset = 0;
};

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
    throw InputError(path + ": " + problem);
}

std::string withCommas(int64_t value) {
    std::string digits = std::to_string(value);
    for (int i = int(digits.size()) - 3; i > (value < 0 ? 1 : 0); i -= 3)
        digits.insert(size_t(i), ",");
    return digits;
}

std::string dtypeName(const std::string& kind, int size) {
    if (kind == "f") return "float" + std::to_string(size * 8);
    if (kind == "i") return "int" + std::to_string(size * 8);
    if (kind == "u") return "uint" + std::to_string(size * 8);
    if (kind == "b") return "bool";
    if (kind == "c") return "complex" + std::to_string(size * 8);
    if (kind == "U" || kind == "S") return "string";
    if (kind == "O") return "Python object";
    return "'" + kind + "'";
}

// maxRank 2: one row per point; 3: [samples, steps, units] stacks are accepted too, their rows
// being every (sample, step) pair in C order.
Header parseHeader(std::istream& in, const std::string& path, size_t maxRank = 2) {
    in.seekg(0, std::ios::end);
    const int64_t fileSize = in.tellg();
    in.seekg(0);
    char prefix[kMagicSize + 2] = {};
    in.read(prefix, sizeof prefix);
    if (in.gcount() < std::streamsize(kMagicSize) || std::memcmp(prefix, kMagic, kMagicSize) != 0)
        fail(path, fileSize == 0 ? "the file is empty, not a NumPy .npy file"
                                 : "not a NumPy .npy file (it does not start with \\x93NUMPY; "
                                   "save the array with numpy.save)");
    if (in.gcount() < std::streamsize(sizeof prefix)) fail(path, "the .npy header is cut short");
    const int major = static_cast<unsigned char>(prefix[6]);
    const int minor = static_cast<unsigned char>(prefix[7]);
    if (major < 1 || major > 3)
        fail(path, ".npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                       " is not supported (1.0, 2.0 and 3.0 are)");
    // Version 1 stores the header length in 2 little-endian bytes, versions 2 and 3 in 4.
    const int lengthBytes = major == 1 ? 2 : 4;
    unsigned char lengthField[4] = {};
    in.read(reinterpret_cast<char*>(lengthField), lengthBytes);
    if (in.gcount() < lengthBytes) fail(path, "the .npy header is cut short");
    int64_t headerLength = 0;
    for (int i = lengthBytes - 1; i >= 0; --i) headerLength = headerLength * 256 + lengthField[i];
    if (headerLength > 1'000'000) fail(path, "the .npy header claims an absurd length");
    std::string text(size_t(headerLength), '\0');
    in.read(text.data(), std::streamsize(headerLength));
    if (in.gcount() < std::streamsize(headerLength)) fail(path, "the .npy header is cut short");

    Header header;
    header.dataOffset = int64_t(kMagicSize) + 2 + lengthBytes + headerLength;
    // The header is a Python dict literal: {'descr': '<f4', 'fortran_order': False,
    // 'shape': (1000, 128), }
    std::smatch m;
    if (!std::regex_search(text, m, std::regex(R"('descr'\s*:\s*'([<>|=])([a-zA-Z])(\d+)')"))) {
        if (std::regex_search(text, std::regex(R"('descr'\s*:\s*\[)")))
            fail(path,
                 "holds a structured (record) array; rnnscope reads a plain 2-D float32 "
                 "or float64 array");
        fail(path, "the .npy header has no dtype ('descr') it can read");
    }
    const std::string order = m[1], kind = m[2];
    const int size = std::stoi(m[3]);
    header.shape.dtype = m[1].str() + kind + m[3].str();
    if (kind != "f" || (size != 4 && size != 8))
        fail(path, "holds " + dtypeName(kind, size) + " values ('" + header.shape.dtype +
                       "'); rnnscope reads float32 or float64 arrays (convert with "
                       "a.astype(numpy.float32))");
    header.itemSize = size;
    header.bigEndian = order == ">";
    if (!std::regex_search(text, m, std::regex(R"('fortran_order'\s*:\s*(True|False))")))
        fail(path, "the .npy header has no 'fortran_order'");
    header.shape.fortranOrder = m[1] == "True";
    if (!std::regex_search(text, m, std::regex(R"('shape'\s*:\s*\(([^)]*)\))")))
        fail(path, "the .npy header has no 'shape'");
    std::vector<int64_t> dims;
    const std::string shapeText = m[1];
    const std::regex number(R"(\d+)");
    for (auto it = std::sregex_iterator(shapeText.begin(), shapeText.end(), number);
         it != std::sregex_iterator(); ++it) {
        const std::string digits = it->str();
        if (digits.size() > 15) fail(path, "the .npy shape (" + shapeText + ") is absurd");
        dims.push_back(std::stoll(digits));
    }
    if (dims.size() < 2 || dims.size() > maxRank)
        fail(path, "is a " + std::to_string(dims.size()) + "-D array of shape (" + shapeText +
                       (maxRank == 2 ? "); rnnscope needs a 2-D array with one row per point "
                                       "(reshape it to (points, dimensions))"
                                     : "); rnnscope needs a 2-D array (tokens, units) or a 3-D "
                                       "array (samples, steps, units)"));
    if (dims.size() == 3 && header.shape.fortranOrder)
        fail(path,
             "is a 3-D array in Fortran order; save it in C order "
             "(numpy.ascontiguousarray)");
    header.shape.dims = dims;
    // A stack is read as its rows: [samples * steps, units].
    if (dims.size() == 3) {
        if (dims[1] > 0 && dims[0] > (int64_t(1) << 50) / dims[1])
            fail(path, "the .npy shape (" + shapeText + ") is absurd");
        dims = {dims[0] * dims[1], dims[2]};
    }
    header.shape.rows = dims[0];
    header.shape.cols = dims[1];
    // The shape decides how much to allocate: check it against the file before trusting it.
    if (dims[1] > 0 && dims[0] > (int64_t(1) << 50) / (dims[1] * size))
        fail(path, "the .npy shape (" + shapeText + ") is absurd");
    const int64_t expected = dims[0] * dims[1] * size;
    const int64_t actual = fileSize - header.dataOffset;
    if (actual < expected) {
        const int64_t rowBytes = std::max<int64_t>(1, dims[1] * size);
        fail(path, "the header says " + withCommas(dims[0]) + " rows of " + withCommas(dims[1]) +
                       " values but the file holds only " +
                       withCommas(std::max<int64_t>(0, actual) / rowBytes) +
                       " complete rows: it is truncated");
    }
    if (actual > expected)
        fail(path, "the header says " + withCommas(dims[0]) + " rows of " + withCommas(dims[1]) +
                       " values (" + withCommas(expected) + " bytes) but the file holds " +
                       withCommas(actual) + " bytes of data: it is not one .npy array");
    in.seekg(header.dataOffset);
    return header;
}

// count values of the file's dtype into out as float, in file order, 1 MB at a time.
void readValues(std::istream& in, const std::string& path, const Header& header, float* out,
                int64_t count) {
    const bool swap = header.bigEndian;
    if (header.itemSize == 4 && !swap) {
        in.read(reinterpret_cast<char*>(out), std::streamsize(count * 4));
        if (in.gcount() != std::streamsize(count * 4)) fail(path, "the file is cut short");
        return;
    }
    const int64_t chunk = (int64_t(1) << 20) / header.itemSize;
    std::vector<char> buffer(size_t(chunk * header.itemSize));
    for (int64_t done = 0; done < count;) {
        const int64_t now = std::min(chunk, count - done);
        in.read(buffer.data(), std::streamsize(now * header.itemSize));
        if (in.gcount() != std::streamsize(now * header.itemSize))
            fail(path, "the file is cut short");
        for (int64_t i = 0; i < now; ++i) {
            char* item = buffer.data() + i * header.itemSize;
            if (swap) std::reverse(item, item + header.itemSize);
            if (header.itemSize == 4) {
                float v;
                std::memcpy(&v, item, 4);
                out[done + i] = v;
            } else {
                double v;
                std::memcpy(&v, item, 8);
                out[done + i] = float(v);
            }
        }
        done += now;
    }
}

Points readNpyRows(std::istream& in, const std::string& path, const Header& header);

std::ifstream openNpy(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(path, std::string("cannot open the file: ") + std::strerror(errno));
    return in;
}

}  // namespace

NpyShape readNpyShape(std::istream& in, const std::string& name) {
    return parseHeader(in, name).shape;
}

Points readNpy(std::istream& in, const std::string& name) {
    return readNpyRows(in, name, parseHeader(in, name));
}

Points readNpyStack(std::istream& in, const std::string& name, NpyShape* shape) {
    const Header header = parseHeader(in, name, 3);
    if (shape) *shape = header.shape;
    return readNpyRows(in, name, header);
}

NpyShape readNpyShape(const std::string& path) {
    std::ifstream in = openNpy(path);
    return readNpyShape(in, path);
}

Points readNpy(const std::string& path) {
    std::ifstream in = openNpy(path);
    return readNpy(in, path);
}

Points readNpyStack(const std::string& path, NpyShape* shape) {
    std::ifstream in = openNpy(path);
    return readNpyStack(in, path, shape);
}

namespace {
Points readNpyRows(std::istream& in, const std::string& path, const Header& header) {
    const int64_t rows = header.shape.rows, cols = header.shape.cols;
    Points points(rows, cols);
    if (!header.shape.fortranOrder) {
        readValues(in, path, header, points.data(), rows * cols);
    } else {
        // Column-major on disk: read as such, then reorder into rows (a second copy, briefly).
        Eigen::MatrixXf columns(rows, cols);
        readValues(in, path, header, columns.data(), rows * cols);
        points = columns;
    }
    return points;
}
}  // namespace

void writeNpy(const std::string& path, const Points& points) {
    std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" +
                       std::to_string(points.rows()) + ", " + std::to_string(points.cols()) +
                       "), }";
    // Magic (6) + version (2) + length (2) + dict + padding + '\n', a multiple of 64 bytes.
    const size_t unpadded = kMagicSize + 4 + dict.size() + 1;
    dict.append((64 - unpadded % 64) % 64, ' ');
    dict.push_back('\n');
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    out.write(kMagic, kMagicSize);
    const unsigned char version[2] = {1, 0};
    out.write(reinterpret_cast<const char*>(version), 2);
    const unsigned char length[2] = {static_cast<unsigned char>(dict.size() & 0xff),
                                     static_cast<unsigned char>(dict.size() >> 8)};
    out.write(reinterpret_cast<const char*>(length), 2);
    out.write(dict.data(), std::streamsize(dict.size()));
    // Points is row-major float: exactly the C-order little-endian float32 data (x86, ARM).
    out.write(reinterpret_cast<const char*>(points.data()),
              std::streamsize(points.size() * sizeof(float)));
    out.close();
    if (!out) throw std::runtime_error("could not write all of " + path + " (disk full?)");
}

}  // namespace rnnscope::projection
