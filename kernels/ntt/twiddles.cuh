// Device twiddle tables for the NTT: powers of ω, the 2^27-th root of unity of BabyBear
// (canonical 0x1a427a41, Plonky3's TWO_ADIC_GENERATORS[27]), split in two levels so that
// every power ω^e, e < 2^27, costs two table reads and one multiplication:
//   ω^e = lo[e mod 2^12] · hi[e >> 12].
// The layout (filled on the host by `kiln::ntt::twiddle_tables`, Montgomery words):
//   [ fwd lo: 2^12 | fwd hi: 2^15 | inv lo: 2^12 | inv hi: 2^15 ]
// where the inverse tables hold the powers of ω^{-1}.
#pragma once

#include "ff/babybear.cuh"

namespace kiln {
namespace ntt {

constexpr uint32_t TW_LO_LOG = 12;
constexpr uint32_t TW_HI_LOG = 15;
constexpr uint32_t TW_LO_LEN = 1u << TW_LO_LOG;
constexpr uint32_t TW_HI_LEN = 1u << TW_HI_LOG;
constexpr uint32_t TW_DIR_LEN = TW_LO_LEN + TW_HI_LEN;
constexpr uint32_t TW_TOTAL_LEN = 2 * TW_DIR_LEN;
constexpr uint32_t MAX_LOG_N = KILN_BABYBEAR_TWO_ADICITY;

__host__ __device__ __forceinline__ uint32_t load_ro(const uint32_t* p) {
#ifdef __CUDA_ARCH__
    return __ldg(p);
#else
    return *p;
#endif
}

__host__ __device__ __forceinline__ bb_t twiddle(const uint32_t* tables, uint32_t inverse, uint32_t e) {
    const uint32_t* t = tables + (inverse ? TW_DIR_LEN : 0);
    return bb_t(load_ro(t + (e & (TW_LO_LEN - 1)))) * bb_t(load_ro(t + TW_LO_LEN + (e >> TW_LO_LOG)));
}

}  // namespace ntt
}  // namespace kiln
