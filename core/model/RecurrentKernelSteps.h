#pragma once
// The body of core/model/RecurrentKernel.h, compiled once per instruction set: included by
// RecurrentKernel.cpp (portable) and avx2/RecurrentKernelAvx2.cpp with RNNSCOPE_KERNEL_ISA set
// to the namespace it defines. Equations follow the PyTorch documentation of nn.LSTM, nn.GRU
// and nn.RNN (gate order in the stacked weights: LSTM i, f, g, o; GRU r, z, n).

#include <Eigen/Core>
#include <algorithm>
#include <vector>

#include "core/model/RecurrentKernel.h"

#ifndef RNNSCOPE_KERNEL_ISA
#error "define RNNSCOPE_KERNEL_ISA before including RecurrentKernelSteps.h"
#endif

namespace rnnscope::kernel::RNNSCOPE_KERNEL_ISA {

using Rows = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMap = Eigen::Map<const Rows>;
using Map = Eigen::Map<Rows>;

// Each step is one small GEMM and one pass of vectorised element-wise arithmetic on maps of the
// caller's buffers: no allocation and no LibTorch operator per step, whose dispatch cost
// dominates at RNN sizes (this keeps capture within 2x of the model's own forward).
void runDirection(const DirectionArgs& r) {
    const bool lstm = r.cell == Cell::Lstm, gru = r.cell == Cell::Gru;
    const int64_t batch = r.batch, hidden = r.hidden, outSize = r.outSize;
    const int64_t width = (lstm ? 4 : gru ? 3 : 1) * hidden;
    const ConstMap wHh(r.wHh, width, outSize);  // [G*H, P]
    std::vector<float> scratch(size_t(batch * std::max(width, hidden)));
    auto edit = [&](Buffer buffer, int64_t t, float* data, int64_t w, int64_t from = 0,
                    int64_t to = INT64_MAX) {
        if (r.edit) r.edit(r.editContext, buffer, t, data, w, from, to);
    };
    const float* hPrev = r.h0;
    const float* cPrev = r.c0;
    for (int64_t t = 0; t < r.steps; ++t) {
        const ConstMap hp(hPrev, batch, outSize);
        const ConstMap gi(r.proj + t * batch * width, batch, width);
        float* hOutData = r.hiddenAll + t * batch * outSize;
        Map hOut(hOutData, batch, outSize);
        float* gatesData =
            lstm || gru ? r.gatesAll + (r.gatesEveryStep ? t : 0) * batch * width : nullptr;
        if (lstm) {
            Map g(gatesData, batch, width);
            // Copied first and the product added: Eigen zeroes the destination of a plain `=`
            // product, a pass over the buffer that does nothing.
            g = gi;
            g.noalias() += hp * wHh.transpose();
            auto a = g.array();
            a.leftCols(2 * hidden) = a.leftCols(2 * hidden).logistic();                  // i, f
            a.middleCols(2 * hidden, hidden) = a.middleCols(2 * hidden, hidden).tanh();  // g
            a.rightCols(hidden) = a.rightCols(hidden).logistic();                        // o
            edit(Buffer::Gates, t, gatesData, width);
            float* cOutData = r.cellAll + t * batch * hidden;
            Map cOut(cOutData, batch, hidden);
            cOut.array() = a.middleCols(hidden, hidden) * ConstMap(cPrev, batch, hidden).array() +
                           a.leftCols(hidden) * a.middleCols(2 * hidden, hidden);  // c
            edit(Buffer::Cell, t, cOutData, hidden);
            if (r.wHr) {
                Map product(scratch.data(), batch, hidden);
                product.array() = a.rightCols(hidden) * cOut.array().tanh();
                hOut.noalias() = product * ConstMap(r.wHr, outSize, hidden).transpose();
            } else {
                hOut.array() = a.rightCols(hidden) * cOut.array().tanh();  // h = o tanh(c)
            }
            cPrev = cOutData;
        } else if (gru) {
            Map g(gatesData, batch, width);
            Map s(scratch.data(), batch, width);
            if (r.bHh)
                s.rowwise() = ConstMap(r.bHh, 1, width).row(0);
            else
                s.setZero();
            s.noalias() += hp * wHh.transpose();
            auto a = g.array();
            a.leftCols(2 * hidden) =
                (gi.leftCols(2 * hidden) + s.leftCols(2 * hidden)).array().logistic();  // r, z
            // r and z replaced before n and h read them, n before h does.
            edit(Buffer::Gates, t, gatesData, width, 0, 2 * hidden);
            a.rightCols(hidden) =
                (gi.rightCols(hidden).array() + a.leftCols(hidden) * s.rightCols(hidden).array())
                    .tanh();  // n
            edit(Buffer::Gates, t, gatesData, width, 2 * hidden);
            // h = (1 - z) n + z h_prev
            hOut.array() = a.rightCols(hidden) +
                           a.middleCols(hidden, hidden) * (hp.array() - a.rightCols(hidden));
        } else {
            hOut = gi;
            hOut.noalias() += hp * wHh.transpose();
            if (r.cell == Cell::Relu)
                hOut = hOut.cwiseMax(0.0f);
            else
                hOut.array() = hOut.array().tanh();
        }
        edit(Buffer::Hidden, t, hOutData, outSize);
        hPrev = hOutData;
    }
}

void projectInputs(const float* x, int64_t rows, int64_t in, const float* w, int64_t width,
                   const float* bias, float* out) {
    Map p(out, rows, width);
    // The bias first and the product added to it, which saves the pass Eigen makes to zero the
    // destination of a plain `=` product.
    if (bias)
        p.rowwise() = ConstMap(bias, 1, width).row(0);
    else
        p.setZero();
    p.noalias() += ConstMap(x, rows, in) * ConstMap(w, width, in).transpose();
}

}  // namespace rnnscope::kernel::RNNSCOPE_KERNEL_ISA
