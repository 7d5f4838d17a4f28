//! Which vertices each vProg has computed and stored, beyond its own accounts.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

use crate::ids::{VProgId, VertexId};

/// One multiply-and-fold hash of a 64-bit key: the keys are dense ids, so a strong hash
/// buys nothing, and SipHash would double the cost of an anchor test.
#[derive(Default, Clone, Copy, Debug)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }

    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    #[inline]
    fn write_u64(&mut self, x: u64) {
        let m = (self.0 ^ x) as u128 * 0x9e37_79b9_7f4a_7c15_u128;
        self.0 = (m as u64) ^ ((m >> 64) as u64);
    }
}

/// The set of (vProg, vertex) pairs whose state a vProg computed while executing a
/// transaction or its scope. A vProg's own accounts are not stored: it computes every
/// vertex of them by the execution rule, and the engine tests ownership directly.
#[derive(Clone, Debug, Default)]
pub(crate) struct Knowledge {
    set: HashSet<u64, BuildHasherDefault<IdHasher>>,
}

impl Knowledge {
    #[inline]
    fn key(p: VProgId, v: VertexId) -> u64 {
        (u64::from(p.0) << 32) | u64::from(v.0)
    }

    #[inline]
    pub(crate) fn contains(&self, p: VProgId, v: VertexId) -> bool {
        self.set.contains(&Self::key(p, v))
    }

    #[inline]
    pub(crate) fn insert(&mut self, p: VProgId, v: VertexId) {
        self.set.insert(Self::key(p, v));
    }

    pub(crate) fn len(&self) -> usize {
        self.set.len()
    }
}
