//! The aarch64 level: NEON (4 lanes). Compile-checked here (`cargo check --target
//! aarch64-unknown-linux-gnu -p kiln-field`); its tests run on an ARM machine.

use core::arch::aarch64::*;

use super::{VectorOps, packed_type};
use crate::{BabyBear, SimdLevel};

const P: u32 = crate::P;
const P_INV: u32 = 0x8800_0001;

/// The NEON instructions.
pub(crate) struct Neon;

impl VectorOps for Neon {
    type Vector = uint32x4_t;

    #[inline]
    #[target_feature(enable = "neon")]
    unsafe fn add(a: uint32x4_t, b: uint32x4_t) -> uint32x4_t {
        let s = vaddq_u32(a, b);
        vminq_u32(s, vsubq_u32(s, vdupq_n_u32(P)))
    }

    #[inline]
    #[target_feature(enable = "neon")]
    unsafe fn sub(a: uint32x4_t, b: uint32x4_t) -> uint32x4_t {
        let d = vsubq_u32(a, b);
        vminq_u32(d, vaddq_u32(d, vdupq_n_u32(P)))
    }

    #[inline]
    #[target_feature(enable = "neon")]
    unsafe fn mul(a: uint32x4_t, b: uint32x4_t) -> uint32x4_t {
        let p = vdupq_n_u32(P);
        // The four 64-bit products, as words: low words by uzp1, high words by uzp2.
        let lo = vreinterpretq_u32_u64(vmull_u32(vget_low_u32(a), vget_low_u32(b)));
        let hi = vreinterpretq_u32_u64(vmull_high_u32(a, b));
        let prod_lo = vuzp1q_u32(lo, hi);
        let prod_hi = vuzp2q_u32(lo, hi);
        let q = vmulq_u32(prod_lo, vdupq_n_u32(P_INV));
        let qp_lo = vreinterpretq_u32_u64(vmull_u32(vget_low_u32(q), vget_low_u32(p)));
        let qp_hi = vreinterpretq_u32_u64(vmull_high_u32(q, p));
        let t = vsubq_u32(prod_hi, vuzp2q_u32(qp_lo, qp_hi));
        // t wrapped below zero iff hi(a·b) < hi(q·p); then t + p is the smaller word.
        vminq_u32(t, vaddq_u32(t, p))
    }

    /// Transposes a 4×4 tile lane by lane (not on a hot path).
    #[inline]
    #[target_feature(enable = "neon")]
    unsafe fn transpose(m: &mut [uint32x4_t]) {
        let mut w = [[0u32; 4]; 4];
        for (row, v) in w.iter_mut().zip(m.iter()) {
            // SAFETY: `row` holds 4 words.
            unsafe { vst1q_u32(row.as_mut_ptr(), *v) };
        }
        for (i, v) in m.iter_mut().enumerate() {
            let col = [w[0][i], w[1][i], w[2][i], w[3][i]];
            // SAFETY: `col` holds 4 words.
            *v = unsafe { vld1q_u32(col.as_ptr()) };
        }
    }

    #[target_feature(enable = "neon")]
    unsafe fn enter<R>(f: impl FnOnce() -> R) -> R {
        f()
    }
}

packed_type!(
    /// 4 BabyBear elements in a NEON register ([`SimdLevel::Neon`]).
    PackedNeon, 4, 2, 16, SimdLevel::Neon, Neon
);
