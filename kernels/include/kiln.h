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

#ifdef __cplusplus
}
#endif

#endif /* KILN_H */
