// Batched radix-2 NTT over BabyBear: multi-pass, each pass runs up to TILE_LOG_MAX
// butterfly stages of a tile held in shared memory, twiddles read from device tables.
//
// Index conventions. A column has n = 2^log_n elements. Stage j (0 ≤ j < log_n) pairs
// indices i and i + 2^j that agree on every other bit; its twiddle is ω_{2^(j+1)}^t with
// t = i mod 2^j. DIF (Gentleman–Sande) runs j = log_n−1 … 0 and maps natural order to
// bit-reversed order; DIT (Cooley–Tukey) runs j = 0 … log_n−1 and maps bit-reversed order
// to natural order. A pass covers the stages of bits [s, s+k): a tile holds 2^k "rows"
// (the values of those bits) for T = 2^log_t consecutive values of the bits below s, so
// global loads and stores run over T consecutive words.
#pragma once

#include "ff/babybear.cuh"
#include "ntt/twiddles.cuh"

namespace kiln {
namespace ntt {

// Largest tile: 2^12 words = 16 KiB of shared memory.
constexpr uint32_t TILE_LOG_MAX = 12;
// Passes below the top keep at least 2^4 consecutive words per row (64-byte segments).
constexpr uint32_t MIN_LOG_T = 4;
constexpr uint32_t MAX_THREADS = 256;

struct PassParams {
    uint32_t log_n;       // column length
    uint64_t col_stride;  // words between consecutive columns
    uint32_t s;           // lowest bit of the pass
    uint32_t k;           // stages in this pass
    uint32_t log_t;       // log2 of consecutive low indices per tile
    uint32_t inverse;     // use inverse twiddles
    bb_t scale;           // multiplies every output (1 unless this is an inverse's last pass)
};

// Position of tile element (m, l) in its column.
__host__ __device__ __forceinline__ uint64_t tile_index(const PassParams& p, uint64_t tile, uint32_t m, uint32_t l) {
    uint32_t lo_tiles_log = p.s - p.log_t;
    uint64_t lo_base = (tile & ((1ull << lo_tiles_log) - 1)) << p.log_t;
    uint64_t hi = tile >> lo_tiles_log;
    return (hi << (p.s + p.k)) | (static_cast<uint64_t>(m) << p.s) | (lo_base + l);
}

template <bool DIT>
__global__ void __launch_bounds__(MAX_THREADS) ntt_pass_kernel(uint32_t* data, PassParams p, const uint32_t* twiddles) {
    KILN_DYNAMIC_SMEM(bb_t, tile_mem);
    const uint32_t tile_log = p.k + p.log_t;
    const uint32_t tile_len = 1u << tile_log;
    const uint32_t T_mask = (1u << p.log_t) - 1;
    const uint32_t tiles_per_col_log = p.log_n - tile_log;
    const uint64_t block = blockIdx.x;
    const uint64_t col = block >> tiles_per_col_log;
    const uint64_t tile = block & ((1ull << tiles_per_col_log) - 1);
    uint32_t* column = data + col * p.col_stride;
    const uint32_t lo_base = static_cast<uint32_t>((tile & ((1ull << (p.s - p.log_t)) - 1)) << p.log_t);

    for (uint32_t e = threadIdx.x; e < tile_len; e += blockDim.x) {
        uint32_t m = e >> p.log_t, l = e & T_mask;
        tile_mem[e] = bb_t(column[tile_index(p, tile, m, l)]);
    }

    const uint32_t half = tile_len >> 1;
    for (uint32_t step = 0; step < p.k; ++step) {
        const uint32_t b = DIT ? step : p.k - 1 - step;  // local bit of this stage
        const uint32_t j = p.s + b;                      // global stage
        __syncthreads();
        for (uint32_t bf = threadIdx.x; bf < half; bf += blockDim.x) {
            uint32_t l = bf & T_mask;
            uint32_t q = bf >> p.log_t;
            uint32_t low = q & ((1u << b) - 1);
            uint32_t m0 = ((q >> b) << (b + 1)) | low;
            uint32_t i0 = (m0 << p.log_t) | l;
            uint32_t i1 = i0 + (1u << (b + p.log_t));
            // t = (global index) mod 2^j, expressed in the 2^27-th root: ω^(t · 2^(26−j)).
            uint32_t t = (low << p.s) | (lo_base + l);
            bb_t w = twiddle(twiddles, p.inverse, t << (26 - j));
            bb_t x = tile_mem[i0], y = tile_mem[i1];
            if (DIT) {
                y = y * w;
                tile_mem[i0] = x + y;
                tile_mem[i1] = x - y;
            } else {
                tile_mem[i0] = x + y;
                tile_mem[i1] = (x - y) * w;
            }
        }
    }
    __syncthreads();

    for (uint32_t e = threadIdx.x; e < tile_len; e += blockDim.x) {
        uint32_t m = e >> p.log_t, l = e & T_mask;
        column[tile_index(p, tile, m, l)] = (tile_mem[e] * p.scale).v;
    }
}

__host__ __device__ __forceinline__ uint32_t bit_reverse(uint32_t x, uint32_t log_n) {
    if (log_n == 0) return 0;
#ifdef __CUDA_ARCH__
    return __brev(x) >> (32 - log_n);
#else
    uint32_t r = 0;
    for (uint32_t i = 0; i < log_n; ++i)
        r |= ((x >> i) & 1u) << (log_n - 1 - i);
    return r;
#endif
}

// In-place bit reversal of each column (grid-stride over all elements of all columns).
__global__ void bit_reverse_kernel(uint32_t* data, uint32_t log_n, uint64_t col_stride, uint32_t batch) {
    const uint64_t n = 1ull << log_n;
    const uint64_t total = n * batch;
    for (uint64_t g = blockIdx.x * static_cast<uint64_t>(blockDim.x) + threadIdx.x; g < total;
         g += static_cast<uint64_t>(gridDim.x) * blockDim.x) {
        uint64_t c = g >> log_n;
        uint32_t i = static_cast<uint32_t>(g & (n - 1));
        uint32_t r = bit_reverse(i, log_n);
        if (i < r) {
            uint32_t* col = data + c * col_stride;
            uint32_t a = col[i];
            col[i] = col[r];
            col[r] = a;
        }
    }
}

// out[c·n + rev(i)] = in[c·n + i]: the bit-reversed copy that feeds a DIT inverse.
__global__ void bit_reverse_copy_kernel(const uint32_t* in, uint32_t* out, uint32_t log_n, uint32_t batch) {
    const uint64_t n = 1ull << log_n;
    const uint64_t total = n * batch;
    for (uint64_t g = blockIdx.x * static_cast<uint64_t>(blockDim.x) + threadIdx.x; g < total;
         g += static_cast<uint64_t>(gridDim.x) * blockDim.x) {
        uint64_t c = g >> log_n;
        uint32_t i = static_cast<uint32_t>(g & (n - 1));
        out[c * n + bit_reverse(i, log_n)] = in[g];
    }
}

// pw[i] = shift^i / n for i < n: the coset factors of an LDE, shared by every column.
__global__ void coset_powers_kernel(uint32_t* pw, uint32_t log_n, bb_t shift, bb_t inv_n) {
    const uint64_t n = 1ull << log_n;
    for (uint64_t i = blockIdx.x * static_cast<uint64_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<uint64_t>(gridDim.x) * blockDim.x) {
        pw[i] = (shift.pow(i) * inv_n).v;
    }
}

// LDE spread for bit-reversed output. With N = n·2^b, the bit-reversed evaluations over
// shift·⟨ω_N⟩ split into 2^b blocks of n: block r holds the bit-reversed size-n NTT of
// c_i·(shift·ω_N^{rev_b(r)})^i. This writes those inputs, column c's block r at
// (c·2^b + r)·n, so a DIF over batch·2^b columns of n finishes the LDE.
__global__ void lde_spread_bitrev_kernel(const uint32_t* coeffs, const uint32_t* pw, uint32_t* out, uint32_t log_n,
                                         uint32_t log_blowup, uint32_t batch, const uint32_t* twiddles) {
    const uint32_t log_big = log_n + log_blowup;
    const uint64_t n = 1ull << log_n;
    const uint64_t total = (static_cast<uint64_t>(batch) << log_big);
    for (uint64_t g = blockIdx.x * static_cast<uint64_t>(blockDim.x) + threadIdx.x; g < total;
         g += static_cast<uint64_t>(gridDim.x) * blockDim.x) {
        uint64_t c = g >> log_big;
        uint32_t r = static_cast<uint32_t>((g >> log_n) & ((1ull << log_blowup) - 1));
        uint32_t i = static_cast<uint32_t>(g & (n - 1));
        // (ω_N^{rev_b(r)})^i = ω^{(rev_b(r)·i mod N)·2^(27−log_big)}
        uint64_t e = (static_cast<uint64_t>(bit_reverse(r, log_blowup)) * i) & ((1ull << log_big) - 1);
        bb_t w = twiddle(twiddles, 0, static_cast<uint32_t>(e << (MAX_LOG_N - log_big)));
        out[g] = (bb_t(coeffs[c * n + i]) * bb_t(pw[i]) * w).v;
    }
}

// LDE spread for natural output: coefficient i, scaled, is broadcast to the 2^b positions
// starting at rev_n(i)·2^b. That is the state a DIT over N from bit-reversed, zero-padded
// coefficients reaches after its first b stages (each pairs a value with a zero), so the
// DIT continues from stage b.
__global__ void lde_spread_natural_kernel(const uint32_t* coeffs, const uint32_t* pw, uint32_t* out, uint32_t log_n,
                                          uint32_t log_blowup, uint32_t batch) {
    const uint32_t log_big = log_n + log_blowup;
    const uint64_t n = 1ull << log_n;
    const uint64_t total = (static_cast<uint64_t>(batch) << log_big);
    for (uint64_t g = blockIdx.x * static_cast<uint64_t>(blockDim.x) + threadIdx.x; g < total;
         g += static_cast<uint64_t>(gridDim.x) * blockDim.x) {
        uint64_t c = g >> log_big;
        uint32_t p = static_cast<uint32_t>((g & ((1ull << log_big) - 1)) >> log_blowup);
        uint32_t i = bit_reverse(p, log_n);
        out[g] = (bb_t(coeffs[c * n + i]) * bb_t(pw[i])).v;
    }
}

}  // namespace ntt
}  // namespace kiln
