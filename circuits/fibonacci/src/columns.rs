/// One row of the Fibonacci trace: two consecutive terms.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FibonacciCols<T> {
    pub left: T,
    pub right: T,
}

/// Columns of the Fibonacci trace.
pub const NUM_FIBONACCI_COLS: usize = size_of::<FibonacciCols<u8>>();

impl<T> FibonacciCols<T> {
    /// Borrows a row slice of the trace's width as named columns.
    ///
    /// # Panics
    /// If `row.len() != NUM_FIBONACCI_COLS`.
    pub fn from_row(row: &[T]) -> &Self {
        assert_eq!(
            row.len(),
            NUM_FIBONACCI_COLS,
            "a Fibonacci row has {NUM_FIBONACCI_COLS} cells"
        );
        // SAFETY: `FibonacciCols<T>` is `repr(C)` with NUM_FIBONACCI_COLS fields of type T,
        // so it has the layout of `[T; NUM_FIBONACCI_COLS]`, and the length is checked.
        unsafe { &*row.as_ptr().cast::<Self>() }
    }
}
