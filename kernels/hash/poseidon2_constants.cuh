// Poseidon2 over BabyBear (Plonky3 0.8's default_babybear_poseidon2_16/24): round
// constants and internal diagonals as Montgomery words (x·2^32 mod p), the bytes of a
// kiln/Plonky3 BabyBear.
//
// GENERATED from crates/hash/src/constants.rs by crates/hash/src/cuda_header.rs. Do not edit.
// `cargo test -p kiln-hash` fails while this file is stale;
// `KILN_BLESS=1 cargo test -p kiln-hash --test cuda_header` rewrites it.
//
// The permutation on a state s of width W (S-box x^7):
//
//   s = M_E s
//   for r in 0..HALF_FULL_ROUNDS:  s[i] = (s[i] + RC_INITIAL[r][i])^7 for all i;  s = M_E s
//   for r in 0..PARTIAL_ROUNDS:    s[0] = (s[0] + RC_INTERNAL[r])^7;               s = M_I s
//   for r in 0..HALF_FULL_ROUNDS:  s[i] = (s[i] + RC_TERMINAL[r][i])^7 for all i; s = M_E s
//
// M_E: apply M4 = [[2,3,1,1],[1,2,3,1],[1,1,2,3],[3,1,1,2]] to each block s[4j..4j+4],
//      then s[i] += t[i % 4] where t[k] = sum over blocks j of s[4j + k].
// M_I: sum = s[0] + ... + s[W-1];  s[i] = INTERNAL_DIAG[i] * s[i] + sum for all i.
//      Every diagonal entry is a small integer times a power of 1/2 (listed as V below),
//      so INTERNAL_DIAG[i] * s[i] can be computed with additions and shifts.
//
// Sponge (hashing rows): width 16, rate 8, overwrite mode, no padding; digest = s[0..8].
// Compression of two digests: s = (left || right); permute; digest = s[0..8].
//
// Generated layout is kept as written: clang-format must not reflow it.
// clang-format off
#pragma once

#include <cstdint>

// One copy per translation unit, in constant memory on the device.
#ifdef KILN_EMULATE
#define KILN_POSEIDON2_STORAGE static const
#else
#define KILN_POSEIDON2_STORAGE static __constant__
#endif

