// C ABI of the scalar-field NTT of the pairing curves (see include/kiln.h): argument
// checks, pass planning and launches of ntt/big.cuh.

#include "ec/curves.cuh"
#include "ntt/big.cuh"

using namespace kiln::big_ntt;

namespace {

constexpr uint32_t ELEMENTWISE_THREADS = 256;

// Forward or inverse (unscaled) NTT, natural order in and out: DIF passes from the top
// bit down, then the bit-reversal permutation.
template <class F>
kiln_status ntt(F* data, uint32_t log_n, uint32_t inverse, const F* tw, cudaStream_t stream) {
    if (log_n == 0) return kiln::ok();
    // Split the bits into passes, lowest first: the pass holding bit 0 may take
    // TILE_LOG_MAX bits, the others at most TILE_LOG_MAX − MIN_LOG_T (even split).
    uint32_t ks[32], ss[32], np = 0;
    {
        const uint32_t first = log_n < TILE_LOG_MAX ? log_n : TILE_LOG_MAX;
        const uint32_t inner_max = TILE_LOG_MAX - MIN_LOG_T;
        uint32_t left = log_n - first;
        const uint32_t inner = (left + inner_max - 1) / inner_max;
        ks[np] = first;
        ss[np++] = 0;
        uint32_t s = first;
        for (uint32_t i = 0; i < inner; ++i) {
            const uint32_t k = (left + (inner - i) - 1) / (inner - i);
            ks[np] = k;
            ss[np++] = s;
            s += k;
            left -= k;
        }
    }
    for (uint32_t step = 0; step < np; ++step) {
        const uint32_t idx = np - 1 - step;  // DIF: highest bits first
        PassParams p;
        p.log_n = log_n;
        p.s = ss[idx];
        p.k = ks[idx];
        const uint32_t log_t = TILE_LOG_MAX - p.k;
        p.log_t = log_t < p.s ? log_t : p.s;
        p.inverse = inverse;
        const uint32_t tile_log = p.k + p.log_t;
        const uint64_t blocks = 1ull << (log_n - tile_log);
        const uint32_t half = 1u << (tile_log - 1);
        const uint32_t threads = half < MAX_THREADS ? half : MAX_THREADS;
        const size_t smem = sizeof(F) << tile_log;
        auto kernel = dif_pass_kernel<F>;
        KILN_LAUNCH(kernel, dim3(static_cast<uint32_t>(blocks)), dim3(threads), smem, stream, data, p, tw);
        KILN_CHECK_LAUNCH();
    }
    if (log_n >= 2) {
        auto kernel = bit_reverse_kernel<F>;
        KILN_LAUNCH(kernel, dim3(kiln::grid_for(1ull << log_n, ELEMENTWISE_THREADS)), dim3(ELEMENTWISE_THREADS), 0,
                    stream, data, log_n);
        KILN_CHECK_LAUNCH();
    }
    return kiln::ok();
}

template <class F>
kiln_status powers(F* out, uint64_t count, const F* lo, const F* hi, uint32_t log_lo, cudaStream_t stream) {
    if (count == 0) return kiln::ok();
    auto kernel = powers_kernel<F>;
    KILN_LAUNCH(kernel, dim3(kiln::grid_for(count, ELEMENTWISE_THREADS)), dim3(ELEMENTWISE_THREADS), 0, stream, out,
                count, lo, hi, log_lo);
    KILN_CHECK_LAUNCH();
    return kiln::ok();
}

template <class F>
kiln_status scale_powers(F* data, uint64_t count, const F* lo, const F* hi, uint32_t log_lo, cudaStream_t stream) {
    if (count == 0) return kiln::ok();
    auto kernel = scale_powers_kernel<F>;
    KILN_LAUNCH(kernel, dim3(kiln::grid_for(count, ELEMENTWISE_THREADS)), dim3(ELEMENTWISE_THREADS), 0, stream, data,
                count, lo, hi, log_lo);
    KILN_CHECK_LAUNCH();
    return kiln::ok();
}

}  // namespace

KILN_EXPORT(fr_ntt)(uint32_t curve, uint64_t* d_data, uint32_t log_n, uint32_t inverse, const uint64_t* d_twiddles,
                    void* stream) {
    if (log_n > 31) return kiln::invalid("log_n exceeds 31");
    if (log_n > 0 && (!d_data || !d_twiddles)) return kiln::invalid("null device pointer");
    return kiln::with_curve(curve, [&](auto c) {
        using F = typename decltype(c)::fr;
        return ntt(reinterpret_cast<F*>(d_data), log_n, inverse ? 1u : 0u, reinterpret_cast<const F*>(d_twiddles),
                   static_cast<cudaStream_t>(stream));
    });
}

KILN_EXPORT(fr_powers)(uint32_t curve, uint64_t* d_out, uint64_t count, const uint64_t* d_lo, const uint64_t* d_hi,
                       uint32_t log_lo, void* stream) {
    if (log_lo > 31) return kiln::invalid("log_lo exceeds 31");
    if (count > 0 && (!d_out || !d_lo || !d_hi)) return kiln::invalid("null device pointer");
    return kiln::with_curve(curve, [&](auto c) {
        using F = typename decltype(c)::fr;
        return powers(reinterpret_cast<F*>(d_out), count, reinterpret_cast<const F*>(d_lo),
                      reinterpret_cast<const F*>(d_hi), log_lo, static_cast<cudaStream_t>(stream));
    });
}

KILN_EXPORT(fr_scale_powers)(uint32_t curve, uint64_t* d_data, uint64_t count, const uint64_t* d_lo,
                             const uint64_t* d_hi, uint32_t log_lo, void* stream) {
    if (log_lo > 31) return kiln::invalid("log_lo exceeds 31");
    if (count > 0 && (!d_data || !d_lo || !d_hi)) return kiln::invalid("null device pointer");
    return kiln::with_curve(curve, [&](auto c) {
        using F = typename decltype(c)::fr;
        return scale_powers(reinterpret_cast<F*>(d_data), count, reinterpret_cast<const F*>(d_lo),
                            reinterpret_cast<const F*>(d_hi), log_lo, static_cast<cudaStream_t>(stream));
    });
}
