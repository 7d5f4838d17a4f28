use crate::Field;

/// Inverts every element with one field inversion (Montgomery's trick).
///
/// Zeros map to zero, so a caller can invert a vector that may contain them without
/// a separate pass.
pub fn batch_inverse<F: Field>(values: &[F]) -> Vec<F> {
    let mut prefix = Vec::with_capacity(values.len());
    let mut acc = F::ONE;
    for v in values {
        prefix.push(acc);
        if !v.is_zero() {
            acc *= *v;
        }
    }
    let mut inv = acc.inverse();
    let mut out = vec![F::ZERO; values.len()];
    for i in (0..values.len()).rev() {
        let v = values[i];
        if !v.is_zero() {
            out[i] = prefix[i] * inv;
            inv *= v;
        }
    }
    out
}