namespace kiln {
namespace poseidon2 {

constexpr uint32_t BABYBEAR_P = 0x78000001u;
constexpr int HALF_FULL_ROUNDS = 4;
constexpr int SBOX_DEGREE = 7;
constexpr int RATE = 8;
constexpr int DIGEST_ELEMS = 8;

// ---- width 16: 13 partial rounds ----
constexpr int W16_WIDTH = 16;
constexpr int W16_PARTIAL_ROUNDS = 13;

KILN_POSEIDON2_STORAGE uint32_t W16_RC_INITIAL[HALF_FULL_ROUNDS][16] = {
    {
        0x5e4d6938u, 0x71385defu, 0x61ddbd3au, 0x1b941180u, 0x4d20d77du, 0x52478027u,
        0x732e57c3u, 0x10e63112u, 0x3c99be27u, 0x0221857au, 0x4bbe9ab7u, 0x32c46133u,
        0x2f62cc76u, 0x37682266u, 0x1f3714e3u, 0x5f01dd7du,
    },
    {
        0x35678506u, 0x67da0d24u, 0x36b3008au, 0x5a6765ccu, 0x45c068bdu, 0x2ed4b9ecu,
        0x249392d3u, 0x150a571cu, 0x287549eau, 0x3bedb1b8u, 0x659e048eu, 0x46023d70u,
        0x1e55a92du, 0x1f9c528fu, 0x4f1ad620u, 0x547fa880u,
    },
    {
        0x44c19b36u, 0x22c2f11au, 0x17b67671u, 0x55dddeb4u, 0x1b18a7edu, 0x0a66840eu,
        0x0a3cd409u, 0x771e5548u, 0x53aaba92u, 0x6bbfe070u, 0x1ad7c512u, 0x56f4fbf9u,
        0x2ee93eacu, 0x3f67bc14u, 0x766f3f66u, 0x1cb5555cu,
    },
    {
        0x496b4856u, 0x4ee52289u, 0x0e351627u, 0x77f2fa2bu, 0x3d176cccu, 0x42103ad7u,
        0x4c8a5ba9u, 0x242cfe16u, 0x3ce22e52u, 0x2ae0610au, 0x2751c80bu, 0x2ddefdb7u,
        0x3003796eu, 0x234c77ebu, 0x687881f7u, 0x278ad903u,
    },
};

KILN_POSEIDON2_STORAGE uint32_t W16_RC_TERMINAL[HALF_FULL_ROUNDS][16] = {
    {
        0x3b98331au, 0x1225b500u, 0x20f18724u, 0x1add1eadu, 0x27c8bae0u, 0x67810938u,
        0x4f2405e1u, 0x44bd103fu, 0x30ad7b47u, 0x4025183au, 0x7222068fu, 0x6376b2e5u,
        0x5165184au, 0x3a2811d0u, 0x3d7d5b9cu, 0x530c569du,
    },
    {
        0x5caada1cu, 0x3d06627du, 0x5ffc6e6cu, 0x14ba29f8u, 0x71d1c1e9u, 0x2c0fb8f7u,
        0x198b65e1u, 0x25bcff06u, 0x07427c35u, 0x059b1122u, 0x519ea061u, 0x4a81a536u,
        0x06cf9aa9u, 0x1eb2ca04u, 0x02ec7cacu, 0x74f6c733u,
    },
    {
        0x524ebfdeu, 0x6edd9d09u, 0x03db6b21u, 0x0094e6fcu, 0x643ed13bu, 0x2a5eb829u,
        0x3ccf7585u, 0x544a7136u, 0x5b49128fu, 0x0227bd55u, 0x2a88bdadu, 0x055c4d17u,
        0x6f822c4au, 0x179a43f2u, 0x42ec1895u, 0x68f3d82fu,
    },
    {
        0x30dcf522u, 0x0806ab72u, 0x689d63dbu, 0x011943f8u, 0x65709ccdu, 0x6a3c56e1u,
        0x5871ed94u, 0x395e47bdu, 0x6eb895c4u, 0x0d422bd9u, 0x03c4b679u, 0x1eb56ddeu,
        0x505e67b5u, 0x3a05211eu, 0x5ed5c104u, 0x2a1275f1u,
    },
};

KILN_POSEIDON2_STORAGE uint32_t W16_RC_INTERNAL[13] = {
    0x0eee3c46u, 0x1f803700u, 0x57cbade6u, 0x3a3d3472u, 0x706866bdu, 0x413da073u,
    0x08ca8f35u, 0x279652bbu, 0x17c601dau, 0x140a84a1u, 0x6113337bu, 0x34f6e216u,
    0x22f9b8b2u,
};

// V = [-2, 1, 2, 1/2^1, 3, 4, -1/2^1, -3, -4, 1/2^8, 1/2^2, 1/2^3, 1/2^27, -1/2^8, -1/2^4, -1/2^27]
KILN_POSEIDON2_STORAGE uint32_t W16_INTERNAL_DIAG[16] = {
    0x58000005u, 0x0ffffffeu, 0x1ffffffcu, 0x07ffffffu, 0x2ffffffau, 0x3ffffff8u,
    0x70000002u, 0x48000007u, 0x38000009u, 0x01000000u, 0x40000000u, 0x20000000u,
    0x00000020u, 0x77000001u, 0x68000001u, 0x77ffffe1u,
};

// V[i] = W16_DIAG_NUMERATOR[i] / 2^W16_DIAG_LOG_DENOMINATOR[i].
constexpr int W16_DIAG_NUMERATOR[16] = {-2, 1, 2, 1, 3, 4, -1, -3, -4, 1, 1, 1, 1, -1, -1, -1};
constexpr int W16_DIAG_LOG_DENOMINATOR[16] = {0, 0, 0, 1, 0, 0, 1, 0, 0, 8, 2, 3, 27, 8, 4, 27};

// ---- width 24: 21 partial rounds ----
constexpr int W24_WIDTH = 24;
constexpr int W24_PARTIAL_ROUNDS = 21;

KILN_POSEIDON2_STORAGE uint32_t W24_RC_INITIAL[HALF_FULL_ROUNDS][24] = {
    {
        0x1ea64c58u, 0x57d1a303u, 0x57f31a70u, 0x10b3875au, 0x03f65a0du, 0x20fd6c7au,
        0x0627e178u, 0x60440b17u, 0x305467cau, 0x2689a1cfu, 0x405cdf37u, 0x627d0f25u,
        0x21ea8b19u, 0x35bdeee2u, 0x44d298adu, 0x475bbf71u, 0x44571b92u, 0x71c01acdu,
        0x46d7e33du, 0x352f3b01u, 0x6e3f4a43u, 0x613f5ab8u, 0x2b3e6344u, 0x063abdd2u,
    },
    {
        0x4f8516fbu, 0x1d51becfu, 0x033efae7u, 0x166a5a28u, 0x0c219ac0u, 0x03391addu,
        0x62f7cf94u, 0x1ee11324u, 0x75a2eddcu, 0x10d4c634u, 0x60a9d999u, 0x6b207f87u,
        0x64f471efu, 0x75eff613u, 0x34d798eeu, 0x0a01158fu, 0x2db1abb4u, 0x5746e342u,
        0x442bc869u, 0x5da762e2u, 0x41704acdu, 0x084182d7u, 0x5150f812u, 0x72383d62u,
    },
    {
        0x2e15c428u, 0x6c8ce0f2u, 0x180f5479u, 0x5dee4552u, 0x0466ad7cu, 0x2c5618c0u,
        0x233efb8eu, 0x5578c6c2u, 0x0fa56ddfu, 0x19b89074u, 0x2ae42724u, 0x0b939bb6u,
        0x4b6c74adu, 0x7355f17fu, 0x68c65d39u, 0x3306cad1u, 0x5d5512b6u, 0x31b5d340u,
        0x06cb4deeu, 0x6e946509u, 0x643908a2u, 0x3513bf4bu, 0x1f171ec5u, 0x0a53f661u,
    },
    {
        0x57a9bd63u, 0x1e191133u, 0x72a34428u, 0x13f6e459u, 0x54674330u, 0x070b5432u,
        0x419c76c1u, 0x0d770f73u, 0x65227c0au, 0x0e07ed8bu, 0x770af03au, 0x2aaffbefu,
        0x1dc00a77u, 0x6693570fu, 0x1142820du, 0x667ce209u, 0x690a530eu, 0x5a0d0c12u,
        0x597b8134u, 0x74b5821eu, 0x625c0d00u, 0x152f8d49u, 0x7568d5e5u, 0x73bd894du,
    },
};

KILN_POSEIDON2_STORAGE uint32_t W24_RC_TERMINAL[HALF_FULL_ROUNDS][24] = {
    {
        0x594162d4u, 0x4c0f9adbu, 0x70e6b20bu, 0x4f7d8b24u, 0x45dafd14u, 0x5075b598u,
        0x6e2ba772u, 0x2c5ae6bfu, 0x743ac0f4u, 0x30d25c00u, 0x749677b9u, 0x427b3fedu,
        0x42ef722fu, 0x19d949dcu, 0x3be348d9u, 0x1d009b85u, 0x50a19ae8u, 0x387a3d1au,
        0x28cdd854u, 0x212a10feu, 0x0a944079u, 0x1cf8e8f5u, 0x6c140176u, 0x2ba2042au,
    },
    {
        0x263f30e8u, 0x0516a4b4u, 0x3e5d9b72u, 0x6dabfa2fu, 0x13743681u, 0x5115d074u,
        0x3e1e7796u, 0x31acf14au, 0x07b976f1u, 0x55f96814u, 0x3a60bacau, 0x65f518c8u,
        0x3e7d0f3eu, 0x4e3293dcu, 0x3029a21bu, 0x100cf3aeu, 0x59a88c21u, 0x11bd5fdfu,
        0x5dd9dabeu, 0x5a29da15u, 0x4380706fu, 0x25d5bfc0u, 0x2fe8a6eeu, 0x1ce32b1au,
    },
    {
        0x28aabfe2u, 0x3c7e625eu, 0x57fd7816u, 0x777741c3u, 0x1f9352a9u, 0x669a6422u,
        0x55edc39eu, 0x6eccb7a4u, 0x0bd3b8dcu, 0x55a5a92fu, 0x486ed336u, 0x37a21a86u,
        0x089196aeu, 0x3db7c1c6u, 0x1b779b08u, 0x363cf9d8u, 0x0bfd37d7u, 0x19a13e91u,
        0x25d79694u, 0x3dcdb92bu, 0x0f58a692u, 0x1363acfdu, 0x584adc0du, 0x079cb942u,
    },
    {
        0x1687928au, 0x6ee06974u, 0x685c7833u, 0x12259252u, 0x0910eaddu, 0x2fc27adau,
        0x70893495u, 0x62f12ab0u, 0x2eeee5edu, 0x34ac353du, 0x2d87af23u, 0x5e47a221u,
        0x732fcc8du, 0x42b405e6u, 0x254cba0au, 0x3668765fu, 0x3ec91a02u, 0x4a47cb02u,
        0x0110d363u, 0x7356167fu, 0x577d1b31u, 0x135dc5f3u, 0x0b6b3db5u, 0x687e0d2du,
    },
};

KILN_POSEIDON2_STORAGE uint32_t W24_RC_INTERNAL[21] = {
    0x30bcad52u, 0x5a931fb6u, 0x0a38b12eu, 0x140e8795u, 0x6a65c304u, 0x725d7cbcu,
    0x5474c47au, 0x08034f38u, 0x6f7a4034u, 0x5f791b37u, 0x12a8eb2cu, 0x48c33cb2u,
    0x6ebadae7u, 0x0a45c11bu, 0x5f87cfd1u, 0x112b8b7bu, 0x12b450f5u, 0x280ef6adu,
    0x1f2d2997u, 0x160b824au, 0x09c54da2u,
};

// V = [-2, 1, 2, 1/2^1, 3, 4, -1/2^1, -3, -4, 1/2^8, 1/2^2, 1/2^3, 1/2^4, 1/2^7, 1/2^9, 1/2^27, -1/2^8, -1/2^2, -1/2^3, -1/2^4, -1/2^5, -1/2^6, -1/2^7, -1/2^27]
KILN_POSEIDON2_STORAGE uint32_t W24_INTERNAL_DIAG[24] = {
    0x58000005u, 0x0ffffffeu, 0x1ffffffcu, 0x07ffffffu, 0x2ffffffau, 0x3ffffff8u,
    0x70000002u, 0x48000007u, 0x38000009u, 0x01000000u, 0x40000000u, 0x20000000u,
    0x10000000u, 0x02000000u, 0x00800000u, 0x00000020u, 0x77000001u, 0x38000001u,
    0x58000001u, 0x68000001u, 0x70000001u, 0x74000001u, 0x76000001u, 0x77ffffe1u,
};

// V[i] = W24_DIAG_NUMERATOR[i] / 2^W24_DIAG_LOG_DENOMINATOR[i].
constexpr int W24_DIAG_NUMERATOR[24] = {-2, 1, 2, 1, 3, 4, -1, -3, -4, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1, -1};
constexpr int W24_DIAG_LOG_DENOMINATOR[24] = {0, 0, 0, 1, 0, 0, 1, 0, 0, 8, 2, 3, 4, 7, 9, 27, 8, 2, 3, 4, 5, 6, 7, 27};

}  // namespace poseidon2
}  // namespace kiln
