use kiln_field::{BabyBear, ColMajorMatrix};

/// The trace of `2^log_n` rows from (a, b).
pub fn generate_trace(log_n: u32, a: BabyBear, b: BabyBear) -> ColMajorMatrix {
    let n = 1usize << log_n;
    let mut left = Vec::with_capacity(n);
    let mut right = Vec::with_capacity(n);
    let (mut x, mut y) = (a, b);
    for _ in 0..n {
        left.push(x);
        right.push(y);
        (x, y) = (y, x + y);
    }
    left.extend(right);
    ColMajorMatrix::new(left, 2, n).expect("2·n elements")
}

/// The public result: the last row's `right`.
pub fn fibonacci_result(log_n: u32, a: BabyBear, b: BabyBear) -> BabyBear {
    let (mut x, mut y) = (a, b);
    for _ in 1..1usize << log_n {
        (x, y) = (y, x + y);
    }
    y
}
