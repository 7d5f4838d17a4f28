// sppark's BLS12-381 G1 MSM as a benchmark peer; see sppark_msm.cuh.
#include <cuda.h>

#define FEATURE_BLS12_381
#include <ec/jacobian_t.hpp>
#include <ec/xyzz_t.hpp>
#include <ff/bls12-381.hpp>

typedef jacobian_t<fp_t> point_t;
typedef xyzz_t<fp_t> bucket_t;
typedef bucket_t::affine_t affine_t;
typedef fr_t scalar_t;

#include <msm/pippenger.cuh>

#ifndef __CUDA_ARCH__
#include "peers/sppark_msm.cuh"
KILN_SPPARK_EXPORTS(bls12_381)
#endif
