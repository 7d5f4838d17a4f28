// BabyBear^4 = F_p[X]/(X^4 − 11): four Montgomery words, the layout of the Rust
// `kiln_field::BabyBearExt4` and Plonky3's BinomialExtensionField<BabyBear, 4>.
#pragma once

#include "ff/babybear.cuh"

namespace kiln {

struct bb4_t {
    bb_t c[4];

    bb4_t() = default;
    __host__ __device__ constexpr bb4_t(bb_t a, bb_t b, bb_t d, bb_t e) : c{a, b, d, e} {}
    __host__ __device__ static bb4_t from_base(bb_t x) { return bb4_t(x, bb_t::zero(), bb_t::zero(), bb_t::zero()); }
    __host__ __device__ static bb4_t zero() { return from_base(bb_t::zero()); }
    __host__ __device__ static bb4_t one() { return from_base(bb_t::one()); }
    __host__ __device__ static bb_t w() { return bb_t::from_canonical(11); }

    __host__ __device__ friend bb4_t operator+(bb4_t a, bb4_t b) {
        return bb4_t(a.c[0] + b.c[0], a.c[1] + b.c[1], a.c[2] + b.c[2], a.c[3] + b.c[3]);
    }
    __host__ __device__ friend bb4_t operator-(bb4_t a, bb4_t b) {
        return bb4_t(a.c[0] - b.c[0], a.c[1] - b.c[1], a.c[2] - b.c[2], a.c[3] - b.c[3]);
    }
    __host__ __device__ friend bb4_t operator*(bb4_t a, bb_t s) {
        return bb4_t(a.c[0] * s, a.c[1] * s, a.c[2] * s, a.c[3] * s);
    }
    __host__ __device__ friend bb4_t operator*(bb4_t a, bb4_t b) {
        const bb_t W = w();
        bb_t c0 = a.c[0] * b.c[0] + W * (a.c[1] * b.c[3] + a.c[2] * b.c[2] + a.c[3] * b.c[1]);
        bb_t c1 = a.c[0] * b.c[1] + a.c[1] * b.c[0] + W * (a.c[2] * b.c[3] + a.c[3] * b.c[2]);
        bb_t c2 = a.c[0] * b.c[2] + a.c[1] * b.c[1] + a.c[2] * b.c[0] + W * (a.c[3] * b.c[3]);
        bb_t c3 = a.c[0] * b.c[3] + a.c[1] * b.c[2] + a.c[2] * b.c[1] + a.c[3] * b.c[0];
        return bb4_t(c0, c1, c2, c3);
    }
    __host__ __device__ bb4_t& operator+=(bb4_t b) { return *this = *this + b; }
    __host__ __device__ bb4_t& operator*=(bb4_t b) { return *this = *this * b; }
    __host__ __device__ friend bool operator==(bb4_t a, bb4_t b) {
        return a.c[0] == b.c[0] && a.c[1] == b.c[1] && a.c[2] == b.c[2] && a.c[3] == b.c[3];
    }

    // The inverse by the norm map (as the Rust implementation): a^{-1} = a(−X)·b(−X²)/N(a)
    // with a(X)·a(−X) = b(X²). Zero maps to zero.
    __host__ __device__ bb4_t inverse() const {
        const bb_t W = w();
        bb_t a0 = c[0], a1 = c[1], a2 = c[2], a3 = c[3];
        bb_t b0 = a0.sqr() + W * (a2.sqr() - (a1 * a3 + a1 * a3));
        bb_t b1 = (a0 * a2 + a0 * a2) - a1.sqr() - W * a3.sqr();
        bb_t norm = b0.sqr() - W * b1.sqr();
        bb_t ni = norm.inverse();
        bb4_t conj(a0, -a1, a2, -a3);
        bb4_t bconj(b0 * ni, bb_t::zero(), -(b1 * ni), bb_t::zero());
        return conj * bconj;
    }
};

static_assert(sizeof(bb4_t) == 16, "four Montgomery words");

}  // namespace kiln
