//! Device operations of the STARK prover: the quotient evaluated from a compiled
//! constraint program ([`ConstraintProgram`]), and the quotient-domain view of an LDE.
//!
//! The CPU implementation interprets the same program in Rust: the reference the
//! emulator and the CUDA kernel must equal word for word.

use kiln_air::ConstraintProgram;
use kiln_field::{BabyBear, BabyBearExt4, Field, TwoAdicField, batch_inverse};
use rayon::prelude::*;

use crate::backend::kernel::KernelDevice;
use crate::backend::{Backend, CpuBackend, CudaBackend, EmuBackend};
use crate::ntt::reference::bit_reverse_index;
use crate::{Error, Result};

/// The inputs of a quotient evaluation, besides the columns.
#[derive(Debug, Clone)]
pub struct QuotientSpec<'a> {
    pub program: &'a ConstraintProgram,
    pub public_values: &'a [BabyBear],
    /// The constraint-folding challenge.
    pub alpha: BabyBearExt4,
    pub log_n: u32,
    pub log_chunks: u32,
    /// The quotient domain's shift g.
    pub shift: BabyBear,
}

impl QuotientSpec<'_> {
    fn m(&self) -> usize {
        1 << (self.log_n + self.log_chunks)
    }

    /// α^{k−1−i} for constraint i, four base words each.
    fn alpha_powers(&self) -> Vec<BabyBear> {
        let k = self.program.constraints as usize;
        let mut out = vec![BabyBear::ZERO; 4 * k];
        let mut p = BabyBearExt4::ONE;
        for i in (0..k).rev() {
            out[4 * i..4 * i + 4].copy_from_slice(&p.0);
            p *= self.alpha;
        }
        out
    }

    /// 1/Z_H(g·ω_M^i) for i < 2^chunks (Z_H(x) = x^n − 1 takes these values only).
    fn inv_z(&self) -> Result<Vec<BabyBear>> {
        let step = 1usize << self.log_chunks;
        let g_n = self.shift.exp_power_of_2(self.log_n as usize);
        let w = BabyBear::two_adic_generator(self.log_chunks as usize);
        let z: Vec<BabyBear> = (0..step)
            .map(|i| g_n * w.exp_u64(i as u64) - BabyBear::ONE)
            .collect();
        if z.iter().any(|v| v.is_zero()) {
            return Err(Error::InvalidArgument(
                "the quotient domain meets the trace domain (bad shift)".into(),
            ));
        }
        Ok(batch_inverse(&z))
    }

    fn check(&self, main_len: usize, pre_len: usize) -> Result<()> {
        if self.log_n + self.log_chunks > crate::ntt::MAX_LOG_N {
            return Err(Error::TooLarge {
                what: "quotient domain",
                log_size: self.log_n + self.log_chunks,
                max_log_size: crate::ntt::MAX_LOG_N,
            });
        }
        let p = self.program;
        let m = self.m();
        if main_len != p.main_width as usize * m {
            return Err(Error::LengthMismatch {
                what: "quotient main columns",
                expected: p.main_width as usize * m,
                got: main_len,
            });
        }
        if pre_len != p.preprocessed_width as usize * m {
            return Err(Error::LengthMismatch {
                what: "quotient preprocessed columns",
                expected: p.preprocessed_width as usize * m,
                got: pre_len,
            });
        }
        if self.public_values.len() != p.public_values as usize {
            return Err(Error::LengthMismatch {
                what: "public values",
                expected: p.public_values as usize,
                got: self.public_values.len(),
            });
        }
        Ok(())
    }
}

/// Device operations of the STARK prover.
pub trait StarkOps: Backend {
    /// The first 2^log_m rows of each of `width` bit-reversed LDE columns (`lde_height`
    /// rows each), in natural order: the trace over the quotient domain.
    fn quotient_domain_columns(
        &self,
        lde: &Self::Buffer<BabyBear>,
        lde_height: usize,
        log_m: u32,
        width: usize,
    ) -> Result<Self::Buffer<BabyBear>>;

    /// The quotient chunks (4·2^chunks columns of n) from natural-order quotient-domain
    /// columns of the main trace and of the preprocessed columns.
    fn evaluate_quotient(
        &self,
        spec: &QuotientSpec<'_>,
        main: &Self::Buffer<BabyBear>,
        preprocessed: Option<&Self::Buffer<BabyBear>>,
    ) -> Result<Self::Buffer<BabyBear>>;

    /// `Σ_t cols[c][t]·weights[t]` for every column c of height `height` (barycentric
    /// evaluation with host-computed extension weights).
    fn columns_dot(
        &self,
        cols: &Self::Buffer<BabyBear>,
        height: usize,
        weights: &[BabyBearExt4],
    ) -> Result<Vec<BabyBearExt4>> {
        let width = self.buffer_len(cols) / height.max(1);
        self.columns_dot_range(cols, height, 0..width, weights)
    }

