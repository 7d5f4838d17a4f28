// C ABI of the G1 MSM (see include/kiln.h): window choice, scratch layout and the launch
// sequence of msm/pippenger.cuh. Nothing here waits for the device.

#include "msm/pippenger.cuh"

using namespace kiln::msm;

namespace {

constexpr uint32_t MIN_WINDOW_BITS = 2;
constexpr uint32_t MAX_WINDOW_BITS = 20;
constexpr uint64_t MAX_POINTS = 0x7fffffffull;  // point indices keep bit 31 for the sign
constexpr uint32_t ELEMENTWISE_THREADS = 256;
constexpr uint32_t EC_THREADS = 128;
// Chunk of the first accumulation level (affine additions) and of the later ones (full
// additions), and the segment of the bucket reduction, as log2. Starting points chosen by
// the cost model of NOTES.md, not yet measured on a GPU.
constexpr uint32_t LOG_CHUNK0 = 5;
constexpr uint32_t LOG_CHUNK1 = 4;
constexpr uint32_t LOG_SEG = 4;
constexpr uint32_t MAX_LEVELS = 32;

uint32_t windows_for(uint32_t scalar_bits, uint32_t c) { return (scalar_bits + 1 + c - 1) / c; }

// The window size minimising the estimated number of additions: W·n mixed additions for
// the buckets plus about 3·2^(c−1) full additions per window for the bucket reduction
// (a full addition costs ~1.4 mixed ones; the reduction adds twice per bucket).
uint32_t choose_window_bits(uint32_t scalar_bits, uint64_t n) {
    uint32_t best = MIN_WINDOW_BITS;
    double best_cost = 0;
    for (uint32_t c = MIN_WINDOW_BITS; c <= MAX_WINDOW_BITS; ++c) {
        const double cost = windows_for(scalar_bits, c) * (static_cast<double>(n) + 3.0 * (1u << (c - 1)));
        if (c == MIN_WINDOW_BITS || cost < best_cost) {
            best = c;
            best_cost = cost;
        }
    }
    return best;
}

size_t align_up(size_t x) { return (x + 255) & ~static_cast<size_t>(255); }

// Sizes and offsets of one MSM's scratch memory (one allocation).
struct Plan {
    uint32_t c = 0, windows = 0, buckets = 0;
    uint64_t n = 0, keys = 0, max_entries = 0, scan_tiles = 0;
    uint32_t acc_levels = 0;
    uint64_t level_len[MAX_LEVELS] = {};  // worst-case input length of each accumulation level
    uint32_t red_levels = 0;
    uint64_t red_m[MAX_LEVELS] = {};  // inputs per window of each reduction level
    size_t off_counts = 0, off_tiles = 0, off_keys = 0, off_vals = 0, off_lens = 0;
    size_t off_part_keys[2] = {}, off_parts[2] = {};
    size_t off_buckets = 0, off_red_acc[2] = {}, off_red_u[2] = {};
    size_t total = 0;
};

template <class C>
kiln_status make_plan(uint64_t n, uint32_t window_bits, Plan& p) {
    using xyzz = typename C::xyzz;
    if (n > MAX_POINTS) return kiln::invalid("MSM of more than 2^31 - 1 points");
    p.n = n;
    p.c = window_bits ? window_bits : choose_window_bits(C::SCALAR_BITS, n);
    if (p.c < MIN_WINDOW_BITS || p.c > MAX_WINDOW_BITS) return kiln::invalid("window_bits must be 0 or in 2..=20");
    p.windows = windows_for(C::SCALAR_BITS, p.c);
    p.buckets = 1u << (p.c - 1);
    p.keys = static_cast<uint64_t>(p.windows) * p.buckets;
    p.max_entries = static_cast<uint64_t>(p.windows) * n;
    if (p.max_entries > 0xffffffffull) return kiln::invalid("MSM too large: windows x points exceeds 2^32");
    p.scan_tiles = (p.keys + SCAN_TILE - 1) / SCAN_TILE;

    // Accumulation levels: until one chunk covers the worst-case sequence.
    uint64_t len = p.max_entries;
    p.acc_levels = 0;
    while (true) {
        if (p.acc_levels == MAX_LEVELS) return kiln::invalid("internal: too many accumulation levels");
        p.level_len[p.acc_levels] = len;
        const uint32_t log_chunk = p.acc_levels == 0 ? LOG_CHUNK0 : LOG_CHUNK1;
        p.acc_levels++;
        len = next_level_len(len, log_chunk);
        if (len == 0) break;
    }
    // Reduction levels: until one segment per window.
    uint64_t m = p.buckets;
    p.red_levels = 0;
    while (m > 1) {
        if (p.red_levels == MAX_LEVELS) return kiln::invalid("internal: too many reduction levels");
        p.red_m[p.red_levels++] = m;
        m = (m + (1u << LOG_SEG) - 1) >> LOG_SEG;
    }

    // Partials of levels 1, 3, ... go to buffer 0, of levels 2, 4, ... to buffer 1.
    const uint64_t part_len[2] = {p.acc_levels > 1 ? p.level_len[1] : 0, p.acc_levels > 2 ? p.level_len[2] : 0};
    // Reduction outputs of levels 0, 2, ... go to buffer 0, of levels 1, 3, ... to buffer 1.
    const uint64_t red_out[2] = {p.red_levels > 0 ? p.windows * ((p.red_m[0] + (1u << LOG_SEG) - 1) >> LOG_SEG) : 0,
                                 p.red_levels > 1 ? p.windows * ((p.red_m[1] + (1u << LOG_SEG) - 1) >> LOG_SEG) : 0};

    size_t off = 0;
    auto take = [&](size_t bytes) {
        const size_t at = off;
        off = align_up(off + bytes);
        return at;
    };
    p.off_counts = take((p.keys + 1) * sizeof(uint32_t));
    p.off_tiles = take((p.scan_tiles + 1) * sizeof(uint32_t));
    p.off_keys = take(p.max_entries * sizeof(uint32_t));
    p.off_vals = take(p.max_entries * sizeof(uint32_t));
    p.off_lens = take((p.acc_levels + 1) * sizeof(uint32_t));
    for (int b = 0; b < 2; ++b) {
        p.off_part_keys[b] = take(part_len[b] * sizeof(uint32_t));
        p.off_parts[b] = take(part_len[b] * sizeof(xyzz));
    }
    p.off_buckets = take(p.keys * sizeof(xyzz));
    for (int b = 0; b < 2; ++b) {
        p.off_red_acc[b] = take(red_out[b] * sizeof(xyzz));
        p.off_red_u[b] = take(red_out[b] * sizeof(xyzz));
    }
    p.total = off;
    return kiln::ok();
}

template <class T>
T* at(unsigned char* base, size_t off) {
    return reinterpret_cast<T*>(base + off);
}

template <class C>
kiln_status run_msm(const uint64_t* d_bases, const uint64_t* d_scalars, uint64_t n, uint32_t montgomery,
                    uint32_t window_bits, uint64_t* d_result, cudaStream_t stream) {
    using xyzz = typename C::xyzz;
    using affine = typename C::affine;
    using fr = typename C::fr;
    Plan p;
    kiln_status st = make_plan<C>(n, window_bits, p);
    if (st.code) return st;
    xyzz* result = reinterpret_cast<xyzz*>(d_result);
    if (n == 0) {
        KILN_TRY_CUDA(cudaMemsetAsync(result, 0, sizeof(xyzz), stream));  // ZZ = 0: infinity
        return kiln::ok();
    }
    const affine* bases = reinterpret_cast<const affine*>(d_bases);
    const fr* scalars = reinterpret_cast<const fr*>(d_scalars);

    unsigned char* scratch = nullptr;
    KILN_TRY_CUDA(cudaMallocAsync(reinterpret_cast<void**>(&scratch), p.total, stream));
    uint32_t* counts = at<uint32_t>(scratch, p.off_counts);
    uint32_t* tiles = at<uint32_t>(scratch, p.off_tiles);
    uint32_t* keys = at<uint32_t>(scratch, p.off_keys);
    uint32_t* vals = at<uint32_t>(scratch, p.off_vals);
    uint32_t* lens = at<uint32_t>(scratch, p.off_lens);
    xyzz* buckets = at<xyzz>(scratch, p.off_buckets);

    // Everything below is enqueued; the first failure stops the sequence and the scratch
    // is still freed.
    auto body = [&]() -> kiln_status {
        KILN_TRY_CUDA(cudaMemsetAsync(counts, 0, (p.keys + 1) * sizeof(uint32_t), stream));
        KILN_TRY_CUDA(cudaMemsetAsync(buckets, 0, p.keys * sizeof(xyzz), stream));  // all infinity
        {
            auto kernel = histogram_kernel<C>;
            KILN_LAUNCH(kernel, dim3(kiln::grid_for(n, ELEMENTWISE_THREADS)), dim3(ELEMENTWISE_THREADS), 0, stream,
                        scalars, n, montgomery, p.c, p.windows, counts);
            KILN_CHECK_LAUNCH();
        }
        {
            const uint32_t t = static_cast<uint32_t>(p.scan_tiles);
            auto reduce = scan_reduce_kernel;
            KILN_LAUNCH(reduce, dim3(t), dim3(SCAN_THREADS), 0, stream, counts, p.keys, tiles);
            KILN_CHECK_LAUNCH();
            auto scan_tiles = scan_tiles_kernel;
            KILN_LAUNCH(scan_tiles, dim3(1), dim3(SCAN_THREADS), 0, stream, tiles, t, counts + p.keys);
            KILN_CHECK_LAUNCH();
            auto apply = scan_apply_kernel;
            KILN_LAUNCH(apply, dim3(t), dim3(SCAN_THREADS), 0, stream, counts, p.keys, tiles);
            KILN_CHECK_LAUNCH();
        }
        {
            auto kernel = scatter_kernel<C>;
            KILN_LAUNCH(kernel, dim3(kiln::grid_for(n, ELEMENTWISE_THREADS)), dim3(ELEMENTWISE_THREADS), 0, stream,
                        scalars, n, montgomery, p.c, p.windows, counts, keys, vals);
            KILN_CHECK_LAUNCH();
        }
        // counts[keys] now holds the number of entries: the first level's length.
        const uint32_t* len_in = counts + p.keys;
        const uint32_t* in_keys = keys;
        const xyzz* in_parts = nullptr;
        for (uint32_t level = 0; level < p.acc_levels; ++level) {
            const uint32_t log_chunk = level == 0 ? LOG_CHUNK0 : LOG_CHUNK1;
            const uint64_t chunks = (p.level_len[level] + (1ull << log_chunk) - 1) >> log_chunk;
            const int b = level % 2;  // output buffer: level 0 → 0, 1 → 1, 2 → 0, ...
            uint32_t* out_keys = at<uint32_t>(scratch, p.off_part_keys[b]);
            xyzz* out_parts = at<xyzz>(scratch, p.off_parts[b]);
            const uint64_t blocks = (chunks + EC_THREADS - 1) / EC_THREADS;
            const dim3 grid(static_cast<uint32_t>(blocks ? blocks : 1));  // thread 0 writes the next length
            if (level == 0) {
                auto kernel = accumulate_kernel<C, true>;
                KILN_LAUNCH(kernel, grid, dim3(EC_THREADS), 0, stream, in_keys, vals, in_parts, bases, len_in,
                            lens + level, log_chunk, buckets, out_keys, out_parts);
            } else {
                auto kernel = accumulate_kernel<C, false>;
                KILN_LAUNCH(kernel, grid, dim3(EC_THREADS), 0, stream, in_keys, vals, in_parts, bases, len_in,
                            lens + level, log_chunk, buckets, out_keys, out_parts);
            }
            KILN_CHECK_LAUNCH();
            len_in = lens + level;
            in_keys = out_keys;
            in_parts = out_parts;
        }
        // Bucket reduction, then the windows.
        const xyzz* acc_in = buckets;
        const xyzz* u_in = nullptr;
        for (uint32_t level = 0; level < p.red_levels; ++level) {
            const uint32_t m = static_cast<uint32_t>(p.red_m[level]);
            const uint64_t m_out = (m + (1u << LOG_SEG) - 1) >> LOG_SEG;
            const int b = level % 2;
            xyzz* acc_out = at<xyzz>(scratch, p.off_red_acc[b]);
            xyzz* u_out = at<xyzz>(scratch, p.off_red_u[b]);
            const uint64_t threads = m_out * p.windows;
            auto kernel = reduce_kernel<C>;
            KILN_LAUNCH(kernel, dim3(static_cast<uint32_t>((threads + EC_THREADS - 1) / EC_THREADS)), dim3(EC_THREADS),
                        0, stream, acc_in, u_in, m, p.windows, LOG_SEG, LOG_SEG * level, acc_out, u_out);
            KILN_CHECK_LAUNCH();
            acc_in = acc_out;
            u_in = u_out;
        }
        {
            auto kernel = combine_kernel<C>;
            KILN_LAUNCH(kernel, dim3(1), dim3(1), 0, stream, acc_in, u_in, p.windows, p.c, result);
            KILN_CHECK_LAUNCH();
        }
        return kiln::ok();
    };
    st = body();
    const cudaError_t freed = cudaFreeAsync(scratch, stream);
    if (st.code) return st;
    KILN_TRY_CUDA(freed);
    return kiln::ok();
}

}  // namespace

