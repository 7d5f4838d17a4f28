//! The CPU NTT: radix-2, cache-blocked (stages whose butterflies stay inside a block of
//! 2^BLOCK_LOG elements run block by block), rayon across columns, or across butterflies
//! within a column when there are fewer columns than threads.
//!
//! Stage j pairs i and i + 2^j with twiddle ω_{2^(j+1)}^t, t = i mod 2^j. DIF runs the
//! stages downwards (natural → bit-reversed), DIT upwards (bit-reversed → natural).

use std::sync::{Arc, OnceLock};

use kiln_field::{BabyBear, Field, TwoAdicField};
use rayon::prelude::*;

use super::Order;
use super::reference::bit_reverse_index;

/// Stages whose 2^(j+1)-element groups fit in 2^BLOCK_LOG elements (16 KiB) run
/// depth-first per block, in L1.
const BLOCK_LOG: u32 = 12;
/// Twiddles of stages up to this have full tables; above, they are made per chunk from
/// two small tables (saves memory: a full table of stage 26 is 256 MiB).
const TABLE_MAX_STAGE: u32 = 20;
const CHUNK_LOG: u32 = 12;
const CHUNK: usize = 1 << CHUNK_LOG;

enum StageTwiddles {
    /// `t[k] = ω^k` for every k < 2^j.
    Table(Arc<[BabyBear]>),
    /// `ω^k = lo[k mod CHUNK] · hi[k / CHUNK]`.
    Split {
        lo: Arc<[BabyBear]>,
        hi: Arc<[BabyBear]>,
    },
}

type Cache = [[OnceLock<Arc<[BabyBear]>>; 28]; 2];
static TABLES: Cache = [const { [const { OnceLock::new() }; 28] }; 2];
static SPLIT_HI: Cache = [const { [const { OnceLock::new() }; 28] }; 2];

/// ω_{2^(j+1)} or its inverse.
fn stage_root(j: u32, inverse: bool) -> BabyBear {
    let w = BabyBear::two_adic_generator(j as usize + 1);
    if inverse { w.inverse() } else { w }
}

fn stage_twiddles(j: u32, inverse: bool) -> StageTwiddles {
    let dir = inverse as usize;
    if j <= TABLE_MAX_STAGE {
        let t =
            TABLES[dir][j as usize].get_or_init(|| stage_root(j, inverse).powers(1 << j).into());
        StageTwiddles::Table(t.clone())
    } else {
        let w = stage_root(j, inverse);
        let lo = TABLES[dir][j as usize]
            .get_or_init(|| w.powers(CHUNK).into())
            .clone();
        let hi = SPLIT_HI[dir][j as usize]
            .get_or_init(|| w.exp_u64(CHUNK as u64).powers(1 << (j - CHUNK_LOG)).into())
            .clone();
        StageTwiddles::Split { lo, hi }
    }
}

#[inline]
fn butterflies<const DIT: bool>(a: &mut [BabyBear], b: &mut [BabyBear], tw: &[BabyBear]) {
    let n = a.len();
    let (b, tw) = (&mut b[..n], &tw[..n]);
    for k in 0..n {
        let (x, y) = (a[k], b[k]);
        if DIT {
            let t = y * tw[k];
            a[k] = x + t;
            b[k] = x - t;
        } else {
            a[k] = x + y;
            b[k] = (x - y) * tw[k];
        }
    }
}

/// Butterflies of one chunk of a stage: `a` and `b` are the halves' slices starting at
/// twiddle index `t0` (a multiple of CHUNK when the halves are longer than CHUNK).
#[inline]
fn chunk<const DIT: bool>(tw: &StageTwiddles, a: &mut [BabyBear], b: &mut [BabyBear], t0: usize) {
    match tw {
        StageTwiddles::Table(t) => butterflies::<DIT>(a, b, &t[t0..t0 + a.len()]),
        StageTwiddles::Split { lo, hi } => {
            let h = hi[t0 >> CHUNK_LOG];
            let mut buf = [BabyBear::ZERO; CHUNK];
            for (d, &l) in buf.iter_mut().zip(lo.iter()).take(a.len()) {
                *d = l * h;
            }
            butterflies::<DIT>(a, b, &buf[..a.len()]);
        }
    }
}

