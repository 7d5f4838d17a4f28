//! The batched operations, written once over [`Packed`] and compiled once per SIMD level:
//! many permutations, leaf hashing of column-major rows, and compression.
//!
//! States are held transposed, one vector per state element with one lane per state.
//! Row-major inputs (states, digest pairs) are transposed in and out in `LANES × LANES`
//! blocks; column-major matrix rows need no transposition at all: element i of the rows
//! `r..r + LANES` is one contiguous load from column i.
//!
//! No closures here or in the code they inline: a closure body is its own function,
//! compiled without the caller's target features, and the intrinsics inside would become
//! calls.
//!
//! Each SIMD level gets a module of entry points (`scalar`, `avx2`, `avx512`); the vector
//! ones carry `#[target_feature]` with the level's
//! [`kiln_field::SimdLevel::target_features`], so the generic code inlined into them uses
//! those instructions. [`dispatch`] picks the module for a [`kiln_field::SimdLevel`].

use kiln_field::{BabyBear, prefetch};

use crate::packed::{MAX_LANES, Packed};
use crate::params::{BLOCK, DIGEST_ELEMS, Digest, RATE};
use crate::rounds::{permute16, permute16_x2, permute24, permute24_x2};

/// A permutation width, named by a type so that drivers call it statically.
trait Width<V: Packed, const W: usize> {
    fn permute(state: &mut [V; W]);
    fn permute_x2(a: &mut [V; W], b: &mut [V; W]);
}

struct Width16;

impl<V: Packed> Width<V, 16> for Width16 {
    #[inline(always)]
    fn permute(state: &mut [V; 16]) {
        permute16(state);
    }

    #[inline(always)]
    fn permute_x2(a: &mut [V; 16], b: &mut [V; 16]) {
        permute16_x2(a, b);
    }
}

/// `values[i]` ← the vector whose lane l is `rows[l][i]`, for `rows.len() ≤ LANES` rows
/// (missing lanes are zero) of at least `values.len()` elements.
#[inline(always)]
fn gather_rows<V: Packed>(rows: &[&[BabyBear]], values: &mut [V]) {
    let n = values.len();
    let mut start = 0;
    while start < n {
        let end = n.min(start + V::LANES);
        let mut block = [V::splat(0); MAX_LANES];
        for (b, row) in block.iter_mut().zip(rows) {
            *b = V::load_partial(&row[start..end]);
        }
        V::transpose(&mut block[..V::LANES]);
        values[start..end].copy_from_slice(&block[..end - start]);
        start = end;
    }
}

/// `rows[l][i]` ← lane l of `values[i]`: the inverse of [`gather_rows`].
#[inline(always)]
fn scatter_rows<V: Packed>(values: &[V], rows: &mut [&mut [BabyBear]]) {
    let n = values.len();
    let mut start = 0;
    while start < n {
        let end = n.min(start + V::LANES);
        let mut block = [V::splat(0); MAX_LANES];
        block[..end - start].copy_from_slice(&values[start..end]);
        V::transpose(&mut block[..V::LANES]);
        for (b, row) in block.iter().zip(rows.iter_mut()) {
            b.store_partial(&mut row[start..end]);
        }
        start = end;
    }
}

/// [`gather_rows`] for exactly `V::LANES` rows of `W ≥ N` elements, elements `0..N`, with
/// every bound known at compile time, so the blocks stay in registers.
#[inline(always)]
fn gather_full<V: Packed, const W: usize, const N: usize>(
    rows: &[[BabyBear; W]],
    values: &mut [V],
) {
    debug_assert!(rows.len() == V::LANES && values.len() == N && N <= W);
    let mut start = 0;
    while start < N {
        let n = (N - start).min(V::LANES);
        let mut block = [V::splat(0); MAX_LANES];
        for (b, row) in block.iter_mut().zip(&rows[..V::LANES]) {
            *b = if n == V::LANES {
                V::load(&row[start..])
            } else {
                V::load_partial(&row[start..start + n])
            };
        }
        if 2 * n == V::LANES {
            V::transpose_rows_in(&mut block[..V::LANES]);
        } else {
            V::transpose(&mut block[..V::LANES]);
        }
        values[start..start + n].copy_from_slice(&block[..n]);
        start += V::LANES;
    }
}

