/* kiln: the C ABI of the kernel library.
 *
 * Every function returns a kiln_status: code 0 is success; codes below 1000 are CUDA
 * runtime errors (cudaError_t); KILN_* codes are kiln's own. `message` is a static
 * string, never to be freed. Pointers named `d_*` are device pointers; `stream` is a
 * cudaStream_t (CUstream). Work is enqueued on `stream` and may still be running when
 * the function returns; no function synchronises unless it says so.
 *
 * Field elements are BabyBear in Montgomery form (R = 2^32), one uint32_t each, always
 * fully reduced (< p) on input and output.
 *
 * Matrix layout ("batch of columns"): a batch of `batch` columns of n = 2^log_n elements
 * is stored column after column: element (row r, column c) at index c·n + r.
 */
#ifndef KILN_H
#define KILN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kiln_status {
    int32_t code;
    const char* message;
} kiln_status;

#define KILN_INVALID_ARGUMENT 1000

/* ---- NTT over BabyBear (kernels/ntt) --------------------------------------------
 * Twiddle tables: kiln_ntt_twiddles_len() words, produced on the host by the Rust
 * crate (`kiln::ntt::twiddle_tables`) and uploaded once per device: the powers of the
 * 2^27-th root of unity w, split as w^e = lo[e mod 2^12] · hi[e >> 12] (both forward
 * and inverse tables, see ntt/twiddles.cuh). */
uint32_t kiln_ntt_twiddles_len(void);

/* In-place forward or inverse NTT of each column.
 *   inverse: 0 forward (evaluations at w_n^i from coefficients), 1 inverse (scaled by 1/n)
 *   input_bitrev / output_bitrev: whether the input / output is in bit-reversed order
 * log_n ≤ 27. */
kiln_status kiln_ntt_batch(uint32_t* d_data, uint32_t log_n, uint32_t batch, uint32_t inverse, uint32_t input_bitrev,
                           uint32_t output_bitrev, const uint32_t* d_twiddles, void* stream);

/* Low-degree extension of each column: d_in holds evaluations over the subgroup of
 * order n (natural order); d_out (batch · n·2^log_blowup words, may not alias d_in)
 * receives the evaluations over the coset shift·H' of the subgroup H' of order
 * n·2^log_blowup, in natural or bit-reversed order. `shift` is in Montgomery form. */
kiln_status kiln_coset_lde_batch(const uint32_t* d_in, uint32_t* d_out, uint32_t log_n, uint32_t batch,
                                 uint32_t log_blowup, uint32_t shift, uint32_t output_bitrev,
                                 const uint32_t* d_twiddles, void* stream);

/* Bit-reversal permutation of each column, in place. */
kiln_status kiln_bit_reverse_batch(uint32_t* d_data, uint32_t log_n, uint32_t batch, void* stream);

/* ---- Poseidon2 and Merkle commitments over BabyBear (kernels/hash, kernels/merkle) ----
 * Poseidon2: Plonky3 0.8's default BabyBear instances, width 16 (13 partial rounds) and
 * width 24 (21), S-box x^7, 8 full rounds. Sponge: width 16, rate 8, overwrite mode, no
 * padding, digest = the first 8 words (the empty input hashes to zero). Compression:
 * C(l, r) = the first 8 words of Poseidon2-16(l ‖ r). All bit for bit kiln-hash's.
 *
 * A matrix is a kiln_matrix: `width` columns of 2^log_height words, column after column,
 * at device address `data` (element (r, c) at data[c·2^log_height + r]), the layout the
 * NTT and LDE produce. Arrays of kiln_matrix are host arrays: the launchers copy what the
 * kernels need into stream-ordered device scratch, a copy from pageable memory, so the
 * calling thread waits for the stream's earlier work before these functions return.
 *
 * Digest layers of a tree whose tallest matrices have 2^K rows: K+1 layers in one buffer
 * of (2^(K+1) − 1)·8 words, layer l (2^(K−l) digests, 8 words each) at digest offset
 * 2^(K+1) − 2^(K+1−l). Layer 0 holds the row digests of the tallest matrices; layer l node
 * j is C(layer_{l−1}[2j], layer_{l−1}[2j+1]), then C(that, H(row j of the matrices of
 * height 2^(K−l))) where such matrices exist; layer K is the root. */
typedef struct kiln_matrix {
    const uint32_t* data;
    uint32_t width;
    uint32_t log_height;
} kiln_matrix;

#define KILN_MERKLE_MAX_LOG_HEIGHT 30

/* Poseidon2 of `count` states of `width` (16 or 24) words each, stored one after another,
 * in place. */
kiln_status kiln_poseidon2_permute(uint32_t* d_states, uint64_t count, uint32_t width, void* stream);

/* The digest of every row of the concatenation of `count` ≥ 1 matrices of one height (row
 * r: row r of the first matrix, then of the second, ...): 2^log_height digests of 8 words
 * into d_digests. */
kiln_status kiln_merkle_hash_rows(const kiln_matrix* matrices, uint32_t count, uint32_t* d_digests, void* stream);

/* Layers 1..K of a tree from its layer 0, `d_leaves` (2^K digests, copied into layer 0 of
 * d_layers unless it is that address), injecting the rows of `injected` matrices (each
 * shorter than 2^K; those of one height are hashed together, in the order given). */
kiln_status kiln_merkle_build_layers(const uint32_t* d_leaves, uint32_t log_max_height, const kiln_matrix* injected,
                                     uint32_t count, uint32_t* d_layers, void* stream);

/* The tree of `count` ≥ 1 matrices in commit order (heights powers of two, in any order):
 * every digest layer into d_layers, and a copy of the root into d_root (8 words; may be
 * null). Leaf hashing and the lowest layers run fused in one kernel. */
kiln_status kiln_merkle_commit(const kiln_matrix* matrices, uint32_t count, uint32_t* d_layers, uint32_t* d_root,
                               void* stream);

/* Openings of the host array `indices` (each below 2^K) of the tree that
 * kiln_merkle_commit built from the same matrices: per query a record of
 * (Σ widths + 8K) words into d_out, records one after another: the query's row of each
 * matrix in commit order (row index >> (K − log_height)), then the K sibling digests,
 * layer 0 first (layer l's node (index >> l) ^ 1). */
kiln_status kiln_merkle_open(const kiln_matrix* matrices, uint32_t count, const uint32_t* d_layers,
                             const uint32_t* indices, uint32_t queries, uint32_t* d_out, void* stream);

#ifdef __cplusplus
}
#endif

#endif /* KILN_H */
