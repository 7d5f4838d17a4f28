//! The write-once memory: consistent accesses prove; a read of another value than the
//! cell holds is refused; the trace builder refuses a second, different write.

use kiln_air::{Air, AirBuilder, BaseAir, TraceError};
use kiln_field::{BabyBear, ColMajorMatrix};
use kiln_gadgets::{MEMORY_BUS, MemoryError, MemoryRequests, MemoryTable, table_set};
use kiln_stark::{
    ProveError, StarkConfig, prove_tables, prove_tables_unchecked_with, verify_tables,
};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha20Rng;

/// Accesses: is_real, addr, value; sends (addr, value) when real.
#[derive(Clone, Copy, Debug)]
struct Accesses;

impl BaseAir for Accesses {
    fn width(&self) -> usize {
        3
    }
}

impl<AB: AirBuilder> Air<AB> for Accesses {
    fn eval(&self, b: &mut AB) {
        let l = b.main().local.to_vec();
        b.assert_bool(l[0]);
        b.send(MEMORY_BUS, &[l[1].into(), l[2].into()], l[0]);
    }
}

table_set! {
    #[derive(Clone, Copy, Debug)]
    enum Tables {
        Memory(MemoryTable),
        Reads(Accesses),
        Writes(Accesses),
    }
}

const CONFIG: StarkConfig = StarkConfig {
    num_queries: 8,
    ..StarkConfig::TEST
};
const LOG_SIZE: usize = 6;
const NO_PUBLICS: [&[BabyBear]; 3] = [&[], &[], &[]];

fn matrix(rows: &[[u32; 3]]) -> ColMajorMatrix {
    let n = rows.len().max(1).next_power_of_two();
    let mut data = vec![BabyBear::new(0); 3 * n];
    for (r, row) in rows.iter().enumerate() {
        for c in 0..3 {
            data[c * n + r] = BabyBear::new(row[c]);
        }
    }
    ColMajorMatrix::new(data, 3, n).unwrap()
}

/// Writes 20 random cells, then reads 40 random written cells.
fn witness(seed: u64) -> (Vec<[u32; 3]>, Vec<[u32; 3]>, MemoryRequests) {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut mem = MemoryRequests::new(LOG_SIZE);
    let mut writes = Vec::new();
    for _ in 0..20 {
        let addr = rng.random_range(0..1u32 << LOG_SIZE);
        let value = rng.random_range(0..BabyBear::ORDER);
        if mem.write(addr, BabyBear::new(value)).is_ok() {
            writes.push([1, addr, value]);
        }
    }
    let reads = (0..40)
        .map(|_| {
            let [_, addr, _] = writes[rng.random_range(0..writes.len())];
            let v = mem.read(addr).unwrap();
            [1, addr, v.as_canonical_u32()]
        })
        .collect();
    (writes, reads, mem)
}

const TABLES: [Tables; 3] = [
    Tables::Memory(MemoryTable { log_size: LOG_SIZE }),
    Tables::Reads(Accesses),
    Tables::Writes(Accesses),
];

#[test]
fn consistent_accesses_prove() {
    for seed in 0..3 {
        let (writes, reads, mem) = witness(seed);
        let traces = [mem.trace(), matrix(&reads), matrix(&writes)];
        let proof = prove_tables(&CONFIG, &TABLES, &traces, &NO_PUBLICS).unwrap();
        verify_tables(&CONFIG, &TABLES, &proof, &NO_PUBLICS).unwrap();
    }
}

#[test]
fn a_read_of_another_value_is_refused() {
    let (writes, mut reads, mem) = witness(5);
    reads[3][2] ^= 1;
    let traces = [mem.trace(), matrix(&reads), matrix(&writes)];
    let err = prove_tables(&CONFIG, &TABLES, &traces, &NO_PUBLICS).unwrap_err();
    assert!(
        matches!(err, ProveError::Trace(TraceError::UnbalancedBus(_))),
        "{err}"
    );
    assert!(err.to_string().contains("memory"), "{err}");
    let proof = prove_tables_unchecked_with(
        &kiln::CpuBackend::new(),
        &CONFIG,
        &TABLES,
        &traces,
        &NO_PUBLICS,
    )
    .unwrap();
    assert!(verify_tables(&CONFIG, &TABLES, &proof, &NO_PUBLICS).is_err());
}

#[test]
fn the_memory_is_write_once() {
    let mut mem = MemoryRequests::new(2);
    mem.write(1, BabyBear::new(7)).unwrap();
    mem.write(1, BabyBear::new(7)).unwrap();
    assert!(matches!(
        mem.write(1, BabyBear::new(8)),
        Err(MemoryError::Conflict { addr: 1, .. })
    ));
    assert!(matches!(
        mem.read(2),
        Err(MemoryError::Unwritten { addr: 2 })
    ));
    assert!(matches!(
        mem.write(4, BabyBear::new(1)),
        Err(MemoryError::OutOfRange { addr: 4, size: 4 })
    ));
}
