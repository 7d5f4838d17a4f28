// BLS12-381: the base field Fq (twelve 32-bit limbs, R = 2^384) and the scalar field Fr
// (eight limbs, R = 2^256), Montgomery form: the bytes of ark_bls12_381::{Fq, Fr}.
//
// Constants: the moduli are ark-bls12-381 0.6's `FqConfig`/`FrConfig` MODULUS; R mod p,
// R² mod p and −p^{-1} mod 2^32 were computed from them (Python), and
// tests/curve_arith.rs checks all of them against ark-ff's MontConfig values.
#pragma once

#include "ff/mont.cuh"

namespace kiln {

struct bls12_381_fq_params {
    static constexpr uint32_t N = 12;
    static constexpr uint32_t BITS = 381;
    static constexpr uint32_t M0 = 0xfffcfffdu;
    KILN_FIELD_LIMBS(p, 0xffffaaabu, 0xb9feffffu, 0xb153ffffu, 0x1eabfffeu, 0xf6b0f624u, 0x6730d2a0u, 0xf38512bfu,
                     0x64774b84u, 0x434bacd7u, 0x4b1ba7b6u, 0x397fe69au, 0x1a0111eau)
    KILN_FIELD_LIMBS(one, 0x0002fffdu, 0x76090000u, 0xc40c0002u, 0xebf4000bu, 0x53c758bau, 0x5f489857u, 0x70525745u,
                     0x77ce5853u, 0xa256ec6du, 0x5c071a97u, 0xfa80e493u, 0x15f65ec3u)
    KILN_FIELD_LIMBS(r2, 0x1c341746u, 0xf4df1f34u, 0x09d104f1u, 0x0a76e6a6u, 0x4c95b6d5u, 0x8de5476cu, 0x939d83c0u,
                     0x67eb88a9u, 0xb519952du, 0x9a793e85u, 0x92cae3aau, 0x11988fe5u)
};

struct bls12_381_fr_params {
    static constexpr uint32_t N = 8;
    static constexpr uint32_t BITS = 255;
    static constexpr uint32_t M0 = 0xffffffffu;
    KILN_FIELD_LIMBS(p, 0x00000001u, 0xffffffffu, 0xfffe5bfeu, 0x53bda402u, 0x09a1d805u, 0x3339d808u, 0x299d7d48u,
                     0x73eda753u)
    KILN_FIELD_LIMBS(one, 0xfffffffeu, 0x00000001u, 0x00034802u, 0x5884b7fau, 0xecbc4ff5u, 0x998c4fefu, 0xacc5056fu,
                     0x1824b159u)
    KILN_FIELD_LIMBS(r2, 0xf3f29c6du, 0xc999e990u, 0x87925c23u, 0x2b6cedcbu, 0x7254398fu, 0x05d31496u, 0x9f59ff11u,
                     0x0748d9d9u)
};

using bls12_381_fq_t = mont_t<bls12_381_fq_params>;
using bls12_381_fr_t = mont_t<bls12_381_fr_params>;

}  // namespace kiln
