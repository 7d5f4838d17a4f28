// Merkle commitments to column-major matrices on the device (kiln-hash's MerkleTreeMmcs,
// Plonky3's MerkleTreeMmcs with the padding-free sponge and truncated-permutation
// compression, arity 2, no cap).
//
// Tree. With the tallest height 2^K: layer 0 node i = H(row i of every matrix of height
// 2^K, in commit order); layer l node j = C(layer_{l−1}[2j], layer_{l−1}[2j+1]), and where
// matrices of height 2^(K−l) exist, C(that, H(row j of those matrices)). Layer l is its own
// buffer of 2^(K−l) digests, 8 words each (TreeParams::layers[l]).
//
// Kernels:
// * subtree_kernel: a block of T threads takes T consecutive nodes of one layer (on layer
//   0 it first hashes T consecutive rows into them) and compresses them `levels` layers up
//   through shared memory, storing every layer it computes; shorter matrices are hashed
//   and injected on the way. One launch per `levels` layers; the launcher picks T and
//   `levels` so that every level but the top of the tree keeps whole warps busy.
// * open_kernel: gathers the rows and sibling digests of query indices into one buffer.
//
// Every thread runs its permutations from one call site (a loop over steps, see
// node_steps), so each kernel holds one inlined copy of the permutation.
#pragma once

#include "hash/poseidon2.cuh"

namespace kiln {
namespace merkle {

constexpr uint32_t DIGEST = poseidon2::DIGEST_ELEMS;  // 8
constexpr uint32_t RATE = poseidon2::RATE;            // 8
constexpr uint32_t WIDTH = 16;
// Largest log2 height of a committed matrix (digest offsets and node indices stay in
// 64-bit arithmetic; this bounds the number of layers).
constexpr uint32_t MAX_LOG_HEIGHT = 30;
constexpr uint32_t MAX_LAYERS = MAX_LOG_HEIGHT + 1;
// Threads of a subtree block (a power of two ≥ 32).
constexpr uint32_t SUBTREE_THREADS = 256;
// Blocks per SM the register allocation must allow (at most 85 registers a thread).
// ptxas (nvcc 13.0, sm_90) uses 72 without a bound here, 3 blocks of 256 per SM; the bound
// keeps a later change from silently dropping to 2.
constexpr uint32_t SUBTREE_BLOCKS_PER_SM = 3;

// The matrices of one height, in commit order: `count` descriptors in device memory and
// their total width. count = 0 means no matrix has that height.
struct Group {
    const kiln_matrix* matrices;
    uint32_t count;
    uint32_t width;
};

// Passed by value (31·8 + 4 + 31·16 bytes, well under the 4 KB parameter limit).
struct TreeParams {
    uint32_t* layers[MAX_LAYERS];  // layers[l]: 2^(K−l) digests, for l ≤ K
    uint32_t log_max_height;       // K
    Group groups[MAX_LAYERS];      // groups[l]: the matrices of height 2^(K−l)
};

// Reads the elements of row `row` of a group, matrix after matrix, column after column.
// Every thread of a warp walks the same matrices in step, so the descriptor loads are
// uniform and the element loads of consecutive rows coalesce.
struct RowCursor {
    const kiln_matrix* matrices;
    const uint32_t* col;  // the next element
    uint64_t row;
    uint64_t height;
    uint32_t left_in_matrix;

    __device__ __forceinline__ RowCursor(const Group& g, uint64_t row_, uint64_t height_)
        : matrices(g.matrices), col(nullptr), row(row_), height(height_), left_in_matrix(0) {}

