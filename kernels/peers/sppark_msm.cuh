// sppark 0.1.16's G1 MSM as a benchmark peer (cargo feature `sppark-peer`): built by
// build.rs with nvcc against the headers of the sppark crate (DEP_SPPARK_ROOT) and blst's
// host field code (DEP_BLST_C_SRC), never part of the kernel library or the emulator.
// Each curve's .cu file defines sppark's point and scalar types and includes this file.
//
// The handle keeps sppark's msm_t, which uploads the bases once (as kiln's Bases do), so
// a timed call moves the scalars to the device and runs the MSM: the same work as kiln's
// upload_scalars + msm. Bases arrive in kiln's layout (x, y in Montgomery form, infinity
// as (0, 0), which sppark also reads as infinity); the result is sppark's Jacobian point
// (X, Y, Z in Montgomery form), which is arkworks' Projective.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <new>

#include "include/kiln.h"

using kiln_sppark_msm_t = msm_t<bucket_t, point_t, affine_t, scalar_t>;

namespace {
kiln_status kiln_sppark_status(int code) {
    return code == 0 ? kiln_status{0, "ok"} : kiln_status{code, "sppark MSM failed (CUDA error code)"};
}
}  // namespace

#define KILN_SPPARK_EXPORTS(curve)                                                                                     \
    extern "C" kiln_status kiln_sppark_##curve##_new(const void* points, uint64_t n, uint64_t stride, void** handle) { \
        *handle = nullptr;                                                                                             \
        try {                                                                                                          \
            *handle = new kiln_sppark_msm_t(reinterpret_cast<const affine_t*>(points), n, stride);                     \
        } catch (const cuda_error& e) {                                                                                \
            return kiln_sppark_status(e.code() ? e.code() : -1);                                                       \
        } catch (const std::bad_alloc&) {                                                                              \
            return kiln_sppark_status(2);                                                                              \
        }                                                                                                              \
        return kiln_sppark_status(0);                                                                                  \
    }                                                                                                                  \
    extern "C" kiln_status kiln_sppark_##curve##_msm(void* handle, const void* scalars, uint64_t n, void* out) {       \
        try {                                                                                                          \
            point_t r;                                                                                                 \
            RustError e = static_cast<kiln_sppark_msm_t*>(handle)->invoke(                                             \
                r, static_cast<const affine_t*>(nullptr), n, reinterpret_cast<const scalar_t*>(scalars), true);        \
            *static_cast<point_t*>(out) = r;                                                                           \
            if (e.message) std::free(e.message);                                                                       \
            return kiln_sppark_status(e.code);                                                                         \
        } catch (const cuda_error& e) {                                                                                \
            return kiln_sppark_status(e.code() ? e.code() : -1);                                                       \
        }                                                                                                              \
    }                                                                                                                  \
    extern "C" void kiln_sppark_##curve##_free(void* handle) { delete static_cast<kiln_sppark_msm_t*>(handle); }
