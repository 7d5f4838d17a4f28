// The kernel emulator: compiles CUDA kernels as host C++ so their logic can be tested on
// machines without a GPU. Included only when KILN_EMULATE is defined (build.rs builds the
// kernels a second time that way, into libkiln_emu.a, with exported names prefixed
// `kiln_emu_`).
//
// Model: a launch runs its blocks one after another; each CUDA thread of a block is a
// fiber on the calling thread, and __syncthreads() switches to the next fiber until all
// have reached it.
// `__shared__` variables become function-local statics, shared by the threads of the
// block being run, which is correct because blocks never run concurrently. Dynamic
// shared memory comes from KILN_DYNAMIC_SMEM. Device memory is host memory.
//
// What it does not model: warp-synchronous execution (there is no warp; use
// __syncthreads, or the emulated shuffles below, which need every thread of the block to
// take part), memory-model races between blocks, and timing. It finds wrong indexing,
// wrong twiddles, missing barriers inside a block (often), and ABI mistakes.
#pragma once
#ifndef KILN_EMULATE
#error "emu.cuh is for KILN_EMULATE builds only"
#endif

#include <ucontext.h>
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>
#include <vector>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline __attribute__((always_inline))
#define __noinline__ __attribute__((noinline))
#define __launch_bounds__(...)
#define __restrict__ __restrict
#define __shared__ static
#define __constant__ static const

struct dim3 {
    unsigned x, y, z;
    constexpr dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};
using uint3 = dim3;

typedef int cudaError_t;
enum : int {
    cudaSuccess = 0,
    cudaErrorInvalidValue = 1,
    cudaErrorMemoryAllocation = 2,
    cudaErrorInvalidConfiguration = 9,
};
typedef void* cudaStream_t;
enum cudaMemcpyKind {
    cudaMemcpyHostToHost = 0,
    cudaMemcpyHostToDevice = 1,
    cudaMemcpyDeviceToHost = 2,
    cudaMemcpyDeviceToDevice = 3,
    cudaMemcpyDefault = 4
};

#if defined(__x86_64__)
// Fiber switch for x86-64 System V: saves the callee-saved registers, MXCSR and the x87
// control word on the current stack, stores the stack pointer in *save_sp and resumes the
// fiber whose stack pointer is new_sp. glibc's swapcontext does the same plus a
// sigprocmask system call, which made it 50 times slower here. Weak, because every
// kernel file that includes this header emits it.
extern "C" void kiln_emu_switch(void** save_sp, void* new_sp);
asm(R"(
    .text
    .weak kiln_emu_switch
    .type kiln_emu_switch, @function
kiln_emu_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size kiln_emu_switch, .-kiln_emu_switch
)");
#define KILN_EMU_FAST_SWITCH 1
#endif