    /// [`StarkOps::columns_dot`] for the columns in `range` only.
    fn columns_dot_range(
        &self,
        cols: &Self::Buffer<BabyBear>,
        height: usize,
        range: core::ops::Range<usize>,
        weights: &[BabyBearExt4],
    ) -> Result<Vec<BabyBearExt4>>;

    /// [`StarkOps::columns_dot_range`] for several weight vectors at once (one result per
    /// weight vector): the CPU reads each column once for all of them.
    fn columns_dot_many(
        &self,
        cols: &Self::Buffer<BabyBear>,
        height: usize,
        range: core::ops::Range<usize>,
        weights: &[&[BabyBearExt4]],
    ) -> Result<Vec<Vec<BabyBearExt4>>> {
        weights
            .iter()
            .map(|w| self.columns_dot_range(cols, height, range.clone(), w))
            .collect()
    }

    /// The batched opening polynomial R over the bit-reversed LDE domain (see
    /// [`ReducedSpec`]).
    fn reduced_openings(
        &self,
        groups: &[OpeningGroup<'_, Self::Buffer<BabyBear>>],
        spec: &ReducedSpec,
    ) -> Result<Self::Buffer<BabyBearExt4>>;

    /// One FRI round (see [`FriFolder`]): 2^log_size values over shift·⟨ω⟩ → 2^(log_size − a).
    fn fri_fold(
        &self,
        layer: &Self::Buffer<BabyBearExt4>,
        log_size: u32,
        log_arity: u32,
        shift: BabyBear,
        beta: BabyBearExt4,
    ) -> Result<Self::Buffer<BabyBearExt4>>;

    /// A FRI layer in commitment layout: 4·2^a columns, row q = group q's values.
    fn fri_layer_matrix(
        &self,
        layer: &Self::Buffer<BabyBearExt4>,
        log_size: u32,
        log_arity: u32,
    ) -> Result<Self::Buffer<BabyBear>>;
}

/// One group of a batched opening: every column of `matrix` (bit-reversed LDE, `width`
/// columns of the domain size) at ζ or, with `at_next`, at ζω.
#[derive(Debug)]
pub struct OpeningGroup<'a, Buf> {
    pub matrix: &'a Buf,
    pub width: usize,
    pub at_next: bool,
}

/// The rest of a batched opening: R(x) = (Σ_{ζ groups} α^k f(x) − b_zeta)/(x − ζ) +
/// (Σ_{ζω groups} α^k f(x) − b_next)/(x − ζω) over shift·⟨ω_N⟩, N = 2^log_big.
#[derive(Debug, Clone)]
pub struct ReducedSpec {
    /// α^k per (group, column), in order.
    pub powers: Vec<BabyBearExt4>,
    pub zeta: BabyBearExt4,
    pub zeta_next: BabyBearExt4,
    pub b_zeta: BabyBearExt4,
    pub b_next: BabyBearExt4,
    pub log_big: u32,
    pub shift: BabyBear,
}

/// Folding by 2^a, the constants computed once per round.
///
/// # Mathematical description
/// A layer holds f over s·⟨ω_N⟩ in bit-reversed order, so positions q·2^a + r hold f at
/// y·ε^{rev_a(r)} (ε a primitive 2^a-th root of unity, y = s·ω_N^{rev(q)} on log N − a
/// bits). With f(X) = Σ_{i<2^a} X^i f_i(X^{2^a}), the folded value at y^{2^a} is
/// f'(y^{2^a}) = Σ_i β^i f_i(y^{2^a}) = 2^{-a} Σ_i (β/y)^i Σ_e ε^{-ei} f(y ε^e).
#[derive(Clone, Debug)]
pub struct FriFolder {
    log_arity: usize,
    inv_dft: Vec<Vec<BabyBear>>,
    k_inv: BabyBear,
}

impl FriFolder {
    pub fn new(log_arity: usize) -> Self {
        let k = 1usize << log_arity;
        let eps_inv = BabyBear::two_adic_generator(log_arity).inverse();
        let inv_dft = (0..k)
            .map(|i| eps_inv.exp_u64(i as u64).powers(k))
            .collect();
        Self {
            log_arity,
            inv_dft,
            k_inv: BabyBear::new(k as u32).inverse(),
        }
    }

