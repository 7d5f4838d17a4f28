/* kiln: the C ABI of the kernel library.
 *
 * Every function returns a kiln_status: code 0 is success; codes below 1000 are CUDA
 * runtime errors (cudaError_t); KILN_* codes are kiln's own. `message` is a static
 * string, never to be freed. Pointers named `d_*` are device pointers; `stream` is a
 * cudaStream_t (CUstream). Work is enqueued on `stream` and may still be running when
 * the function returns; no function synchronises unless it says so.
 *
 * Field elements are BabyBear in Montgomery form (R = 2^32), one uint32_t each, always
 * fully reduced (< p) on input and output; the pairing-curve section below has its own
 * fields (arkworks' layout).
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

/* BabyBear's two-adicity: NTT, LDE, quotient and FRI domains have at most
 * 2^KILN_BABYBEAR_TWO_ADICITY points. */
#define KILN_BABYBEAR_TWO_ADICITY 27
/* FRI folds by at most 2^KILN_FRI_MAX_LOG_ARITY per round. */
#define KILN_FRI_MAX_LOG_ARITY 4

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

/* ---- STARK prover (kernels/stark) ----------------------------------------------------
 * The quotient-domain prefix of a bit-reversed LDE (lde_height rows per column), in
 * natural order: d_out[c·M + j] = d_lde[c·lde_height + rev_M(j)], M = 2^log_m. */
kiln_status kiln_quotient_domain_columns(const uint32_t* d_lde, uint64_t lde_height, uint32_t log_m, uint32_t width,
                                         uint32_t* d_out, void* stream);

/* The quotient of the α-folded constraints by Z_H on the quotient domain shift·⟨ω_M⟩,
 * M = 2^(log_n + log_chunks), from natural-order columns (M rows each). The program is
 * kiln_air::ConstraintProgram's code (4 words per instruction); d_alpha_powers holds
 * α^{k−1−i} as 4 base words per constraint i; d_inv_z the 2^log_chunks values
 * 1/Z_H(shift·ω_M^i). Output: 4·2^log_chunks columns of n = 2^log_n words (chunk i's four
 * extension coefficients at position j >> log_chunks for points j ≡ i). */
kiln_status kiln_quotient_eval(const uint32_t* d_program, uint32_t instructions, uint32_t registers,
                               const uint32_t* d_main, uint32_t main_width, const uint32_t* d_pre,
                               uint32_t preprocessed_width, const uint32_t* d_publics, const uint32_t* d_alpha_powers,
                               const uint32_t* d_inv_z, uint32_t log_n, uint32_t log_chunks, uint32_t shift,
                               const uint32_t* d_twiddles, uint32_t* d_out, void* stream);

/* d_out[c] = Σ_t d_cols[c·height + t]·weights[t] for c < width: extension elements (4
 * words) from base columns and extension weights (barycentric evaluation). */
kiln_status kiln_columns_dot(const uint32_t* d_cols, uint64_t height, uint32_t width, const uint32_t* d_weights,
                             uint32_t* d_out, void* stream);

/* The batched opening polynomial over the bit-reversed LDE domain shift·⟨ω_N⟩, N = 2^log_big:
 * R(x) = Σ_g Σ_c α^k·(f_c(x) − f_c(z_g))/(x − z_g). Host arrays (groups entries): device
 * pointers to each group's matrix (height N), widths, and whether the group opens at ζω;
 * d_powers holds α^k per (group, column) in order, 4 words each; zeta4 = ζ, ζω and
 * b4 = Σ α^k f(ζ), Σ α^k f(ζω) (host, 8 words each). Output: N extension elements. */
kiln_status kiln_reduced_openings(const uint32_t* const* d_matrices, const uint32_t* widths, const uint32_t* at_next,
                                  uint32_t groups, const uint32_t* d_powers, uint32_t log_big, uint32_t shift,
                                  const uint32_t* zeta4, const uint32_t* b4, const uint32_t* d_twiddles,
                                  uint32_t* d_out, void* stream);

/* One FRI round: folds 2^log_size extension values (bit-reversed over shift·⟨ω⟩) by
 * 2^log_arity with challenge β (host, 4 words); shift_inv = 1/shift. */