namespace kiln_emu {
// Each CUDA thread of a block is a fiber on the calling OS thread; a __syncthreads
// switches back to the scheduler, which resumes every other live fiber up to its own
// barrier before releasing any: exactly the barrier's semantics, with no OS threads.
struct Fiber {
#ifdef KILN_EMU_FAST_SWITCH
    void* sp = nullptr;
#else
    ucontext_t ctx;
#endif
    char* stack = nullptr;
    bool done = false;
};
constexpr size_t FIBER_STACK = 256 * 1024;  // untouched pages cost nothing

inline cudaError_t last_error = 0;  // cudaSuccess; set by a rejected launch
inline dim3 thread_idx;
inline dim3 block_idx;
inline dim3 block_dim;
inline dim3 grid_dim;
inline std::vector<unsigned char> dynamic_smem;
// Exchange slots for the emulated warp shuffles, one per thread of the block.
inline std::vector<uint64_t> shuffle_slots;
#ifdef KILN_EMU_FAST_SWITCH
inline void* scheduler_sp = nullptr;
#else
inline ucontext_t scheduler;
#endif
inline std::vector<Fiber> fibers;
inline unsigned current = 0;
inline const std::function<void()>* body_fn = nullptr;

inline unsigned block_threads() { return block_dim.x * block_dim.y * block_dim.z; }
inline unsigned linear_tid() { return thread_idx.x + block_dim.x * (thread_idx.y + block_dim.y * thread_idx.z); }
inline dim3 tid_of(unsigned t) {
    return dim3(t % block_dim.x, (t / block_dim.x) % block_dim.y, t / (block_dim.x * block_dim.y));
}

// To the scheduler, from the running fiber.
inline void yield_to_scheduler() {
#ifdef KILN_EMU_FAST_SWITCH
    kiln_emu_switch(&fibers[current].sp, scheduler_sp);
#else
    swapcontext(&fibers[current].ctx, &scheduler);
#endif
}

inline void fiber_entry() {
    (*body_fn)();
    fibers[current].done = true;
    yield_to_scheduler();
    __builtin_unreachable();
}

inline void barrier() { yield_to_scheduler(); }

inline void fiber_start(Fiber& f) {
    f.done = false;
#ifdef KILN_EMU_FAST_SWITCH
    // The frame kiln_emu_switch pops: control words, r15..r12, rbx, rbp, then the
    // "return address" fiber_entry at a 16-byte aligned slot, as a call would leave it.
    uintptr_t top = (reinterpret_cast<uintptr_t>(f.stack) + FIBER_STACK) & ~uintptr_t(15);
    uint64_t* ret = reinterpret_cast<uint64_t*>(top - 16);
    *ret = reinterpret_cast<uint64_t>(&fiber_entry);
    uint64_t* sp = ret - 7;
    for (int i = 1; i < 7; ++i)
        sp[i] = 0;                             // r15, r14, r13, r12, rbx, rbp
    uint32_t control[2] = {0x1F80u, 0x037Fu};  // default MXCSR, x87 control word
    std::memcpy(sp, control, 8);
    f.sp = sp;
#else
    getcontext(&f.ctx);
    f.ctx.uc_stack.ss_sp = f.stack;
    f.ctx.uc_stack.ss_size = FIBER_STACK;
    f.ctx.uc_link = nullptr;
    makecontext(&f.ctx, fiber_entry, 0);
#endif
}

inline void fiber_resume(unsigned t) {
    current = t;
    thread_idx = tid_of(t);
#ifdef KILN_EMU_FAST_SWITCH
    kiln_emu_switch(&scheduler_sp, fibers[t].sp);
#else
    swapcontext(&scheduler, &fibers[t].ctx);
#endif
}

// Runs `body` as a grid of `grid` blocks of `block` threads, with `smem` bytes of
// dynamic shared memory.
// A configuration CUDA rejects (an empty grid or block, more than 1024 threads per block,
// dimensions past the device limits) launches nothing and sets the error that
// `cudaGetLastError` returns, as on a GPU.
inline void launch(dim3 grid, dim3 block, size_t smem, const std::function<void()>& body) {
    grid_dim = grid;
    block_dim = block;
    const unsigned long long nthreads = 1ull * block.x * block.y * block.z;
    if (nthreads == 0 || nthreads > 1024 || block.z > 64 || grid.x == 0 || grid.y == 0 || grid.z == 0 ||
        grid.x > 0x7fffffffu || grid.y > 65535 || grid.z > 65535) {
        last_error = cudaErrorInvalidConfiguration;
        return;
    }
    dynamic_smem.assign(smem + 16, 0xA5);  // poisoned, like real shared memory's garbage
    shuffle_slots.assign(nthreads, 0);
    body_fn = &body;
    if (fibers.size() < nthreads) fibers.resize(nthreads);
    for (unsigned t = 0; t < nthreads; ++t)
        if (!fibers[t].stack) fibers[t].stack = static_cast<char*>(std::malloc(FIBER_STACK));
    for (unsigned bz = 0; bz < grid.z; ++bz)
        for (unsigned by = 0; by < grid.y; ++by)
            for (unsigned bx = 0; bx < grid.x; ++bx) {
                block_idx = dim3(bx, by, bz);
                for (unsigned t = 0; t < nthreads; ++t)
                    fiber_start(fibers[t]);
                // Round-robin: each round runs every live fiber to its next barrier or end.
                for (bool alive = true; alive;) {
                    alive = false;
                    for (unsigned t = 0; t < nthreads; ++t) {
                        if (fibers[t].done) continue;
                        fiber_resume(t);
                        alive |= !fibers[t].done;
                    }
                }
            }
    body_fn = nullptr;
}
}  // namespace kiln_emu

