// The recurrent kernel (core/model/RecurrentKernel.h): both of its builds, the portable one and
// the AVX2 + FMA one, against the equations of nn.LSTM, nn.GRU and nn.RNN computed here in double
// precision, one multiplication at a time; and Model::run, which splits a large batch over
// threads, against the same batch run on one thread.

#include <Eigen/Core>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "core/model/Model.h"
#include "core/model/RecurrentKernel.h"
#include "tests/common/TestModels.h"

using namespace rnnscope;
using kernel::Cell;

namespace {

struct Layer {
    Cell cell = Cell::Lstm;
    int64_t batch = 3, steps = 6, input = 4, hidden = 5, outSize = 5;
    std::vector<float> x, wIh, wHh, bIh, bHh, wHr, h0, c0;
    int64_t gates() const { return (cell == Cell::Lstm ? 4 : cell == Cell::Gru ? 3 : 1) * hidden; }
};

std::vector<float> randomValues(std::mt19937& rng, int64_t n, float scale = 0.6f) {
    std::uniform_real_distribution<float> d(-scale, scale);
    std::vector<float> v(static_cast<size_t>(n));
    for (float& x : v) x = d(rng);
    return v;
}

Layer randomLayer(Cell cell, int64_t proj, unsigned seed) {
    std::mt19937 rng(seed);
    Layer l;
    l.cell = cell;
    if (proj > 0) l.outSize = proj;
    l.x = randomValues(rng, l.batch * l.steps * l.input, 1.5f);  // [T, B, I]
    l.wIh = randomValues(rng, l.gates() * l.input);
    l.wHh = randomValues(rng, l.gates() * l.outSize);
    l.bIh = randomValues(rng, l.gates());
    l.bHh = randomValues(rng, l.gates());
    if (proj > 0) l.wHr = randomValues(rng, l.outSize * l.hidden);
    l.h0 = randomValues(rng, l.batch * l.outSize);
    l.c0 = randomValues(rng, l.batch * l.hidden);
    return l;
}

double sigmoid(double v) {
    return 1.0 / (1.0 + std::exp(-v));
}

// hidden [T, B, P] by the PyTorch documentation's equations, in double. `edit` sets hidden
// unit 1 of every row to 0.25 at step 2, as the edit callback under test does.
std::vector<double> reference(const Layer& l, bool edit) {
    const int64_t B = l.batch, T = l.steps, I = l.input, H = l.hidden, P = l.outSize;
    std::vector<double> h(l.h0.begin(), l.h0.end()), c(l.c0.begin(), l.c0.end());
    std::vector<double> out(static_cast<size_t>(T * B * P));
    for (int64_t t = 0; t < T; ++t) {
        std::vector<double> hNext(static_cast<size_t>(B * P));
        for (int64_t b = 0; b < B; ++b) {
            // gi = W_ih x + b_ih, gh = W_hh h + b_hh, one gate row at a time
            std::vector<double> gi(static_cast<size_t>(l.gates())), gh(size_t(l.gates()));
            for (int64_t g = 0; g < l.gates(); ++g) {
                double a = l.bIh[size_t(g)], r = l.bHh[size_t(g)];
                for (int64_t i = 0; i < I; ++i)
                    a += double(l.wIh[size_t(g * I + i)]) * l.x[size_t((t * B + b) * I + i)];
                for (int64_t k = 0; k < P; ++k)
                    r += double(l.wHh[size_t(g * P + k)]) * h[size_t(b * P + k)];
                gi[size_t(g)] = a;
                gh[size_t(g)] = r;
            }
            std::vector<double> hb(static_cast<size_t>(P));
            if (l.cell == Cell::Lstm) {
                std::vector<double> m(static_cast<size_t>(H));
                for (int64_t j = 0; j < H; ++j) {
                    auto pre = [&](int64_t k) {
                        return gi[size_t(k * H + j)] + gh[size_t(k * H + j)];
                    };
                    const double in = sigmoid(pre(0)), f = sigmoid(pre(1)), g = std::tanh(pre(2)),
                                 o = sigmoid(pre(3));
                    c[size_t(b * H + j)] = f * c[size_t(b * H + j)] + in * g;
                    m[size_t(j)] = o * std::tanh(c[size_t(b * H + j)]);
                }
                for (int64_t p = 0; p < P; ++p) {
                    if (l.wHr.empty()) {
                        hb[size_t(p)] = m[size_t(p)];
                        continue;
                    }
                    double s = 0;
                    for (int64_t j = 0; j < H; ++j)
                        s += double(l.wHr[size_t(p * H + j)]) * m[size_t(j)];
                    hb[size_t(p)] = s;
                }
            } else if (l.cell == Cell::Gru) {
                for (int64_t j = 0; j < H; ++j) {
                    const double r = sigmoid(gi[size_t(j)] + gh[size_t(j)]);
                    const double z = sigmoid(gi[size_t(H + j)] + gh[size_t(H + j)]);
                    const double n = std::tanh(gi[size_t(2 * H + j)] + r * gh[size_t(2 * H + j)]);
                    hb[size_t(j)] = (1 - z) * n + z * h[size_t(b * P + j)];
                }
            } else {
                for (int64_t j = 0; j < H; ++j) {
                    const double pre = gi[size_t(j)] + gh[size_t(j)];
                    hb[size_t(j)] = l.cell == Cell::Relu ? std::max(0.0, pre) : std::tanh(pre);
                }
            }
            if (edit && t == 2) hb[1] = 0.25;
            for (int64_t p = 0; p < P; ++p) hNext[size_t(b * P + p)] = hb[size_t(p)];
        }
        h = hNext;
        std::copy(h.begin(), h.end(), out.begin() + t * B * P);
    }
    return out;
}

void setUnitOne(const void*, kernel::Buffer buffer, int64_t t, float* data, int64_t width, int64_t,
                int64_t) {
    if (buffer != kernel::Buffer::Hidden || t != 2) return;
    for (int64_t b = 0; b < 3; ++b) data[b * width + 1] = 0.25f;
}

using Build = void (*)(const kernel::DirectionArgs&);
using Project = void (*)(const float*, int64_t, int64_t, const float*, int64_t, const float*,
                         float*);

// The kernel's hidden states for `l` through one build.
std::vector<float> viaKernel(const Layer& l, Build run, Project project, bool edit) {
    const int64_t B = l.batch, T = l.steps, G = l.gates();
    std::vector<float> bias(l.bIh);
    // LSTM and RNN fold b_hh into the input projections; GRU multiplies part of it by r.
    if (l.cell != Cell::Gru)
        for (int64_t g = 0; g < G; ++g) bias[size_t(g)] += l.bHh[size_t(g)];
    std::vector<float> proj(static_cast<size_t>(T * B * G)),
        hidden(static_cast<size_t>(T * B * l.outSize)), gates(size_t(T * B * G)),
        cell(static_cast<size_t>(T * B * l.hidden));
    project(l.x.data(), T * B, l.input, l.wIh.data(), G, bias.data(), proj.data());
    kernel::DirectionArgs a;
    a.cell = l.cell;
    a.batch = B;
    a.steps = T;
    a.hidden = l.hidden;
    a.outSize = l.outSize;
    a.wHh = l.wHh.data();
    a.bHh = l.cell == Cell::Gru ? l.bHh.data() : nullptr;
    a.wHr = l.wHr.empty() ? nullptr : l.wHr.data();
    a.proj = proj.data();
    a.hiddenAll = hidden.data();
    a.gatesAll = gates.data();
    a.gatesEveryStep = true;
    a.cellAll = cell.data();
    a.h0 = l.h0.data();
    a.c0 = l.c0.data();
    if (edit) a.edit = &setUnitOne;
    run(a);
    return hidden;
}

double largestDifference(const std::vector<float>& ours, const std::vector<double>& reference) {
    REQUIRE(ours.size() == reference.size());
    double worst = 0;
    for (size_t k = 0; k < ours.size(); ++k)
        worst = std::max(worst, std::abs(double(ours[k]) - reference[k]));
    return worst;
}

}  // namespace

