// Radix-2 NTT over multi-limb prime fields (the scalar fields of BN254 and BLS12-381):
// DIF passes over tiles in shared memory, then a bit-reversal permutation, so both input
// and output are in natural order (ark-poly's Radix2EvaluationDomain convention).
//
// Index conventions as in ntt/ntt.cuh: stage j pairs i and i + 2^j; a DIF stage maps
// (x, y) to (x + y, (x − y)·ω_{2^(j+1)}^t) with t = i mod 2^j, and stages run from the top
// bit down. A pass holds the stages of bits [s, s+k) of a tile of 2^k rows by
// T = 2^log_t consecutive low indices.
//
// Twiddles come from one table per transform size: tw[e] = ω_n^e for e < n/2. Stage j
// needs ω_{2^(j+1)}^t = ω_n^(t·2^(log_n−1−j)); the inverse transform uses
// ω_n^{−e} = −ω_n^{n/2−e} from the same table (ω_n^{n/2} = −1).
#pragma once

#include "ff/mont.cuh"

namespace kiln {
namespace big_ntt {

// Largest tile: 2^9 elements of 32 bytes = 16 KiB of shared memory, 256 threads.
constexpr uint32_t TILE_LOG_MAX = 9;
// Passes above bit 0 keep at least 2^2 consecutive elements (128 bytes) per tile row.
constexpr uint32_t MIN_LOG_T = 2;
constexpr uint32_t MAX_THREADS = 256;

struct PassParams {
    uint32_t log_n;
    uint32_t s;        // lowest bit of the pass
    uint32_t k;        // stages in this pass
    uint32_t log_t;    // log2 of consecutive low indices per tile
    uint32_t inverse;  // use ω^{-1}
};

__host__ __device__ __forceinline__ uint64_t tile_index(const PassParams& p, uint64_t tile, uint32_t m, uint32_t l) {
    const uint32_t lo_tiles_log = p.s - p.log_t;
    const uint64_t lo_base = (tile & ((1ull << lo_tiles_log) - 1)) << p.log_t;
    const uint64_t hi = tile >> lo_tiles_log;
    return (hi << (p.s + p.k)) | (static_cast<uint64_t>(m) << p.s) | (lo_base + l);
}

// ω_n^e (forward) or ω_n^{−e} (inverse) for e < n/2.
template <class F>
__host__ __device__ __forceinline__ F twiddle(const F* tw, uint32_t log_n, uint32_t inverse, uint64_t e) {
    if (!inverse) return tw[e];
    if (e == 0) return F::one();
    return -tw[(1ull << (log_n - 1)) - e];
}

template <class F>
__global__ void __launch_bounds__(MAX_THREADS) dif_pass_kernel(F* data, PassParams p, const F* tw) {
    KILN_DYNAMIC_SMEM(F, tile_mem);
    const uint32_t tile_log = p.k + p.log_t;
    const uint32_t tile_len = 1u << tile_log;
    const uint32_t t_mask = (1u << p.log_t) - 1;
    const uint64_t tile = blockIdx.x;
    const uint64_t lo_base = (tile & ((1ull << (p.s - p.log_t)) - 1)) << p.log_t;

    for (uint32_t e = threadIdx.x; e < tile_len; e += blockDim.x)
        tile_mem[e] = data[tile_index(p, tile, e >> p.log_t, e & t_mask)];

    const uint32_t half = tile_len >> 1;
    for (uint32_t step = 0; step < p.k; ++step) {
        const uint32_t b = p.k - 1 - step;  // local bit of this stage
        const uint32_t j = p.s + b;         // global stage
        __syncthreads();
        for (uint32_t bf = threadIdx.x; bf < half; bf += blockDim.x) {
            const uint32_t l = bf & t_mask;
            const uint32_t q = bf >> p.log_t;
            const uint32_t low = q & ((1u << b) - 1);
            const uint32_t m0 = ((q >> b) << (b + 1)) | low;
            const uint32_t i0 = (m0 << p.log_t) | l;
            const uint32_t i1 = i0 + (1u << (b + p.log_t));
            const uint64_t t = (static_cast<uint64_t>(low) << p.s) | (lo_base + l);
            const F w = twiddle(tw, p.log_n, p.inverse, t << (p.log_n - 1 - j));
            const F x = tile_mem[i0], y = tile_mem[i1];
            tile_mem[i0] = x + y;
            tile_mem[i1] = (x - y) * w;
        }
    }
    __syncthreads();

    for (uint32_t e = threadIdx.x; e < tile_len; e += blockDim.x)
        data[tile_index(p, tile, e >> p.log_t, e & t_mask)] = tile_mem[e];
}

__host__ __device__ __forceinline__ uint64_t bit_reverse64(uint64_t x, uint32_t log_n) {
    if (log_n == 0) return 0;
#ifdef __CUDA_ARCH__
    return __brevll(x) >> (64 - log_n);
#else
    uint64_t r = 0;
    for (uint32_t i = 0; i < log_n; ++i)
        r |= ((x >> i) & 1u) << (log_n - 1 - i);
    return r;
#endif
}

template <class F>
__global__ void bit_reverse_kernel(F* data, uint32_t log_n) {
    const uint64_t n = 1ull << log_n;
    for (uint64_t i = blockIdx.x * static_cast<uint64_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<uint64_t>(gridDim.x) * blockDim.x) {
        const uint64_t r = bit_reverse64(i, log_n);
        if (i < r) {
            const F a = data[i];
            data[i] = data[r];
            data[r] = a;
        }
    }
}

// out[i] = lo[i mod 2^log_lo] · hi[i >> log_lo] for i < count: powers c·h^i from two short
// tables (lo[j] = h^j, hi[j] = c·h^(j·2^log_lo)).
template <class F>
__global__ void powers_kernel(F* out, uint64_t count, const F* lo, const F* hi, uint32_t log_lo) {
    const uint64_t mask = (1ull << log_lo) - 1;
    for (uint64_t i = blockIdx.x * static_cast<uint64_t>(blockDim.x) + threadIdx.x; i < count;
         i += static_cast<uint64_t>(gridDim.x) * blockDim.x)
        out[i] = lo[i & mask] * hi[i >> log_lo];
}

// data[i] *= lo[i mod 2^log_lo] · hi[i >> log_lo]: coset shifts and the 1/n of the inverse.
template <class F>
__global__ void scale_powers_kernel(F* data, uint64_t count, const F* lo, const F* hi, uint32_t log_lo) {
    const uint64_t mask = (1ull << log_lo) - 1;
    for (uint64_t i = blockIdx.x * static_cast<uint64_t>(blockDim.x) + threadIdx.x; i < count;
         i += static_cast<uint64_t>(gridDim.x) * blockDim.x)
        data[i] = data[i] * (lo[i & mask] * hi[i >> log_lo]);
}

}  // namespace big_ntt
}  // namespace kiln