    /// Folds one group (bit-reversed within the group) whose first point has inverse `y_inv`.
    pub fn fold(
        &self,
        group: &[BabyBearExt4],
        y_inv: BabyBear,
        beta: BabyBearExt4,
    ) -> BabyBearExt4 {
        let k = 1usize << self.log_arity;
        if k == 2 {
            let (a, b) = (group[0], group[1]);
            return ((a + b) + (a - b) * (beta * y_inv)) * self.k_inv;
        }
        let mut vals = [BabyBearExt4::ZERO; 16];
        for (r, &v) in group.iter().enumerate().take(k) {
            vals[bit_reverse_index(r, self.log_arity as u32)] = v;
        }
        let beta_over_y = beta * y_inv;
        let mut acc = BabyBearExt4::ZERO;
        let mut weight = BabyBearExt4::ONE;
        for row in &self.inv_dft {
            let mut c = BabyBearExt4::ZERO;
            for (&v, &w) in vals[..k].iter().zip(row) {
                c += v * w;
            }
            acc += weight * c;
            weight *= beta_over_y;
        }
        acc * self.k_inv
    }
}

fn check_prefix(len: usize, lde_height: usize, log_m: u32, width: usize) -> Result<()> {
    if lde_height.checked_mul(width) != Some(len) {
        return Err(Error::LengthMismatch {
            what: "LDE columns",
            expected: lde_height.saturating_mul(width),
            got: len,
        });
    }
    if log_m > 27 || (1usize << log_m) > lde_height {
        return Err(Error::InvalidArgument(format!(
            "quotient domain 2^{log_m} exceeds the LDE height {lde_height}"
        )));
    }
    Ok(())
}

impl StarkOps for CpuBackend {
    fn quotient_domain_columns(
        &self,
        lde: &Vec<BabyBear>,
        lde_height: usize,
        log_m: u32,
        width: usize,
    ) -> Result<Vec<BabyBear>> {
        check_prefix(lde.len(), lde_height, log_m, width)?;
        let m = 1usize << log_m;
        // Copy each prefix, then bit-reverse it in place while it is in cache: faster than a
        // gather through reversed indices.
        let mut out = vec![BabyBear::ZERO; m * width];
        out.par_chunks_mut(m)
            .zip(lde.par_chunks(lde_height))
            .for_each(|(o, col)| {
                o.copy_from_slice(&col[..m]);
                crate::ntt::cpu::bit_reverse(o, log_m);
            });
        Ok(out)
    }

    fn evaluate_quotient(
        &self,
        spec: &QuotientSpec<'_>,
        main: &Vec<BabyBear>,
        preprocessed: Option<&Vec<BabyBear>>,
    ) -> Result<Vec<BabyBear>> {
        let empty = Vec::new();
        let pre = preprocessed.unwrap_or(&empty);
        spec.check(main.len(), pre.len())?;
        let (m, n) = (spec.m(), 1usize << spec.log_n);
        let step = 1usize << spec.log_chunks;
        let alpha_powers = spec.alpha_powers();
        let inv_z = spec.inv_z()?;
        let w_m = BabyBear::two_adic_generator((spec.log_n + spec.log_chunks) as usize);
        let w_n_inv = BabyBear::two_adic_generator(spec.log_n as usize).inverse();
        let (mw, pw) = (
            spec.program.main_width as usize,
            spec.program.preprocessed_width as usize,
        );
        let values: Vec<[BabyBear; 4]> = (0..m)
            .into_par_iter()
            .map(|j| {
                let jn = (j + step) % m;
                let row = |cols: &[BabyBear], w: usize, at: usize| {
                    (0..w).map(|c| cols[c * m + at]).collect::<Vec<_>>()
                };
                let (local, next) = (row(main, mw, j), row(main, mw, jn));
                let (p_local, p_next) = (row(pre, pw, j), row(pre, pw, jn));
                let x = spec.shift * w_m.exp_u64(j as u64);
                let z = x.exp_power_of_2(spec.log_n as usize) - BabyBear::ONE;
                let sel = [
                    z * (x - BabyBear::ONE).inverse(),
                    z * (x - w_n_inv).inverse(),
                    x - w_n_inv,
                ];
                let cs = spec.program.eval(
                    [&local, &next],
                    [&p_local, &p_next],
                    spec.public_values,
                    [&sel[0], &sel[1], &sel[2]],
                );
                let mut acc = [BabyBear::ZERO; 4];
                for (i, c) in cs.iter().enumerate() {
                    for (k, a) in acc.iter_mut().enumerate() {
                        *a += *c * alpha_powers[4 * i + k];
                    }
                }
                acc.map(|a| a * inv_z[j % step])
            })
            .collect();
        let mut out = vec![BabyBear::ZERO; 4 * step * n];
        for (j, v) in values.iter().enumerate() {
            let (i, t) = (j % step, j / step);
            for (k, &x) in v.iter().enumerate() {
                out[(4 * i + k) * n + t] = x;
            }
        }
        Ok(out)
    }