#define threadIdx (kiln_emu::thread_idx)
#define blockIdx (kiln_emu::block_idx)
#define blockDim (kiln_emu::block_dim)
#define gridDim (kiln_emu::grid_dim)
#define warpSize 32

inline void __syncthreads() { kiln_emu::barrier(); }
inline int __syncthreads_or(int pred) {
    static int acc;
    __syncthreads();
    if (kiln_emu::linear_tid() == 0) acc = 0;
    __syncthreads();
    if (pred) acc = 1;
    __syncthreads();
    int r = acc;
    __syncthreads();
    return r;
}
inline void __syncwarp(unsigned = 0xffffffffu) { __syncthreads(); }
inline void __threadfence() { std::atomic_thread_fence(std::memory_order_seq_cst); }

// Shuffles: every thread of the block must call them together (see the header).
template <typename T>
inline T kiln_emu_shfl(T v, unsigned src_lane) {
    static_assert(sizeof(T) <= 8, "emulated shuffle of at most 8 bytes");
    unsigned tid = kiln_emu::linear_tid();
    uint64_t w = 0;
    std::memcpy(&w, &v, sizeof(T));
    kiln_emu::shuffle_slots[tid] = w;
    __syncthreads();
    unsigned src = (tid & ~31u) | (src_lane & 31u);
    uint64_t r = kiln_emu::shuffle_slots[std::min<unsigned>(src, kiln_emu::block_threads() - 1)];
    __syncthreads();
    T out;
    std::memcpy(&out, &r, sizeof(T));
    return out;
}
template <typename T>
inline T __shfl_sync(unsigned, T v, int lane, int = 32) {
    return kiln_emu_shfl(v, (unsigned)lane);
}
template <typename T>
inline T __shfl_xor_sync(unsigned, T v, int mask, int = 32) {
    return kiln_emu_shfl(v, (kiln_emu::linear_tid() & 31u) ^ (unsigned)mask);
}
template <typename T>
inline T __shfl_down_sync(unsigned, T v, unsigned d, int = 32) {
    unsigned lane = kiln_emu::linear_tid() & 31u;
    return kiln_emu_shfl(v, lane + d < 32 ? lane + d : lane);
}
template <typename T>
inline T __shfl_up_sync(unsigned, T v, unsigned d, int = 32) {
    unsigned lane = kiln_emu::linear_tid() & 31u;
    return kiln_emu_shfl(v, lane >= d ? lane - d : lane);
}

inline unsigned __umulhi(unsigned a, unsigned b) { return (unsigned)(((uint64_t)a * b) >> 32); }
inline uint64_t __umul64hi(uint64_t a, uint64_t b) { return (uint64_t)(((unsigned __int128)a * b) >> 64); }
inline unsigned __brev(unsigned x) {
    x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
    x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
    x = ((x >> 4) & 0x0F0F0F0Fu) | ((x & 0x0F0F0F0Fu) << 4);
    x = ((x >> 8) & 0x00FF00FFu) | ((x & 0x00FF00FFu) << 8);
    return (x >> 16) | (x << 16);
}
inline int __clz(unsigned x) { return x ? __builtin_clz(x) : 32; }
inline int __clzll(unsigned long long x) { return x ? __builtin_clzll(x) : 64; }
inline int __popc(unsigned x) { return __builtin_popcount(x); }
inline int __ffs(unsigned x) { return __builtin_ffs((int)x); }
template <typename T>
inline T __ldg(const T* p) {
    return *p;
}

