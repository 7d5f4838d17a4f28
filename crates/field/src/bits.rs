//! Index arithmetic shared by every layer (NTT, LDE, Merkle openings, FRI).

/// `i` with its low `log_n` bits reversed (`rev(i)` on `log_n` bits); 0 when `log_n` is 0.
/// Bit-reversed order puts the value for index j at position `reverse_bits_len(j, log_n)`.
#[inline]
pub fn reverse_bits_len(i: usize, log_n: usize) -> usize {
    if log_n == 0 {
        0
    } else {
        i.reverse_bits() >> (usize::BITS as usize - log_n)
    }
}

#[cfg(test)]
mod tests {
    use super::reverse_bits_len;

    #[test]
    fn matches_the_naive_reversal() {
        for log_n in 0..=12usize {
            for i in 0..1usize << log_n {
                let naive = (0..log_n).fold(0, |acc, b| acc | (((i >> b) & 1) << (log_n - 1 - b)));
                assert_eq!(
                    reverse_bits_len(i, log_n),
                    naive,
                    "i = {i}, log_n = {log_n}"
                );
            }
        }
    }
}