    fn columns_dot_range(
        &self,
        cols: &Vec<BabyBear>,
        height: usize,
        range: core::ops::Range<usize>,
        weights: &[BabyBearExt4],
    ) -> Result<Vec<BabyBearExt4>> {
        let mut out = self.columns_dot_many(cols, height, range, &[weights])?;
        Ok(out.pop().expect("one weight vector"))
    }

    fn columns_dot_many(
        &self,
        cols: &Vec<BabyBear>,
        height: usize,
        range: core::ops::Range<usize>,
        weights: &[&[BabyBearExt4]],
    ) -> Result<Vec<Vec<BabyBearExt4>>> {
        for w in weights {
            check_dot(cols.len(), height, &range, w.len())?;
        }
        // Each weight vector's four base coefficients as four arrays, so that W rows of a
        // column multiply in one packed product per coefficient.
        let split: Vec<[Vec<BabyBear>; 4]> = weights
            .iter()
            .map(|w| core::array::from_fn(|k| w.iter().map(|x| x.0[k]).collect()))
            .collect();
        let mut out = Vec::with_capacity(weights.len());
        // Two weight vectors per pass over the columns (the trace at ζ and at ζω).
        for pair in split.chunks(2) {
            let sums: Vec<[BabyBearExt4; 2]> = cols[range.start * height..range.end * height]
                .par_chunks(height)
                .map(|col| dot_two(col, pair))
                .collect();
            for k in 0..pair.len() {
                out.push(sums.iter().map(|s| s[k]).collect());
            }
        }
        Ok(out)
    }

