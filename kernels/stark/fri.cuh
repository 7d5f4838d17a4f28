// Openings and FRI on the device: barycentric column sums, the batched (reduced) openings
// over the LDE domain, and FRI folding. Each mirrors a CPU function of kiln::stark
// word for word.
#pragma once

#include "ff/babybear_ext4.cuh"
#include "ntt/twiddles.cuh"

namespace kiln {
namespace stark {

__host__ __device__ __forceinline__ uint32_t reverse_bits(uint32_t x, uint32_t bits) {
    uint32_t r = 0;
    for (uint32_t i = 0; i < bits; ++i)
        r |= ((x >> i) & 1u) << (bits - 1 - i);
    return r;
}

// out[c] = Σ_t cols[c·height + t]·weights[t] (extension weights): one block per column,
// a tree reduction in shared memory. 256 threads.
constexpr uint32_t DOT_THREADS = 256;

__global__ void __launch_bounds__(DOT_THREADS)
    columns_dot_kernel(const uint32_t* __restrict__ cols, uint64_t height, const bb4_t* __restrict__ weights,
                       bb4_t* __restrict__ out) {
    __shared__ bb4_t partial[DOT_THREADS];
    const uint32_t* col = cols + blockIdx.x * height;
    bb4_t acc = bb4_t::zero();
    for (uint64_t t = threadIdx.x; t < height; t += blockDim.x)
        acc += weights[t] * bb_t(col[t]);
    partial[threadIdx.x] = acc;
    __syncthreads();
    for (uint32_t s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) partial[threadIdx.x] += partial[threadIdx.x + s];
        __syncthreads();
    }
    if (threadIdx.x == 0) out[blockIdx.x] = partial[0];
}

constexpr uint32_t MAX_GROUPS = 8;

// One batched-opening group: all `width` columns of a matrix (height N, bit-reversed LDE)
// at ζ (at_next = 0) or ζω (1); its α powers start at `power_offset`.
struct ReducedParams {
    const uint32_t* matrix[MAX_GROUPS];
    uint32_t width[MAX_GROUPS];
    uint32_t at_next[MAX_GROUPS];
    uint32_t power_offset[MAX_GROUPS];
    uint32_t groups;
    uint32_t log_big;
    bb_t shift;
    bb4_t zeta, zeta_next, b_zeta, b_next;
};

// R(x_p) = (Σ_{at ζ} α^k f(x_p) − B_ζ)/(x_p − ζ) + (Σ_{at ζω} α^k f(x_p) − B_ζω)/(x_p − ζω),
// x_p = g·ω_N^{rev(p)}, for every position p of the bit-reversed LDE domain.
__global__ void reduced_openings_kernel(ReducedParams rp, const bb4_t* __restrict__ powers,
                                        const uint32_t* __restrict__ twiddles, bb4_t* __restrict__ out) {
    const uint64_t big = 1ull << rp.log_big;
    for (uint64_t p = blockIdx.x * static_cast<uint64_t>(blockDim.x) + threadIdx.x; p < big;
         p += static_cast<uint64_t>(gridDim.x) * blockDim.x) {
        const uint32_t e = reverse_bits(static_cast<uint32_t>(p), rp.log_big) << (ntt::MAX_LOG_N - rp.log_big);
        const bb_t x = rp.shift * ntt::twiddle(twiddles, 0, e);
        bb4_t a_zeta = bb4_t::zero(), a_next = bb4_t::zero();
        for (uint32_t g = 0; g < rp.groups; ++g) {
            bb4_t acc = bb4_t::zero();
            const uint32_t* m = rp.matrix[g];
            const bb4_t* pw = powers + rp.power_offset[g];
            for (uint32_t c = 0; c < rp.width[g]; ++c)
                acc += pw[c] * bb_t(m[c * big + p]);
            if (rp.at_next[g])
                a_next += acc;
            else
                a_zeta += acc;
        }
        const bb4_t xe = bb4_t::from_base(x);
        out[p] = (a_zeta - rp.b_zeta) * (xe - rp.zeta).inverse() + (a_next - rp.b_next) * (xe - rp.zeta_next).inverse();
    }
}

// One FRI round: group q (2^log_arity consecutive values, bit-reversed within the group)
// with first point y_q = shift·ω_N^{rev(q)} folds to
// f'(y_q^{2^a}) = 2^{-a} Σ_i (β/y_q)^i Σ_e ε^{-ei} f(y_q ε^e).
__global__ void fri_fold_kernel(const bb4_t* __restrict__ layer, uint32_t log_size, uint32_t log_arity, bb_t shift_inv,
                                bb4_t beta, bb_t arity_inv, const uint32_t* __restrict__ twiddles,
                                bb4_t* __restrict__ out) {
    const uint32_t log_next = log_size - log_arity;
    const uint64_t groups = 1ull << log_next;
    const uint32_t k = 1u << log_arity;
    for (uint64_t q = blockIdx.x * static_cast<uint64_t>(blockDim.x) + threadIdx.x; q < groups;
         q += static_cast<uint64_t>(gridDim.x) * blockDim.x) {
        // y^{-1} = shift^{-1}·ω_N^{-rev(q)}
        const uint32_t e = reverse_bits(static_cast<uint32_t>(q), log_next) << (ntt::MAX_LOG_N - log_size);
        const bb_t y_inv = shift_inv * ntt::twiddle(twiddles, 1, e);
        const bb4_t* g = layer + q * k;
        if (k == 2) {
            const bb4_t a = g[0], b = g[1];
            out[q] = ((a + b) + (a - b) * (beta * y_inv)) * arity_inv;
            continue;
        }
        bb4_t vals[16];
        for (uint32_t r = 0; r < k; ++r)
            vals[reverse_bits(r, log_arity)] = g[r];
        const bb4_t beta_over_y = beta * y_inv;
        bb4_t acc = bb4_t::zero(), weight = bb4_t::one();
        for (uint32_t i = 0; i < k; ++i) {
            // ε^{-i}: ε = ω_{2^a}, read from the inverse twiddle table.
            const bb_t step =
                ntt::twiddle(twiddles, 1, (i << (ntt::MAX_LOG_N - log_arity)) & ((1u << ntt::MAX_LOG_N) - 1));
            bb4_t c = bb4_t::zero();
            bb_t w = bb_t::one();
            for (uint32_t e2 = 0; e2 < k; ++e2) {
                c += vals[e2] * w;
                w *= step;
            }
            acc += weight * c;
            weight *= beta_over_y;
        }
        out[q] = acc * arity_inv;
    }
}

// The commitment layout of a FRI layer: row q holds the group's 2^a values, 4 words each:
// out[(r·4 + k)·G + q] = layer[q·2^a + r].c[k], G = N/2^a.
__global__ void fri_layer_matrix_kernel(const bb4_t* __restrict__ layer, uint32_t log_size, uint32_t log_arity,
                                        uint32_t* __restrict__ out) {
    const uint64_t size = 1ull << log_size;
    const uint64_t groups = size >> log_arity;
    for (uint64_t p = blockIdx.x * static_cast<uint64_t>(blockDim.x) + threadIdx.x; p < size;
         p += static_cast<uint64_t>(gridDim.x) * blockDim.x) {
        const uint64_t q = p >> log_arity, r = p & ((1ull << log_arity) - 1);
        const bb4_t v = layer[p];
        for (int k = 0; k < 4; ++k)
            out[(r * 4 + k) * groups + q] = v.c[k].v;
    }
}

// acc[i] ← acc[i] + coeff·x[i] over n extension elements (FRI rolls a shorter input into
// the folded layer of its size).
__global__ void ext_add_scaled_kernel(bb4_t* __restrict__ acc, bb4_t coeff, const bb4_t* __restrict__ x, uint64_t n) {
    for (uint64_t i = blockIdx.x * static_cast<uint64_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<uint64_t>(gridDim.x) * blockDim.x)
        acc[i] = acc[i] + coeff * x[i];
}

}  // namespace stark
}  // namespace kiln
