//! Naive O(n²) transforms: the definitions, written as directly as possible, that every
//! fast implementation is tested against on small sizes.

use kiln_field::{BabyBear, Field, TwoAdicField, reverse_bits_len};

/// Evaluations `A_j = Σ_i a_i·(shift·ω_n^j)^i` for j < n, natural order.
pub fn naive_coset_dft(coeffs: &[BabyBear], shift: BabyBear) -> Vec<BabyBear> {
    let n = coeffs.len();
    assert!(n.is_power_of_two(), "length {n} is not a power of two");
    let w = BabyBear::two_adic_generator(n.trailing_zeros() as usize);
    (0..n)
        .map(|j| {
            let x = shift * w.exp_u64(j as u64);
            coeffs
                .iter()
                .rev()
                .fold(BabyBear::ZERO, |acc, &c| acc * x + c)
        })
        .collect()
}

/// `A_j = Σ_i a_i·ω_n^{ij}`.
pub fn naive_dft(coeffs: &[BabyBear]) -> Vec<BabyBear> {
    naive_coset_dft(coeffs, BabyBear::ONE)
}

/// The inverse of [`naive_dft`]: `a_i = (1/n)·Σ_j A_j·ω_n^{−ij}`.
pub fn naive_idft(evals: &[BabyBear]) -> Vec<BabyBear> {
    let n = evals.len();
    assert!(n.is_power_of_two(), "length {n} is not a power of two");
    let w_inv = BabyBear::two_adic_generator(n.trailing_zeros() as usize).inverse();
    let n_inv = BabyBear::new(n as u32).inverse();
    (0..n)
        .map(|i| {
            let x = w_inv.exp_u64(i as u64);
            evals
                .iter()
                .rev()
                .fold(BabyBear::ZERO, |acc, &v| acc * x + v)
                * n_inv
        })
        .collect()
}

/// Coset LDE of one column by interpolation and evaluation, natural order.
pub fn naive_coset_lde(evals: &[BabyBear], log_blowup: u32, shift: BabyBear) -> Vec<BabyBear> {
    let mut coeffs = naive_idft(evals);
    coeffs.resize(evals.len() << log_blowup, BabyBear::ZERO);
    naive_coset_dft(&coeffs, shift)
}

/// Permutes a column into bit-reversed order.
pub fn bit_reversed(values: &[BabyBear]) -> Vec<BabyBear> {
    let log_n = values.len().trailing_zeros();
    (0..values.len())
        .map(|p| values[reverse_bits_len(p, log_n as usize)])
        .collect()
}
