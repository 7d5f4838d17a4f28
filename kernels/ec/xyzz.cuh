// G1 of short Weierstrass curves y² = x³ + b (a = 0: BN254, BLS12-381) in affine and
// XYZZ coordinates.
//
// XYZZ ("extended Jacobian"): (X, Y, ZZ, ZZZ) stands for the affine point
// (X/ZZ, Y/ZZZ), with ZZ³ = ZZZ²; ZZ = 0 is the point at infinity. A mixed addition
// costs 8M + 2S and needs no inversion, which is why MSM buckets use it. Formulas
// (names from the Explicit-Formulas Database, hyperelliptic.org/EFD/g1p/auto-shortw-xyzz.html):
// madd-2008-s, add-2008-s, dbl-2008-s-1 and mdbl-2008-s-1, with the cases the formulas
// exclude (an operand at infinity, P + P, P + (−P)) handled by branches, which are rare
// in an MSM and keep the common path short.
//
// The group operations are not inlined: each is thousands of instructions (mostly the
// fully unrolled multiplications), a call costs a few dozen, and inlining every call
// site made the kernels several times slower to compile.
//
// Affine points at infinity are stored as (0, 0), which is on neither curve. Neither
// curve has a point of order two (both group orders are odd), so y = 0 only ever means
// infinity, and that is the test used.
#pragma once

#include "ff/mont.cuh"

namespace kiln {

template <class F>
struct KILN_ALIGN(16) affine_t {
    F x, y;

    __host__ __device__ __forceinline__ bool is_inf() const { return y.is_zero(); }
    __host__ __device__ __forceinline__ affine_t neg() const { return affine_t{x, -y}; }
};

template <class F>
struct KILN_ALIGN(16) xyzz_t {
    F x, y, zz, zzz;

    __host__ __device__ __forceinline__ static xyzz_t inf() {
        xyzz_t r;
        r.x = F::one();
        r.y = F::one();
        r.zz = F::zero();
        r.zzz = F::zero();
        return r;
    }
    __host__ __device__ __forceinline__ bool is_inf() const { return zz.is_zero(); }

    __host__ __device__ __forceinline__ static xyzz_t from_affine(const affine_t<F>& p) {
        if (p.is_inf()) return inf();
        return xyzz_t{p.x, p.y, F::one(), F::one()};
    }

    __host__ __device__ __forceinline__ xyzz_t neg() const { return xyzz_t{x, -y, zz, zzz}; }

    // 2·P, dbl-2008-s-1 with a = 0 (6M + 3S). Infinity maps to infinity (ZZ3 = V·ZZ).
    __host__ __device__ __noinline__ xyzz_t dbl() const {
        const F u = y.dbl();
        const F v = u.sqr();
        const F w = u * v;
        const F s = x * v;
        const F x2 = x.sqr();
        const F m = x2.dbl() + x2;
        xyzz_t r;
        r.x = m.sqr() - s.dbl();
        r.y = m * (s - r.x) - w * y;
        r.zz = v * zz;
        r.zzz = w * zzz;
        return r;
    }

    // 2·P for affine P ≠ ∞, mdbl-2008-s-1 (4M + 3S; ZZ1 = ZZZ1 = 1).
    __host__ __device__ __noinline__ static xyzz_t dbl_affine(const affine_t<F>& p) {
        const F u = p.y.dbl();
        const F v = u.sqr();
        const F w = u * v;
        const F s = p.x * v;
        const F x2 = p.x.sqr();
        const F m = x2.dbl() + x2;
        xyzz_t r;
        r.x = m.sqr() - s.dbl();
        r.y = m * (s - r.x) - w * p.y;
        r.zz = v;
        r.zzz = w;
        return r;
    }

    // this + Q for affine Q, madd-2008-s (8M + 2S).
    __host__ __device__ __noinline__ xyzz_t add_affine(const affine_t<F>& q) const {
        if (q.is_inf()) return *this;
        if (is_inf()) return xyzz_t{q.x, q.y, F::one(), F::one()};
        const F u2 = q.x * zz;
        const F s2 = q.y * zzz;
        const F p = u2 - x;
        const F r = s2 - y;
        if (p.is_zero()) {
            if (r.is_zero()) return dbl_affine(q);  // this = Q
            return inf();                           // this = −Q
        }
        const F pp = p.sqr();
        const F ppp = p * pp;
        const F q1 = x * pp;
        xyzz_t o;
        o.x = r.sqr() - ppp - q1.dbl();
        o.y = r * (q1 - o.x) - y * ppp;
        o.zz = zz * pp;
        o.zzz = zzz * ppp;
        return o;
    }

    // this + Q, add-2008-s (12M + 2S).
    __host__ __device__ __noinline__ xyzz_t add(const xyzz_t& q) const {
        if (q.is_inf()) return *this;
        if (is_inf()) return q;
        const F u1 = x * q.zz;
        const F u2 = q.x * zz;
        const F s1 = y * q.zzz;
        const F s2 = q.y * zzz;
        const F p = u2 - u1;
        const F r = s2 - s1;
        if (p.is_zero()) {
            if (r.is_zero()) return dbl();  // this = Q
            return inf();                   // this = −Q
        }
        const F pp = p.sqr();
        const F ppp = p * pp;
        const F q1 = u1 * pp;
        xyzz_t o;
        o.x = r.sqr() - ppp - q1.dbl();
        o.y = r * (q1 - o.x) - s1 * ppp;
        o.zz = zz * q.zz * pp;
        o.zzz = zzz * q.zzz * ppp;
        return o;
    }
};

}  // namespace kiln
