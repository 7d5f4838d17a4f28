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

use kiln_field::{BabyBear, prefetch};
pub use kiln_hash::{BatchOpening, DIGEST_ELEMS, Digest, Dimensions};
use kiln_hash::{ColMajor, CommitError, MerkleTreeMmcs, Permutation, Poseidon2W16, Poseidon2W24};
use rayon::prelude::*;

use crate::backend::kernel::KernelDevice;
use crate::backend::{Backend, CpuBackend, CudaBackend, EmuBackend};
use crate::error::{Error, Result};
use crate::ffi::KilnMatrix;

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
pub(crate) fn check_commit<B: Backend + ?Sized>(
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
pub(crate) fn check_open<B: Backend + ?Sized>(
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

pub(crate) fn check_permute(len: usize, width: usize) -> Result<()> {
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

fn commit_error(e: CommitError) -> Error {
    Error::InvalidArgument(format!("commitment: {e}"))
}

fn flatten(digests: &[Digest]) -> Vec<BabyBear> {
    digests.as_flattened().to_vec()
}

impl MerkleOps for CpuBackend {
    fn poseidon2_permute(&self, states: &mut Vec<BabyBear>, width: usize) -> Result<()> {
        check_permute(states.len(), width)?;
        // 1024 states per task: enough to amortise the task, many tasks to balance.
        if width == 16 {
            let (chunks, _) = states.as_chunks_mut::<16>();
            let p = Poseidon2W16::new();
            chunks.par_chunks_mut(1024).for_each(|c| p.permute_many(c));
        } else {
            let (chunks, _) = states.as_chunks_mut::<24>();
            let p = Poseidon2W24::new();
            chunks.par_chunks_mut(1024).for_each(|c| p.permute_many(c));
        }
        Ok(())
    }

    fn merkle_commit(&self, matrices: &[MatrixRef<'_, Self>]) -> Result<BackendTree<Self>> {
        let dims = check_commit(self, matrices)?;
        let views: Vec<ColMajor<'_>> = matrices
            .iter()
            .map(|m| ColMajor::new(m.data, m.width, m.height).expect("checked shape"))
            .collect();
        let (root, tree) = MerkleTreeMmcs::new().commit(views).map_err(commit_error)?;
        Ok(BackendTree {
            layers: tree.digest_layers().iter().map(|l| flatten(l)).collect(),
            dims,
            root,
        })
    }

    fn merkle_open(
        &self,
        tree: &BackendTree<Self>,
        matrices: &[MatrixRef<'_, Self>],
        indices: &[usize],
    ) -> Result<Vec<BatchOpening>> {
        check_open(self, tree, matrices, indices)?;
        let log_max = tree.log_max_height();
        Ok(indices
            .par_iter()
            .map(|&index| {
                let opened_rows = matrices
                    .iter()
                    .map(|m| {
                        let row = index >> (log_max - m.height.trailing_zeros() as usize);
                        // A row of a column-major matrix: one cache line per column, far
                        // apart; fetch a few columns ahead.
                        (0..m.width)
                            .map(|c| {
                                prefetch(m.data, (c + 8) * m.height + row);
                                m.data[c * m.height + row]
                            })
                            .collect()
                    })
                    .collect();
                let siblings = (0..log_max)
                    .map(|layer| {
                        let j = (index >> layer) ^ 1;
                        let words = &tree.layers[layer][DIGEST_ELEMS * j..DIGEST_ELEMS * (j + 1)];
                        words.try_into().expect("8 words")
                    })
                    .collect();
                BatchOpening {
                    opened_rows,
                    siblings,
                }
            })
            .collect())
    }
}

fn to_u32(value: usize, what: &str) -> Result<u32> {
    u32::try_from(value)
        .map_err(|_| Error::InvalidArgument(format!("{what} {value} does not fit in 32 bits")))
}

/// The kernels' descriptors of `matrices`, after the checks the launchers rely on: at
/// most 2^32 matrices, widths and heights within the kernels' limits. Returns them with
/// log2 of the tallest height.
fn kernel_matrices<D: KernelDevice>(
    dev: &D,
    matrices: &[MatrixRef<'_, D>],
) -> Result<(Vec<KilnMatrix>, usize)> {
    to_u32(matrices.len(), "matrix count")?;
    let log_max = matrices
        .iter()
        .map(|m| m.height.trailing_zeros() as usize)
        .max()
        .unwrap_or(0);
    if log_max > MAX_LOG_HEIGHT {
        return Err(Error::InvalidArgument(format!(
            "matrix height 2^{log_max} exceeds the kernels' limit of 2^{MAX_LOG_HEIGHT} rows"
        )));
    }
    let mut width_of_height = [0u64; MAX_LOG_HEIGHT + 1];
    let descs = matrices
        .iter()
        .map(|m| {
            let log_height = m.height.trailing_zeros();
            width_of_height[log_height as usize] += m.width as u64;
            Ok(KilnMatrix {
                data: dev.raw(m.data).cast::<u32>(),
                width: to_u32(m.width, "matrix width")?,
                log_height,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    if let Some(w) = width_of_height.iter().find(|&&w| w > u32::MAX as u64) {
        return Err(Error::InvalidArgument(format!(
            "matrices of one height have {w} columns in all, more than 2^32 - 1"
        )));
    }
    Ok((descs, log_max))
}

fn kernel_poseidon2_permute<D: KernelDevice>(
    dev: &D,
    states: &mut D::Buffer<BabyBear>,
    width: usize,
) -> Result<()> {
    let len = dev.buffer_len(states);
    check_permute(len, width)?;
    if len == 0 {
        return Ok(());
    }
    let table = dev.table()?;
    dev.launch(|| {
        let ptr = dev.raw_mut(states).cast::<u32>();
        // SAFETY: `ptr` addresses len = count·width elements of a live buffer; the
        // launcher enqueues on our stream.
        let status = unsafe {
            (table.poseidon2_permute)(ptr, (len / width) as u64, width as u32, dev.stream_ptr())
        };
        status.into_result("poseidon2_permute")
    })
}

fn kernel_merkle_commit<D: KernelDevice>(
    dev: &D,
    matrices: &[MatrixRef<'_, D>],
) -> Result<BackendTree<D>> {
    let dims = check_commit(dev, matrices)?;
    let (descs, log_max) = kernel_matrices(dev, matrices)?;
    // Every layer (2^(K+1) − 1 digests) and the launcher's descriptor scratch.
    let digests = (2u64 << log_max) - 1;
    let scratch = (descs.len() * size_of::<KilnMatrix>()) as u64 + 16;
    dev.ensure_free(
        "merkle_commit",
        digests * (DIGEST_ELEMS * 4) as u64 + scratch,
    )?;
    // Every word of every layer is written by the kernels.
    let mut layers = (0..=log_max)
        .map(|l| dev.alloc_uninit::<BabyBear>(DIGEST_ELEMS << (log_max - l)))
        .collect::<Result<Vec<_>>>()?;
    let table = dev.table()?;
    dev.launch(|| {
        let ptrs: Vec<*mut u32> = layers
            .iter_mut()
            .map(|l| dev.raw_mut(l).cast::<u32>())
            .collect();
        // SAFETY: `descs` describe live buffers of width·height elements each (checked by
        // check_commit); `ptrs` are the K+1 layer buffers of 8·2^(K−l) words; both host
        // arrays outlive the call, which copies what the kernels need.
        let status = unsafe {
            (table.merkle_commit)(
                descs.as_ptr(),
                descs.len() as u32,
                ptrs.as_ptr(),
                dev.stream_ptr(),
            )
        };
        status.into_result("merkle_commit")
    })?;
    let words = dev.download(&layers[log_max])?;
    let root: Digest = words.try_into().expect("the root layer holds 8 words");
    Ok(BackendTree { layers, dims, root })
}

fn kernel_merkle_open<D: KernelDevice>(
    dev: &D,
    tree: &BackendTree<D>,
    matrices: &[MatrixRef<'_, D>],
    indices: &[usize],
) -> Result<Vec<BatchOpening>> {
    check_open(dev, tree, matrices, indices)?;
    if indices.is_empty() {
        return Ok(Vec::new());
    }
    let (descs, log_max) = kernel_matrices(dev, matrices)?;
    let queries = to_u32(indices.len(), "query count")?;
    // In range of a tree of at most 2^30 leaves (check_open).
    let idx: Vec<u32> = indices.iter().map(|&i| i as u32).collect();
    let row_words: usize = matrices.iter().map(|m| m.width).sum();
    let record = row_words + DIGEST_ELEMS * log_max;
    to_u32(record, "opening record length")?;
    let out_len = record * indices.len();
    let scratch = (descs.len() * size_of::<KilnMatrix>() + (descs.len() + 1 + indices.len()) * 4)
        as u64
        + (log_max * 8) as u64
        + 64;
    dev.ensure_free("merkle_open", out_len as u64 * 4 + scratch)?;
    let mut out = dev.alloc_uninit::<BabyBear>(out_len)?;
    let table = dev.table()?;
    dev.launch(|| {
        let ptrs: Vec<*const u32> = tree.layers[..log_max]
            .iter()
            .map(|l| dev.raw(l).cast::<u32>())
            .collect();
        let dst = dev.raw_mut(&mut out).cast::<u32>();
        // SAFETY: `descs` describe the committed matrices (shapes checked against the
        // tree), `ptrs` the tree's K layers below the root, `idx` in-range indices, `dst`
        // queries·record words; the host arrays outlive the call.
        let status = unsafe {
            (table.merkle_open)(
                descs.as_ptr(),
                descs.len() as u32,
                ptrs.as_ptr(),
                idx.as_ptr(),
                queries,
                dst,
                dev.stream_ptr(),
            )
        };
        status.into_result("merkle_open")
    })?;
    let words = dev.download(&out)?;
    Ok(words
        .chunks_exact(record)
        .map(|rec| {
            let mut at = 0;
            let opened_rows = matrices
                .iter()
                .map(|m| {
                    let row = rec[at..at + m.width].to_vec();
                    at += m.width;
                    row
                })
                .collect();
            let siblings = rec[at..]
                .chunks_exact(DIGEST_ELEMS)
                .map(|d| d.try_into().expect("8 words"))
                .collect();
            BatchOpening {
                opened_rows,
                siblings,
            }
        })
        .collect())
}

macro_rules! kernel_merkle_ops {
    ($backend:ty) => {
        impl MerkleOps for $backend {
            fn poseidon2_permute(
                &self,
                states: &mut Self::Buffer<BabyBear>,
                width: usize,
            ) -> Result<()> {
                kernel_poseidon2_permute(self, states, width)
            }

            fn merkle_commit(&self, matrices: &[MatrixRef<'_, Self>]) -> Result<BackendTree<Self>> {
                kernel_merkle_commit(self, matrices)
            }

            fn merkle_open(
                &self,
                tree: &BackendTree<Self>,
                matrices: &[MatrixRef<'_, Self>],
                indices: &[usize],
            ) -> Result<Vec<BatchOpening>> {
                kernel_merkle_open(self, tree, matrices, indices)
            }
        }
    };
}

kernel_merkle_ops!(CudaBackend);
kernel_merkle_ops!(EmuBackend);