template <typename T>
inline T atomicAdd(T* p, T v) {
    return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
}
template <typename T>
inline T atomicSub(T* p, T v) {
    return __atomic_fetch_sub(p, v, __ATOMIC_SEQ_CST);
}
template <typename T>
inline T atomicMax(T* p, T v) {
    T cur = __atomic_load_n(p, __ATOMIC_SEQ_CST);
    while (cur < v && !__atomic_compare_exchange_n(p, &cur, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
    }
    return cur;
}
template <typename T>
inline T atomicExch(T* p, T v) {
    return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
}
template <typename T>
inline T atomicCAS(T* p, T expected, T desired) {
    __atomic_compare_exchange_n(p, &expected, desired, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return expected;
}

// Runtime API: device memory is host memory; streams are ignored (every call completes
// before it returns, which is one valid stream order).
inline cudaError_t cudaGetLastError() {
    cudaError_t e = kiln_emu::last_error;
    kiln_emu::last_error = cudaSuccess;
    return e;
}
inline cudaError_t cudaPeekAtLastError() { return kiln_emu::last_error; }
inline const char* cudaGetErrorString(cudaError_t e) {
    switch (e) {
        case cudaSuccess:
            return "no error";
        case cudaErrorInvalidValue:
            return "invalid argument";
        case cudaErrorMemoryAllocation:
            return "out of memory";
        case cudaErrorInvalidConfiguration:
            return "invalid configuration argument";
        default:
            return "unknown error";
    }
}
inline cudaError_t cudaMallocAsync(void** p, size_t n, cudaStream_t) {
    *p = std::malloc(n ? n : 1);
    if (*p) std::memset(*p, 0xA5, n);  // poisoned, like fresh device memory
    return *p ? cudaSuccess : cudaErrorMemoryAllocation;
}
template <typename T>
inline cudaError_t cudaMallocAsync(T** p, size_t n, cudaStream_t s) {
    return cudaMallocAsync(reinterpret_cast<void**>(p), n, s);
}
inline cudaError_t cudaFreeAsync(void* p, cudaStream_t) {
    std::free(p);
    return cudaSuccess;
}
inline cudaError_t cudaMemcpyAsync(void* d, const void* s, size_t n, cudaMemcpyKind, cudaStream_t) {
    if (n) std::memmove(d, s, n);
    return cudaSuccess;
}
inline cudaError_t cudaMemsetAsync(void* d, int v, size_t n, cudaStream_t) {
    std::memset(d, v, n);
    return cudaSuccess;
}
inline cudaError_t cudaStreamSynchronize(cudaStream_t) { return cudaSuccess; }
inline cudaError_t cudaGetDevice(int* d) {
    *d = 0;
    return cudaSuccess;
}
enum cudaDeviceAttr { cudaDevAttrMultiProcessorCount = 16, cudaDevAttrMaxSharedMemoryPerBlockOptin = 97 };
inline cudaError_t cudaDeviceGetAttribute(int* v, cudaDeviceAttr a, int) {
    *v = a == cudaDevAttrMultiProcessorCount ? 4 : 48 * 1024;
    return cudaSuccess;
}
enum cudaFuncAttribute { cudaFuncAttributeMaxDynamicSharedMemorySize = 8 };
template <typename F>
inline cudaError_t cudaFuncSetAttribute(F, cudaFuncAttribute, int) {
    return cudaSuccess;
}

#define KILN_LAUNCH(kernel, grid, block, smem, stream, ...) \
    ((void)(stream), kiln_emu::launch((grid), (block), (smem), [&] { kernel(__VA_ARGS__); }))
#define KILN_DYNAMIC_SMEM(T, name) T* name = reinterpret_cast<T*>(kiln_emu::dynamic_smem.data())