    // The next element; the caller never reads past the group's total width.
    __device__ __forceinline__ uint32_t next() {
        while (left_in_matrix == 0) {
            const kiln_matrix m = *matrices++;
            col = m.data + row;
            left_in_matrix = m.width;
        }
        uint32_t x = *col;
        col += height;
        --left_in_matrix;
        return x;
    }
};

// What one thread computes for one node, as a sequence of permutations of the state s:
//   PAIR   s = left ‖ right; after it, node = s[0..8] and s = 0 (a fresh sponge)
//   CHUNK  s[0..n) = the next n ≤ 8 row elements (overwrite mode)
//   JOIN   s = node ‖ s[0..8] (the row digest); after it, node = s[0..8]
// A leaf is CHUNK…; an inner node PAIR, then CHUNK… JOIN where matrices are injected.
// A leaf with no row elements is the zero digest, and so is an empty injected row.
template <bool UNROLL_ROUNDS>
__device__ __forceinline__ void node_steps(uint32_t (&node)[DIGEST], bool pair, const Group& g, uint64_t row,
                                           uint64_t height, const uint32_t (&left)[DIGEST],
                                           const uint32_t (&right)[DIGEST]) {
    uint32_t s[WIDTH];
    KILN_P2_UNROLL
    for (int i = 0; i < int(WIDTH); ++i)
        s[i] = 0;
    const bool sponge = g.count != 0;
    const uint32_t chunks = sponge ? (g.width + RATE - 1) / RATE : 0;
    const uint32_t steps = (pair ? 1 : 0) + chunks + (pair && sponge ? 1 : 0);
    RowCursor cursor(g, row, height);
    uint32_t remaining = g.width;
    for (uint32_t step = 0; step < steps; ++step) {
        const bool is_pair = pair && step == 0;
        const bool is_join = pair && sponge && step == steps - 1;
        if (is_pair) {
            KILN_P2_UNROLL
            for (int i = 0; i < int(DIGEST); ++i) {
                s[i] = left[i];
                s[i + DIGEST] = right[i];
            }
        } else if (is_join) {
            KILN_P2_UNROLL
            for (int i = 0; i < int(DIGEST); ++i) {
                s[i + DIGEST] = s[i];
                s[i] = node[i];
            }
        } else {
            KILN_P2_UNROLL
            for (int i = 0; i < int(RATE); ++i)
                if (uint32_t(i) < remaining) s[i] = cursor.next();
            remaining = remaining > RATE ? remaining - RATE : 0;
        }
        poseidon2::permute<WIDTH, UNROLL_ROUNDS>(s);
        if (is_pair || is_join) {
            KILN_P2_UNROLL
            for (int i = 0; i < int(DIGEST); ++i)
                node[i] = s[i];
        }
        if (is_pair) {
            KILN_P2_UNROLL
            for (int i = 0; i < int(WIDTH); ++i)
                s[i] = 0;
        }
    }
    if (!pair) {
        KILN_P2_UNROLL
        for (int i = 0; i < int(DIGEST); ++i)
            node[i] = s[i];
    }
}

// A block of blockDim.x = T threads (a power of two) takes nodes [b·T, (b+1)·T) of layer
// `layer` and computes `levels` layers above them (T >> levels ≥ 1 nodes of layer
// layer + levels). On layer 0 it first hashes the rows into those nodes.
//
// Shared memory: two ping-pong tiles of T digests, word-major (word w of node t at
// w·T + t), so that reading children 2t and 2t+1 is a stride-2 access (2-way bank
// conflicts at most).
template <bool UNROLL_ROUNDS>
__global__ void __launch_bounds__(SUBTREE_THREADS, SUBTREE_BLOCKS_PER_SM)
    subtree_kernel(TreeParams p, uint32_t layer, uint32_t levels) {
    __shared__ uint32_t tiles[2][DIGEST * SUBTREE_THREADS];
    const uint32_t T = blockDim.x;
    const uint32_t t = threadIdx.x;
    const uint32_t K = p.log_max_height;
    const uint64_t first = static_cast<uint64_t>(blockIdx.x) * T;

    // Level j = 0 is the block's own layer: hashed from the rows on layer 0, else loaded.
    // Levels j ≥ 1 compress the tile of level j − 1. One node_steps call site for both.
    uint32_t node[DIGEST] = {0, 0, 0, 0, 0, 0, 0, 0};  // written before read; GCC cannot see it
    for (uint32_t j = 0; j <= levels; ++j) {
        if (j > 0) __syncthreads();
        const uint32_t n = T >> j;
        const uint32_t l = layer + j;
        const uint64_t i = (first >> j) + t;
        uint32_t* dst = tiles[j & 1];
        if (t < n) {
            if (j == 0 && layer != 0) {
                const uint32_t* in = p.layers[layer] + i * DIGEST;
                KILN_P2_UNROLL
                for (int w = 0; w < int(DIGEST); ++w)
                    node[w] = in[w];
            } else {
                const bool pair = j > 0;
                uint32_t left[DIGEST], right[DIGEST];
                const uint32_t* src = tiles[(j + 1) & 1];
                KILN_P2_UNROLL
                for (int w = 0; w < int(DIGEST); ++w) {
                    left[w] = pair ? src[w * T + 2 * t] : 0;
                    right[w] = pair ? src[w * T + 2 * t + 1] : 0;
                }
                node_steps<UNROLL_ROUNDS>(node, pair, p.groups[l], i, 1ull << (K - l), left, right);
                uint32_t* out = p.layers[l] + i * DIGEST;
                KILN_P2_UNROLL
                for (int w = 0; w < int(DIGEST); ++w)
                    out[w] = node[w];
            }
            KILN_P2_UNROLL
            for (int w = 0; w < int(DIGEST); ++w)
                dst[w * T + t] = node[w];
        }
    }
}

// Openings. A record per query: the query's row of every matrix (commit order, row
// index >> (K − log_height) of each), then K sibling digests, layer 0 first:
// layer l's node (index >> l) ^ 1. `offsets[m]` is where matrix m's row starts in a record;
// the siblings start at offsets[count]. Block (m, q) for m ≤ count copies matrix m's part
// (m = count: the siblings) of query q's record. `layers` is a device array of the K
// layer pointers below the root.
__global__ void open_kernel(const kiln_matrix* matrices, const uint32_t* offsets, uint32_t count,
                            const uint32_t* const* layers, uint32_t log_max_height, const uint32_t* indices,
                            uint32_t queries, uint32_t record, uint32_t* out) {
    const uint64_t tasks = static_cast<uint64_t>(count + 1) * queries;
    for (uint64_t task = blockIdx.x; task < tasks; task += gridDim.x) {
        const uint32_t q = static_cast<uint32_t>(task / (count + 1));
        const uint32_t m = static_cast<uint32_t>(task % (count + 1));
        const uint64_t index = indices[q];
        uint32_t* dst = out + static_cast<uint64_t>(q) * record + offsets[m];
        if (m < count) {
            const kiln_matrix mat = matrices[m];
            const uint64_t row = index >> (log_max_height - mat.log_height);
            const uint64_t height = 1ull << mat.log_height;
            for (uint32_t c = threadIdx.x; c < mat.width; c += blockDim.x)
                dst[c] = mat.data[c * height + row];
        } else {
            for (uint32_t e = threadIdx.x; e < log_max_height * DIGEST; e += blockDim.x) {
                const uint32_t l = e / DIGEST, w = e % DIGEST;
                const uint64_t sibling = (index >> l) ^ 1;
                dst[e] = layers[l][sibling * DIGEST + w];
            }
        }
    }
}

// Batched permutations: states[i·W .. (i+1)·W) for i < count, in place.
template <int W, bool UNROLL_ROUNDS>
__global__ void __launch_bounds__(256) permute_kernel(uint32_t* states, uint64_t count) {
    for (uint64_t i = blockIdx.x * static_cast<uint64_t>(blockDim.x) + threadIdx.x; i < count;
         i += static_cast<uint64_t>(gridDim.x) * blockDim.x) {
        uint32_t s[W];
        uint32_t* state = states + i * W;
        KILN_P2_UNROLL
        for (int k = 0; k < W; ++k)
            s[k] = state[k];
        poseidon2::permute<W, UNROLL_ROUNDS>(s);
        KILN_P2_UNROLL
        for (int k = 0; k < W; ++k)
            state[k] = s[k];
    }
}

}  // namespace merkle
}  // namespace kiln
