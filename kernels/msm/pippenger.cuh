// Multi-scalar multiplication Σ s_i·P_i over G1 (Pippenger's bucket method), every step
// on the device. kernels/msm/NOTES.md has the design, the cost model and what to tune.
//
// 1. Digits. Each scalar (reduced, standard form) is cut into W windows of c bits and
//    recoded into signed digits d ∈ (−2^(c−1), 2^(c−1)]: a window whose value exceeds
//    2^(c−1) becomes value − 2^c and carries one into the next window. With W·c ≥ bits+1
//    the top window never carries out. Digit d ≠ 0 of window w sends ±P_i to bucket
//    |d| − 1 of window w, global key w·B + |d| − 1 with B = 2^(c−1) buckets per window.
// 2. Sort by key: a counting sort. histogram_kernel counts keys (global atomics), an
//    exclusive scan gives each key its segment, scatter_kernel writes (key, point index
//    | sign << 31) into the segments. Order inside a segment does not matter (addition
//    is exact), so the atomics' order is free.
// 3. Bucket sums: a segmented reduction of the sorted (key, point) sequence, balanced
//    whatever the distribution of keys. Level 0 gives each thread a chunk of 2^log_chunk
//    consecutive entries; a run of one key that starts and ends inside the chunk is a
//    complete bucket and is stored; the first and the last run of each chunk may continue
//    in a neighbour and go to the next level as two (key, partial sum) entries (a chunk of
//    one run sends its sum and an infinity with the same key, so the next sequence is
//    again sorted and exactly two entries per chunk). The next level runs the same
//    reduction over the partials with full additions, until a level has a single chunk
//    and stores everything. Level lengths are computed on the device (the number of
//    non-zero digits is known only there), so the host never waits.
// 4. Bucket reduction: S_w = Σ_b (b+1)·bucket_w[b] by running sums, split into segments so
//    it runs in parallel. For a segment of inputs x_i (each standing for `span` buckets)
//    a thread computes acc = Σ x_i and tot = Σ (i − start)·acc_i by a running sum from the
//    top, and merges the inputs' own weighted sums u_i: u = Σ u_i + span·tot. The next
//    level treats the (acc, u) pairs as inputs with span·2^log_seg, until one segment per
//    window remains: then S_w = u + acc.
// 5. Window combination: S = Σ_w 2^(c·w)·S_w by Horner's rule, c doublings per window.
#pragma once

#include "ec/curves.cuh"