kiln_status kiln_fri_fold(const uint32_t* d_layer, uint32_t log_size, uint32_t log_arity, uint32_t shift_inv,
                          const uint32_t* beta4, const uint32_t* d_twiddles, uint32_t* d_out, void* stream);

/* A FRI layer in commitment layout: 4·2^log_arity columns of 2^(log_size − log_arity)
 * rows, row q = the group's values. */
kiln_status kiln_fri_layer_matrix(const uint32_t* d_layer, uint32_t log_size, uint32_t log_arity, uint32_t* d_out,
                                  void* stream);

/* acc[i] ← acc[i] + coeff·x[i] over n extension elements (4 words each); coeff on the
 * host, 4 words. */
kiln_status kiln_ext_add_scaled(uint32_t* d_acc, const uint32_t* coeff4, const uint32_t* d_x, uint64_t n, void* stream);

/* ---- Pairing curves: G1 MSM and scalar-field NTT (kernels/msm, kernels/ntt/big.cuh) --
 * Curves: BN254 and BLS12-381. Field elements have arkworks 0.6's bytes: little-endian
 * 64-bit limbs in Montgomery form (R = 2^(64·limbs)), fully reduced. Fr has 4 limbs on
 * both curves, Fq 4 (BN254) or 6 (BLS12-381); L below is Fq's limb count.
 *   affine G1 point: x then y (2·L limbs); the point at infinity is x = y = 0.
 *   XYZZ G1 point: X, Y, ZZ, ZZZ (4·L limbs), the affine point (X/ZZ, Y/ZZZ); ZZ = 0 is
 *   the point at infinity. */
#define KILN_CURVE_BN254 0
#define KILN_CURVE_BLS12_381 1

/* The window size in bits kiln_msm chooses for n points (window_bits = 0); 0 for an
 * unknown curve. */
uint32_t kiln_msm_window_bits(uint32_t curve, uint64_t n);

/* The device scratch memory, in bytes, that kiln_msm allocates for n points. */
kiln_status kiln_msm_scratch_bytes(uint32_t curve, uint64_t n, uint32_t window_bits, uint64_t* bytes);

/* d_result (one XYZZ point) = Σ_{i<n} scalars[i]·bases[i], by Pippenger's method on the
 * device (digits, counting sort, bucket sums, bucket reduction, window combination).
 *   d_bases: n affine points. d_scalars: n scalars of 4 limbs each, in Montgomery form
 *   (scalars_montgomery = 1: arkworks' Fr) or standard form (0: any 256-bit integer,
 *   taken mod r).
 *   window_bits: 0 to choose from n (kiln_msm_window_bits), else 2..=20.
 * Allocates kiln_msm_scratch_bytes on the stream (cudaMallocAsync) and frees it. n < 2^31. */
kiln_status kiln_msm(uint32_t curve, const uint64_t* d_bases, const uint64_t* d_scalars, uint64_t n,
                     uint32_t scalars_montgomery, uint32_t window_bits, uint64_t* d_result, void* stream);

/* In-place NTT over the scalar field Fr of `curve`, natural order in and out, without
 * the 1/n of an inverse: d_data[j] ← Σ_i d_data[i]·ω^(±ij), n = 2^log_n.
 * d_twiddles: n/2 elements, ω^e for e < n/2 (ω a primitive n-th root of unity; the
 * inverse uses ω^{-1} from the same table). */
kiln_status kiln_fr_ntt(uint32_t curve, uint64_t* d_data, uint32_t log_n, uint32_t inverse, const uint64_t* d_twiddles,
                        void* stream);

/* d_out[i] = lo[i mod 2^log_lo] · hi[i >> log_lo] for i < count (Fr elements): a table of
 * powers c·h^i expanded from two short ones (lo[j] = h^j, hi[j] = c·h^(j·2^log_lo)). */
kiln_status kiln_fr_powers(uint32_t curve, uint64_t* d_out, uint64_t count, const uint64_t* d_lo, const uint64_t* d_hi,
                           uint32_t log_lo, void* stream);

/* d_data[i] ·= lo[i mod 2^log_lo] · hi[i >> log_lo] for i < count: coset shifts and the
 * 1/n of an inverse NTT. */
