//! [`StarkOps`] on the CPU: the reference the kernels must equal word for word.

use kiln_field::{
    BabyBear, BabyBearExt4, Field, PackedField, Simd, SimdOp, TwoAdicField, batch_inverse,
    prefetch, reverse_bits_len,
};
use rayon::prelude::*;

use super::{
    FriFolder, OpeningGroup, QuotientSpec, ReducedSpec, StarkOps, check_dot, check_fold,
    check_prefix, check_reduced, check_scaled,
};
use crate::{CpuBackend, Result};

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
                // The Lagrange selectors of the first and last rows, and x − ω^{-1}.
                let n_f = BabyBear::new(n as u32);
                let sel = [
                    z * (n_f * (x - BabyBear::ONE)).inverse(),
                    z * w_n_inv * (n_f * (x - w_n_inv)).inverse(),
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
        let level = self.simd_level();
        for pair in split.chunks(2) {
            let sums: Vec<[BabyBearExt4; 2]> = cols[range.start * height..range.end * height]
                .par_chunks(height)
                .map(|col| level.run(DotTwo { col, ws: pair }))
                .collect();
            for k in 0..pair.len() {
                out.push(sums.iter().map(|s| s[k]).collect());
            }
        }
        Ok(out)
    }

    fn max_opening_groups(&self) -> usize {
        usize::MAX
    }

    fn reduced_openings(
        &self,
        groups: &[OpeningGroup<'_, Vec<BabyBear>>],
        spec: &ReducedSpec,
    ) -> Result<Vec<BabyBearExt4>> {
        check_reduced(
            groups.iter().map(|g| (g.matrix.len(), g.width)),
            spec,
            self.max_opening_groups(),
        )?;
        Ok(self.simd_level().run(ReducedOpenings { groups, spec }))
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
                    shift_inv * natural_inv[reverse_bits_len(q, log_next as usize)],
                    beta,
                )
            })
            .collect())
    }

    fn ext_add_scaled(
        &self,
        acc: &mut Vec<BabyBearExt4>,
        coeff: BabyBearExt4,
        x: &Vec<BabyBearExt4>,
    ) -> Result<()> {
        check_scaled(acc.len(), x.len())?;
        acc.par_iter_mut()
            .zip(x)
            .with_min_len(1 << 12)
            .for_each(|(a, b)| *a += coeff * *b);
        Ok(())
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

/// `a · c` for W extension elements `a` (four packed base coefficients) and a constant
/// `c`, in F[X]/(X^4 − 11).
#[inline(always)]
fn mul_packed_ext<P: PackedField>(simd: Simd<P>, a: &[P; 4], c: BabyBearExt4) -> [P; 4] {
    let mut r = [simd.zero(); 4];
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
struct DotTwo<'a> {
    col: &'a [BabyBear],
    ws: &'a [[Vec<BabyBear>; 4]],
}

impl SimdOp for DotTwo<'_> {
    type Output = [BabyBearExt4; 2];

    #[inline(always)]
    fn run<P: PackedField>(self, simd: Simd<P>) -> [BabyBearExt4; 2] {
        let DotTwo { col, ws } = self;
        let w = P::WIDTH;
        let height = col.len();
        let body = height - height % w;
        let mut packed = [[simd.zero(); 4]; 2];
        for t in (0..body).step_by(w) {
            let v = simd.load(&col[t..]);
            for (accs, wt) in packed.iter_mut().zip(ws) {
                for (acc, wk) in accs.iter_mut().zip(wt) {
                    *acc += v * simd.load(&wk[t..]);
                }
            }
        }
        let mut sums =
            packed.map(|accs| accs.map(|p| p.as_slice().iter().copied().sum::<BabyBear>()));
        for (acc, wt) in sums.iter_mut().zip(ws) {
            for t in body..height {
                for (a, wk) in acc.iter_mut().zip(wt) {
                    *a += col[t] * wk[t];
                }
            }
        }
        sums.map(BabyBearExt4::new)
    }
}

/// The CPU batched openings: per W points, four packed products per column.
struct ReducedOpenings<'a, 'g> {
    groups: &'a [OpeningGroup<'g, Vec<BabyBear>>],
    spec: &'a ReducedSpec,
}

impl SimdOp for ReducedOpenings<'_, '_> {
    type Output = Vec<BabyBearExt4>;

    #[inline(always)]
    fn run<P: PackedField>(self, simd: Simd<P>) -> Vec<BabyBearExt4> {
        let ReducedOpenings { groups, spec } = self;
        let w = P::WIDTH;
        let log_big = spec.log_big as usize;
        let big = 1usize << log_big;
        let root = BabyBear::two_adic_generator(log_big);
        let mut pts = Vec::with_capacity(big);
        let mut x = spec.shift;
        for _ in 0..big {
            pts.push(x);
            x *= root;
        }
        let xs: Vec<BabyBear> = (0..big)
            .map(|p| pts[reverse_bits_len(p, log_big)])
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
        // A group over the same matrix as an earlier one, with powers c·(the earlier
        // powers) (the trace at ζ and at ζω), reuses the earlier row sums times c.
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
        // Inlined into the level's code (a closure is otherwise compiled alone,
        // without the level's CPU features).
        let task = core::convert::identity(
            #[inline(always)]
            |(task, chunk): (usize, &mut [BabyBearExt4])| {
                let base = task * TASK;
                let mut sums = vec![[simd.zero(); 4]; groups.len()];
                for off in (0..chunk.len()).step_by(w) {
                    let p0 = base + off;
                    let lanes = w.min(big - p0);
                    let (mut a_zeta, mut a_next) = ([simd.zero(); 4], [simd.zero(); 4]);
                    for (g_index, (g, &offset)) in groups.iter().zip(&offsets).enumerate() {
                        let sum = match reuse[g_index] {
                            Some((e, c)) => mul_packed_ext(simd, &sums[e], c),
                            None => {
                                let mut sum = [simd.zero(); 4];
                                for (c, pw) in
                                    spec.powers[offset..offset + g.width].iter().enumerate()
                                {
                                    // A column not opened at this point (zero power).
                                    if pw.is_zero() {
                                        continue;
                                    }
                                    let col = &g.matrix[c * big..(c + 1) * big];
                                    // One line per column per block: too many streams for the
                                    // hardware prefetcher (see the CPU quotient).
                                    prefetch(col, p0 + w);
                                    prefetch(col, p0 + 2 * w - 1);
                                    let v = if lanes == w {
                                        simd.load(&col[p0..])
                                    } else {
                                        simd.from_fn(|l| col[p0 + l.min(lanes - 1)])
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
                        let az =
                            BabyBearExt4::new(core::array::from_fn(|k| a_zeta[k].as_slice()[l]));
                        let an =
                            BabyBearExt4::new(core::array::from_fn(|k| a_next[k].as_slice()[l]));
                        let p = p0 + l;
                        chunk[off + l] =
                            (az - spec.b_zeta) * inv_zeta[p] + (an - spec.b_next) * inv_next[p];
                    }
                }
            },
        );
        out.par_chunks_mut(TASK).enumerate().for_each(|t| {
            simd.enter(
                #[inline(always)]
                || task(t),
            )
        });
        out
    }
}