/// [`scatter_rows`] for exactly `V::LANES` rows, elements `0..N`; see [`gather_full`].
#[inline(always)]
fn scatter_full<V: Packed, const W: usize, const N: usize>(
    values: &[V],
    rows: &mut [[BabyBear; W]],
) {
    debug_assert!(rows.len() == V::LANES && values.len() == N && N <= W);
    let mut start = 0;
    while start < N {
        let n = (N - start).min(V::LANES);
        let mut block = [V::splat(0); MAX_LANES];
        block[..n].copy_from_slice(&values[start..start + n]);
        if 2 * n == V::LANES {
            V::transpose_rows_out(&mut block[..V::LANES]);
        } else {
            V::transpose(&mut block[..V::LANES]);
        }
        for (b, row) in block.iter().zip(&mut rows[..V::LANES]) {
            b.store_partial(&mut row[start..start + n]);
        }
        start += V::LANES;
    }
}

/// Writes the first 8 elements of each lane's state to `digests` (one per lane).
#[inline(always)]
fn scatter_digests<V: Packed>(state: &[V; 16], digests: &mut [Digest]) {
    if digests.len() == V::LANES {
        scatter_full::<V, DIGEST_ELEMS, DIGEST_ELEMS>(&state[..DIGEST_ELEMS], digests);
        return;
    }
    let n = digests.len();
    let mut rows: [&mut [BabyBear]; MAX_LANES] = Default::default();
    for (row, digest) in rows.iter_mut().zip(digests.iter_mut()) {
        *row = digest;
    }
    scatter_rows(&state[..DIGEST_ELEMS], &mut rows[..n]);
}

/// Transposes up to `V::LANES` states into `v`.
#[inline(always)]
fn gather_states<V: Packed, const W: usize>(group: &[[BabyBear; W]], v: &mut [V; W]) {
    if group.len() == V::LANES {
        gather_full::<V, W, W>(group, v);
        return;
    }
    let mut rows: [&[BabyBear]; MAX_LANES] = [&[]; MAX_LANES];
    for (row, state) in rows.iter_mut().zip(group) {
        *row = state;
    }
    gather_rows(&rows[..group.len()], v);
}

/// Transposes `v` back into up to `V::LANES` states.
#[inline(always)]
fn scatter_states<V: Packed, const W: usize>(v: &[V; W], group: &mut [[BabyBear; W]]) {
    if group.len() == V::LANES {
        scatter_full::<V, W, W>(v, group);
        return;
    }
    let n = group.len();
    let mut rows: [&mut [BabyBear]; MAX_LANES] = Default::default();
    for (row, state) in rows.iter_mut().zip(group.iter_mut()) {
        *row = state;
    }
    scatter_rows(v, &mut rows[..n]);
}

/// Permutes `states`, `V::LANES` at a time (two groups at a time if `V::INTERLEAVE`).
#[inline(always)]
fn permute_many<V: Packed, const W: usize, P: Width<V, W>>(states: &mut [[BabyBear; W]]) {
    for pair in states.chunks_mut(group_size::<V>()) {
        let (first, second) = pair.split_at_mut(pair.len().min(V::LANES));
        let mut a = [V::splat(0); W];
        gather_states(first, &mut a);
        if second.is_empty() {
            P::permute(&mut a);
        } else {
            let mut b = [V::splat(0); W];
            gather_states(second, &mut b);
            P::permute_x2(&mut a, &mut b);
            scatter_states(&b, second);
        }
        scatter_states(&a, first);
    }
}

/// States permuted per step: `V::LANES`, or twice that where `V::INTERLEAVE`.
const fn group_size<V: Packed>() -> usize {
    if V::INTERLEAVE {
        2 * V::LANES
    } else {
        V::LANES
    }
}

/// Permutes the states held in blocks of [`BLOCK`]: lane l of `blocks[b][j]` is element j
/// of state `BLOCK · b + l`. Each state element of `V::LANES` states is one contiguous load
/// from memory the group owns alone, so no transposition is needed.
#[inline(always)]
fn permute_blocks<V: Packed, const W: usize, P: Width<V, W>>(
    blocks: &mut [[[BabyBear; BLOCK]; W]],
) {
    const { assert!(BLOCK.is_multiple_of(group_size::<V>())) };
    for block in blocks {
        let mut start = 0;
        while start < BLOCK {
            let mut a = [V::splat(0); W];
            for (x, row) in a.iter_mut().zip(block.iter()) {
                *x = V::load(&row[start..]);
            }
            if V::INTERLEAVE {
                let second = start + V::LANES;
                let mut b = [V::splat(0); W];
                for (x, row) in b.iter_mut().zip(block.iter()) {
                    *x = V::load(&row[second..]);
                }
                P::permute_x2(&mut a, &mut b);
                for (x, row) in b.iter().zip(block.iter_mut()) {
                    x.store_partial(&mut row[second..second + V::LANES]);
                }
            } else {
                P::permute(&mut a);
            }
            for (x, row) in a.iter().zip(block.iter_mut()) {
                x.store_partial(&mut row[start..start + V::LANES]);
            }
            start += group_size::<V>();
        }
    }
}

