// The G1 groups kiln's MSM runs on, as type bundles for the kernel templates.
#pragma once

#include "ec/xyzz.cuh"
#include "ff/bls12_381.cuh"
#include "ff/bn254.cuh"

namespace kiln {

// Curve ids of the C ABI (KILN_CURVE_* in include/kiln.h).
template <class Fq, class Fr, uint32_t Id>
struct g1_curve {
    using fq = Fq;
    using fr = Fr;
    using affine = affine_t<Fq>;
    using xyzz = xyzz_t<Fq>;
    static constexpr uint32_t ID = Id;
    // Bit length of the scalar field's modulus r: reduced scalars are below 2^SCALAR_BITS.
    static constexpr uint32_t SCALAR_BITS = Fr::BITS;
};

using bn254_g1 = g1_curve<bn254_fq_t, bn254_fr_t, KILN_CURVE_BN254>;
using bls12_381_g1 = g1_curve<bls12_381_fq_t, bls12_381_fr_t, KILN_CURVE_BLS12_381>;

// Host dispatch on a C ABI curve id: calls fn(curve_tag) with the curve's type bundle.
template <class Fn>
kiln_status with_curve(uint32_t curve, Fn&& fn) {
    switch (curve) {
        case KILN_CURVE_BN254:
            return fn(bn254_g1{});
        case KILN_CURVE_BLS12_381:
            return fn(bls12_381_g1{});
        default:
            return invalid("unknown curve id");
    }
}

}  // namespace kiln
