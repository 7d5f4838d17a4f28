// Poseidon2 over BabyBear on the device, widths 16 and 24: one thread per state, the state
// in registers, constants from the generated poseidon2_constants.cuh. Bit for bit equal
// to kiln-hash (and Plonky3 0.8's default_babybear_poseidon2_16/24).
//
// Arithmetic. State words are Montgomery words in [0, p). Additions reduce with one
// unsigned min (a + b − p wraps above a + b exactly when a + b < p). The S-box runs in a
// signed redundant form: (x + rc − p) lies in [−p, p), and the signed Montgomery product
// of two values in [−p, p] lies in (−p, p) with no correction step (see mont_mul_signed),
// so x^7 costs four 5-instruction products and one final correction. The internal
// diagonal entries are ±{1,2,3,4}/2^k (the generated DIAG_NUMERATOR/LOG_DENOMINATOR),
// multiplied with additions and the shift identity x·2^−k = hi − lo·15·2^(27−k) (mod p)
// for x = hi·2^k + lo.
//
// Code size. By default the round loops stay rolled (`#pragma unroll 1`, round constants
// read from constant memory at a uniform address) and the work inside a round is unrolled;
// permute<W, true> unrolls the rounds as well (see permute below).
#pragma once

#include <cstddef>
#include <utility>

#include "ff/babybear.cuh"
#include "hash/poseidon2_constants.cuh"

// Loop unrolling: nvcc's pragma in device code, GCC's in the emulator, none in nvcc's host
// pass (which only sees these functions' __host__ copies, unused there).
#if defined(__CUDA_ARCH__)
#define KILN_P2_UNROLL _Pragma("unroll")
#define KILN_P2_NO_UNROLL _Pragma("unroll 1")
#elif defined(__CUDACC__)
#define KILN_P2_UNROLL
#define KILN_P2_NO_UNROLL
#else
#define KILN_P2_UNROLL _Pragma("GCC unroll 32")
#define KILN_P2_NO_UNROLL _Pragma("GCC unroll 1")
#endif