/// Digests of rows `first_row..first_row + out.len()` of the matrix whose columns are
/// `columns` (all of one height): the padding-free sponge over each row, `V::LANES` rows
/// at once. Lane l of the state absorbs row `r + l`, so each absorbed element is one
/// contiguous load from a column.
#[inline(always)]
fn hash_rows<V: Packed>(columns: &[&[BabyBear]], first_row: usize, out: &mut [Digest]) {
    for (b, group) in out.chunks_mut(V::LANES).enumerate() {
        let row = first_row + b * V::LANES;
        let n = group.len();
        let mut state = [V::splat(0); 16];
        // Overwrite mode: a short last chunk leaves the rest of the rate as it was.
        for chunk in columns.chunks(RATE) {
            // The group after next: with many columns each row group touches one cache
            // line per column, too many streams for the hardware prefetcher; this made
            // single-threaded commits of 2^16 and 2^18 rows × 256 columns ~15% faster
            // (AVX-512, 2-core EPYC VM).
            for column in chunk {
                prefetch(column, row + 2 * V::LANES);
            }
            for (x, column) in state.iter_mut().zip(chunk) {
                *x = if n == V::LANES {
                    V::load(&column[row..])
                } else {
                    V::load_partial(&column[row..row + n])
                };
            }
            permute16(&mut state);
        }
        scatter_digests(&state, group);
    }
}

/// `out[j] = C(inputs[j][0], inputs[j][1])`.
#[inline(always)]
fn compress_many<V: Packed>(inputs: &[[Digest; 2]], out: &mut [Digest]) {
    assert_eq!(inputs.len(), out.len());
    for (ins, outs) in inputs.chunks(V::LANES).zip(out.chunks_mut(V::LANES)) {
        let mut state = [V::splat(0); 16];
        if ins.len() == V::LANES {
            let (pairs, _) = ins.as_flattened().as_flattened().as_chunks::<16>();
            gather_full::<V, 16, 16>(pairs, &mut state);
        } else {
            let mut rows: [&[BabyBear]; MAX_LANES] = [&[]; MAX_LANES];
            for (row, pair) in rows.iter_mut().zip(ins) {
                *row = pair.as_flattened();
            }
            gather_rows(&rows[..ins.len()], &mut state);
        }
        permute16(&mut state);
        scatter_digests(&state, outs);
    }
}

/// `nodes[j] = C(nodes[j], right[j])`.
#[inline(always)]
fn compress_in_place<V: Packed>(nodes: &mut [Digest], right: &[Digest]) {
    assert_eq!(nodes.len(), right.len());
    for (ns, rs) in nodes.chunks_mut(V::LANES).zip(right.chunks(V::LANES)) {
        let mut state = [V::splat(0); 16];
        let (left_half, right_half) = state.split_at_mut(DIGEST_ELEMS);
        if ns.len() == V::LANES {
            gather_full::<V, DIGEST_ELEMS, DIGEST_ELEMS>(ns, left_half);
            gather_full::<V, DIGEST_ELEMS, DIGEST_ELEMS>(rs, right_half);
            permute16(&mut state);
            scatter_digests(&state, ns);
            continue;
        }
        let mut rows: [&[BabyBear]; MAX_LANES] = [&[]; MAX_LANES];
        for (row, digest) in rows.iter_mut().zip(ns.iter()) {
            *row = digest;
        }
        gather_rows(&rows[..ns.len()], left_half);
        for (row, digest) in rows.iter_mut().zip(rs) {
            *row = digest;
        }
        gather_rows(&rows[..rs.len()], right_half);
        permute16(&mut state);
        scatter_digests(&state, ns);
    }
}

