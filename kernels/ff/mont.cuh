// Prime fields of several 32-bit limbs in Montgomery form, the template behind the
// pairing-curve fields (ff/bn254.cuh, ff/bls12_381.cuh).
//
// An element is N little-endian 32-bit limbs holding a·R mod p with R = 2^(32N), always
// fully reduced (< p). These are the bytes of arkworks' `Fp<MontBackend<_, N/2>, N/2>`
// (N/2 little-endian u64 limbs, Montgomery form with the same R), so device buffers and
// arkworks slices share one layout.
//
// The parameter struct gives N, the bit length, M0 = −p^{-1} mod 2^32 and the limbs of
// p, R mod p ("one") and R² mod p, as constexpr functions of the limb index. Every loop
// over limbs is unrolled, so on the device each limb of p is an immediate operand.
//
// Requires p < 2^(32N−1) (one spare bit; BN254's p and r, BLS12-381's p and r all have
// it): sums a + b < 2p and the Montgomery accumulator then fit in N words, see mul().
#pragma once

#include <cstdint>

#include "ff/carry.cuh"

// Device loads of whole elements as 16-byte vectors. Not in the emulator, whose device
// memory is Rust Vec<u64> storage with 8-byte alignment.
#ifdef KILN_EMULATE
#define KILN_ALIGN(n)
#else
#define KILN_ALIGN(n) __align__(n)
#endif

// Fully unrolled limb loops: nvcc's pragma in device code, GCC's in the emulator, none
// in the host pass of nvcc (whose front end knows neither there, and whose host code
// only reads the constants).
#if defined(__CUDA_ARCH__)
#define KILN_UNROLL _Pragma("unroll")
#elif defined(__CUDACC__)
#define KILN_UNROLL
#else
#define KILN_UNROLL _Pragma("GCC unroll 16")
#endif

// Defines `static constexpr uint32_t name(uint32_t i)`, limb i of a constant.
#define KILN_FIELD_LIMBS(name, ...)                                                  \
    __host__ __device__ __forceinline__ static constexpr uint32_t name(uint32_t i) { \
        constexpr uint32_t v[N] = {__VA_ARGS__};                                     \
        return v[i];                                                                 \
    }

namespace kiln {

template <class P>
struct KILN_ALIGN(16) mont_t {
    static constexpr uint32_t N = P::N;
    static constexpr uint32_t BITS = P::BITS;
    static_assert(N >= 2, "at least two limbs");
    using params = P;

    uint32_t limb[N];

    mont_t() = default;

    __host__ __device__ __forceinline__ static mont_t zero() {
        mont_t r;
        KILN_UNROLL
        for (uint32_t i = 0; i < N; ++i)
            r.limb[i] = 0;
        return r;
    }
    // 1 in Montgomery form (R mod p).
    __host__ __device__ __forceinline__ static mont_t one() {
        mont_t r;
        KILN_UNROLL
        for (uint32_t i = 0; i < N; ++i)
            r.limb[i] = P::one(i);
        return r;
    }
    // The raw integer 1 (not Montgomery): mul(a, raw_one()) leaves Montgomery form.
    __host__ __device__ __forceinline__ static mont_t raw_one() {
        mont_t r = zero();
        r.limb[0] = 1;
        return r;
    }
    __host__ __device__ __forceinline__ static mont_t r2() {
        mont_t r;
        KILN_UNROLL
        for (uint32_t i = 0; i < N; ++i)
            r.limb[i] = P::r2(i);
        return r;
    }

    __host__ __device__ __forceinline__ bool is_zero() const {
        uint32_t acc = 0;
        KILN_UNROLL
        for (uint32_t i = 0; i < N; ++i)
            acc |= limb[i];
        return acc == 0;
    }
    __host__ __device__ __forceinline__ friend bool operator==(const mont_t& a, const mont_t& b) {
        uint32_t acc = 0;
        KILN_UNROLL
        for (uint32_t i = 0; i < N; ++i)
            acc |= a.limb[i] ^ b.limb[i];
        return acc == 0;
    }
    __host__ __device__ __forceinline__ friend bool operator!=(const mont_t& a, const mont_t& b) { return !(a == b); }

