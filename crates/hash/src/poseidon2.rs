//! The Poseidon2 permutation over BabyBear at widths 16 and 24.

use kiln_field::{BabyBear, SimdLevel, SimdLevelError};

use crate::batched::dispatch;
use crate::params::BLOCK;

/// A cryptographic permutation of `[BabyBear; WIDTH]`.
///
/// Required: [`Permutation::permute_mut`]; the batched [`Permutation::permute_many`]
/// defaults to a loop over it.
pub trait Permutation<const WIDTH: usize>: Copy + Send + Sync {
    /// Permutes one state in place.
    fn permute_mut(&self, state: &mut [BabyBear; WIDTH]);

    /// The permutation of `state`.
    #[inline]
    fn permute(&self, mut state: [BabyBear; WIDTH]) -> [BabyBear; WIDTH] {
        self.permute_mut(&mut state);
        state
    }

    /// Permutes independent states in place, as many at once as the implementation can.
    fn permute_many(&self, states: &mut [[BabyBear; WIDTH]]) {
        for state in states {
            self.permute_mut(state);
        }
    }

    /// Permutes the states held in blocks of [`BLOCK`] states, element-major: lane l of
    /// `blocks[b][j]` is element j of state `BLOCK · b + l` (the memory layout of Plonky3's
    /// `WIDTH` vectors of 16 lanes on AVX-512). Batched implementations load every state
    /// element of a group of states with one vector load and need no transposition; the
    /// result equals [`Permutation::permute_many`] on the same states held as rows.
    fn permute_blocks(&self, blocks: &mut [[[BabyBear; BLOCK]; WIDTH]]) {
        for block in blocks {
            for l in 0..BLOCK {
                let mut state: [BabyBear; WIDTH] = core::array::from_fn(|j| block[j][l]);
                self.permute_mut(&mut state);
                for (row, x) in block.iter_mut().zip(state) {
                    row[l] = x;
                }
            }
        }
    }
}

/// One width-16 permutation: in one AVX-512 register where available, else the scalar
/// path compiled for the level.
#[inline]
fn single16(level: SimdLevel, state: &mut [BabyBear; 16]) {
    #[cfg(target_arch = "x86_64")]
    if level == SimdLevel::Avx512 {
        // SAFETY: `level` was checked available (avx512f and avx512bw detected) where it
        // was stored.
        unsafe { crate::packed::avx512::permute16_state(state) };
        return;
    }
    dispatch!(level, single16(state));
}

/// One width-24 permutation: in two AVX-512 registers where available, else the scalar
/// path compiled for the level.
#[inline]
fn single24(level: SimdLevel, state: &mut [BabyBear; 24]) {
    #[cfg(target_arch = "x86_64")]
    if level == SimdLevel::Avx512 {
        // SAFETY: `level` was checked available (avx512f and avx512bw detected) where it
        // was stored.
        unsafe { crate::packed::avx512::permute24_state(state) };
        return;
    }
    dispatch!(level, single24(state));
}

macro_rules! poseidon2_width {
    ($(#[$doc:meta])* $name:ident, $width:literal, $single:ident, $many:ident, $blocks:ident) => {
        $(#[$doc])*
        ///
        /// Bit-for-bit equal to Plonky3's `default_babybear_poseidon2_N` (p3-baby-bear 0.8).
        /// The batched methods use the value's [`SimdLevel`]; a single
        /// [`Permutation::permute_mut`] runs with the state in AVX-512 registers at the
        /// AVX-512 level, else on the scalar path.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct $name {
            level: SimdLevel,
        }

        impl $name {
            /// The permutation at kiln's SIMD level, [`SimdLevel::current`] (the widest
            /// this CPU supports, unless `KILN_SIMD` names another).
            pub fn new() -> Self {
                Self {
                    level: SimdLevel::current(),
                }
            }

            /// The permutation at SIMD level `level`, or an error if this CPU cannot run
            /// it.
            pub fn with_simd_level(level: SimdLevel) -> Result<Self, SimdLevelError> {
                Ok(Self {
                    level: level.check()?,
                })
            }

            /// The SIMD level batched calls use.
            pub fn simd_level(&self) -> SimdLevel {
                self.level
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl Permutation<$width> for $name {
            #[inline]
            fn permute_mut(&self, state: &mut [BabyBear; $width]) {
                $single(self.level, state);
            }

            fn permute_many(&self, states: &mut [[BabyBear; $width]]) {
                dispatch!(self.level, $many(states));
            }

            fn permute_blocks(&self, blocks: &mut [[[BabyBear; BLOCK]; $width]]) {
                dispatch!(self.level, $blocks(blocks));
            }
        }
    };
}

poseidon2_width!(
    /// Poseidon2 over BabyBear, width 16: x^7, 8 full and 13 partial rounds.
    Poseidon2W16,
    16,
    single16,
    permute_many16,
    permute_blocks16
);

poseidon2_width!(
    /// Poseidon2 over BabyBear, width 24: x^7, 8 full and 21 partial rounds.
    Poseidon2W24,
    24,
    single24,
    permute_many24,
    permute_blocks24
);
