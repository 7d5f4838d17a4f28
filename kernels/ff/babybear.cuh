// BabyBear, p = 15·2^27 + 1, in Montgomery form with R = 2^32: the same words as the Rust
// `kiln_field::BabyBear` and Plonky3's `BabyBear`. __host__ __device__ throughout, so the
// arithmetic runs (and is tested) on the host as well.
#pragma once

#include <cstdint>

#include "util/common.cuh"

namespace kiln {

struct bb_t {
    static constexpr uint32_t P = 0x78000001u;
    static constexpr uint32_t P_INV = 0x88000001u;      // p^{-1} mod 2^32
    static constexpr uint32_t R2 = 0x45dddde3u;         // 2^64 mod p: canonical → Montgomery
    static constexpr uint32_t ONE_MONTY = 0x0ffffffeu;  // 2^32 mod p

    uint32_t v;  // Montgomery word, < p

    bb_t() = default;
    __host__ __device__ constexpr explicit bb_t(uint32_t monty) : v(monty) {}

    __host__ __device__ static constexpr bb_t zero() { return bb_t(0); }
    __host__ __device__ static constexpr bb_t one() { return bb_t(ONE_MONTY); }

    // (x · 2^-32) mod p for x < p·2^32. The low words of x and m·p are equal by choice of
    // m, so only the high words are subtracted.
    __host__ __device__ static __forceinline__ uint32_t reduce(uint64_t x) {
        uint32_t m = static_cast<uint32_t>(x) * P_INV;
        uint32_t hi = static_cast<uint32_t>(x >> 32);
#ifdef __CUDA_ARCH__
        uint32_t mp_hi = __umulhi(m, P);
#else
        uint32_t mp_hi = static_cast<uint32_t>((static_cast<uint64_t>(m) * P) >> 32);
#endif
        uint32_t r = hi - mp_hi;
        return hi < mp_hi ? r + P : r;
    }

    __host__ __device__ static __forceinline__ bb_t from_canonical(uint32_t x) {
        return bb_t(reduce(static_cast<uint64_t>(x) * R2));
    }
    __host__ __device__ __forceinline__ uint32_t to_canonical() const { return reduce(v); }

    __host__ __device__ __forceinline__ friend bb_t operator+(bb_t a, bb_t b) {
        uint32_t s = a.v + b.v;
        return bb_t(s >= P ? s - P : s);
    }
    __host__ __device__ __forceinline__ friend bb_t operator-(bb_t a, bb_t b) {
        uint32_t d = a.v - b.v;
        return bb_t(a.v < b.v ? d + P : d);
    }
    __host__ __device__ __forceinline__ bb_t operator-() const { return bb_t(v ? P - v : 0); }
    __host__ __device__ __forceinline__ friend bb_t operator*(bb_t a, bb_t b) {
        return bb_t(reduce(static_cast<uint64_t>(a.v) * b.v));
    }
    __host__ __device__ __forceinline__ bb_t& operator+=(bb_t b) { return *this = *this + b; }
    __host__ __device__ __forceinline__ bb_t& operator-=(bb_t b) { return *this = *this - b; }
    __host__ __device__ __forceinline__ bb_t& operator*=(bb_t b) { return *this = *this * b; }
    __host__ __device__ __forceinline__ friend bool operator==(bb_t a, bb_t b) { return a.v == b.v; }
    __host__ __device__ __forceinline__ friend bool operator!=(bb_t a, bb_t b) { return a.v != b.v; }

    __host__ __device__ __forceinline__ bb_t sqr() const { return *this * *this; }

    __host__ __device__ bb_t pow(uint64_t e) const {
        bb_t acc = one(), base = *this;
        while (e) {
            if (e & 1) acc *= base;
            base = base.sqr();
            e >>= 1;
        }
        return acc;
    }

    // x^(p−2); zero maps to zero.
    __host__ __device__ bb_t inverse() const { return pow(P - 2); }
};

static_assert(sizeof(bb_t) == 4, "bb_t is one Montgomery word");

}  // namespace kiln