TEST_CASE("both builds of the recurrent kernel compute nn.LSTM's, nn.GRU's and nn.RNN's equations",
          "[recurrentkernel]") {
    struct Case {
        const char* name;
        Cell cell;
        int64_t proj;
    };
    const Case cases[] = {{"LSTM", Cell::Lstm, 0},
                          {"LSTM with proj_size 3", Cell::Lstm, 3},
                          {"GRU", Cell::Gru, 0},
                          {"RNN tanh", Cell::Tanh, 0},
                          {"RNN relu", Cell::Relu, 0}};
    unsigned seed = 7;
    for (const Case& c : cases) {
        const Layer layer = randomLayer(c.cell, c.proj, seed++);
        for (const bool edit : {false, true}) {
            INFO(c.name << (edit ? ", hidden unit 1 set at step 2" : ""));
            const std::vector<double> expected = reference(layer, edit);
            CHECK(largestDifference(viaKernel(layer, &kernel::portable::runDirection,
                                              &kernel::portable::projectInputs, edit),
                                    expected) < 1e-5);
            if (kernel::hasAvx2())
                CHECK(largestDifference(viaKernel(layer, &kernel::avx2::runDirection,
                                                  &kernel::avx2::projectInputs, edit),
                                        expected) < 1e-5);
        }
    }
    // The processor of this machine decides, unless told otherwise.
    CHECK(QString::fromLatin1(kernel::instructionSet()) ==
          (kernel::hasAvx2() && qEnvironmentVariableIsEmpty("RNNSCOPE_PORTABLE_KERNELS")
               ? QStringLiteral("avx2+fma")
               : QStringLiteral("sse2")));
}