    // t − p if t ≥ p, else t; for t < 2p held in N words.
    __host__ __device__ __forceinline__ static mont_t reduce_once(const uint32_t t[N]) {
        uint32_t d[N];
        carry_chain c;
        d[0] = c.sub_cc(t[0], P::p(0));
        KILN_UNROLL
        for (uint32_t i = 1; i < N; ++i)
            d[i] = c.subc_cc(t[i], P::p(i));
        const uint32_t keep = c.subc(0, 0);  // all ones when t < p (the subtraction borrowed)
        mont_t r;
        KILN_UNROLL
        for (uint32_t i = 0; i < N; ++i)
            r.limb[i] = (t[i] & keep) | (d[i] & ~keep);
        return r;
    }

    __host__ __device__ __forceinline__ friend mont_t operator+(const mont_t& a, const mont_t& b) {
        uint32_t s[N];
        carry_chain c;
        s[0] = c.add_cc(a.limb[0], b.limb[0]);
        KILN_UNROLL
        for (uint32_t i = 1; i < N - 1; ++i)
            s[i] = c.addc_cc(a.limb[i], b.limb[i]);
        s[N - 1] = c.addc(a.limb[N - 1], b.limb[N - 1]);  // a + b < 2p < 2^(32N): no carry out
        return reduce_once(s);
    }

    __host__ __device__ __forceinline__ friend mont_t operator-(const mont_t& a, const mont_t& b) {
        uint32_t d[N];
        carry_chain c;
        d[0] = c.sub_cc(a.limb[0], b.limb[0]);
        KILN_UNROLL
        for (uint32_t i = 1; i < N; ++i)
            d[i] = c.subc_cc(a.limb[i], b.limb[i]);
        const uint32_t borrow = c.subc(0, 0);  // all ones when a < b: add p back
        mont_t r;
        carry_chain e;
        r.limb[0] = e.add_cc(d[0], P::p(0) & borrow);
        KILN_UNROLL
        for (uint32_t i = 1; i < N - 1; ++i)
            r.limb[i] = e.addc_cc(d[i], P::p(i) & borrow);
        r.limb[N - 1] = e.addc(d[N - 1], P::p(N - 1) & borrow);  // wraps mod 2^(32N) to a − b + p
        return r;
    }

    __host__ __device__ __forceinline__ mont_t operator-() const {
        uint32_t nz = 0;
        KILN_UNROLL
        for (uint32_t i = 0; i < N; ++i)
            nz |= limb[i];
        const uint32_t mask = nz ? 0xffffffffu : 0u;  // −0 = 0, not p
        mont_t r;
        carry_chain c;
        r.limb[0] = c.sub_cc(P::p(0), limb[0]) & mask;
        KILN_UNROLL
        for (uint32_t i = 1; i < N - 1; ++i)
            r.limb[i] = c.subc_cc(P::p(i), limb[i]) & mask;
        r.limb[N - 1] = c.subc(P::p(N - 1), limb[N - 1]) & mask;
        return r;
    }

    __host__ __device__ __forceinline__ mont_t dbl() const { return *this + *this; }

