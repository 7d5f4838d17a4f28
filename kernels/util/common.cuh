// What every kernel file includes: the CUDA runtime or the emulator, the launch and
// export macros, and the status type that crosses the C ABI.
#pragma once

#ifdef KILN_EMULATE
// Both builds of the kernels are linked into one binary: give the emulated C++ symbols
// their own namespace so they cannot collide with the CUDA build's host stubs.
#define kiln kiln_emulated
#include "util/emu.cuh"
#define KILN_SYMBOL(name) kiln_emu_##name
#define KILN_EXPORT(name) extern "C" kiln_status kiln_emu_##name
#else
#include <cuda_runtime.h>
#define KILN_LAUNCH(kernel, grid, block, smem, stream, ...) kernel<<<(grid), (block), (smem), (stream)>>>(__VA_ARGS__)
#define KILN_DYNAMIC_SMEM(T, name)                                         \
    extern __shared__ __align__(16) unsigned char kiln_dynamic_smem_raw[]; \
    T* name = reinterpret_cast<T*>(kiln_dynamic_smem_raw)
#define KILN_SYMBOL(name) kiln_##name
#define KILN_EXPORT(name) extern "C" kiln_status kiln_##name
#endif

#include <cstddef>
#include <cstdint>

#include "include/kiln.h"

namespace kiln {

inline kiln_status ok() { return kiln_status{0, "ok"}; }
inline kiln_status invalid(const char* why) { return kiln_status{KILN_INVALID_ARGUMENT, why}; }
inline kiln_status from_cuda(cudaError_t e) {
    return e == cudaSuccess ? ok() : kiln_status{static_cast<int32_t>(e), cudaGetErrorString(e)};
}

// Blocks of `threads` for `work` items of a grid-stride kernel: at least one, at most 2^20
// (grid-stride loops cover the rest; 2^20 blocks keep every SM busy).
inline uint32_t grid_for(uint64_t work, uint32_t threads) {
    uint64_t blocks = (work + threads - 1) / threads;
    return static_cast<uint32_t>(blocks < (1u << 20) ? (blocks ? blocks : 1) : (1u << 20));
}

}  // namespace kiln

// Evaluates a runtime call and returns its error as a status if it failed.
#define KILN_TRY_CUDA(expr)                                              \
    do {                                                                 \
        cudaError_t kiln_err_ = (expr);                                  \
        if (kiln_err_ != cudaSuccess) return kiln::from_cuda(kiln_err_); \
    } while (0)

// After a launch: report a launch failure (bad configuration, no kernel image for this
// device, ...) as a status.
#define KILN_CHECK_LAUNCH() KILN_TRY_CUDA(cudaGetLastError())