/// One module of entry points per SIMD level, each a monomorphic copy of the drivers above.
macro_rules! level_entry_points {
    ($(#[$attr:meta])* $name:ident, $v:ty) => {
        pub(crate) mod $name {
            use super::*;

            $(#[$attr])*
            pub(crate) fn permute_many16(states: &mut [[BabyBear; 16]]) {
                permute_many::<$v, 16, Width16>(states);
            }

            /// One permutation on the scalar path, compiled with the level's features
            /// (LLVM vectorises the linear layers with them).
            $(#[$attr])*
            pub(crate) fn single16(state: &mut [BabyBear; 16]) {
                crate::rounds::permute16::<BabyBear>(state);
            }

            /// One width-24 permutation, as [`single16`].
            $(#[$attr])*
            pub(crate) fn single24(state: &mut [BabyBear; 24]) {
                crate::rounds::permute24::<BabyBear>(state);
            }

            /// The width-24 permutation as a function of its own: the state then passes
            /// through memory once per group, and the drivers' transposes no longer
            /// share a register allocation with the 24 state vectors (~2% faster
            /// batched permutations from rows on the AVX-512 machine of BENCHMARKS.md).
            $(#[$attr])*
            #[inline(never)]
            fn permute24_outlined(state: &mut [$v; 24]) {
                permute24(state);
            }

            struct Outlined24;

            impl Width<$v, 24> for Outlined24 {
                #[inline(always)]
                fn permute(state: &mut [$v; 24]) {
                    // SAFETY: only reached from this module's entry points, which enable
                    // the same target features as `permute24_outlined`.
                    #[allow(unused_unsafe)]
                    unsafe {
                        permute24_outlined(state)
                    };
                }

                #[inline(always)]
                fn permute_x2(a: &mut [$v; 24], b: &mut [$v; 24]) {
                    permute24_x2(a, b);
                }
            }

            $(#[$attr])*
            pub(crate) fn permute_many24(states: &mut [[BabyBear; 24]]) {
                permute_many::<$v, 24, Outlined24>(states);
            }

            $(#[$attr])*
            pub(crate) fn permute_blocks16(blocks: &mut [[[BabyBear; BLOCK]; 16]]) {
                permute_blocks::<$v, 16, Width16>(blocks);
            }

            $(#[$attr])*
            pub(crate) fn permute_blocks24(blocks: &mut [[[BabyBear; BLOCK]; 24]]) {
                permute_blocks::<$v, 24, Outlined24>(blocks);
            }

            $(#[$attr])*
            pub(crate) fn hash_rows(columns: &[&[BabyBear]], first_row: usize, out: &mut [Digest]) {
                super::hash_rows::<$v>(columns, first_row, out);
            }

            $(#[$attr])*
            pub(crate) fn compress_many(inputs: &[[Digest; 2]], out: &mut [Digest]) {
                super::compress_many::<$v>(inputs, out);
            }

            $(#[$attr])*
            pub(crate) fn compress_in_place(nodes: &mut [Digest], right: &[Digest]) {
                super::compress_in_place::<$v>(nodes, right);
            }
        }
    };
}

level_entry_points!(scalar, BabyBear);
#[cfg(target_arch = "x86_64")]
level_entry_points!(
    #[target_feature(enable = "avx2,bmi1,bmi2,fma,lzcnt,popcnt")]
    avx2,
    crate::packed::avx2::Avx2
);
#[cfg(target_arch = "x86_64")]
level_entry_points!(
    #[target_feature(enable = "avx512f,avx512bw,avx2,bmi1,bmi2,fma,lzcnt,popcnt")]
    avx512,
    crate::packed::avx512::Avx512
);

/// Calls the entry point `$f` of the module for the [`kiln_field::SimdLevel`] `$level`.
///
/// `$level` must be available on this CPU ([`kiln_field::SimdLevel::is_available`]); the
/// types that hold a level check that when they are built.
macro_rules! dispatch {
    ($level:expr, $f:ident($($arg:expr),* $(,)?)) => {
        match $level {
            ::kiln_field::SimdLevel::Scalar => $crate::batched::scalar::$f($($arg),*),
            #[cfg(target_arch = "x86_64")]
            // SAFETY: the level was checked available (avx2 detected) where it was stored.
            ::kiln_field::SimdLevel::Avx2 => unsafe { $crate::batched::avx2::$f($($arg),*) },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: the level was checked available (avx512f and avx512bw detected) where
            // it was stored.
            ::kiln_field::SimdLevel::Avx512 => unsafe { $crate::batched::avx512::$f($($arg),*) },
            // Poseidon2 has no NEON path yet: the scalar one.
            #[allow(unreachable_patterns)]
            _ => $crate::batched::scalar::$f($($arg),*),
        }
    };
}
pub(crate) use dispatch;

const _: () = assert!(DIGEST_ELEMS == 8 && RATE == 8);
