//! Entry points for the arithmetic conformance tests (`tests/curve_arith.rs`): the
//! kernels' field and G1 operations, element-wise, on raw words. Not a stable API.

use crate::backend::Backend;
use crate::backend::kernel::KernelDevice;
use ark_ec::short_weierstrass::Projective;

use crate::msm::{Bases, DeviceRepr, DeviceVec, MsmCurve, MsmScalar};
use crate::{Error, Result};

pub use crate::repr::{projective_to_xyzz, xyzz_to_projective};

/// Field ids of the C ABI (`KILN_FIELD_*`).
pub const BN254_FQ: u32 = 0;
pub const BN254_FR: u32 = 1;
pub const BLS12_381_FQ: u32 = 2;
pub const BLS12_381_FR: u32 = 3;

/// Field operations (`KILN_FF_*`).
pub const FF_ADD: u32 = 0;
pub const FF_SUB: u32 = 1;
pub const FF_MUL: u32 = 2;
pub const FF_NEG: u32 = 3;
pub const FF_SQR: u32 = 4;
pub const FF_TO_STANDARD: u32 = 5;
pub const FF_FROM_STANDARD: u32 = 6;

/// Curve operations (`KILN_EC_*`).
pub const EC_ADD: u32 = 0;
pub const EC_ADD_AFFINE: u32 = 1;
pub const EC_DBL: u32 = 2;

/// 64-bit words per element of a field id.
pub fn field_words(field: u32) -> Result<usize> {
    match field {
        BN254_FQ | BN254_FR | BLS12_381_FR => Ok(4),
        BLS12_381_FQ => Ok(6),
        _ => Err(Error::InvalidArgument(format!("unknown field id {field}"))),
    }
}

/// Runs the kernels' arithmetic element-wise.
pub trait ArithTestOps: Backend + Sized {
    /// The constants compiled into the kernels for `field`: p, R mod p, R² mod p (limbs
    /// each), −p^{-1} mod 2^32 and the bit length of p.
    fn ff_constants(&self, field: u32) -> Result<Vec<u64>>;
    /// `op(a[i], b[i])` for every element (words of `field`); `b` is ignored by unary ops
    /// but must have `a`'s length.
    fn ff_op(&self, field: u32, op: u32, a: &[u64], b: &[u64]) -> Result<Vec<u64>>;
    /// `op(a[i], b[i])` on G1 of curve `P`: `a` holds XYZZ points (4·L words each), `b`
    /// XYZZ points (`EC_ADD`), affine points (`EC_ADD_AFFINE`) or anything of `a`'s length
    /// (`EC_DBL`). Returns XYZZ points.
    fn ec_op<P: MsmCurve>(&self, op: u32, a: &[u64], b: &[u64]) -> Result<Vec<u64>>;
    /// An MSM with a given window size (2..=20) instead of the automatic one.
    fn msm_with_window<P: MsmCurve, S: MsmScalar<P::ScalarField>>(
        &self,
        bases: &Bases<Self, P>,
        scalars: &DeviceVec<Self, S>,
        window_bits: u32,
    ) -> Result<Projective<P>>;
}

impl<D: KernelDevice> ArithTestOps for D {
    fn ff_constants(&self, field: u32) -> Result<Vec<u64>> {
        let mut out = vec![0u64; 3 * field_words(field)? + 2];
        let table = self.table()?;
        // SAFETY: a host function writing 3·limbs + 2 words into `out`, which has that length.
        unsafe { (table.ff_constants)(field, out.as_mut_ptr()) }.into_result("ff_constants")?;
        Ok(out)
    }

    fn ff_op(&self, field: u32, op: u32, a: &[u64], b: &[u64]) -> Result<Vec<u64>> {
        let w = field_words(field)?;
        if a.len() != b.len() || !a.len().is_multiple_of(w) {
            return Err(Error::LengthMismatch {
                what: "ff_op operands",
                expected: a.len(),
                got: b.len(),
            });
        }
        let n = (a.len() / w) as u64;
        let da = self.upload(a)?;
        let db = self.upload(b)?;
        let mut out = self.alloc_zeroed::<u64>(a.len())?;
        let o = self.raw_mut(&mut out);
        self.call_kernel("ff_test", |k, stream| {
            // SAFETY: all three buffers hold n elements of `field` and live for the call.
            unsafe { (k.ff_test)(field, op, self.raw(&da), self.raw(&db), o, n, stream) }
        })?;
        self.download(&out)
    }

    fn ec_op<P: MsmCurve>(&self, op: u32, a: &[u64], b: &[u64]) -> Result<Vec<u64>> {
        let l = <P::BaseField as DeviceRepr>::WORDS;
        if !a.len().is_multiple_of(4 * l) {
            return Err(Error::LengthMismatch {
                what: "ec_op XYZZ operand",
                expected: a.len().div_ceil(4 * l) * 4 * l,
                got: a.len(),
            });
        }
        let n = a.len() / (4 * l);
        let b_words = if op == EC_ADD_AFFINE { 2 * l } else { 4 * l };
        if b.len() != n * b_words {
            return Err(Error::LengthMismatch {
                what: "ec_op second operand",
                expected: n * b_words,
                got: b.len(),
            });
        }
        let da = self.upload(a)?;
        let db = self.upload(b)?;
        let mut out = self.alloc_zeroed::<u64>(a.len())?;
        let o = self.raw_mut(&mut out);
        self.call_kernel("ec_test", |k, stream| {
            // SAFETY: `da` and `out` hold n XYZZ points, `db` n operands of the op's kind.
            unsafe {
                (k.ec_test)(
                    P::CURVE_ID,
                    op,
                    self.raw(&da),
                    self.raw(&db),
                    o,
                    n as u64,
                    stream,
                )
            }
        })?;
        self.download(&out)
    }

    fn msm_with_window<P: MsmCurve, S: MsmScalar<P::ScalarField>>(
        &self,
        bases: &Bases<Self, P>,
        scalars: &DeviceVec<Self, S>,
        window_bits: u32,
    ) -> Result<Projective<P>> {
        super::kernel::msm_with_window(self, bases, scalars, window_bits)
    }
}
