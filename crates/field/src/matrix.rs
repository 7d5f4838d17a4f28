//! Column-major matrices: the layout kiln's NTT/LDE produces on CPU and GPU.
//!
//! A matrix of `width` columns and `height` rows is a buffer of `width · height` elements
//! with element (row r, column c) at `c·height + r`. Rows are the Merkle leaves; reading
//! the same row of several columns is one contiguous load per column for consecutive
//! rows, which is what lane-parallel (and GPU) leaf hashing wants.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::BabyBear;

/// A buffer that does not hold `width · height` elements.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum MatrixError {
    /// The buffer's length is not `width · height`.
    #[error("matrix buffer holds {got} elements, width · height is {expected}")]
    LengthMismatch { expected: usize, got: usize },
    /// `width · height` does not fit in a `usize`.
    #[error("a {width} × {height} matrix has more elements than a usize counts")]
    TooLarge { width: usize, height: usize },
}

/// Width and height of a matrix, as a verifier is told them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Dimensions {
    pub width: usize,
    pub height: usize,
}

/// A borrowed column-major matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ColMajor<'a> {
    data: &'a [BabyBear],
    width: usize,
    height: usize,
}

fn check_len(len: usize, width: usize, height: usize) -> Result<(), MatrixError> {
    let expected = width
        .checked_mul(height)
        .ok_or(MatrixError::TooLarge { width, height })?;
    if len == expected {
        Ok(())
    } else {
        Err(MatrixError::LengthMismatch { expected, got: len })
    }
}

impl<'a> ColMajor<'a> {
    /// Views `data` as `width` columns of `height` elements each.
    pub fn new(data: &'a [BabyBear], width: usize, height: usize) -> Result<Self, MatrixError> {
        check_len(data.len(), width, height)?;
        Ok(Self {
            data,
            width,
            height,
        })
    }

    pub fn width(&self) -> usize {
        self.width
    }

    pub fn height(&self) -> usize {
        self.height
    }

    pub fn dimensions(&self) -> Dimensions {
        Dimensions {
            width: self.width,
            height: self.height,
        }
    }

    /// The whole buffer, column after column.
    pub fn data(&self) -> &'a [BabyBear] {
        self.data
    }

    /// Column `c`.
    ///
    /// # Panics
    /// If `c ≥ width`.
    pub fn column(&self, c: usize) -> &'a [BabyBear] {
        assert!(
            c < self.width,
            "column {c} of a matrix of width {}",
            self.width
        );
        &self.data[c * self.height..][..self.height]
    }

    /// The columns, in order.
    pub fn columns(&self) -> impl ExactSizeIterator<Item = &'a [BabyBear]> + 'a {
        let (data, height) = (self.data, self.height);
        (0..self.width).map(move |c| &data[c * height..][..height])
    }

    /// Element (row, column), or `None` outside the matrix.
    pub fn get(&self, row: usize, col: usize) -> Option<BabyBear> {
        (row < self.height && col < self.width).then(|| self.data[col * self.height + row])
    }

    /// Row `r`, left to right.
    ///
    /// # Panics
    /// If `r ≥ height`.
    pub fn row(&self, r: usize) -> impl ExactSizeIterator<Item = BabyBear> + 'a {
        assert!(
            r < self.height,
            "row {r} of a matrix of height {}",
            self.height
        );
        let (data, height) = (self.data, self.height);
        (0..self.width).map(move |c| data[c * height + r])
    }

    /// Row `r` as a vector.
    ///
    /// # Panics
    /// If `r ≥ height`.
    pub fn row_to_vec(&self, r: usize) -> Vec<BabyBear> {
        self.row(r).collect()
    }

    /// The same matrix in row-major order (element (r, c) at `r·width + c`).
    pub fn to_row_major(&self) -> Vec<BabyBear> {
        let mut out = Vec::with_capacity(self.data.len());
        for r in 0..self.height {
            out.extend(self.row(r));
        }
        out
    }
}

/// An owned column-major matrix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColMajorMatrix {
    data: Vec<BabyBear>,
    width: usize,
    height: usize,
}

impl ColMajorMatrix {
    /// Takes `data` as `width` columns of `height` elements each.
    pub fn new(data: Vec<BabyBear>, width: usize, height: usize) -> Result<Self, MatrixError> {
        check_len(data.len(), width, height)?;
        Ok(Self {
            data,
            width,
            height,
        })
    }

    /// Transposes a row-major buffer (element (r, c) at `r·width + c`) of `width` columns.
    pub fn from_row_major(rows: &[BabyBear], width: usize) -> Result<Self, MatrixError> {
        let height = rows.len().checked_div(width).unwrap_or(0);
        if height * width != rows.len() {
            return Err(MatrixError::LengthMismatch {
                expected: height * width,
                got: rows.len(),
            });
        }
        let mut data = Vec::with_capacity(rows.len());
        for c in 0..width {
            data.extend((0..height).map(|r| rows[r * width + c]));
        }
        Self::new(data, width, height)
    }

    pub fn view(&self) -> ColMajor<'_> {
        ColMajor {
            data: &self.data,
            width: self.width,
            height: self.height,
        }
    }

    pub fn width(&self) -> usize {
        self.width
    }

    pub fn height(&self) -> usize {
        self.height
    }

    /// The buffer, column after column.
    pub fn data(&self) -> &[BabyBear] {
        &self.data
    }

    /// The buffer as the `Vec` it is (a CPU backend's buffer type: the prover reads a
    /// trace in place instead of copying it).
    pub fn data_vec(&self) -> &Vec<BabyBear> {
        &self.data
    }

    /// Column `c`, mutable.
    ///
    /// # Panics
    /// If `c ≥ width`.
    pub fn column_mut(&mut self, c: usize) -> &mut [BabyBear] {
        assert!(
            c < self.width,
            "column {c} of a matrix of width {}",
            self.width
        );
        &mut self.data[c * self.height..][..self.height]
    }

    /// Sets element (row, column).
    ///
    /// # Panics
    /// Outside the matrix.
    pub fn set(&mut self, row: usize, col: usize, value: BabyBear) {
        assert!(
            row < self.height && col < self.width,
            "({row}, {col}) outside a {} × {} matrix",
            self.height,
            self.width
        );
        self.data[col * self.height + row] = value;
    }

    /// Element (row, column), or `None` outside the matrix.
    pub fn get(&self, row: usize, col: usize) -> Option<BabyBear> {
        self.view().get(row, col)
    }

    /// A `width × height` matrix of zeros.
    pub fn zeros(width: usize, height: usize) -> Result<Self, MatrixError> {
        let len = width
            .checked_mul(height)
            .ok_or(MatrixError::TooLarge { width, height })?;
        Self::new(vec![BabyBear::new(0); len], width, height)
    }

    /// The buffer, column after column.
    pub fn into_data(self) -> Vec<BabyBear> {
        self.data
    }
}

/// Storage a Merkle tree can keep and read as a column-major matrix: owned
/// ([`ColMajorMatrix`]) or borrowed ([`ColMajor`]).
pub trait AsColMajor: Send + Sync {
    fn as_col_major(&self) -> ColMajor<'_>;
}

impl AsColMajor for ColMajor<'_> {
    fn as_col_major(&self) -> ColMajor<'_> {
        *self
    }
}

impl AsColMajor for ColMajorMatrix {
    fn as_col_major(&self) -> ColMajor<'_> {
        self.view()
    }
}

impl<T: AsColMajor + ?Sized> AsColMajor for &T {
    fn as_col_major(&self) -> ColMajor<'_> {
        (**self).as_col_major()
    }
}
