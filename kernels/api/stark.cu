// C ABI of the STARK prover's device kernels (see include/kiln.h).

#include "stark/quotient.cuh"

using kiln::bb_t;
using namespace kiln::stark;

namespace {
uint32_t grid_for(uint64_t work, uint32_t threads) {
    uint64_t blocks = (work + threads - 1) / threads;
    return static_cast<uint32_t>(blocks < (1u << 20) ? (blocks ? blocks : 1) : (1u << 20));
}
}  // namespace

KILN_EXPORT(quotient_domain_columns)(const uint32_t* d_lde, uint64_t lde_height, uint32_t log_m, uint32_t width,
                                     uint32_t* d_out, void* stream_ptr) {
    if (log_m > 27 || (1ull << log_m) > lde_height) return kiln::invalid("quotient domain larger than the LDE");
    if (width == 0) return kiln::ok();
    if (!d_lde || !d_out) return kiln::invalid("null device pointer");
    auto kernel = quotient_domain_kernel;
    uint64_t total = (1ull << log_m) * width;
    KILN_LAUNCH(kernel, dim3(grid_for(total, 256)), dim3(256), 0, static_cast<cudaStream_t>(stream_ptr), d_lde,
                lde_height, log_m, width, d_out);
    KILN_CHECK_LAUNCH();
    return kiln::ok();
}

KILN_EXPORT(quotient_eval)(const uint32_t* d_program, uint32_t instructions, uint32_t registers, const uint32_t* d_main,
                           uint32_t main_width, const uint32_t* d_pre, uint32_t preprocessed_width,
                           const uint32_t* d_publics, const uint32_t* d_alpha_powers, const uint32_t* d_inv_z,
                           uint32_t log_n, uint32_t log_chunks, uint32_t shift, const uint32_t* d_twiddles,
                           uint32_t* d_out, void* stream_ptr) {
    if (log_n + log_chunks > 27) return kiln::invalid("quotient domain exceeds 2^27");
    if (shift >= bb_t::P) return kiln::invalid("shift is not a reduced Montgomery word");
    if (!d_program || !d_out || !d_twiddles || !d_inv_z || (main_width && !d_main)) {
        return kiln::invalid("null device pointer");
    }
    QuotientParams p;
    p.log_n = log_n;
    p.log_chunks = log_chunks;
    p.main_width = main_width;
    p.preprocessed_width = preprocessed_width;
    p.instructions = instructions;
    p.shift = bb_t(shift);
    // ω_n^{-1} = ω^{-(2^(27 − log_n))} from the 2^27-th root's powers (host arithmetic).
    bb_t root = bb_t::from_canonical(0x1a427a41u);
    for (uint32_t i = log_n; i < kiln::ntt::MAX_LOG_N; ++i)
        root = root.sqr();
    p.w_n_inv = inverse(root);
    const uint64_t m = 1ull << (log_n + log_chunks);
    cudaStream_t stream = static_cast<cudaStream_t>(stream_ptr);
    const uint32_t threads = 128;
    const dim3 grid(grid_for(m, threads));
#define KILN_QUOTIENT_LAUNCH(R)                                                                                  \
    do {                                                                                                         \
        auto kernel = quotient_kernel<R>;                                                                        \
        KILN_LAUNCH(kernel, grid, dim3(threads), 0, stream, d_program, d_main, d_pre, d_publics, d_alpha_powers, \
                    d_inv_z, d_twiddles, p, d_out);                                                              \
    } while (0)
    if (registers <= 32)
        KILN_QUOTIENT_LAUNCH(32);
    else if (registers <= 64)
        KILN_QUOTIENT_LAUNCH(64);
    else if (registers <= 128)
        KILN_QUOTIENT_LAUNCH(128);
    else if (registers <= 256)
        KILN_QUOTIENT_LAUNCH(256);
    else if (registers <= 1024)
        KILN_QUOTIENT_LAUNCH(1024);
    else
        return kiln::invalid("constraint program needs more than 1024 registers");
#undef KILN_QUOTIENT_LAUNCH
    KILN_CHECK_LAUNCH();
    return kiln::ok();
}
