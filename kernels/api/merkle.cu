// C ABI of Poseidon2 and the Merkle kernels (see include/kiln.h): argument checks,
// matrix grouping by height, descriptor upload and launch planning.

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "merkle/merkle.cuh"

using namespace kiln::merkle;

namespace {

constexpr uint32_t PERMUTE_THREADS = 256;
constexpr uint32_t OPEN_THREADS = 128;
// Levels of a subtree launch stop while at least this many nodes of a block remain, so
// every level but the top of the tree runs on whole warps (see merkle/NOTES.md).
constexpr uint32_t SUBTREE_MIN_ACTIVE = 32;

// KILN_POSEIDON2_UNROLL=1 selects the kernels whose permutation has its round loops
// unrolled (poseidon2::permute<W, true>): a switch for measuring both on a GPU, read once.
// Both compute the same values (the variants differ only in loop pragmas).
bool unroll_rounds() {
    static const bool on = [] {
        const char* v = std::getenv("KILN_POSEIDON2_UNROLL");
        return v && v[0] == '1' && v[1] == '\0';
    }();
    return on;
}

uint32_t log2_exact(uint64_t x) {
    uint32_t l = 0;
    while ((1ull << l) < x)
        ++l;
    return l;
}

// Stream-ordered device scratch. `release` frees it (in stream order) and reports the
// free's error; the destructor frees what an early return left behind (its error cannot be
// reported there, and the early return already reports one).
class Scratch {
  public:
    explicit Scratch(cudaStream_t stream) : stream_(stream) {}
    ~Scratch() {
        if (ptr_) (void)cudaFreeAsync(ptr_, stream_);
    }
    cudaError_t release() {
        cudaError_t e = ptr_ ? cudaFreeAsync(ptr_, stream_) : cudaSuccess;
        ptr_ = nullptr;
        return e;
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;

    // Copies `bytes` host bytes to fresh device memory; returns the device address.
    cudaError_t upload(const std::vector<unsigned char>& bytes, unsigned char** device) {
        cudaError_t e = cudaMallocAsync(reinterpret_cast<void**>(&ptr_), bytes.size() ? bytes.size() : 1, stream_);
        if (e != cudaSuccess) return e;
        *device = ptr_;
        return cudaMemcpyAsync(ptr_, bytes.data(), bytes.size(), cudaMemcpyHostToDevice, stream_);
    }

  private:
    cudaStream_t stream_;
    unsigned char* ptr_ = nullptr;
};

// Host bytes to upload: a list of records, each at a 16-byte aligned offset.
class Blob {
  public:
    template <typename T>
    size_t push(const T* items, size_t count) {
        size_t at = (bytes.size() + 15) & ~size_t(15);
        bytes.resize(at + count * sizeof(T));
        if (count) std::memcpy(bytes.data() + at, items, count * sizeof(T));
        return at;
    }
    std::vector<unsigned char> bytes;
};

kiln_status check_matrices(const kiln_matrix* matrices, uint32_t count) {
    if (count == 0) return kiln::invalid("no matrices");
    if (!matrices) return kiln::invalid("null matrix array");
    for (uint32_t m = 0; m < count; ++m) {
        if (matrices[m].log_height > MAX_LOG_HEIGHT) return kiln::invalid("matrix height exceeds 2^30");
        if (matrices[m].width && !matrices[m].data) return kiln::invalid("null device pointer");
    }
    return kiln::ok();
}

// The matrices grouped by height, tallest first, commit order within a height, uploaded;
// `p.groups[l]` then describes the matrices of height 2^(K−l).
kiln_status upload_groups(const kiln_matrix* matrices, uint32_t count, uint32_t K, Scratch& scratch, TreeParams& p) {
    std::vector<kiln_matrix> sorted(matrices, matrices + count);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const kiln_matrix& a, const kiln_matrix& b) { return a.log_height > b.log_height; });
    Blob blob;
    blob.push(sorted.data(), sorted.size());
    unsigned char* device = nullptr;
    KILN_TRY_CUDA(scratch.upload(blob.bytes, &device));
    const kiln_matrix* d_sorted = reinterpret_cast<const kiln_matrix*>(device);
    for (uint32_t l = 0; l < MAX_LAYERS; ++l)
        p.groups[l] = Group{nullptr, 0, 0};
    for (uint32_t i = 0; i < count; ++i) {
        Group& g = p.groups[K - sorted[i].log_height];
        if (g.count == 0) g.matrices = d_sorted + i;
        ++g.count;
        g.width += sorted[i].width;
        if (g.width < sorted[i].width) return kiln::invalid("total width of one height exceeds 2^32");
    }
    return kiln::ok();
}

// Every layer of the tree, leaves first, a band of layers per launch.
kiln_status run_subtrees(const TreeParams& p, cudaStream_t stream) {
    const uint32_t K = p.log_max_height;
    uint32_t layer = 0;
    bool first = true;
    while (first || layer < K) {
        const uint64_t nodes = 1ull << (K - layer);
        uint32_t threads, levels;
        if (nodes <= SUBTREE_THREADS) {
            threads = static_cast<uint32_t>(nodes);
            levels = K - layer;
        } else {
            threads = SUBTREE_THREADS;
            levels = std::min(log2_exact(SUBTREE_THREADS / SUBTREE_MIN_ACTIVE), K - layer);
        }
        const uint64_t blocks = nodes / threads;
        if (blocks > 0x7fffffffull) return kiln::invalid("Merkle grid too large");
        auto kernel = unroll_rounds() ? subtree_kernel<true> : subtree_kernel<false>;
        KILN_LAUNCH(kernel, dim3(static_cast<uint32_t>(blocks)), dim3(threads), 0, stream, p, layer, levels);
        KILN_CHECK_LAUNCH();
        layer += levels;
        first = false;
    }
    return kiln::ok();
}