kiln_status kiln_fr_scale_powers(uint32_t curve, uint64_t* d_data, uint64_t count, const uint64_t* d_lo,
                                 const uint64_t* d_hi, uint32_t log_lo, void* stream);

/* Test entry points: the field and curve arithmetic, element-wise, for conformance tests
 * against arkworks (host through the emulator, and on the GPU).
 * Fields: */
#define KILN_FIELD_BN254_FQ 0
#define KILN_FIELD_BN254_FR 1
#define KILN_FIELD_BLS12_381_FQ 2
#define KILN_FIELD_BLS12_381_FR 3
/* The constants compiled in: p, R mod p, R² mod p (limbs each), then −p^{-1} mod 2^32 and
 * the bit length of p: 3·limbs + 2 words written to out (host memory). */
kiln_status kiln_ff_constants(uint32_t field, uint64_t* out);
/* d_out[i] = op(d_a[i], d_b[i]) for i < n (d_b unused by unary ops). */
#define KILN_FF_ADD 0
#define KILN_FF_SUB 1
#define KILN_FF_MUL 2 /* Montgomery product */
#define KILN_FF_NEG 3
#define KILN_FF_SQR 4
#define KILN_FF_TO_STANDARD 5   /* Montgomery → integer */
#define KILN_FF_FROM_STANDARD 6 /* any integer of the limb width → Montgomery, mod p */
kiln_status kiln_ff_test(uint32_t field, uint32_t op, const uint64_t* d_a, const uint64_t* d_b, uint64_t* d_out,
                         uint64_t n, void* stream);
/* d_out[i] (XYZZ) = op(d_a[i] (XYZZ), d_b[i] (XYZZ for ADD, affine for ADD_AFFINE, unused for DBL)). */
#define KILN_EC_ADD 0
#define KILN_EC_ADD_AFFINE 1
#define KILN_EC_DBL 2
kiln_status kiln_ec_test(uint32_t curve, uint32_t op, const uint64_t* d_a, const uint64_t* d_b, uint64_t* d_out,
                         uint64_t n, void* stream);

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
 * Digest layers of a tree whose tallest matrices have 2^K rows (K ≤ 30): K+1 device
 * buffers, layer l holding 2^(K−l) digests of 8 words (digest j at words 8j..8j+8), passed
 * as a host array of K+1 device pointers. Layer 0 holds the row digests of the tallest
 * matrices; layer l node j is C(layer_{l−1}[2j], layer_{l−1}[2j+1]), then
 * C(that, H(row j of the matrices of height 2^(K−l)), those matrices in commit order)
 * where such matrices exist; layer K is the root. */
typedef struct kiln_matrix {
    const uint32_t* data;
    uint32_t width;
    uint32_t log_height;
} kiln_matrix;

#define KILN_MERKLE_MAX_LOG_HEIGHT 30

/* Poseidon2 of `count` states of `width` (16 or 24) words each, stored one after another,
 * in place. */
kiln_status kiln_poseidon2_permute(uint32_t* d_states, uint64_t count, uint32_t width, void* stream);

/* The tree of `count` ≥ 1 matrices in commit order (heights powers of two, in any order):
 * every digest layer into d_layers[0..=K] (see above). Leaf hashing and the lowest layers
 * run fused in one kernel. */
kiln_status kiln_merkle_commit(const kiln_matrix* matrices, uint32_t count, uint32_t* const* d_layers, void* stream);

/* Openings of the host array `indices` (each below 2^K) of the tree that
 * kiln_merkle_commit built from the same matrices (d_layers: its K layers below the root):
 * per query a record of (Σ widths + 8K) words into d_out, records one after another: the
 * query's row of each matrix in commit order (row index >> (K − log_height)), then the K
 * sibling digests, layer 0 first (layer l's node (index >> l) ^ 1). */
kiln_status kiln_merkle_open(const kiln_matrix* matrices, uint32_t count, const uint32_t* const* d_layers,
                             const uint32_t* indices, uint32_t queries, uint32_t* d_out, void* stream);

#ifdef __cplusplus
}
#endif

#endif /* KILN_H */
