//! Reusable tables for kiln's multi-table STARK ([`kiln_stark::prove_tables`]), each with
//! its bus interface ([`kiln_air::lookup`]):
//!
//! * [`Poseidon2Table`]: one Poseidon2 width-16 permutation per row, serving permutation
//!   and 2-to-1 compression requests on [`POSEIDON2_BUS`];
//! * [`MerklePathTable`]: Merkle paths of a fixed depth, one level per row, serving
//!   "this leaf sits at this index under this root" on [`MERKLE_BUS`]; its compressions go
//!   to the Poseidon2 table, its index bits are the canonical binary of an index < p;
//! * [`RangeTable16`]: 16-bit range checks on [`RANGE16_BUS`], and limb arithmetic on
//!   u32/u64 values ([`add_limbs`], [`less_than_limbs`]) that range-checks its results;
//! * [`MemoryTable`]: a write-once memory (witness bus) on [`MEMORY_BUS`]: a cell holds
//!   one value for the whole proof, whichever table reads or writes it;
//! * [`SpongeTable`]: the sponge of variable-length messages read from the memory (the
//!   bytes of `kiln_hash::PaddingFreeSponge`, and a length-binding variant) on
//!   [`SPONGE_BUS`];
//! * [`MerkleRequests`]: the requests a circuit makes of the path table (the verify side
//!   of the workload `kiln prove --air merkle-paths`);
//! * [`table_set!`]: one AIR type for a set of tables (a multi-table proof takes one).
//!
//! Every gadget's result equals the native function in `kiln_hash` (tests).
//!
//! [`kiln_stark::prove_tables`]: https://docs.rs/kiln-stark

mod memory;
mod merkle;
mod poseidon2;
mod range;
mod sponge;

pub use memory::{MemoryError, MemoryRequests, MemoryTable};
pub use merkle::{MerklePath, MerklePathTable, MerkleRequests, merkle_root_of_path};
pub use poseidon2::{MODE_COMPRESS, MODE_PERMUTE, Poseidon2Requests, Poseidon2Table};
pub use range::{
    LIMB_BITS, RangeRequests, RangeTable16, add_limbs, add_witness, less_than_limbs,
    less_than_witness, limbs, range_check,
};
pub use sponge::{SpongeRequest, SpongeTable, sponge_hash, sponge_trace};

use kiln_air::Bus;

/// Poseidon2 requests: (mode, input state[16], output[16]) for a permutation, (mode,
/// input state[16], output[0..8]) for a compression.
pub const POSEIDON2_BUS: Bus = Bus::new(0x100, "poseidon2");
/// 16-bit range checks: (value).
pub const RANGE16_BUS: Bus = Bus::new(0x101, "range16");
/// Write-once memory accesses: (address, value).
pub const MEMORY_BUS: Bus = Bus::new(0x103, "memory");
/// Sponge hashes of messages in memory: (bind_length, base, len, digest[8]).
pub const SPONGE_BUS: Bus = Bus::new(0x104, "sponge");
/// Merkle membership: (index, leaf[8], root[8]).
pub const MERKLE_BUS: Bus = Bus::new(0x102, "merkle");

#[doc(hidden)]
pub mod __private {
    pub use kiln_air::{Air, AirBuilder, BaseAir};
    pub use kiln_field::ColMajorMatrix;
}

/// Declares an enum over table types and makes it one AIR, delegating every method to
/// the variant (a multi-table proof takes one AIR type for all its tables):
///
/// ```ignore
/// kiln_gadgets::table_set! {
///     #[derive(Clone, Debug)]
///     pub enum MyTables { Paths(MerklePathTable), Hash(Poseidon2Table) }
/// }
/// ```
#[macro_export]
macro_rules! table_set {
    ($(#[$m:meta])* $vis:vis enum $name:ident { $($variant:ident($ty:ty)),+ $(,)? }) => {
        $(#[$m])* $vis enum $name { $($variant($ty)),+ }

        impl $crate::__private::BaseAir for $name {
            fn width(&self) -> usize {
                match self { $(Self::$variant(t) => $crate::__private::BaseAir::width(t)),+ }
            }
            fn preprocessed_trace(&self) -> Option<$crate::__private::ColMajorMatrix> {
                match self { $(Self::$variant(t) => $crate::__private::BaseAir::preprocessed_trace(t)),+ }
            }
            fn num_public_values(&self) -> usize {
                match self { $(Self::$variant(t) => $crate::__private::BaseAir::num_public_values(t)),+ }
            }
            fn constraint_name(&self, index: usize) -> String {
                match self { $(Self::$variant(t) => $crate::__private::BaseAir::constraint_name(t, index)),+ }
            }
            fn name(&self) -> String {
                match self { $(Self::$variant(t) => $crate::__private::BaseAir::name(t)),+ }
            }
        }

        impl<AB: $crate::__private::AirBuilder> $crate::__private::Air<AB> for $name
        where
            $($ty: $crate::__private::Air<AB>),+
        {
            #[inline(always)]
            fn eval(&self, builder: &mut AB) {
                match self { $(Self::$variant(t) => $crate::__private::Air::eval(t, builder)),+ }
            }
        }
    };
}