uint32_t max_log_height(const kiln_matrix* matrices, uint32_t count) {
    uint32_t K = 0;
    for (uint32_t m = 0; m < count; ++m)
        K = std::max(K, matrices[m].log_height);
    return K;
}

}  // namespace

KILN_EXPORT(poseidon2_permute)(uint32_t* d_states, uint64_t count, uint32_t width, void* stream_ptr) {
    if (width != 16 && width != 24) return kiln::invalid("Poseidon2 width must be 16 or 24");
    if (count == 0) return kiln::ok();
    if (!d_states) return kiln::invalid("null device pointer");
    cudaStream_t stream = static_cast<cudaStream_t>(stream_ptr);
    const dim3 grid(kiln::grid_for(count, PERMUTE_THREADS)), block(PERMUTE_THREADS);
    if (width == 16) {
        auto kernel = unroll_rounds() ? permute_kernel<16, true> : permute_kernel<16, false>;
        KILN_LAUNCH(kernel, grid, block, 0, stream, d_states, count);
    } else {
        auto kernel = unroll_rounds() ? permute_kernel<24, true> : permute_kernel<24, false>;
        KILN_LAUNCH(kernel, grid, block, 0, stream, d_states, count);
    }
    KILN_CHECK_LAUNCH();
    return kiln::ok();
}

KILN_EXPORT(merkle_commit)(const kiln_matrix* matrices, uint32_t count, uint32_t* const* d_layers, void* stream_ptr) {
    kiln_status st = check_matrices(matrices, count);
    if (st.code) return st;
    if (!d_layers) return kiln::invalid("null layer array");
    const uint32_t K = max_log_height(matrices, count);
    for (uint32_t l = 0; l <= K; ++l)
        if (!d_layers[l]) return kiln::invalid("null device pointer");
    cudaStream_t stream = static_cast<cudaStream_t>(stream_ptr);
    Scratch scratch(stream);
    TreeParams p{};
    for (uint32_t l = 0; l < MAX_LAYERS; ++l)
        p.layers[l] = l <= K ? d_layers[l] : nullptr;
    p.log_max_height = K;
    st = upload_groups(matrices, count, K, scratch, p);
    if (st.code) return st;
    st = run_subtrees(p, stream);
    if (st.code) return st;
    KILN_TRY_CUDA(scratch.release());
    return kiln::ok();
}

KILN_EXPORT(merkle_open)(const kiln_matrix* matrices, uint32_t count, const uint32_t* const* d_layers,
                         const uint32_t* indices, uint32_t queries, uint32_t* d_out, void* stream_ptr) {
    kiln_status st = check_matrices(matrices, count);
    if (st.code) return st;
    if (queries == 0) return kiln::ok();
    if (!d_layers) return kiln::invalid("null layer array");
    if (!d_out) return kiln::invalid("null device pointer");
    if (!indices) return kiln::invalid("null index array");
    const uint32_t K = max_log_height(matrices, count);
    for (uint32_t l = 0; l < K; ++l)
        if (!d_layers[l]) return kiln::invalid("null device pointer");
    for (uint32_t q = 0; q < queries; ++q)
        if (static_cast<uint64_t>(indices[q]) >= (1ull << K)) return kiln::invalid("query index out of range");
    std::vector<uint32_t> offsets(count + 1);
    uint64_t record = 0;
    for (uint32_t m = 0; m < count; ++m) {
        offsets[m] = static_cast<uint32_t>(record);
        record += matrices[m].width;
        if (record > 0xffffffffull) return kiln::invalid("opening record exceeds 2^32 words");
    }
    offsets[count] = static_cast<uint32_t>(record);
    record += static_cast<uint64_t>(K) * DIGEST;
    if (record > 0xffffffffull) return kiln::invalid("opening record exceeds 2^32 words");

    cudaStream_t stream = static_cast<cudaStream_t>(stream_ptr);
    Blob blob;
    size_t at_layers = blob.push(d_layers, K);
    size_t at_matrices = blob.push(matrices, count);
    size_t at_offsets = blob.push(offsets.data(), offsets.size());
    size_t at_indices = blob.push(indices, queries);
    Scratch scratch(stream);
    unsigned char* device = nullptr;
    KILN_TRY_CUDA(scratch.upload(blob.bytes, &device));
    const uint64_t tasks = static_cast<uint64_t>(count + 1) * queries;
    auto kernel = open_kernel;
    KILN_LAUNCH(kernel, dim3(kiln::grid_for(tasks, 1)), dim3(OPEN_THREADS), 0, stream,
                reinterpret_cast<const kiln_matrix*>(device + at_matrices),
                reinterpret_cast<const uint32_t*>(device + at_offsets), count,
                reinterpret_cast<const uint32_t* const*>(device + at_layers), K,
                reinterpret_cast<const uint32_t*>(device + at_indices), queries, static_cast<uint32_t>(record), d_out);
    KILN_CHECK_LAUNCH();
    KILN_TRY_CUDA(scratch.release());
    return kiln::ok();
}
