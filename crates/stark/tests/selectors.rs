//! `is_first_row` and `is_last_row` are the Lagrange selectors in the STARK, as in the debug
//! checker: 1 on their row and 0 on the others, so a constraint may use them as values
//! (here: columns equal to them), on every backend.

use kiln::{CpuBackend, EmuBackend};
use kiln_air::{Air, AirBuilder, BaseAir};
use kiln_field::{BabyBear, ColMajorMatrix};
use kiln_stark::{StarkConfig, prove_unchecked, prove_with, verify};

/// Column 0 is `is_first_row`, column 1 `is_last_row`.
struct SelectorColumns;

impl BaseAir for SelectorColumns {
    fn width(&self) -> usize {
        2
    }
}

impl<AB: AirBuilder> Air<AB> for SelectorColumns {
    fn eval(&self, b: &mut AB) {
        let l = b.main().local.to_vec();
        let (first, last) = (b.is_first_row(), b.is_last_row());
        b.assert_eq(l[0], first);
        b.assert_eq(l[1], last);
    }
}

fn trace(log_n: u32, first: u32) -> ColMajorMatrix {
    let n = 1usize << log_n;
    let mut data = vec![BabyBear::new(0); 2 * n];
    data[0] = BabyBear::new(first);
    data[2 * n - 1] = BabyBear::new(1);
    ColMajorMatrix::new(data, 2, n).unwrap()
}

#[test]
fn selectors_are_one_on_their_row() {
    let config = StarkConfig::TEST;
    for log_n in [1u32, 3, 6] {
        let good = trace(log_n, 1);
        let cpu = prove_with(&CpuBackend::new(), &config, &SelectorColumns, &good, &[]).unwrap();
        verify(&config, &SelectorColumns, &cpu, &[]).unwrap();
        let emu = prove_with(&EmuBackend::new(), &config, &SelectorColumns, &good, &[]).unwrap();
        assert!(
            cpu.to_bytes() == emu.to_bytes(),
            "2^{log_n}: the emulator differs"
        );
        // A first-row column of 2 is refused by the prover and by the verifier.
        let bad = trace(log_n, 2);
        assert!(prove_with(&CpuBackend::new(), &config, &SelectorColumns, &bad, &[]).is_err());
        let forged = prove_unchecked(&config, &SelectorColumns, &bad, &[]).unwrap();
        assert!(verify(&config, &SelectorColumns, &forged, &[]).is_err());
    }
}
