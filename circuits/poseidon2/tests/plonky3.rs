//! The trace equals Plonky3's `p3-poseidon2-air` trace (one S-box register) for the same
//! inputs: same permutation, same constants, same column layout.

use kiln_field::BabyBear;
use kiln_poseidon2_air::{NUM_POSEIDON2_COLS, WIDTH, generate_trace};
use p3_baby_bear::{
    BABYBEAR_POSEIDON2_RC_16_EXTERNAL_FINAL, BABYBEAR_POSEIDON2_RC_16_EXTERNAL_INITIAL,
    BABYBEAR_POSEIDON2_RC_16_INTERNAL, GenericPoseidon2LinearLayersBabyBear,
};
use p3_field::{PrimeCharacteristicRing, PrimeField32};
use p3_poseidon2_air::{RoundConstants, generate_trace_rows, num_cols};

type P3 = p3_baby_bear::BabyBear;

#[test]
fn trace_equals_plonky3() {
    assert_eq!(num_cols::<16, 7, 1, 4, 13>(), NUM_POSEIDON2_COLS);
    let n = 64;
    let inputs: Vec<[u32; WIDTH]> = (0..n as u32)
        .map(|i| {
            core::array::from_fn(|e| {
                i.wrapping_mul(2_654_435_761u32.wrapping_mul(e as u32 + 1)) % 0x7800_0001
            })
        })
        .collect();
    let ours = generate_trace::<1>(
        &inputs
            .iter()
            .map(|s| s.map(BabyBear::new))
            .collect::<Vec<_>>(),
    );
    let constants = RoundConstants::new(
        BABYBEAR_POSEIDON2_RC_16_EXTERNAL_INITIAL,
        BABYBEAR_POSEIDON2_RC_16_INTERNAL,
        BABYBEAR_POSEIDON2_RC_16_EXTERNAL_FINAL,
    );
    let theirs = generate_trace_rows::<P3, GenericPoseidon2LinearLayersBabyBear, 16, 7, 1, 4, 13>(
        inputs.iter().map(|s| s.map(P3::from_u32)).collect(),
        &constants,
        0,
    );
    let ours: Vec<u32> = ours
        .view()
        .to_row_major()
        .iter()
        .map(|x| x.as_canonical_u32())
        .collect();
    let theirs: Vec<u32> = theirs.values.iter().map(|x| x.as_canonical_u32()).collect();
    assert_eq!(ours.len(), theirs.len());
    if let Some(i) = ours.iter().zip(&theirs).position(|(a, b)| a != b) {
        panic!(
            "first difference at row {}, column {}",
            i / NUM_POSEIDON2_COLS,
            i % NUM_POSEIDON2_COLS
        );
    }
}