namespace kiln {
namespace msm {

constexpr uint32_t POINT_INDEX_MASK = 0x7fffffffu;
constexpr uint32_t SIGN_BIT = 0x80000000u;

// Bits [bit, bit + c) of an eight-word integer (zero above bit 255), c ≤ 24.
__host__ __device__ __forceinline__ uint32_t bits_at(const uint32_t* s, uint32_t bit, uint32_t c) {
    const uint32_t word = bit >> 5, off = bit & 31;
    if (word >= 8) return 0;
    uint64_t v = s[word];
    if (word + 1 < 8) v |= static_cast<uint64_t>(s[word + 1]) << 32;
    return static_cast<uint32_t>(v >> off) & ((1u << c) - 1);
}

// The scalar as a reduced standard-form integer: Montgomery input is converted, standard
// input (any 256-bit integer) is reduced mod r.
template <class Fr>
__host__ __device__ __forceinline__ Fr standard_scalar(const Fr& s, uint32_t montgomery) {
    return montgomery ? s.to_standard() : Fr::reduce_standard(s);
}

// Calls emit(window, bucket, negative) for every non-zero signed digit of s.
template <class Emit>
__host__ __device__ __forceinline__ void for_each_digit(const uint32_t* s, uint32_t c, uint32_t windows, Emit&& emit) {
    const uint32_t half = 1u << (c - 1);
    const uint32_t full = 1u << c;
    uint32_t carry = 0;
    for (uint32_t w = 0; w < windows; ++w) {
        const uint32_t raw = bits_at(s, w * c, c) + carry;
        uint32_t mag;
        bool neg;
        if (raw > half) {
            mag = full - raw;
            neg = true;
            carry = 1;
        } else {
            mag = raw;
            neg = false;
            carry = 0;
        }
        if (mag != 0) emit(w, mag - 1, neg);
    }
}

template <class C>
__global__ void histogram_kernel(const typename C::fr* scalars, uint64_t n, uint32_t montgomery, uint32_t c,
                                 uint32_t windows, uint32_t* counts) {
    const uint32_t buckets = 1u << (c - 1);
    for (uint64_t i = blockIdx.x * static_cast<uint64_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<uint64_t>(gridDim.x) * blockDim.x) {
        const typename C::fr s = standard_scalar(scalars[i], montgomery);
        for_each_digit(s.limb, c, windows,
                       [&](uint32_t w, uint32_t b, bool) { atomicAdd(&counts[w * buckets + b], 1u); });
    }
}

// `cursors` holds each key's segment start (the exclusive scan of the counts) and is
// advanced past every entry written.
template <class C>
__global__ void scatter_kernel(const typename C::fr* scalars, uint64_t n, uint32_t montgomery, uint32_t c,
                               uint32_t windows, uint32_t* cursors, uint32_t* keys, uint32_t* vals) {
    const uint32_t buckets = 1u << (c - 1);
    for (uint64_t i = blockIdx.x * static_cast<uint64_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<uint64_t>(gridDim.x) * blockDim.x) {
        const typename C::fr s = standard_scalar(scalars[i], montgomery);
        for_each_digit(s.limb, c, windows, [&](uint32_t w, uint32_t b, bool neg) {
            const uint32_t key = w * buckets + b;
            const uint32_t pos = atomicAdd(&cursors[key], 1u);
            keys[pos] = key;
            vals[pos] = static_cast<uint32_t>(i) | (neg ? SIGN_BIT : 0u);
        });
    }
}

// ---- exclusive scan of u32 (the counting sort's offsets) --------------------------------

constexpr uint32_t SCAN_THREADS = 256;
constexpr uint32_t SCAN_PER_THREAD = 8;
constexpr uint32_t SCAN_TILE = SCAN_THREADS * SCAN_PER_THREAD;

// Inclusive scan of one value per thread across the block; returns the thread's
// inclusive prefix and sets `total`.
__device__ __forceinline__ uint32_t block_inclusive_scan(uint32_t v, uint32_t& total) {
    __shared__ uint32_t sh[SCAN_THREADS];
    const uint32_t tid = threadIdx.x;
    sh[tid] = v;
    __syncthreads();
    for (uint32_t off = 1; off < SCAN_THREADS; off <<= 1) {
        const uint32_t add = tid >= off ? sh[tid - off] : 0u;
        __syncthreads();
        sh[tid] += add;
        __syncthreads();
    }
    const uint32_t r = sh[tid];
    total = sh[SCAN_THREADS - 1];
    __syncthreads();  // sh is reused by the next call
    return r;
}

// tile_sums[b] = Σ of tile b of `data`.
__global__ void __launch_bounds__(SCAN_THREADS)
    scan_reduce_kernel(const uint32_t* data, uint64_t len, uint32_t* tile_sums) {
    const uint64_t base = blockIdx.x * static_cast<uint64_t>(SCAN_TILE) + threadIdx.x * SCAN_PER_THREAD;
    uint32_t sum = 0;
    for (uint32_t k = 0; k < SCAN_PER_THREAD; ++k)
        if (base + k < len) sum += data[base + k];
    uint32_t total;
    block_inclusive_scan(sum, total);
    if (threadIdx.x == 0) tile_sums[blockIdx.x] = total;
}

// In place: tile_sums → their exclusive scan; *grand_total = the sum of all. One block.
__global__ void __launch_bounds__(SCAN_THREADS)
    scan_tiles_kernel(uint32_t* tile_sums, uint32_t tiles, uint32_t* grand_total) {
    uint32_t carry = 0;
    for (uint32_t base = 0; base < tiles; base += SCAN_THREADS) {
        const uint32_t i = base + threadIdx.x;
        const uint32_t v = i < tiles ? tile_sums[i] : 0u;
        uint32_t total;
        const uint32_t inc = block_inclusive_scan(v, total);
        if (i < tiles) tile_sums[i] = carry + inc - v;
        carry += total;
    }
    if (threadIdx.x == 0) *grand_total = carry;
}

// In place: data → its exclusive scan, given the scanned tile sums.
__global__ void __launch_bounds__(SCAN_THREADS)
    scan_apply_kernel(uint32_t* data, uint64_t len, const uint32_t* tile_offsets) {
    const uint64_t base = blockIdx.x * static_cast<uint64_t>(SCAN_TILE) + threadIdx.x * SCAN_PER_THREAD;
    uint32_t v[SCAN_PER_THREAD];
    uint32_t sum = 0;
    for (uint32_t k = 0; k < SCAN_PER_THREAD; ++k) {
        v[k] = base + k < len ? data[base + k] : 0u;
        sum += v[k];
    }
    uint32_t total;
    uint32_t run = tile_offsets[blockIdx.x] + block_inclusive_scan(sum, total) - sum;
    for (uint32_t k = 0; k < SCAN_PER_THREAD; ++k) {
        if (base + k < len) data[base + k] = run;
        run += v[k];
    }
}

// ---- bucket sums: segmented reduction ---------------------------------------------------

// Length of the sequence after a level whose input has `len` entries.
__host__ __device__ __forceinline__ uint64_t next_level_len(uint64_t len, uint32_t log_chunk) {
    const uint64_t chunk = 1ull << log_chunk;
    if (len <= chunk) return 0;
    return 2 * ((len + chunk - 1) >> log_chunk);
}

// One level of the segmented reduction (see the file comment). Level 0 (AFFINE_IN)
// reads point indices with signs and gathers the bases; later levels read XYZZ partials.
// *len_in is the input length; thread 0 writes the next level's length to *len_out.
template <class C, bool AFFINE_IN>
__global__ void __launch_bounds__(128)
    accumulate_kernel(const uint32_t* keys, const uint32_t* vals, const typename C::xyzz* partials,
                      const typename C::affine* bases, const uint32_t* len_in, uint32_t* len_out, uint32_t log_chunk,
                      typename C::xyzz* buckets, uint32_t* out_keys, typename C::xyzz* out_partials) {
    using xyzz = typename C::xyzz;
    const uint64_t len = *len_in;
    const uint64_t chunk = blockIdx.x * static_cast<uint64_t>(blockDim.x) + threadIdx.x;
    if (chunk == 0) *len_out = static_cast<uint32_t>(next_level_len(len, log_chunk));
    const uint64_t start = chunk << log_chunk;
    if (start >= len) return;
    const uint64_t end = start + (1ull << log_chunk) < len ? start + (1ull << log_chunk) : len;
    const bool last_level = len <= (1ull << log_chunk);

    uint32_t cur = keys[start];
    xyzz acc = xyzz::inf();
    bool first_run = true;
    for (uint64_t e = start; e < end; ++e) {
        const uint32_t k = keys[e];
        if (k != cur) {
            if (first_run && !last_level) {
                out_keys[2 * chunk] = cur;
                out_partials[2 * chunk] = acc;
            } else {
                buckets[cur] = acc;  // a run that is complete inside this chunk
            }
            first_run = false;
            cur = k;
            acc = xyzz::inf();
        }
        if constexpr (AFFINE_IN) {
            const uint32_t v = vals[e];
            const typename C::affine p = bases[v & POINT_INDEX_MASK];
            acc = acc.add_affine((v & SIGN_BIT) ? p.neg() : p);
        } else {
            acc = acc.add(partials[e]);
        }
    }
    if (last_level) {
        buckets[cur] = acc;
    } else if (first_run) {  // the whole chunk is one run
        out_keys[2 * chunk] = cur;
        out_partials[2 * chunk] = acc;
        out_keys[2 * chunk + 1] = cur;
        out_partials[2 * chunk + 1] = xyzz::inf();
    } else {
        out_keys[2 * chunk + 1] = cur;
        out_partials[2 * chunk + 1] = acc;
    }
}

// ---- bucket reduction and window combination --------------------------------------------

// One level of the weighted bucket reduction (file comment, step 4): `m` inputs per window
// (acc_in, and u_in unless null), segments of 2^log_seg inputs each standing for 2^log_span
// buckets; writes ceil(m / 2^log_seg) (acc, u) pairs per window.
template <class C>
__global__ void __launch_bounds__(128)
    reduce_kernel(const typename C::xyzz* acc_in, const typename C::xyzz* u_in, uint32_t m, uint32_t windows,
                  uint32_t log_seg, uint32_t log_span, typename C::xyzz* acc_out, typename C::xyzz* u_out) {
    using xyzz = typename C::xyzz;
    const uint32_t m_out = (m + (1u << log_seg) - 1) >> log_seg;
    const uint64_t tid = blockIdx.x * static_cast<uint64_t>(blockDim.x) + threadIdx.x;
    if (tid >= static_cast<uint64_t>(m_out) * windows) return;
    const uint32_t w = static_cast<uint32_t>(tid / m_out);
    const uint32_t j = static_cast<uint32_t>(tid % m_out);
    const uint32_t lo = j << log_seg;
    const uint32_t hi = lo + (1u << log_seg) < m ? lo + (1u << log_seg) : m;
    const xyzz* xs = acc_in + static_cast<uint64_t>(w) * m;
    xyzz acc = xyzz::inf(), tot = xyzz::inf(), us = xyzz::inf();
    for (uint32_t i = hi; i-- > lo;) {
        tot = tot.add(acc);  // adds Σ_{i' > i} x_i': weight i' − lo in the end
        acc = acc.add(xs[i]);
        if (u_in) us = us.add(u_in[static_cast<uint64_t>(w) * m + i]);
    }
    for (uint32_t d = 0; d < log_span; ++d)
        tot = tot.dbl();
    acc_out[tid] = acc;
    u_out[tid] = us.add(tot);
}

// result = Σ_w 2^(c·w)·S_w with S_w = acc[w] + u[w] (u may be null: then S_w = acc[w]).
// One thread: Horner's rule, c·(W−1) doublings in sequence.
template <class C>
__global__ void combine_kernel(const typename C::xyzz* acc, const typename C::xyzz* u, uint32_t windows, uint32_t c,
                               typename C::xyzz* result) {
    using xyzz = typename C::xyzz;
    if (blockIdx.x != 0 || threadIdx.x != 0) return;
    xyzz res = xyzz::inf();
    for (uint32_t w = windows; w-- > 0;) {
        if (w + 1 < windows)
            for (uint32_t d = 0; d < c; ++d)
                res = res.dbl();
        xyzz s = acc[w];
        if (u) s = s.add(u[w]);
        res = res.add(s);
    }
    *result = res;
}

}  // namespace msm
}  // namespace kiln
