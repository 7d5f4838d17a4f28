//! Field arithmetic for kiln: the BabyBear prime field and its quartic extension.
//!
//! * [`BabyBear`]: p = 2^31 − 2^27 + 1 = 15·2^27 + 1, stored in Montgomery form with
//!   R = 2^32 as one `u32`. Its bytes are those of Plonky3's `BabyBear`, so buffers and
//!   test vectors move between the two without conversion.
//! * [`BabyBearExt4`]: F_p[X] / (X^4 − 11), Plonky3's `BinomialExtensionField<BabyBear, 4>`.
//!
//! Both implement [`Field`]; the base field also implements [`TwoAdicField`].
//! [`PackedField`] computes on several elements at once with the SIMD instructions of a
//! [`SimdLevel`] (AVX-512, AVX2, NEON, or one lane), chosen when the program runs, not when
//! it is compiled: [`SimdLevel::current`] is the widest level of the running CPU unless
//! `KILN_SIMD` names another, and [`SimdLevel::run`] runs code generic over the vector type
//! at a level (see [`packed`]).

mod algebra;
mod babybear;
mod batch;
mod bits;
mod ext4;
pub mod matrix;
pub mod packed;
mod simd;
mod traits;

pub use algebra::Algebra;
pub use babybear::{BabyBear, P};
pub use batch::batch_inverse;
pub use bits::reverse_bits_len;
pub use ext4::BabyBearExt4;
pub use matrix::{AsColMajor, ColMajor, ColMajorMatrix, Dimensions, MatrixError};
pub use packed::{MAX_WIDTH as MAX_PACKED_WIDTH, PackedField, Simd, SimdOp, prefetch};
pub use simd::{SimdLevel, SimdLevelError};
pub use traits::{ExtensionField, Field, TwoAdicField};
