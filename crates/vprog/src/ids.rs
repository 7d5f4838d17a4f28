//! Dense identifiers. Every id is an index into a table of the [`Model`](crate::Model)
//! or of the [`Dag`](crate::Dag), so lookups are array accesses.

use core::fmt;

/// A position in the operation sequence. Operation `k` (0-based) happens at time `k + 1`;
/// time 0 is genesis, where every account has its initial state.
pub type Time = u64;

macro_rules! dense_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(pub u32);

        impl $name {
            /// The id as a table index.
            #[inline]
            pub const fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }
    };
}

dense_id!(
    /// A vProg: an index into [`Model::vprogs`](crate::Model::vprogs).
    VProgId
);
dense_id!(
    /// An account: an index into [`Model::accounts`](crate::Model::accounts).
    AccountId
);
dense_id!(
    /// A transaction, numbered 0, 1, 2, ... in the order transactions were applied (proof
    /// submissions are not numbered), so sorting by index is sorting by sequence order.
    TxIndex
);
dense_id!(
    /// A vertex (account, time) of the computation DAG. The genesis vertex of account `a`
    /// has id `a`; later vertices are numbered in creation order.
    VertexId
);
