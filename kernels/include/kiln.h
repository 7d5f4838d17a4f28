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

#ifdef __cplusplus
}
#endif

#endif /* KILN_H */
