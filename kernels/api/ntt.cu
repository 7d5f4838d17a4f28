// C ABI of the BabyBear NTT (see include/kiln.h): pass planning and launches.

#include "ntt/ntt.cuh"

using kiln::bb_t;
using namespace kiln::ntt;

namespace {

constexpr uint32_t ELEMENTWISE_THREADS = 256;

// Runs the stages of bits [first_bit, log_n) of a batched NTT over columns `col_stride`
// words apart, as DIF (decreasing bits) or DIT (increasing bits) passes. `scale`
// multiplies every output of the last pass.
kiln_status run_passes(uint32_t* data, uint32_t log_n, uint32_t first_bit, uint64_t col_stride, uint64_t batch,
                       bool dit, bool inverse, bb_t scale, const uint32_t* tw, cudaStream_t stream) {
    if (first_bit >= log_n) {
        if (scale != bb_t::one()) return kiln::invalid("internal: scale with no stage to apply it");
        return kiln::ok();
    }
    // Split the bits into passes: the pass holding bit 0 may take TILE_LOG_MAX bits; the
    // others at most TILE_LOG_MAX − MIN_LOG_T, so each tile row spans 2^MIN_LOG_T
    // consecutive words and global accesses stay coalesced.
    uint32_t ks[32], ss[32], np = 0;
    {
        uint32_t bits = log_n - first_bit;
        uint32_t head_max = first_bit == 0 ? TILE_LOG_MAX : TILE_LOG_MAX - MIN_LOG_T;
        uint32_t first = bits < head_max ? bits : head_max;
        uint32_t rest = bits - first;
        uint32_t inner_max = TILE_LOG_MAX - MIN_LOG_T;
        uint32_t inner_passes = (rest + inner_max - 1) / inner_max;
        ks[np] = first;
        ss[np++] = first_bit;
        uint32_t s = first_bit + first;
        uint32_t left = rest;
        for (uint32_t i = 0; i < inner_passes; ++i) {
            uint32_t k = (left + (inner_passes - i) - 1) / (inner_passes - i);  // even split
            ks[np] = k;
            ss[np++] = s;
            s += k;
            left -= k;
        }
    }
    for (uint32_t step = 0; step < np; ++step) {
        uint32_t idx = dit ? step : np - 1 - step;
        PassParams p;
        p.log_n = log_n;
        p.col_stride = col_stride;
        p.s = ss[idx];
        p.k = ks[idx];
        uint32_t log_t = TILE_LOG_MAX - p.k;
        p.log_t = log_t < p.s ? log_t : p.s;
        p.inverse = inverse ? 1 : 0;
        p.scale = (step == np - 1) ? scale : bb_t::one();
        uint32_t tile_log = p.k + p.log_t;
        uint64_t blocks = batch << (log_n - tile_log);
        if (blocks > 0x7fffffffull) return kiln::invalid("NTT grid too large");
        uint32_t half = 1u << (tile_log - 1);
        uint32_t threads = half < MAX_THREADS ? half : MAX_THREADS;
        size_t smem = sizeof(uint32_t) << tile_log;
        if (dit) {
            auto kernel = ntt_pass_kernel<true>;
            KILN_LAUNCH(kernel, dim3(static_cast<uint32_t>(blocks)), dim3(threads), smem, stream, data, p, tw);
        } else {
            auto kernel = ntt_pass_kernel<false>;
            KILN_LAUNCH(kernel, dim3(static_cast<uint32_t>(blocks)), dim3(threads), smem, stream, data, p, tw);
        }
        KILN_CHECK_LAUNCH();
    }
    return kiln::ok();
}

kiln_status bit_reverse(uint32_t* data, uint32_t log_n, uint64_t col_stride, uint32_t batch, cudaStream_t stream) {
    if (log_n < 2) return kiln::ok();
    uint64_t total = static_cast<uint64_t>(batch) << log_n;
    auto kernel = bit_reverse_kernel;
    KILN_LAUNCH(kernel, dim3(kiln::grid_for(total, ELEMENTWISE_THREADS)), dim3(ELEMENTWISE_THREADS), 0, stream, data,
                log_n, col_stride, batch);
    KILN_CHECK_LAUNCH();
    return kiln::ok();
}

bb_t inverse_of_power_of_two(uint32_t log_n) { return bb_t::from_canonical(1u << log_n).inverse(); }

}  // namespace

extern "C" uint32_t KILN_SYMBOL(ntt_twiddles_len)(void) { return TW_TOTAL_LEN; }

