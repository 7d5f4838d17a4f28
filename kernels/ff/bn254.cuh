// BN254 (alt_bn128): the base field Fq and the scalar field Fr, Montgomery form with
// R = 2^256, eight 32-bit limbs: the bytes of ark_bn254::{Fq, Fr}.
//
// Constants: the moduli are ark-bn254 0.6's `FqConfig`/`FrConfig` MODULUS; R mod p,
// R² mod p and −p^{-1} mod 2^32 were computed from them (Python), and
// tests/curve_arith.rs checks all of them against ark-ff's MontConfig values.
#pragma once

#include "ff/mont.cuh"

namespace kiln {

struct bn254_fq_params {
    static constexpr uint32_t N = 8;
    static constexpr uint32_t BITS = 254;
    static constexpr uint32_t M0 = 0xe4866389u;
    KILN_FIELD_LIMBS(p, 0xd87cfd47u, 0x3c208c16u, 0x6871ca8du, 0x97816a91u, 0x8181585du, 0xb85045b6u, 0xe131a029u,
                     0x30644e72u)
    KILN_FIELD_LIMBS(one, 0xc58f0d9du, 0xd35d438du, 0xf5c70b3du, 0x0a78eb28u, 0x7879462cu, 0x666ea36fu, 0x9a07df2fu,
                     0x0e0a77c1u)
    KILN_FIELD_LIMBS(r2, 0x538afa89u, 0xf32cfc5bu, 0xd44501fbu, 0xb5e71911u, 0x0a417ff6u, 0x47ab1effu, 0xcab8351fu,
                     0x06d89f71u)
};

struct bn254_fr_params {
    static constexpr uint32_t N = 8;
    static constexpr uint32_t BITS = 254;
    static constexpr uint32_t M0 = 0xefffffffu;
    KILN_FIELD_LIMBS(p, 0xf0000001u, 0x43e1f593u, 0x79b97091u, 0x2833e848u, 0x8181585du, 0xb85045b6u, 0xe131a029u,
                     0x30644e72u)
    KILN_FIELD_LIMBS(one, 0x4ffffffbu, 0xac96341cu, 0x9f60cd29u, 0x36fc7695u, 0x7879462eu, 0x666ea36fu, 0x9a07df2fu,
                     0x0e0a77c1u)
    KILN_FIELD_LIMBS(r2, 0xae216da7u, 0x1bb8e645u, 0xe35c59e3u, 0x53fe3ab1u, 0x53bb8085u, 0x8c49833du, 0x7f4e44a5u,
                     0x0216d0b1u)
};

using bn254_fq_t = mont_t<bn254_fq_params>;
using bn254_fr_t = mont_t<bn254_fr_params>;

}  // namespace kiln