    fn reduced_openings(
        &self,
        groups: &[OpeningGroup<'_, Vec<BabyBear>>],
        spec: &ReducedSpec,
    ) -> Result<Vec<BabyBearExt4>> {
        check_reduced(groups.iter().map(|g| (g.matrix.len(), g.width)), spec)?;
        Ok(cpu_reduced_openings(groups, spec))
    }

    fn fri_fold(
        &self,
        layer: &Vec<BabyBearExt4>,
        log_size: u32,
        log_arity: u32,
        shift: BabyBear,
        beta: BabyBearExt4,
    ) -> Result<Vec<BabyBearExt4>> {
        check_fold(layer.len(), log_size, log_arity)?;
        let log_next = log_size - log_arity;
        let groups = 1usize << log_next;
        let shift_inv = shift.inverse();
        let natural_inv = BabyBear::two_adic_generator(log_size as usize)
            .inverse()
            .powers(groups);
        let folder = FriFolder::new(log_arity as usize);
        Ok(layer
            .par_chunks_exact(1 << log_arity)
            .enumerate()
            .map(|(q, g)| {
                folder.fold(
                    g,
                    shift_inv * natural_inv[bit_reverse_index(q, log_next)],
                    beta,
                )
            })
            .collect())
    }

    fn fri_layer_matrix(
        &self,
        layer: &Vec<BabyBearExt4>,
        log_size: u32,
        log_arity: u32,
    ) -> Result<Vec<BabyBear>> {
        check_fold(layer.len(), log_size, log_arity)?;
        let arity = 1usize << log_arity;
        let groups = layer.len() >> log_arity;
        let mut out = vec![BabyBear::ZERO; 4 * layer.len()];
        for (p, v) in layer.iter().enumerate() {
            let (q, r) = (p >> log_arity, p & (arity - 1));
            for (k, &c) in v.0.iter().enumerate() {
                out[(r * 4 + k) * groups + q] = c;
            }
        }
        Ok(out)
    }
}

fn check_dot(
    len: usize,
    height: usize,
    range: &core::ops::Range<usize>,
    weights: usize,
) -> Result<()> {
    if weights != height {
        return Err(Error::LengthMismatch {
            what: "barycentric weights",
            expected: height,
            got: weights,
        });
    }
    if height == 0 || !len.is_multiple_of(height) {
        return Err(Error::LengthMismatch {
            what: "columns",
            expected: len.div_ceil(height.max(1)) * height,
            got: len,
        });
    }
    if range.start > range.end || range.end > len / height {
        return Err(Error::InvalidArgument(format!(
            "columns {range:?} of a matrix of {}",
            len / height
        )));
    }
    Ok(())
}

fn check_reduced(groups: impl Iterator<Item = (usize, usize)>, spec: &ReducedSpec) -> Result<()> {
    if spec.log_big > 27 {
        return Err(Error::TooLarge {
            what: "LDE domain",
            log_size: spec.log_big,
            max_log_size: 27,
        });
    }
    let big = 1usize << spec.log_big;
    let mut columns = 0;
    let mut count = 0;
    for (len, width) in groups {
        if len != width * big {
            return Err(Error::LengthMismatch {
                what: "opening group matrix",
                expected: width * big,
                got: len,
            });
        }
        columns += width;
        count += 1;
    }
    if count > 8 {
        return Err(Error::InvalidArgument(format!(
            "{count} opening groups; at most 8"
        )));
    }
    if spec.powers.len() != columns {
        return Err(Error::LengthMismatch {
            what: "batching powers",
            expected: columns,
            got: spec.powers.len(),
        });
    }
    Ok(())
}

fn check_fold(len: usize, log_size: u32, log_arity: u32) -> Result<()> {
    if log_arity == 0 || log_arity > 4 || log_arity > log_size || log_size > 27 {
        return Err(Error::InvalidArgument(format!(
            "FRI fold of 2^{log_size} by 2^{log_arity}"
        )));
    }
    if len != 1 << log_size {
        return Err(Error::LengthMismatch {
            what: "FRI layer",
            expected: 1 << log_size,
            got: len,
        });
    }
    Ok(())
}

/// The CPU batched openings: per W points, four packed products per column.
/// `a · c` for W extension elements `a` (four packed base coefficients) and a constant
/// `c`, in F[X]/(X^4 − 11).
fn mul_packed_ext(
    a: &[kiln_field::PackedBabyBear; 4],
    c: BabyBearExt4,
) -> [kiln_field::PackedBabyBear; 4] {
    use kiln_field::PackedBabyBear;
    let mut r = [PackedBabyBear::ZERO; 4];
    let eleven = BabyBear::new(11);
    for (i, &ai) in a.iter().enumerate() {
        for (j, &cj) in c.0.iter().enumerate() {
            if i + j < 4 {
                r[i + j] += ai * cj;
            } else {
                r[i + j - 4] += ai * (cj * eleven);
            }
        }
    }
    r
}

/// `Σ_t col[t]·w[t]` for each of the (one or two) weight vectors `ws`, each split into its
/// four base coefficients; unused slots stay zero.
fn dot_two(col: &[BabyBear], ws: &[[Vec<BabyBear>; 4]]) -> [BabyBearExt4; 2] {
    use kiln_field::{PACKED_WIDTH as W, PackedBabyBear};
    let height = col.len();
    let body = height - height % W;
    let mut packed = [[PackedBabyBear::ZERO; 4]; 2];
    for t in (0..body).step_by(W) {
        let v = PackedBabyBear::from_slice(&col[t..]);
        for (accs, w) in packed.iter_mut().zip(ws) {
            for (acc, wk) in accs.iter_mut().zip(w) {
                *acc += v * PackedBabyBear::from_slice(&wk[t..]);
            }
        }
    }
    let mut sums = packed.map(|accs| accs.map(|p| p.0.iter().copied().sum::<BabyBear>()));
    for (acc, w) in sums.iter_mut().zip(ws) {
        for t in body..height {
            for (a, wk) in acc.iter_mut().zip(w) {
                *a += col[t] * wk[t];
            }
        }
    }
    sums.map(BabyBearExt4::new)
}

fn cpu_reduced_openings(
    groups: &[OpeningGroup<'_, Vec<BabyBear>>],
    spec: &ReducedSpec,
) -> Vec<BabyBearExt4> {
    use kiln_field::{PACKED_WIDTH as W, PackedBabyBear, prefetch};
    let log_big = spec.log_big as usize;
    let big = 1usize << log_big;
    let w = BabyBear::two_adic_generator(log_big);
    let mut pts = Vec::with_capacity(big);
    let mut x = spec.shift;
    for _ in 0..big {
        pts.push(x);
        x *= w;
    }
    let xs: Vec<BabyBear> = (0..big)
        .map(|p| pts[bit_reverse_index(p, log_big as u32)])
        .collect();
    let par_inv = |v: Vec<BabyBearExt4>| -> Vec<BabyBearExt4> {
        v.par_chunks(1 << 12).flat_map_iter(batch_inverse).collect()
    };
    let inv_zeta = par_inv(
        xs.par_iter()
            .map(|&x| BabyBearExt4::from(x) - spec.zeta)
            .collect(),
    );
    let inv_next = par_inv(
        xs.par_iter()
            .map(|&x| BabyBearExt4::from(x) - spec.zeta_next)
            .collect(),
    );
    let mut offsets = Vec::with_capacity(groups.len());
    let mut o = 0;
    for g in groups {
        offsets.push(o);
        o += g.width;
    }
    // A group over the same matrix as an earlier one, with powers c·(the earlier powers)
    // (the trace at ζ and at ζω), reuses the earlier row sums times c.
    let reuse: Vec<Option<(usize, BabyBearExt4)>> = groups
        .iter()
        .enumerate()
        .map(|(g, group)| {
            let powers = &spec.powers[offsets[g]..offsets[g] + group.width];
            (0..g).find_map(|e| {
                let earlier = &groups[e];
                let first = spec.powers.get(offsets[e])?;
                if !core::ptr::eq(earlier.matrix, group.matrix)
                    || earlier.width != group.width
                    || first.is_zero()
                {
                    return None;
                }
                let c = powers[0] * first.inverse();
                let base = &spec.powers[offsets[e]..offsets[e] + earlier.width];
                base.iter()
                    .zip(powers)
                    .all(|(&b, &p)| c * b == p)
                    .then_some((e, c))
            })
        })
        .collect();
    const TASK: usize = 1 << 10;
    let mut out = vec![BabyBearExt4::ZERO; big];
    out.par_chunks_mut(TASK)
        .enumerate()
        .for_each(|(task, chunk)| {
            let base = task * TASK;
            let mut sums = vec![[PackedBabyBear::ZERO; 4]; groups.len()];
            for off in (0..chunk.len()).step_by(W) {
                let p0 = base + off;
                let lanes = W.min(big - p0);
                let (mut a_zeta, mut a_next) =
                    ([PackedBabyBear::ZERO; 4], [PackedBabyBear::ZERO; 4]);
                for (g_index, (g, &offset)) in groups.iter().zip(&offsets).enumerate() {
                    let sum = match reuse[g_index] {
                        Some((e, c)) => mul_packed_ext(&sums[e], c),
                        None => {
                            let mut sum = [PackedBabyBear::ZERO; 4];
                            for (c, pw) in spec.powers[offset..offset + g.width].iter().enumerate()
                            {
                                let col = &g.matrix[c * big..(c + 1) * big];
                                // One line per column per block: too many streams for the
                                // hardware prefetcher (see the CPU quotient).
                                prefetch(col, p0 + W);
                                prefetch(col, p0 + 2 * W - 1);
                                let v = if lanes == W {
                                    PackedBabyBear::from_slice(&col[p0..])
                                } else {
                                    PackedBabyBear(core::array::from_fn(|l| {
                                        col[p0 + l.min(lanes - 1)]
                                    }))
                                };
                                for (a, k) in sum.iter_mut().zip(pw.0) {
                                    *a += v * k;
                                }
                            }
                            sum
                        }
                    };
                    sums[g_index] = sum;
                    let acc = if g.at_next { &mut a_next } else { &mut a_zeta };
                    for (a, v) in acc.iter_mut().zip(sum) {
                        *a += v;
                    }
                }
                for l in 0..lanes {
                    let az = BabyBearExt4::new(core::array::from_fn(|k| a_zeta[k].0[l]));
                    let an = BabyBearExt4::new(core::array::from_fn(|k| a_next[k].0[l]));
                    let p = p0 + l;
                    chunk[off + l] =
                        (az - spec.b_zeta) * inv_zeta[p] + (an - spec.b_next) * inv_next[p];
                }
            }
        });
    out
}

fn to_u32(v: usize, what: &'static str) -> Result<u32> {
    u32::try_from(v)
        .map_err(|_| Error::InvalidArgument(format!("{what} {v} does not fit in 32 bits")))
}

fn kernel_quotient_domain_columns<D: KernelDevice>(
    dev: &D,
    lde: &D::Buffer<BabyBear>,
    lde_height: usize,
    log_m: u32,
    width: usize,
) -> Result<D::Buffer<BabyBear>> {
    check_prefix(dev.buffer_len(lde), lde_height, log_m, width)?;
    let mut out = dev.alloc_uninit::<BabyBear>(width << log_m)?;
    let table = dev.table()?;
    let width32 = to_u32(width, "width")?;
    dev.launch(|| {
        // SAFETY: `lde` holds lde_height·width words and `out` width·2^log_m, both live
        // for the call; the launcher checks log_m against the height.
        let status = unsafe {
            (table.quotient_domain_columns)(
                dev.raw(lde).cast(),
                lde_height as u64,
                log_m,
                width32,
                dev.raw_mut(&mut out).cast(),
                dev.stream_ptr(),
            )
        };
        status.into_result("quotient_domain_columns")
    })?;
    Ok(out)
}

fn kernel_evaluate_quotient<D: KernelDevice>(
    dev: &D,
    spec: &QuotientSpec<'_>,
    main: &D::Buffer<BabyBear>,
    preprocessed: Option<&D::Buffer<BabyBear>>,
) -> Result<D::Buffer<BabyBear>> {
    spec.check(
        dev.buffer_len(main),
        preprocessed.map_or(0, |p| dev.buffer_len(p)),
    )?;
    let words = spec.program.words();
    let d_program = dev.upload(&words)?;
    let publics: Vec<u32> = spec.public_values.iter().map(|v| v.to_monty()).collect();
    let d_publics = dev.upload(&publics)?;
    let d_alpha = dev.upload(
        &spec
            .alpha_powers()
            .iter()
            .map(|v| v.to_monty())
            .collect::<Vec<_>>(),
    )?;
    let d_inv_z = dev.upload(
        &spec
            .inv_z()?
            .iter()
            .map(|v| v.to_monty())
            .collect::<Vec<_>>(),
    )?;
    let n = 1usize << spec.log_n;
    let mut out = dev.alloc_uninit::<BabyBear>((4 * n) << spec.log_chunks)?;
    let table = dev.table()?;
    let p = spec.program;
    dev.launch(|| {
        let tw = dev.ntt_twiddles()?;
        let pre_ptr = preprocessed.map_or(core::ptr::null(), |b| dev.raw(b).cast());
        // SAFETY: every pointer addresses a live buffer of the size the launcher expects
        // (checked by `spec.check` and the uploads above); the call is stream-ordered.
        let status = unsafe {
            (table.quotient_eval)(
                dev.raw(&d_program).cast(),
                p.code.len() as u32,
                p.registers,
                dev.raw(main).cast(),
                p.main_width,
                pre_ptr,
                p.preprocessed_width,
                dev.raw(&d_publics).cast(),
                dev.raw(&d_alpha).cast(),
                dev.raw(&d_inv_z).cast(),
                spec.log_n,
                spec.log_chunks,
                spec.shift.to_monty(),
                tw,
                dev.raw_mut(&mut out).cast(),
                dev.stream_ptr(),
            )
        };
        status.into_result("quotient_eval")
    })?;
    // The small uploads must outlive the kernel: wait before they are freed.
    dev.synchronize()?;
    Ok(out)
}

fn kernel_columns_dot<D: KernelDevice>(
    dev: &D,
    cols: &D::Buffer<BabyBear>,
    height: usize,
    range: core::ops::Range<usize>,
    weights: &[BabyBearExt4],
) -> Result<Vec<BabyBearExt4>> {
    let len = dev.buffer_len(cols);
    check_dot(len, height, &range, weights.len())?;
    let width = range.len();
    let d_weights = dev.upload(weights)?;
    let mut out = dev.alloc_uninit::<BabyBearExt4>(width)?;
    let table = dev.table()?;
    let width32 = to_u32(width, "columns")?;
    dev.launch(|| {
        // SAFETY: `cols` holds width·height words, `d_weights` height extension elements,
        // `out` width of them.
        let status = unsafe {
            (table.columns_dot)(
                dev.raw(cols).cast::<u32>().add(range.start * height),
                height as u64,
                width32,
                dev.raw(&d_weights).cast(),
                dev.raw_mut(&mut out).cast(),
                dev.stream_ptr(),
            )
        };
        status.into_result("columns_dot")
    })?;
    dev.download(&out)
}

fn kernel_reduced_openings<D: KernelDevice>(
    dev: &D,
    groups: &[OpeningGroup<'_, D::Buffer<BabyBear>>],
    spec: &ReducedSpec,
) -> Result<D::Buffer<BabyBearExt4>> {
    check_reduced(
        groups.iter().map(|g| (dev.buffer_len(g.matrix), g.width)),
        spec,
    )?;
    let d_powers = dev.upload(&spec.powers)?;
    let mut out = dev.alloc_uninit::<BabyBearExt4>(1 << spec.log_big)?;
    let table = dev.table()?;
    let matrices: Vec<*const u32> = groups
        .iter()
        .map(|g| dev.raw(g.matrix).cast::<u32>())
        .collect();
    let widths: Vec<u32> = groups.iter().map(|g| g.width as u32).collect();
    let at_next: Vec<u32> = groups.iter().map(|g| g.at_next as u32).collect();
    let words = |x: BabyBearExt4| x.0.map(BabyBear::to_monty);
    let zeta4: Vec<u32> = [words(spec.zeta), words(spec.zeta_next)].concat();
    let b4: Vec<u32> = [words(spec.b_zeta), words(spec.b_next)].concat();
    dev.launch(|| {
        let tw = dev.ntt_twiddles()?;
        // SAFETY: host arrays of `groups.len()` entries; device matrices of width·N words
        // (checked), powers of one extension element per column; the launcher copies the
        // host arrays into the kernel's parameters before returning.
        let status = unsafe {
            (table.reduced_openings)(
                matrices.as_ptr(),
                widths.as_ptr(),
                at_next.as_ptr(),
                groups.len() as u32,
                dev.raw(&d_powers).cast(),
                spec.log_big,
                spec.shift.to_monty(),
                zeta4.as_ptr(),
                b4.as_ptr(),
                tw,
                dev.raw_mut(&mut out).cast(),
                dev.stream_ptr(),
            )
        };
        status.into_result("reduced_openings")
    })?;
    dev.synchronize()?;
    Ok(out)
}

fn kernel_fri_fold<D: KernelDevice>(
    dev: &D,
    layer: &D::Buffer<BabyBearExt4>,
    log_size: u32,
    log_arity: u32,
    shift: BabyBear,
    beta: BabyBearExt4,
) -> Result<D::Buffer<BabyBearExt4>> {
    check_fold(dev.buffer_len(layer), log_size, log_arity)?;
    let mut out = dev.alloc_uninit::<BabyBearExt4>(1 << (log_size - log_arity))?;
    let table = dev.table()?;
    let beta4 = beta.0.map(BabyBear::to_monty);
    dev.launch(|| {
        let tw = dev.ntt_twiddles()?;
        // SAFETY: `layer` holds 2^log_size extension elements and `out` 2^(log_size − a).
        let status = unsafe {
            (table.fri_fold)(
                dev.raw(layer).cast(),
                log_size,
                log_arity,
                shift.inverse().to_monty(),
                beta4.as_ptr(),
                tw,
                dev.raw_mut(&mut out).cast(),
                dev.stream_ptr(),
            )
        };
        status.into_result("fri_fold")
    })?;
    Ok(out)
}

fn kernel_fri_layer_matrix<D: KernelDevice>(
    dev: &D,
    layer: &D::Buffer<BabyBearExt4>,
    log_size: u32,
    log_arity: u32,
) -> Result<D::Buffer<BabyBear>> {
    check_fold(dev.buffer_len(layer), log_size, log_arity)?;
    let mut out = dev.alloc_uninit::<BabyBear>(4 << log_size)?;
    let table = dev.table()?;
    dev.launch(|| {
        // SAFETY: `layer` holds 2^log_size extension elements, `out` 4·2^log_size words.
        let status = unsafe {
            (table.fri_layer_matrix)(
                dev.raw(layer).cast(),
                log_size,
                log_arity,
                dev.raw_mut(&mut out).cast(),
                dev.stream_ptr(),
            )
        };
        status.into_result("fri_layer_matrix")
    })?;
    Ok(out)
}

macro_rules! kernel_stark_ops {
    ($backend:ty) => {
        impl StarkOps for $backend {
            fn quotient_domain_columns(
                &self,
                lde: &Self::Buffer<BabyBear>,
                lde_height: usize,
                log_m: u32,
                width: usize,
            ) -> Result<Self::Buffer<BabyBear>> {
                kernel_quotient_domain_columns(self, lde, lde_height, log_m, width)
            }

            fn evaluate_quotient(
                &self,
                spec: &QuotientSpec<'_>,
                main: &Self::Buffer<BabyBear>,
                preprocessed: Option<&Self::Buffer<BabyBear>>,
            ) -> Result<Self::Buffer<BabyBear>> {
                kernel_evaluate_quotient(self, spec, main, preprocessed)
            }

            fn columns_dot_range(
                &self,
                cols: &Self::Buffer<BabyBear>,
                height: usize,
                range: core::ops::Range<usize>,
                weights: &[BabyBearExt4],
            ) -> Result<Vec<BabyBearExt4>> {
                kernel_columns_dot(self, cols, height, range, weights)
            }

            fn reduced_openings(
                &self,
                groups: &[OpeningGroup<'_, Self::Buffer<BabyBear>>],
                spec: &ReducedSpec,
            ) -> Result<Self::Buffer<BabyBearExt4>> {
                kernel_reduced_openings(self, groups, spec)
            }

            fn fri_fold(
                &self,
                layer: &Self::Buffer<BabyBearExt4>,
                log_size: u32,
                log_arity: u32,
                shift: BabyBear,
                beta: BabyBearExt4,
            ) -> Result<Self::Buffer<BabyBearExt4>> {
                kernel_fri_fold(self, layer, log_size, log_arity, shift, beta)
            }

            fn fri_layer_matrix(
                &self,
                layer: &Self::Buffer<BabyBearExt4>,
                log_size: u32,
                log_arity: u32,
            ) -> Result<Self::Buffer<BabyBear>> {
                kernel_fri_layer_matrix(self, layer, log_size, log_arity)
            }
        }
    };
}

kernel_stark_ops!(CudaBackend);
kernel_stark_ops!(EmuBackend);
