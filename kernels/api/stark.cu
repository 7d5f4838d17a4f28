// C ABI of the STARK prover's device kernels (see include/kiln.h).

#include "stark/quotient.cuh"

using kiln::bb_t;
using namespace kiln::stark;

KILN_EXPORT(quotient_domain_columns)(const uint32_t* d_lde, uint64_t lde_height, uint32_t log_m, uint32_t width,
                                     uint32_t* d_out, void* stream_ptr) {
    if (log_m > kiln::ntt::MAX_LOG_N || (1ull << log_m) > lde_height)
        return kiln::invalid("quotient domain larger than the LDE");
    if (width == 0) return kiln::ok();
    if (!d_lde || !d_out) return kiln::invalid("null device pointer");
    auto kernel = quotient_domain_kernel;
    uint64_t total = (1ull << log_m) * width;
    KILN_LAUNCH(kernel, dim3(kiln::grid_for(total, 256)), dim3(256), 0, static_cast<cudaStream_t>(stream_ptr), d_lde,
                lde_height, log_m, width, d_out);
    KILN_CHECK_LAUNCH();
    return kiln::ok();
}

KILN_EXPORT(quotient_eval)(const uint32_t* d_program, uint32_t instructions, uint32_t registers, const uint32_t* d_main,
                           uint32_t main_width, const uint32_t* d_pre, uint32_t preprocessed_width,
                           const uint32_t* d_publics, const uint32_t* d_alpha_powers, const uint32_t* d_inv_z,
                           uint32_t log_n, uint32_t log_chunks, uint32_t shift, const uint32_t* d_twiddles,
                           uint32_t* d_out, void* stream_ptr) {
    if (log_n + log_chunks > kiln::ntt::MAX_LOG_N) return kiln::invalid("quotient domain exceeds 2^27");
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
    const dim3 grid(kiln::grid_for(m, threads));
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

// ---- openings and FRI ---------------------------------------------------------------

#include "stark/fri.cuh"

KILN_EXPORT(columns_dot)(const uint32_t* d_cols, uint64_t height, uint32_t width, const uint32_t* d_weights,
                         uint32_t* d_out, void* stream_ptr) {
    if (width == 0) return kiln::ok();
    if (!d_cols || !d_weights || !d_out) return kiln::invalid("null device pointer");
    auto kernel = columns_dot_kernel;
    KILN_LAUNCH(kernel, dim3(width), dim3(DOT_THREADS), 0, static_cast<cudaStream_t>(stream_ptr), d_cols, height,
                reinterpret_cast<const kiln::bb4_t*>(d_weights), reinterpret_cast<kiln::bb4_t*>(d_out));
    KILN_CHECK_LAUNCH();
    return kiln::ok();
}

KILN_EXPORT(reduced_openings)(const uint32_t* const* d_matrices, const uint32_t* widths, const uint32_t* at_next,
                              uint32_t groups, const uint32_t* d_powers, uint32_t log_big, uint32_t shift,
                              const uint32_t* zeta4, const uint32_t* b4, const uint32_t* d_twiddles, uint32_t* d_out,
                              void* stream_ptr) {
    if (groups > MAX_GROUPS) return kiln::invalid("more than 8 opening groups");
    if (log_big > kiln::ntt::MAX_LOG_N) return kiln::invalid("LDE domain exceeds 2^27");
    if (!d_powers || !d_out || !d_twiddles || !zeta4 || !b4) return kiln::invalid("null pointer");
    ReducedParams rp;
    uint32_t offset = 0;
    for (uint32_t g = 0; g < MAX_GROUPS; ++g) {
        rp.matrix[g] = g < groups ? d_matrices[g] : nullptr;
        rp.width[g] = g < groups ? widths[g] : 0;
        rp.at_next[g] = g < groups ? at_next[g] : 0;
        rp.power_offset[g] = offset;
        offset += rp.width[g];
        if (g < groups && widths[g] && !d_matrices[g]) return kiln::invalid("null matrix pointer");
    }
    rp.groups = groups;
    rp.log_big = log_big;
    rp.shift = bb_t(shift);
    auto ext = [](const uint32_t* w) { return kiln::bb4_t(bb_t(w[0]), bb_t(w[1]), bb_t(w[2]), bb_t(w[3])); };
    rp.zeta = ext(zeta4);
    rp.zeta_next = ext(zeta4 + 4);
    rp.b_zeta = ext(b4);
    rp.b_next = ext(b4 + 4);
    auto kernel = reduced_openings_kernel;
    uint64_t big = 1ull << log_big;
    uint64_t blocks = (big + 127) / 128;
    KILN_LAUNCH(kernel, dim3(static_cast<uint32_t>(blocks < (1u << 20) ? blocks : (1u << 20))), dim3(128), 0,
                static_cast<cudaStream_t>(stream_ptr), rp, reinterpret_cast<const kiln::bb4_t*>(d_powers), d_twiddles,
                reinterpret_cast<kiln::bb4_t*>(d_out));
    KILN_CHECK_LAUNCH();
    return kiln::ok();
}

KILN_EXPORT(fri_fold)(const uint32_t* d_layer, uint32_t log_size, uint32_t log_arity, uint32_t shift_inv,
                      const uint32_t* beta4, const uint32_t* d_twiddles, uint32_t* d_out, void* stream_ptr) {
    if (log_arity == 0 || log_arity > KILN_FRI_MAX_LOG_ARITY || log_arity > log_size || log_size > kiln::ntt::MAX_LOG_N)
        return kiln::invalid("bad FRI arity");
    if (!d_layer || !d_out || !d_twiddles || !beta4) return kiln::invalid("null pointer");
    const kiln::bb4_t beta{bb_t(beta4[0]), bb_t(beta4[1]), bb_t(beta4[2]), bb_t(beta4[3])};
    bb_t arity_inv = bb_t::from_canonical(1u << log_arity).inverse();
    auto kernel = fri_fold_kernel;
    uint64_t groups = 1ull << (log_size - log_arity);
    uint64_t blocks = (groups + 127) / 128;
    KILN_LAUNCH(kernel, dim3(static_cast<uint32_t>(blocks < (1u << 20) ? blocks : (1u << 20))), dim3(128), 0,
                static_cast<cudaStream_t>(stream_ptr), reinterpret_cast<const kiln::bb4_t*>(d_layer), log_size,
                log_arity, bb_t(shift_inv), beta, arity_inv, d_twiddles, reinterpret_cast<kiln::bb4_t*>(d_out));
    KILN_CHECK_LAUNCH();
    return kiln::ok();
}

KILN_EXPORT(fri_layer_matrix)(const uint32_t* d_layer, uint32_t log_size, uint32_t log_arity, uint32_t* d_out,
                              void* stream_ptr) {
    if (log_arity > log_size || log_size > kiln::ntt::MAX_LOG_N) return kiln::invalid("bad FRI layer shape");
    if (!d_layer || !d_out) return kiln::invalid("null pointer");
    auto kernel = fri_layer_matrix_kernel;
    uint64_t size = 1ull << log_size;
    uint64_t blocks = (size + 255) / 256;
    KILN_LAUNCH(kernel, dim3(static_cast<uint32_t>(blocks < (1u << 20) ? blocks : (1u << 20))), dim3(256), 0,
                static_cast<cudaStream_t>(stream_ptr), reinterpret_cast<const kiln::bb4_t*>(d_layer), log_size,
                log_arity, d_out);
    KILN_CHECK_LAUNCH();
    return kiln::ok();
}

KILN_EXPORT(ext_add_scaled)(uint32_t* d_acc, const uint32_t* coeff4, const uint32_t* d_x, uint64_t n,
                            void* stream_ptr) {
    if (n == 0) return kiln::ok();
    if (!d_acc || !coeff4 || !d_x) return kiln::invalid("null pointer");
    const kiln::bb4_t coeff{bb_t(coeff4[0]), bb_t(coeff4[1]), bb_t(coeff4[2]), bb_t(coeff4[3])};
    auto kernel = ext_add_scaled_kernel;
    uint64_t blocks = (n + 255) / 256;
    KILN_LAUNCH(kernel, dim3(static_cast<uint32_t>(blocks < (1u << 20) ? blocks : (1u << 20))), dim3(256), 0,
                static_cast<cudaStream_t>(stream_ptr), reinterpret_cast<kiln::bb4_t*>(d_acc), coeff,
                reinterpret_cast<const kiln::bb4_t*>(d_x), n);
    KILN_CHECK_LAUNCH();
    return kiln::ok();
}