KILN_EXPORT(ntt_batch)(uint32_t* d_data, uint32_t log_n, uint32_t batch, uint32_t inverse, uint32_t input_bitrev,
                       uint32_t output_bitrev, const uint32_t* d_twiddles, void* stream_ptr) {
    if (log_n > MAX_LOG_N) return kiln::invalid("log_n exceeds 27, BabyBear's two-adicity");
    if (batch == 0) return kiln::ok();
    if (!d_data || !d_twiddles) return kiln::invalid("null device pointer");
    cudaStream_t stream = static_cast<cudaStream_t>(stream_ptr);
    uint64_t n = 1ull << log_n;
    bb_t scale = inverse ? inverse_of_power_of_two(log_n) : bb_t::one();
    // DIF maps natural → bit-reversed, DIT bit-reversed → natural. Same-order transforms
    // permute first (bitrev → bitrev: permute then DIT gives natural, so permute again).
    kiln_status st;
    if (!input_bitrev && output_bitrev) {
        return run_passes(d_data, log_n, 0, n, batch, false, inverse, scale, d_twiddles, stream);
    }
    if (input_bitrev && !output_bitrev) {
        return run_passes(d_data, log_n, 0, n, batch, true, inverse, scale, d_twiddles, stream);
    }
    if (!input_bitrev && !output_bitrev) {
        st = bit_reverse(d_data, log_n, n, batch, stream);
        if (st.code) return st;
        return run_passes(d_data, log_n, 0, n, batch, true, inverse, scale, d_twiddles, stream);
    }
    st = run_passes(d_data, log_n, 0, n, batch, true, inverse, scale, d_twiddles, stream);
    if (st.code) return st;
    return bit_reverse(d_data, log_n, n, batch, stream);
}

KILN_EXPORT(bit_reverse_batch)(uint32_t* d_data, uint32_t log_n, uint32_t batch, void* stream_ptr) {
    if (log_n > 31) return kiln::invalid("log_n exceeds 31");
    if (batch == 0) return kiln::ok();
    if (!d_data) return kiln::invalid("null device pointer");
    return bit_reverse(d_data, log_n, 1ull << log_n, batch, static_cast<cudaStream_t>(stream_ptr));
}

KILN_EXPORT(coset_lde_batch)(const uint32_t* d_in, uint32_t* d_out, uint32_t log_n, uint32_t batch, uint32_t log_blowup,
                             uint32_t shift, uint32_t output_bitrev, const uint32_t* d_twiddles, void* stream_ptr) {
    if (static_cast<uint64_t>(log_n) + log_blowup > MAX_LOG_N)
        return kiln::invalid("log_n + log_blowup exceeds 27, BabyBear's two-adicity");
    if (shift >= bb_t::P) return kiln::invalid("shift is not a reduced Montgomery word");
    if (batch == 0) return kiln::ok();
    if (!d_in || !d_out || !d_twiddles) return kiln::invalid("null device pointer");
    cudaStream_t stream = static_cast<cudaStream_t>(stream_ptr);
    const uint64_t n = 1ull << log_n;
    const uint32_t log_big = log_n + log_blowup;
    const uint64_t N = 1ull << log_big;
    const uint64_t out_total = N * batch;

    // Scratch: batch columns of coefficients, then the n coset factors shift^i / n.
    uint32_t* coeffs = nullptr;
    KILN_TRY_CUDA(cudaMallocAsync(&coeffs, (n * batch + n) * sizeof(uint32_t), stream));
    uint32_t* pw = coeffs + n * batch;

    // 1. coefficients: bit-reversed copy, then a DIT inverse without the 1/n (folded into pw).
    kiln_status st = kiln::ok();
    {
        auto kernel = bit_reverse_copy_kernel;
        KILN_LAUNCH(kernel, dim3(kiln::grid_for(n * batch, ELEMENTWISE_THREADS)), dim3(ELEMENTWISE_THREADS), 0, stream,
                    d_in, coeffs, log_n, batch);
        st = kiln::from_cuda(cudaGetLastError());
    }
    if (!st.code) st = run_passes(coeffs, log_n, 0, n, batch, true, true, bb_t::one(), d_twiddles, stream);
    if (!st.code) {
        auto kernel = coset_powers_kernel;
        KILN_LAUNCH(kernel, dim3(kiln::grid_for(n, ELEMENTWISE_THREADS)), dim3(ELEMENTWISE_THREADS), 0, stream, pw,
                    log_n, bb_t(shift), inverse_of_power_of_two(log_n));
        st = kiln::from_cuda(cudaGetLastError());
    }
    // 2. spread the scaled coefficients into the output.
    if (!st.code) {
        if (output_bitrev) {
            auto kernel = lde_spread_bitrev_kernel;
            KILN_LAUNCH(kernel, dim3(kiln::grid_for(out_total, ELEMENTWISE_THREADS)), dim3(ELEMENTWISE_THREADS), 0,
                        stream, coeffs, pw, d_out, log_n, log_blowup, batch, d_twiddles);
        } else {
            auto kernel = lde_spread_natural_kernel;
            KILN_LAUNCH(kernel, dim3(kiln::grid_for(out_total, ELEMENTWISE_THREADS)), dim3(ELEMENTWISE_THREADS), 0,
                        stream, coeffs, pw, d_out, log_n, log_blowup, batch);
        }
        st = kiln::from_cuda(cudaGetLastError());
    }
    cudaError_t freed = cudaFreeAsync(coeffs, stream);
    if (st.code) return st;
    KILN_TRY_CUDA(freed);

    // 3. finish: 2^b·batch size-n DIFs (bit-reversed), or DIT stages b.. of size N (natural).
    if (output_bitrev)
        return run_passes(d_out, log_n, 0, n, static_cast<uint64_t>(batch) << log_blowup, false, false, bb_t::one(),
                          d_twiddles, stream);
    return run_passes(d_out, log_big, log_blowup, N, batch, true, false, bb_t::one(), d_twiddles, stream);
}
