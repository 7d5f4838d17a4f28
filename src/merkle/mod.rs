//! Poseidon2 hashing and Merkle commitments on a backend: the commitment scheme of
//! `kiln_hash::MerkleTreeMmcs` (Plonky3's `MerkleTreeMmcs` over `PaddingFreeSponge<16, 8, 8>`
//! and `TruncatedPermutation<2, 8, 16>`), with the digest layers held by the backend.
//!
//! Matrices are column-major (column c is `data[c·height..(c + 1)·height]`), the layout
//! [`crate::NttOps::coset_lde_batch`] produces, so an LDE is committed where it lies. A
//! [`BackendTree`] keeps every digest layer on the backend; only the root and the
//! openings come back. The matrices are not owned by the tree: they are passed again to
//! [`MerkleOps::merkle_open`], which checks they have the committed shapes.
//!
//! Every backend gives the same bytes: roots and openings equal `kiln_hash`'s, and
//! openings verify with `MerkleTreeMmcs::verify_batch`.

mod cpu;
mod kernel;

use kiln_field::BabyBear;
pub use kiln_hash::{BatchOpening, DIGEST_ELEMS, Digest, Dimensions};

use crate::backend::Backend;
use crate::error::{Error, Result};

/// Largest log2 height the Merkle kernels commit to (`KILN_MERKLE_MAX_LOG_HEIGHT`).
pub const MAX_LOG_HEIGHT: usize = 30;

/// A column-major matrix held by backend `B`.
pub struct MatrixRef<'a, B: Backend + ?Sized> {
    /// `width · height` elements, column after column.
    pub data: &'a B::Buffer<BabyBear>,
    /// Number of columns.
    pub width: usize,
    /// Number of rows (a power of two to be committed).
    pub height: usize,
}

impl<B: Backend + ?Sized> Clone for MatrixRef<'_, B> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<B: Backend + ?Sized> Copy for MatrixRef<'_, B> {}

impl<B: Backend + ?Sized> core::fmt::Debug for MatrixRef<'_, B> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "MatrixRef({} x {})", self.width, self.height)
    }
}

impl<'a, B: Backend + ?Sized> MatrixRef<'a, B> {
    /// A view of `data` as `width` columns of `height` rows.
    pub fn new(data: &'a B::Buffer<BabyBear>, width: usize, height: usize) -> Self {
        Self {
            data,
            width,
            height,
        }
    }

    /// Its dimensions.
    pub fn dimensions(&self) -> Dimensions {
        Dimensions {
            width: self.width,
            height: self.height,
        }
    }
}

/// The prover data of a commitment made on backend `B`: every digest layer (leaf layer
/// first, root last), each as `8 · len` words (digest j is words `8j..8j + 8`), and the
/// shapes of the committed matrices.
pub struct BackendTree<B: Backend + ?Sized> {
    pub(crate) layers: Vec<B::Buffer<BabyBear>>,
    pub(crate) dims: Vec<Dimensions>,
    pub(crate) root: Digest,
}

impl<B: Backend + ?Sized> core::fmt::Debug for BackendTree<B> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("BackendTree")
            .field("dims", &self.dims)
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

impl<B: Backend + ?Sized> BackendTree<B> {
    /// The commitment.
    pub fn root(&self) -> Digest {
        self.root
    }

    /// The committed matrices' shapes, in commit order.
    pub fn dimensions(&self) -> &[Dimensions] {
        &self.dims
    }

    /// log2 of the tallest committed height.
    pub fn log_max_height(&self) -> usize {
        self.layers.len() - 1
    }

    /// The digest layers, leaves first (for tests and tools).
    pub fn layers(&self) -> &[B::Buffer<BabyBear>] {
        &self.layers
    }
}

/// Poseidon2 width-16/24 permutations and Merkle commitments of column-major matrices.
pub trait MerkleOps: Backend {
    /// Applies the Poseidon2 permutation of `width` (16 or 24) to every state of
    /// `states`, stored one after another (`width` words each, row-major).
    fn poseidon2_permute(&self, states: &mut Self::Buffer<BabyBear>, width: usize) -> Result<()>;

    /// Commits to `matrices` (each column-major, heights powers of two, any order),
    /// exactly as `MerkleTreeMmcs::commit` does.
    fn merkle_commit(&self, matrices: &[MatrixRef<'_, Self>]) -> Result<BackendTree<Self>>;

    /// Openings at `indices` (each below the tallest height): one row of every matrix and
    /// the sibling path, as `MerkleTreeMmcs::open_batch` gives them. `matrices` are those
    /// committed, in commit order.
    fn merkle_open(
        &self,
        tree: &BackendTree<Self>,
        matrices: &[MatrixRef<'_, Self>],
        indices: &[usize],
    ) -> Result<Vec<BatchOpening>>;
}

/// Checks `matrices` for a commitment: present, sizes consistent, heights powers of two.
fn check_commit<B: Backend + ?Sized>(
    dev: &B,
    matrices: &[MatrixRef<'_, B>],
) -> Result<Vec<Dimensions>> {
    if matrices.is_empty() {
        return Err(Error::InvalidArgument(
            "a commitment needs at least one matrix".into(),
        ));
    }
    matrices
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let len = dev.buffer_len(m.data);
            if m.width.checked_mul(m.height) != Some(len) {
                return Err(Error::InvalidArgument(format!(
                    "matrix {i}: {len} elements are not {} columns of {} rows",
                    m.width, m.height
                )));
            }
            if !m.height.is_power_of_two() {
                return Err(Error::InvalidArgument(format!(
                    "matrix {i}: height {} is not a power of two",
                    m.height
                )));
            }
            Ok(m.dimensions())
        })
        .collect()
}

/// Checks that `matrices` have the shapes `tree` committed to and `indices` are in range.
fn check_open<B: Backend + ?Sized>(
    dev: &B,
    tree: &BackendTree<B>,
    matrices: &[MatrixRef<'_, B>],
    indices: &[usize],
) -> Result<()> {
    let dims = check_commit(dev, matrices)?;
    if dims != tree.dims {
        return Err(Error::InvalidArgument(format!(
            "opening matrices of shapes {dims:?} against a tree committed to {:?}",
            tree.dims
        )));
    }
    let max_height = 1usize << tree.log_max_height();
    if let Some(&bad) = indices.iter().find(|&&i| i >= max_height) {
        return Err(Error::InvalidArgument(format!(
            "query index {bad} is outside a tree of {max_height} leaves"
        )));
    }
    Ok(())
}

fn check_permute(len: usize, width: usize) -> Result<()> {
    if width != 16 && width != 24 {
        return Err(Error::InvalidArgument(format!(
            "Poseidon2 width {width}: only 16 and 24 are supported"
        )));
    }
    if !len.is_multiple_of(width) {
        return Err(Error::LengthMismatch {
            what: "Poseidon2 states",
            expected: len.div_ceil(width) * width,
            got: len,
        });
    }
    Ok(())
}