namespace kiln {
namespace poseidon2 {

constexpr uint32_t P = bb_t::P;
constexpr uint32_t P_INV = bb_t::P_INV;

// (a + b) mod p for a, b in [0, p).
__host__ __device__ __forceinline__ uint32_t add(uint32_t a, uint32_t b) {
    uint32_t s = a + b;
    uint32_t t = s - P;
    return s < t ? s : t;
}

// (a − b) mod p for a, b in [0, p).
__host__ __device__ __forceinline__ uint32_t sub(uint32_t a, uint32_t b) {
    uint32_t d = a - b;
    uint32_t t = d + P;
    return d < t ? d : t;
}

// −p^−1 mod 2^32.
constexpr uint32_t NEG_P_INV = 0u - P_INV;

// a·b·2^−32 (mod p) for a, b in [−p, p], as a value r with |r| < p. With m = −a·b·p^−1
// mod 2^32 read as a signed word, a·b + m·p ≡ 0 (mod 2^32), so r = (a·b + m·p) / 2^32
// exactly; |a·b| ≤ p² < 0.47·p·2^32 and |m·p| ≤ 2^31·p.
__host__ __device__ __forceinline__ int32_t mont_mul_signed(int32_t a, int32_t b) {
#ifdef __CUDA_ARCH__
    // Four instructions (IMAD, IMAD, IMAD.WIDE, IMAD.HI with a 64-bit addend). Written
    // in C as hi(a·b) − hi(m·p), the subtraction cost three extra moves per product.
    int32_t r;
    asm("{\n\t"
        ".reg .u32 lo, m, ylo;\n\t"
        ".reg .s64 t, y;\n\t"
        "mul.lo.u32 lo, %1, %2;\n\t"
        "mul.lo.u32 m, lo, %3;\n\t"
        "mul.wide.s32 t, m, %4;\n\t"
        "mad.wide.s32 y, %1, %2, t;\n\t"
        "mov.b64 {ylo, %0}, y;\n\t"
        "}"
        : "=r"(r)
        : "r"(a), "r"(b), "n"(NEG_P_INV), "n"(P));
    return r;
#else
    int64_t x = static_cast<int64_t>(a) * b;
    int32_t m = static_cast<int32_t>(static_cast<uint32_t>(x) * NEG_P_INV);
    return static_cast<int32_t>((x + static_cast<int64_t>(m) * static_cast<int64_t>(P)) >> 32);
#endif
}

// A value in (−p, p) to its word in [0, p).
__host__ __device__ __forceinline__ uint32_t canonical(int32_t r) {
    uint32_t u = static_cast<uint32_t>(r);
    uint32_t t = u + P;
    return u < t ? u : t;
}

// (x + rc)^7 for x, rc in [0, p).
__host__ __device__ __forceinline__ uint32_t add_rc_sbox(uint32_t x, uint32_t rc) {
    int32_t a = static_cast<int32_t>(x + rc - P);  // in [−p, p)
    int32_t a2 = mont_mul_signed(a, a);
    int32_t a3 = mont_mul_signed(a2, a);
    int32_t a4 = mont_mul_signed(a2, a2);
    return canonical(mont_mul_signed(a3, a4));
}

// x·2^−K for x in [0, p), 1 ≤ K ≤ 27: x = hi·2^K + lo gives hi − lo·15·2^(27−K), which lies
// in (−p, 2^(31−K)) because lo·15·2^(27−K) < 15·2^27 = p − 1.
template <int K>
__host__ __device__ __forceinline__ uint32_t div_2exp(uint32_t x) {
    static_assert(K >= 1 && K <= 27, "2^-K for 1 <= K <= 27");
    uint32_t hi = x >> K;
    uint32_t lo = x & ((1u << K) - 1u);
    return canonical(static_cast<int32_t>(hi - lo * (15u << (27 - K))));
}

// full + V·x for the diagonal entry V = NUM / 2^K, NUM in ±{1, 2, 3, 4}.
template <int NUM, int K>
__host__ __device__ __forceinline__ uint32_t diag_term(uint32_t x, uint32_t full) {
    static_assert(NUM != 0 && NUM >= -4 && NUM <= 4, "diagonal numerators are ±{1,2,3,4}");
    constexpr int A = NUM < 0 ? -NUM : NUM;
    uint32_t y = x;
    if constexpr (K > 0) y = div_2exp<K>(y);
    if constexpr (A == 2) y = add(y, y);
    if constexpr (A == 3) y = add(add(y, y), y);
    if constexpr (A == 4) {
        y = add(y, y);
        y = add(y, y);
    }
    if constexpr (NUM > 0) {
        return add(full, y);
    } else {
        return sub(full, y);
    }
}

// x ← M4·x with M4 = [[2,3,1,1],[1,2,3,1],[1,1,2,3],[3,1,1,2]]: 7 additions, 2 doublings.
__host__ __device__ __forceinline__ void mat4(uint32_t& x0, uint32_t& x1, uint32_t& x2, uint32_t& x3) {
    uint32_t t01 = add(x0, x1);
    uint32_t t23 = add(x2, x3);
    uint32_t t0123 = add(t01, t23);
    uint32_t t01123 = add(t0123, x1);
    uint32_t t01233 = add(t0123, x3);
    uint32_t y3 = add(t01233, add(x0, x0));
    uint32_t y1 = add(t01123, add(x2, x2));
    uint32_t y0 = add(t01123, t01);
    uint32_t y2 = add(t01233, t23);
    x0 = y0;
    x1 = y1;
    x2 = y2;
    x3 = y3;
}

// s ← M_E·s: M4 on each block of four, then each element plus the sum of the elements at
// its position in every block.
template <int W>
__host__ __device__ __forceinline__ void external_linear(uint32_t (&s)[W]) {
    KILN_P2_UNROLL
    for (int j = 0; j < W; j += 4)
        mat4(s[j], s[j + 1], s[j + 2], s[j + 3]);
    uint32_t t[4] = {s[0], s[1], s[2], s[3]};
    KILN_P2_UNROLL
    for (int j = 4; j < W; j += 4)
        KILN_P2_UNROLL
    for (int k = 0; k < 4; ++k)
        t[k] = add(t[k], s[j + k]);
    KILN_P2_UNROLL
    for (int i = 0; i < W; ++i)
        s[i] = add(s[i], t[i % 4]);
}

// The structured internal diagonal of width W.
template <int W>
struct InternalDiag;
template <>
struct InternalDiag<16> {
    static constexpr int num(int i) { return W16_DIAG_NUMERATOR[i]; }
    static constexpr int log_den(int i) { return W16_DIAG_LOG_DENOMINATOR[i]; }
};
template <>
struct InternalDiag<24> {
    static constexpr int num(int i) { return W24_DIAG_NUMERATOR[i]; }
    static constexpr int log_den(int i) { return W24_DIAG_LOG_DENOMINATOR[i]; }
};

template <int W, size_t... I>
__host__ __device__ __forceinline__ void diag_terms(uint32_t (&s)[W], uint32_t full, std::index_sequence<I...>) {
    ((s[I + 1] = diag_term<InternalDiag<W>::num(I + 1), InternalDiag<W>::log_den(I + 1)>(s[I + 1], full)), ...);
}

// s ← M_I·s = (1 + diag(V))·s: s[i] ← V[i]·s[i] + Σ s.
template <int W>
__host__ __device__ __forceinline__ void internal_linear(uint32_t (&s)[W]) {
    static_assert(InternalDiag<W>::num(0) == -2 && InternalDiag<W>::log_den(0) == 0, "V[0] = -2");
    // Σ s[1..W) in four chains (shorter dependency chains than one running sum).
    uint32_t acc[4] = {s[1], s[2], s[3], s[4]};
    KILN_P2_UNROLL
    for (int i = 5; i < W; ++i)
        acc[(i - 1) % 4] = add(acc[(i - 1) % 4], s[i]);
    uint32_t tail = add(add(acc[0], acc[1]), add(acc[2], acc[3]));
    uint32_t full = add(tail, s[0]);
    s[0] = sub(tail, s[0]);  // −2·s0 + Σ s
    diag_terms<W>(s, full, std::make_index_sequence<W - 1>{});
}

// Round constants of width W. Only device code may read them: in the CUDA build they
// live in constant memory.
template <int W>
struct Constants;
template <>
struct Constants<16> {
    static constexpr int PARTIAL_ROUNDS = W16_PARTIAL_ROUNDS;
    __device__ static __forceinline__ const uint32_t* initial(int r) { return W16_RC_INITIAL[r]; }
    __device__ static __forceinline__ const uint32_t* terminal(int r) { return W16_RC_TERMINAL[r]; }
    __device__ static __forceinline__ uint32_t internal(int r) { return W16_RC_INTERNAL[r]; }
};
template <>
struct Constants<24> {
    static constexpr int PARTIAL_ROUNDS = W24_PARTIAL_ROUNDS;
    __device__ static __forceinline__ const uint32_t* initial(int r) { return W24_RC_INITIAL[r]; }
    __device__ static __forceinline__ const uint32_t* terminal(int r) { return W24_RC_TERMINAL[r]; }
    __device__ static __forceinline__ uint32_t internal(int r) { return W24_RC_INTERNAL[r]; }
};

// One full round: constants and S-box on every element, then M_E.
template <int W>
__device__ __forceinline__ void full_round(uint32_t (&s)[W], const uint32_t* rc) {
    KILN_P2_UNROLL
    for (int i = 0; i < W; ++i)
        s[i] = add_rc_sbox(s[i], rc[i]);
    external_linear(s);
}

// One partial round: constant and S-box on s[0], then M_I.
template <int W>
__device__ __forceinline__ void partial_round(uint32_t (&s)[W], uint32_t rc) {
    s[0] = add_rc_sbox(s[0], rc);
    internal_linear(s);
}

// The Poseidon2 permutation of one state of width 16 or 24, in place. With UNROLL_ROUNDS
// the round loops unroll too: every constant becomes an immediate constant-bank operand,
// at about 4.3x the code (sm_90, nvcc 13.0: 85 KB instead of 20 KB for the w16 batch
// kernel). Which is faster is for a GPU to tell (see merkle/NOTES.md).
template <int W, bool UNROLL_ROUNDS = false>
__device__ __forceinline__ void permute(uint32_t (&s)[W]) {
    static_assert(W == 16 || W == 24, "widths 16 and 24");
    using C = Constants<W>;
    external_linear(s);
    if constexpr (UNROLL_ROUNDS) {
        KILN_P2_UNROLL
        for (int r = 0; r < HALF_FULL_ROUNDS; ++r)
            full_round(s, C::initial(r));
        KILN_P2_UNROLL
        for (int r = 0; r < C::PARTIAL_ROUNDS; ++r)
            partial_round(s, C::internal(r));
        KILN_P2_UNROLL
        for (int r = 0; r < HALF_FULL_ROUNDS; ++r)
            full_round(s, C::terminal(r));
    } else {
        KILN_P2_NO_UNROLL
        for (int r = 0; r < HALF_FULL_ROUNDS; ++r)
            full_round(s, C::initial(r));
        KILN_P2_NO_UNROLL
        for (int r = 0; r < C::PARTIAL_ROUNDS; ++r)
            partial_round(s, C::internal(r));
        KILN_P2_NO_UNROLL
        for (int r = 0; r < HALF_FULL_ROUNDS; ++r)
            full_round(s, C::terminal(r));
    }
}

}  // namespace poseidon2
}  // namespace kiln