    // Montgomery product a·b·R^{-1} mod p, operand scanning (CIOS) with separate carry
    // chains for the low and the high halves of the 32×32-bit products.
    //
    // Row i adds a·b_i, then m·p with m = t_0·(−p^{-1}) so the low word vanishes, then
    // drops that word. With t < 2p at the start of a row (true for t = 0), a < p and
    // b_i, m < 2^32, the row's sum is below 2p + 2^33·p < 2^(32N+32) (p < 2^(32N−1)), so
    // the N+1 words of t never carry out, and the shifted t is again below 2p. One
    // conditional subtraction at the end gives the reduced result. Only `a` needs to be
    // reduced: b's words may be anything (from_standard uses that).
    __host__ __device__ __forceinline__ static mont_t mul(const mont_t& a, const mont_t& b) {
        uint32_t t[N + 1];
        KILN_UNROLL
        for (uint32_t i = 0; i <= N; ++i)
            t[i] = 0;
        KILN_UNROLL
        for (uint32_t i = 0; i < N; ++i) {
            const uint32_t bi = b.limb[i];
            {
                carry_chain lo;  // t[0..N) += lo(a_j·b_i); carry into t[N] (0 here)
                t[0] = lo.mad_lo_cc(a.limb[0], bi, t[0]);
                KILN_UNROLL
                for (uint32_t j = 1; j < N; ++j)
                    t[j] = lo.madc_lo_cc(a.limb[j], bi, t[j]);
                t[N] = lo.addc(t[N], 0);
            }
            {
                carry_chain hi;  // t[1..N] += hi(a_j·b_i)
                t[1] = hi.mad_hi_cc(a.limb[0], bi, t[1]);
                KILN_UNROLL
                for (uint32_t j = 1; j < N - 1; ++j)
                    t[j + 1] = hi.madc_hi_cc(a.limb[j], bi, t[j + 1]);
                t[N] = hi.madc_hi(a.limb[N - 1], bi, t[N]);
            }
            const uint32_t m = t[0] * P::M0;
            {
                carry_chain lo;  // t[0..N) += lo(m·p_j); t[0] becomes 0
                t[0] = lo.mad_lo_cc(m, P::p(0), t[0]);
                KILN_UNROLL
                for (uint32_t j = 1; j < N; ++j)
                    t[j] = lo.madc_lo_cc(m, P::p(j), t[j]);
                t[N] = lo.addc(t[N], 0);
            }
            {
                carry_chain hi;  // t[1..N] += hi(m·p_j)
                t[1] = hi.mad_hi_cc(m, P::p(0), t[1]);
                KILN_UNROLL
                for (uint32_t j = 1; j < N - 1; ++j)
                    t[j + 1] = hi.madc_hi_cc(m, P::p(j), t[j + 1]);
                t[N] = hi.madc_hi(m, P::p(N - 1), t[N]);
            }
            KILN_UNROLL
            for (uint32_t j = 0; j < N; ++j)
                t[j] = t[j + 1];
            t[N] = 0;
        }
        return reduce_once(t);
    }

    __host__ __device__ __forceinline__ friend mont_t operator*(const mont_t& a, const mont_t& b) { return mul(a, b); }
    __host__ __device__ __forceinline__ mont_t& operator+=(const mont_t& b) { return *this = *this + b; }
    __host__ __device__ __forceinline__ mont_t& operator-=(const mont_t& b) { return *this = *this - b; }
    __host__ __device__ __forceinline__ mont_t& operator*=(const mont_t& b) { return *this = mul(*this, b); }
    __host__ __device__ __forceinline__ mont_t sqr() const { return mul(*this, *this); }

    // Montgomery form → the standard integer (< p).
    __host__ __device__ __forceinline__ mont_t to_standard() const { return mul(*this, raw_one()); }
    // Any N-word integer x (not necessarily < p) → x mod p in Montgomery form.
    __host__ __device__ __forceinline__ static mont_t from_standard(const mont_t& x) { return mul(r2(), x); }
    // Any N-word integer x → x mod p, in standard form: x·(R mod p)·R^{-1}.
    __host__ __device__ __forceinline__ static mont_t reduce_standard(const mont_t& x) { return mul(one(), x); }

    __host__ __device__ mont_t pow(uint64_t e) const {
        mont_t acc = one(), base = *this;
        while (e) {
            if (e & 1) acc *= base;
            base = base.sqr();
            e >>= 1;
        }
        return acc;
    }
};

}  // namespace kiln