/// One stage over a whole column (or block).
fn stage<const DIT: bool>(x: &mut [BabyBear], j: u32, inverse: bool, parallel: bool) {
    let half = 1usize << j;
    let tw = stage_twiddles(j, inverse);
    let group = |g: &mut [BabyBear]| {
        let (a, b) = g.split_at_mut(half);
        if half <= CHUNK {
            chunk::<DIT>(&tw, a, b, 0);
        } else if parallel {
            a.par_chunks_mut(CHUNK)
                .zip(b.par_chunks_mut(CHUNK))
                .enumerate()
                .for_each(|(c, (a, b))| chunk::<DIT>(&tw, a, b, c * CHUNK));
        } else {
            for (c, (a, b)) in a.chunks_mut(CHUNK).zip(b.chunks_mut(CHUNK)).enumerate() {
                chunk::<DIT>(&tw, a, b, c * CHUNK);
            }
        }
    };
    if parallel && x.len() / (2 * half) > 1 {
        x.par_chunks_exact_mut(2 * half).for_each(group);
    } else {
        x.chunks_exact_mut(2 * half).for_each(group);
    }
}

/// DIF over all stages: natural order in, bit-reversed out.
pub(crate) fn dif(x: &mut [BabyBear], log_n: u32, inverse: bool, parallel: bool) {
    let mut j = log_n;
    while j > 0 {
        if j <= BLOCK_LOG {
            // Every remaining stage stays inside a block of 2^j elements.
            let run = |blk: &mut [BabyBear]| {
                for jj in (0..j).rev() {
                    stage::<false>(blk, jj, inverse, false);
                }
            };
            if parallel {
                x.par_chunks_exact_mut(1 << j).for_each(run);
            } else {
                x.chunks_exact_mut(1 << j).for_each(run);
            }
            return;
        }
        j -= 1;
        stage::<false>(x, j, inverse, parallel);
    }
}

/// DIT over stages `from..log_n`: bit-reversed order in, natural out.
pub(crate) fn dit(x: &mut [BabyBear], log_n: u32, from: u32, inverse: bool, parallel: bool) {
    let block = log_n.min(BLOCK_LOG);
    if from < block {
        let run = |blk: &mut [BabyBear]| {
            for j in from..block {
                stage::<true>(blk, j, inverse, false);
            }
        };
        if parallel {
            x.par_chunks_exact_mut(1 << block).for_each(run);
        } else {
            x.chunks_exact_mut(1 << block).for_each(run);
        }
    }
    for j in from.max(block)..log_n {
        stage::<true>(x, j, inverse, parallel);
    }
}

pub(crate) fn bit_reverse(x: &mut [BabyBear], log_n: u32) {
    if log_n < 2 {
        return;
    }
    for i in 0..x.len() {
        let r = bit_reverse_index(i, log_n);
        if i < r {
            x.swap(i, r);
        }
    }
}

fn scale(x: &mut [BabyBear], s: BabyBear, parallel: bool) {
    if parallel {
        x.par_chunks_mut(CHUNK)
            .for_each(|c| c.iter_mut().for_each(|v| *v *= s));
    } else {
        x.iter_mut().for_each(|v| *v *= s);
    }
}

fn inv_n(log_n: u32) -> BabyBear {
    BabyBear::new(1 << log_n).inverse()
}

/// One column, forward or inverse, any orders.
fn ntt_column(
    x: &mut [BabyBear],
    log_n: u32,
    inverse: bool,
    input: Order,
    output: Order,
    parallel: bool,
) {
    match (input, output) {
        (Order::Natural, Order::BitReversed) => dif(x, log_n, inverse, parallel),
        (Order::BitReversed, Order::Natural) => dit(x, log_n, 0, inverse, parallel),
        (Order::Natural, Order::Natural) => {
            dif(x, log_n, inverse, parallel);
            bit_reverse(x, log_n);
        }
        (Order::BitReversed, Order::BitReversed) => {
            dit(x, log_n, 0, inverse, parallel);
            bit_reverse(x, log_n);
        }
    }
    if inverse && log_n > 0 {
        scale(x, inv_n(log_n), parallel);
    }
}

fn columns_in_parallel(batch: usize) -> bool {
    batch >= rayon::current_num_threads()
}

pub(crate) fn ntt_batch(
    data: &mut [BabyBear],
    log_n: u32,
    inverse: bool,
    input: Order,
    output: Order,
) {
    let n = 1usize << log_n;
    if data.is_empty() {
        return;
    }
    if columns_in_parallel(data.len() / n) {
        data.par_chunks_exact_mut(n)
            .for_each(|c| ntt_column(c, log_n, inverse, input, output, false));
    } else {
        data.chunks_exact_mut(n)
            .for_each(|c| ntt_column(c, log_n, inverse, input, output, true));
    }
}

pub(crate) fn bit_reverse_batch(data: &mut [BabyBear], log_n: u32) {
    let n = 1usize << log_n;
    data.par_chunks_exact_mut(n)
        .for_each(|c| bit_reverse(c, log_n));
}

