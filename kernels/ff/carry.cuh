// 32-bit carry chains: the PTX integer instructions with a carry flag (add.cc, addc,
// sub.cc, subc, mad.lo.cc, madc.hi, ...) as one small type, so multi-limb arithmetic is
// written once and runs both on the GPU (one PTX instruction per call) and on the host,
// where the same instruction sequence is replayed with an explicit carry flag. The host
// replay is what the emulator and the host tests run, so the order of the instructions
// in a chain, which is what can go wrong, is tested without a GPU; only the one-line
// mapping of each call to its PTX instruction is left to a GPU run.
//
// On the device the carry flag is the PTX condition code CC.CF. Calls in one chain must
// follow each other with no other carry-writing instruction between them: every call is
// `asm volatile`, so the compiler keeps their order, and ptxas tracks CC.CF across
// separate asm statements. The host type keeps the flag in a member; the device type is
// empty.
#pragma once

#include <cstdint>

#include "util/common.cuh"

namespace kiln {

struct carry_chain {
#ifndef __CUDA_ARCH__
    uint32_t cf = 0;  // the replayed CC.CF (carry after add, borrow after sub)
#endif

#ifdef __CUDA_ARCH__
#define KILN_PTX2(op)                                           \
    uint32_t r;                                                 \
    asm volatile(op " %0, %1, %2;" : "=r"(r) : "r"(a), "r"(b)); \
    return r
#define KILN_PTX3(op)                                                       \
    uint32_t r;                                                             \
    asm volatile(op " %0, %1, %2, %3;" : "=r"(r) : "r"(a), "r"(b), "r"(c)); \
    return r
#endif

    // d = a + b, CF = carry out
    __host__ __device__ __forceinline__ uint32_t add_cc(uint32_t a, uint32_t b) {
#ifdef __CUDA_ARCH__
        KILN_PTX2("add.cc.u32");
#else
        uint64_t s = static_cast<uint64_t>(a) + b;
        cf = static_cast<uint32_t>(s >> 32);
        return static_cast<uint32_t>(s);
#endif
    }
    // d = a + b + CF, CF = carry out
    __host__ __device__ __forceinline__ uint32_t addc_cc(uint32_t a, uint32_t b) {
#ifdef __CUDA_ARCH__
        KILN_PTX2("addc.cc.u32");
#else
        uint64_t s = static_cast<uint64_t>(a) + b + cf;
        cf = static_cast<uint32_t>(s >> 32);
        return static_cast<uint32_t>(s);
#endif
    }
    // d = a + b + CF, CF unchanged
    __host__ __device__ __forceinline__ uint32_t addc(uint32_t a, uint32_t b) {
#ifdef __CUDA_ARCH__
        KILN_PTX2("addc.u32");
#else
        return a + b + cf;
#endif
    }
    // d = a − b, CF = borrow out
    __host__ __device__ __forceinline__ uint32_t sub_cc(uint32_t a, uint32_t b) {
#ifdef __CUDA_ARCH__
        KILN_PTX2("sub.cc.u32");
#else
        cf = a < b ? 1u : 0u;
        return a - b;
#endif
    }
    // d = a − b − CF, CF = borrow out
    __host__ __device__ __forceinline__ uint32_t subc_cc(uint32_t a, uint32_t b) {
#ifdef __CUDA_ARCH__
        KILN_PTX2("subc.cc.u32");
#else
        uint64_t d = static_cast<uint64_t>(a) - b - cf;
        cf = static_cast<uint32_t>(d >> 63);
        return static_cast<uint32_t>(d);
#endif
    }
    // d = a − b − CF, CF unchanged
    __host__ __device__ __forceinline__ uint32_t subc(uint32_t a, uint32_t b) {
#ifdef __CUDA_ARCH__
        KILN_PTX2("subc.u32");
#else
        return a - b - cf;
#endif
    }
    // d = lo(a·b) + c, CF = carry out
    __host__ __device__ __forceinline__ uint32_t mad_lo_cc(uint32_t a, uint32_t b, uint32_t c) {
#ifdef __CUDA_ARCH__
        KILN_PTX3("mad.lo.cc.u32");
#else
        uint64_t s = static_cast<uint64_t>(a * b) + c;
        cf = static_cast<uint32_t>(s >> 32);
        return static_cast<uint32_t>(s);
#endif
    }
    // d = lo(a·b) + c + CF, CF = carry out
    __host__ __device__ __forceinline__ uint32_t madc_lo_cc(uint32_t a, uint32_t b, uint32_t c) {
#ifdef __CUDA_ARCH__
        KILN_PTX3("madc.lo.cc.u32");
#else
        uint64_t s = static_cast<uint64_t>(a * b) + c + cf;
        cf = static_cast<uint32_t>(s >> 32);
        return static_cast<uint32_t>(s);
#endif
    }
    // d = hi(a·b) + c, CF = carry out
    __host__ __device__ __forceinline__ uint32_t mad_hi_cc(uint32_t a, uint32_t b, uint32_t c) {
#ifdef __CUDA_ARCH__
        KILN_PTX3("mad.hi.cc.u32");
#else
        uint64_t s = ((static_cast<uint64_t>(a) * b) >> 32) + c;
        cf = static_cast<uint32_t>(s >> 32);
        return static_cast<uint32_t>(s);
#endif
    }
    // d = hi(a·b) + c + CF, CF = carry out
    __host__ __device__ __forceinline__ uint32_t madc_hi_cc(uint32_t a, uint32_t b, uint32_t c) {
#ifdef __CUDA_ARCH__
        KILN_PTX3("madc.hi.cc.u32");
#else
        uint64_t s = ((static_cast<uint64_t>(a) * b) >> 32) + c + cf;
        cf = static_cast<uint32_t>(s >> 32);
        return static_cast<uint32_t>(s);
#endif
    }
    // d = hi(a·b) + c + CF, CF unchanged
    __host__ __device__ __forceinline__ uint32_t madc_hi(uint32_t a, uint32_t b, uint32_t c) {
#ifdef __CUDA_ARCH__
        KILN_PTX3("madc.hi.u32");
#else
        return static_cast<uint32_t>((static_cast<uint64_t>(a) * b) >> 32) + c + cf;
#endif
    }

#ifdef __CUDA_ARCH__
#undef KILN_PTX2
#undef KILN_PTX3
#endif
};

}  // namespace kiln
