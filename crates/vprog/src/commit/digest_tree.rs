//! Binary Merkle trees over lists of digests, with inclusion paths and leaf updates.
//!
//! [`DigestTree`] is not `kiln_hash::MerkleTree`: that one is the prover data of a
//! commitment to matrices (rows hashed into leaves, shorter matrices injected, no
//! padding); this one commits to a list of digests of any length, padded with
//! [`ZERO_DIGEST`], over any [`CommitmentHasher`], and can change a leaf in place.

use super::hash::{CommitmentHasher, Digest, ZERO_DIGEST};

/// ⌈log2 n⌉, with 0 for n ≤ 1: the depth of a tree over n leaves.
pub fn tree_depth(n: usize) -> usize {
    n.max(1).next_power_of_two().trailing_zeros() as usize
}

/// A complete binary Merkle tree over a list of digests (the leaves), padded with
/// [`ZERO_DIGEST`] to a power of two (an empty list is one zero leaf). All layers are kept,
/// so opening is a copy and updating a leaf costs `depth` compressions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DigestTree {
    /// layers[0] = padded leaves, layers[depth] = [root].
    layers: Vec<Vec<Digest>>,
    len: usize,
}

impl DigestTree {
    /// Builds the tree over `leaves`.
    pub fn new<H: CommitmentHasher>(hasher: &H, mut leaves: Vec<Digest>) -> Self {
        let len = leaves.len();
        leaves.resize(len.max(1).next_power_of_two(), ZERO_DIGEST);
        let mut layers = vec![leaves];
        while layers.last().is_some_and(|l| l.len() > 1) {
            let below = layers.last().expect("non-empty");
            let up = below
                .chunks_exact(2)
                .map(|c| hasher.compress(&c[0], &c[1]))
                .collect();
            layers.push(up);
        }
        Self { layers, len }
    }

    /// The root.
    pub fn root(&self) -> Digest {
        self.layers.last().expect("at least the leaf layer")[0]
    }

    /// Number of leaves, padding excluded.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the tree has no leaves (its root is then the zero digest).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Path length: ⌈log2 len⌉.
    pub fn depth(&self) -> usize {
        self.layers.len() - 1
    }

    /// A leaf, or `None` if out of range.
    pub fn leaf(&self, index: usize) -> Option<&Digest> {
        (index < self.len).then(|| &self.layers[0][index])
    }

    /// The inclusion path of leaf `index`, or `None` if out of range.
    pub fn open(&self, index: usize) -> Option<MerklePath> {
        if index >= self.len {
            return None;
        }
        let siblings = (0..self.depth())
            .map(|d| self.layers[d][(index >> d) ^ 1])
            .collect();
        Some(MerklePath {
            index: index as u64,
            siblings,
        })
    }

    /// Replaces leaf `index` and recomputes the path above it.
    ///
    /// # Panics
    /// If `index >= len()`.
    pub fn set<H: CommitmentHasher>(&mut self, hasher: &H, index: usize, leaf: Digest) {
        assert!(
            index < self.len,
            "leaf {index} out of range (len {})",
            self.len
        );
        self.layers[0][index] = leaf;
        let mut i = index;
        for d in 0..self.depth() {
            let (l, r) = (self.layers[d][i & !1], self.layers[d][i | 1]);
            i >>= 1;
            self.layers[d + 1][i] = hasher.compress(&l, &r);
        }
    }
}

/// An inclusion path: the leaf's index and its siblings from the leaf layer up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MerklePath {
    pub index: u64,
    pub siblings: Vec<Digest>,
}

impl MerklePath {
    /// The root this path leads to from `leaf`. Index bits above the path length are
    /// ignored here; verifiers check the index range themselves.
    pub fn root<H: CommitmentHasher>(&self, hasher: &H, leaf: &Digest) -> Digest {
        let mut acc = *leaf;
        for (d, s) in self.siblings.iter().enumerate() {
            let bit = u32::try_from(d)
                .ok()
                .and_then(|d| self.index.checked_shr(d))
                .unwrap_or(0)
                & 1;
            acc = if bit == 0 {
                hasher.compress(&acc, s)
            } else {
                hasher.compress(s, &acc)
            };
        }
        acc
    }
}