/// Natural-order coefficients of a column of natural-order evaluations, without the 1/n.
fn unscaled_coeffs(evals: &[BabyBear], log_n: u32, parallel: bool) -> Vec<BabyBear> {
    let mut c = evals.to_vec();
    dif(&mut c, log_n, true, parallel);
    bit_reverse(&mut c, log_n);
    c
}

/// `[s·x^i for i < n]`, computed as 8 interleaved chains so the multiplications pipeline
/// (a single chain is bound by multiplication latency).
fn scaled_powers(x: BabyBear, s: BabyBear, n: usize) -> Vec<BabyBear> {
    const LANES: usize = 8;
    let mut out = vec![BabyBear::ZERO; n];
    let head = n.min(LANES);
    let mut p = s;
    for v in out.iter_mut().take(head) {
        *v = p;
        p *= x;
    }
    let step = x.exp_u64(LANES as u64);
    for i in LANES..n {
        out[i] = out[i - LANES] * step;
    }
    out
}

/// The coset factors of an LDE, shared by all columns: for bit-reversed output, block r
/// of the table holds (shift·ω_N^{rev_b(r)})^i / n; for natural output, one block of
/// shift^i / n.
fn lde_factors(log_n: u32, log_blowup: u32, shift: BabyBear, output: Order) -> Vec<BabyBear> {
    let n = 1usize << log_n;
    let inv = inv_n(log_n);
    match output {
        Order::Natural => scaled_powers(shift, inv, n),
        Order::BitReversed => {
            let w_big = BabyBear::two_adic_generator((log_n + log_blowup) as usize);
            let mut t = vec![BabyBear::ZERO; n << log_blowup];
            t.par_chunks_exact_mut(n).enumerate().for_each(|(r, blk)| {
                let g = shift * w_big.exp_u64(bit_reverse_index(r, log_blowup) as u64);
                blk.copy_from_slice(&scaled_powers(g, inv, n));
            });
            t
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn lde_column(
    evals: &[BabyBear],
    out: &mut [BabyBear],
    factors: &[BabyBear],
    log_n: u32,
    log_blowup: u32,
    output: Order,
    parallel: bool,
) {
    let n = 1usize << log_n;
    let coeffs = unscaled_coeffs(evals, log_n, parallel);
    match output {
        Order::BitReversed => {
            // Block r of the bit-reversed output is the bit-reversed size-n NTT of
            // c_i·(shift·ω_N^{rev_b(r)})^i.
            let block = |(blk, f): (&mut [BabyBear], &[BabyBear])| {
                for ((d, &c), &f) in blk.iter_mut().zip(&coeffs).zip(f) {
                    *d = c * f;
                }
                dif(blk, log_n, false, false);
            };
            if parallel {
                out.par_chunks_exact_mut(n)
                    .zip(factors.par_chunks_exact(n))
                    .for_each(block);
            } else {
                out.chunks_exact_mut(n)
                    .zip(factors.chunks_exact(n))
                    .for_each(block);
            }
        }
        Order::Natural => {
            // Coefficient i goes to position rev_N(i) = rev_n(i)·2^b of a bit-reversed,
            // zero-padded input; the first b DIT stages pair it with zeros, which
            // broadcasts it over the next 2^b positions. Start from there.
            for (i, (&c, &f)) in coeffs.iter().zip(factors).enumerate() {
                let p = bit_reverse_index(i, log_n) << log_blowup;
                out[p..p + (1 << log_blowup)].fill(c * f);
            }
            dit(out, log_n + log_blowup, log_blowup, false, parallel);
        }
    }
}

pub(crate) fn coset_lde_batch(
    evals: &[BabyBear],
    log_n: u32,
    log_blowup: u32,
    shift: BabyBear,
    output: Order,
) -> Vec<BabyBear> {
    let n = 1usize << log_n;
    let big = n << log_blowup;
    let batch = evals.len() / n;
    let mut out = vec![BabyBear::ZERO; batch * big];
    if batch == 0 {
        return out;
    }
    let factors = lde_factors(log_n, log_blowup, shift, output);
    if columns_in_parallel(batch) {
        out.par_chunks_exact_mut(big)
            .zip(evals.par_chunks_exact(n))
            .for_each(|(o, e)| lde_column(e, o, &factors, log_n, log_blowup, output, false));
    } else {
        for (o, e) in out.chunks_exact_mut(big).zip(evals.chunks_exact(n)) {
            lde_column(e, o, &factors, log_n, log_blowup, output, true);
        }
    }
    out
}
