// Test entry points of the pairing-curve arithmetic (see include/kiln.h): element-wise
// field and G1 operations as kernels, so tests/curve_arith.rs checks the device code
// against arkworks, through the emulator everywhere and on a GPU where there is one (which
// is what validates the PTX carry chains).

#include "ec/curves.cuh"

namespace {

constexpr uint32_t THREADS = 256;

template <class F>
__global__ void ff_test_kernel(uint32_t op, const F* a, const F* b, F* out, uint64_t n) {
    for (uint64_t i = blockIdx.x * static_cast<uint64_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<uint64_t>(gridDim.x) * blockDim.x) {
        const F x = a[i];
        F r;
        switch (op) {
            case KILN_FF_ADD:
                r = x + b[i];
                break;
            case KILN_FF_SUB:
                r = x - b[i];
                break;
            case KILN_FF_MUL:
                r = x * b[i];
                break;
            case KILN_FF_NEG:
                r = -x;
                break;
            case KILN_FF_SQR:
                r = x.sqr();
                break;
            case KILN_FF_TO_STANDARD:
                r = x.to_standard();
                break;
            default:  // KILN_FF_FROM_STANDARD
                r = F::from_standard(x);
                break;
        }
        out[i] = r;
    }
}

template <class C>
__global__ void ec_test_kernel(uint32_t op, const typename C::xyzz* a, const typename C::xyzz* b_xyzz,
                               const typename C::affine* b_affine, typename C::xyzz* out, uint64_t n) {
    for (uint64_t i = blockIdx.x * static_cast<uint64_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<uint64_t>(gridDim.x) * blockDim.x) {
        switch (op) {
            case KILN_EC_ADD:
                out[i] = a[i].add(b_xyzz[i]);
                break;
            case KILN_EC_ADD_AFFINE:
                out[i] = a[i].add_affine(b_affine[i]);
                break;
            default:  // KILN_EC_DBL
                out[i] = a[i].dbl();
                break;
        }
    }
}

template <class F>
void write_constants(uint64_t* out) {
    const uint32_t n64 = F::N / 2;
    for (uint32_t i = 0; i < n64; ++i) {
        out[i] = F::params::p(2 * i) | static_cast<uint64_t>(F::params::p(2 * i + 1)) << 32;
        out[n64 + i] = F::params::one(2 * i) | static_cast<uint64_t>(F::params::one(2 * i + 1)) << 32;
        out[2 * n64 + i] = F::params::r2(2 * i) | static_cast<uint64_t>(F::params::r2(2 * i + 1)) << 32;
    }
    out[3 * n64] = F::params::M0;
    out[3 * n64 + 1] = F::BITS;
}

// Calls fn(F{}) for a C ABI field id.
template <class Fn>
kiln_status with_field(uint32_t field, Fn&& fn) {
    switch (field) {
        case KILN_FIELD_BN254_FQ:
            return fn(kiln::bn254_fq_t{});
        case KILN_FIELD_BN254_FR:
            return fn(kiln::bn254_fr_t{});
        case KILN_FIELD_BLS12_381_FQ:
            return fn(kiln::bls12_381_fq_t{});
        case KILN_FIELD_BLS12_381_FR:
            return fn(kiln::bls12_381_fr_t{});
        default:
            return kiln::invalid("unknown field id");
    }
}

}  // namespace

KILN_EXPORT(ff_constants)(uint32_t field, uint64_t* out) {
    if (!out) return kiln::invalid("null output pointer");
    return with_field(field, [&](auto f) {
        write_constants<decltype(f)>(out);
        return kiln::ok();
    });
}

KILN_EXPORT(ff_test)(uint32_t field, uint32_t op, const uint64_t* d_a, const uint64_t* d_b, uint64_t* d_out, uint64_t n,
                     void* stream) {
    if (op > KILN_FF_FROM_STANDARD) return kiln::invalid("unknown field op");
    if (n == 0) return kiln::ok();
    if (!d_a || !d_b || !d_out) return kiln::invalid("null device pointer");
    return with_field(field, [&](auto f) {
        using F = decltype(f);
        auto kernel = ff_test_kernel<F>;
        KILN_LAUNCH(kernel, dim3(kiln::grid_for(n, THREADS)), dim3(THREADS), 0, static_cast<cudaStream_t>(stream), op,
                    reinterpret_cast<const F*>(d_a), reinterpret_cast<const F*>(d_b), reinterpret_cast<F*>(d_out), n);
        KILN_CHECK_LAUNCH();
        return kiln::ok();
    });
}

KILN_EXPORT(ec_test)(uint32_t curve, uint32_t op, const uint64_t* d_a, const uint64_t* d_b, uint64_t* d_out, uint64_t n,
                     void* stream) {
    if (op > KILN_EC_DBL) return kiln::invalid("unknown curve op");
    if (n == 0) return kiln::ok();
    if (!d_a || !d_b || !d_out) return kiln::invalid("null device pointer");
    return kiln::with_curve(curve, [&](auto c) {
        using C = decltype(c);
        auto kernel = ec_test_kernel<C>;
        KILN_LAUNCH(kernel, dim3(kiln::grid_for(n, THREADS)), dim3(THREADS), 0, static_cast<cudaStream_t>(stream), op,
                    reinterpret_cast<const typename C::xyzz*>(d_a), reinterpret_cast<const typename C::xyzz*>(d_b),
                    reinterpret_cast<const typename C::affine*>(d_b), reinterpret_cast<typename C::xyzz*>(d_out), n);
        KILN_CHECK_LAUNCH();
        return kiln::ok();
    });
}