extern "C" uint32_t KILN_SYMBOL(msm_window_bits)(uint32_t curve, uint64_t n) {
    if (curve == KILN_CURVE_BN254) return choose_window_bits(kiln::bn254_g1::SCALAR_BITS, n);
    if (curve == KILN_CURVE_BLS12_381) return choose_window_bits(kiln::bls12_381_g1::SCALAR_BITS, n);
    return 0;
}

KILN_EXPORT(msm_scratch_bytes)(uint32_t curve, uint64_t n, uint32_t window_bits, uint64_t* bytes) {
    if (!bytes) return kiln::invalid("null output pointer");
    return kiln::with_curve(curve, [&](auto c) {
        Plan p;
        kiln_status st = make_plan<decltype(c)>(n, window_bits, p);
        *bytes = st.code ? 0 : (n == 0 ? 0 : p.total);
        return st;
    });
}

KILN_EXPORT(msm)(uint32_t curve, const uint64_t* d_bases, const uint64_t* d_scalars, uint64_t n,
                 uint32_t scalars_montgomery, uint32_t window_bits, uint64_t* d_result, void* stream) {
    if (!d_result) return kiln::invalid("null result pointer");
    if (n > 0 && (!d_bases || !d_scalars)) return kiln::invalid("null device pointer");
    return kiln::with_curve(curve, [&](auto c) {
        return run_msm<decltype(c)>(d_bases, d_scalars, n, scalars_montgomery ? 1u : 0u, window_bits, d_result,
                                    static_cast<cudaStream_t>(stream));
    });
}