TEST_CASE("a batch split over two threads gives every sample what one thread gives",
          "[recurrentkernel]") {
    const auto tokens = Model::open(test::testModelDir() + QStringLiteral("/standard_lstm.pt"));
    const auto series = Model::open(test::testModelDir() + QStringLiteral("/gru_series.pt"));
    std::vector<SampleInput> text, features;
    std::mt19937 rng(3);
    const QString letters = QStringLiteral("abcdefghij ");
    for (int i = 0; i < 40; ++i) {
        QString s;
        for (int k = 0; k < 3 + i % 9; ++k) s += letters[int(rng() % letters.size())];
        text.push_back(tokens->encode(s));
        SampleInput in;
        in.features = MatrixRM::Random(5 + i % 4, 2) * 10.0f;
        in.tokens = QStringList(in.features.rows(), QString());
        features.push_back(in);
    }
    for (const auto& [model, inputs] : {std::pair{tokens, text}, std::pair{series, features}}) {
        INFO(model->meta().name.toStdString());
        RunOptions options;  // capture too: every state of every sample
        Model::setThreadCount(1);
        const std::vector<SampleResult> one = model->run(inputs, options);
        Model::setThreadCount(2);
        const std::vector<SampleResult> two = model->run(inputs, options);
        Model::setThreadCount(1);
        REQUIRE(two.size() == inputs.size());
        for (size_t s = 0; s < inputs.size(); ++s) {
            INFO("sample " << s + 1);
            REQUIRE(two[s].input.length() == inputs[s].length());
            REQUIRE(two[s].logits.rows() == one[s].logits.rows());
            CHECK((two[s].logits - one[s].logits).cwiseAbs().maxCoeff() < 1e-5f);
            REQUIRE(two[s].tracks.size() == one[s].tracks.size());
            for (size_t k = 0; k < one[s].tracks.size(); ++k)
                CHECK((two[s].tracks[k].values - one[s].tracks[k].values).cwiseAbs().maxCoeff() <
                      1e-5f);
        }
    }
}
