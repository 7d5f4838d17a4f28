// The STARK quotient on the device: constraints compiled to a register program
// (kiln_air::ConstraintProgram, opcodes below) interpreted by one thread per point of the
// quotient domain g·⟨ω_M⟩, M = n·2^chunks, natural order.
//
// Per point j (x = g·ω_M^j): local row = columns at j, next row = columns at j + 2^chunks
// (mod M); selectors first = Z/(x − 1), last = Z/(x − ω_n^{-1}), transition = x − ω_n^{-1}
// with Z = x^n − 1; the constraints c_i are folded as Σ c_i·α^{k−1−i} (α's powers given as
// four base words each) and divided by Z. The result goes to chunk i = j mod 2^chunks,
// position j >> chunks: four columns per chunk, the layout the CPU prover commits.
#pragma once

#include "ff/babybear.cuh"
#include "ntt/twiddles.cuh"

namespace kiln {
namespace stark {

enum Opcode : uint32_t {
    LOAD_MAIN = 0,
    LOAD_PREPROCESSED = 1,
    LOAD_PUBLIC = 2,
    CONST = 3,
    IS_FIRST_ROW = 4,
    IS_LAST_ROW = 5,
    IS_TRANSITION = 6,
    ADD = 7,
    SUB = 8,
    MUL = 9,
    NEG = 10,
    EMIT = 11,
};

struct QuotientParams {
    uint32_t log_n;
    uint32_t log_chunks;
    uint32_t main_width;
    uint32_t preprocessed_width;
    uint32_t instructions;
    bb_t shift;    // g
    bb_t w_n_inv;  // ω_n^{-1}
};

// x^(p−2): the inverse (0 for 0).
__host__ __device__ __forceinline__ bb_t inverse(bb_t x) { return x.pow(bb_t::P - 2); }

template <uint32_t MAX_REGS>
__global__ void quotient_kernel(const uint32_t* __restrict__ program, const uint32_t* __restrict__ main,
                                const uint32_t* __restrict__ pre, const uint32_t* __restrict__ publics,
                                const uint32_t* __restrict__ alpha_powers, const uint32_t* __restrict__ inv_z,
                                const uint32_t* __restrict__ twiddles, QuotientParams p, uint32_t* __restrict__ out) {
    const uint32_t log_m = p.log_n + p.log_chunks;
    const uint64_t m = 1ull << log_m;
    const uint64_t n = 1ull << p.log_n;
    const uint32_t step = 1u << p.log_chunks;
    for (uint64_t j = blockIdx.x * static_cast<uint64_t>(blockDim.x) + threadIdx.x; j < m;
         j += static_cast<uint64_t>(gridDim.x) * blockDim.x) {
        const uint64_t jn = (j + step) & (m - 1);
        // x = g·ω_M^j, Z = x^n − 1 = g^n·ω_M^{jn} − 1 (only 2^chunks values: inverted on the host).
        const bb_t x = p.shift * ntt::twiddle(twiddles, 0, static_cast<uint32_t>(j << (ntt::MAX_LOG_N - log_m)));
        bb_t xn = x;
        for (uint32_t i = 0; i < p.log_n; ++i)
            xn = xn.sqr();
        const bb_t z = xn - bb_t::one();
        // The Lagrange selectors of the first and last rows (1 there, 0 on the other rows):
        // Z(x)/(n·(x − 1)) and ω^{-1}·Z(x)/(n·(x − ω^{-1})).
        bb_t n_f = bb_t::one();
        for (uint32_t i = 0; i < p.log_n; ++i)
            n_f = n_f + n_f;
        const bb_t first = z * inverse(n_f * (x - bb_t::one()));
        const bb_t last = z * p.w_n_inv * inverse(n_f * (x - p.w_n_inv));
        const bb_t transition = x - p.w_n_inv;

        bb_t regs[MAX_REGS];
        bb_t acc[4] = {bb_t::zero(), bb_t::zero(), bb_t::zero(), bb_t::zero()};
        for (uint32_t pc = 0; pc < p.instructions; ++pc) {
            const uint32_t op = program[4 * pc], dst = program[4 * pc + 1];
            const uint32_t a = program[4 * pc + 2], b = program[4 * pc + 3];
            bb_t v;
            switch (op) {
                case LOAD_MAIN:
                    v = bb_t(main[static_cast<uint64_t>(a) * m + (b ? jn : j)]);
                    break;
                case LOAD_PREPROCESSED:
                    v = bb_t(pre[static_cast<uint64_t>(a) * m + (b ? jn : j)]);
                    break;
                case LOAD_PUBLIC:
                    v = bb_t(publics[a]);
                    break;
                case CONST:
                    v = bb_t(a);
                    break;
                case IS_FIRST_ROW:
                    v = first;
                    break;
                case IS_LAST_ROW:
                    v = last;
                    break;
                case IS_TRANSITION:
                    v = transition;
                    break;
                case ADD:
                    v = regs[a] + regs[b];
                    break;
                case SUB:
                    v = regs[a] - regs[b];
                    break;
                case MUL:
                    v = regs[a] * regs[b];
                    break;
                case NEG:
                    v = -regs[a];
                    break;
                case EMIT: {
                    const bb_t c = regs[a];
                    for (int k = 0; k < 4; ++k)
                        acc[k] += c * bb_t(alpha_powers[4 * b + k]);
                    continue;
                }
                default:
                    v = bb_t::zero();
            }
            regs[dst] = v;
        }
        const bb_t iz(inv_z[j & (step - 1)]);
        const uint64_t chunk = j & (step - 1), t = j >> p.log_chunks;
        for (int k = 0; k < 4; ++k)
            out[(4 * chunk + k) * n + t] = (acc[k] * iz).v;
    }
}

// out[c·M + j] = lde[c·N + rev_M(j)]: the quotient-domain prefix of a bit-reversed LDE, in
// natural order (so the interpreter's loads of rows j and j + 2^chunks are coalesced).
__global__ void quotient_domain_kernel(const uint32_t* __restrict__ lde, uint64_t lde_height, uint32_t log_m,
                                       uint32_t width, uint32_t* __restrict__ out) {
    const uint64_t m = 1ull << log_m;
    const uint64_t total = m * width;
    for (uint64_t g = blockIdx.x * static_cast<uint64_t>(blockDim.x) + threadIdx.x; g < total;
         g += static_cast<uint64_t>(gridDim.x) * blockDim.x) {
        const uint64_t c = g >> log_m;
        const uint32_t j = static_cast<uint32_t>(g & (m - 1));
        uint32_t r = 0;
        for (uint32_t i = 0; i < log_m; ++i)
            r |= ((j >> i) & 1u) << (log_m - 1 - i);
        out[g] = lde[c * lde_height + r];
    }
}

}  // namespace stark
}  // namespace kiln
