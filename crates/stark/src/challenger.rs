//! Fiat–Shamir: a duplex sponge over the Poseidon2 permutation of width 16, rate 8.

use kiln_field::{BabyBear, BabyBearExt4, P};
use kiln_hash::{Digest, Permutation, Poseidon2W16};

const WIDTH: usize = 16;
const RATE: usize = 8;

/// The transcript. Observed elements are absorbed RATE at a time (overwriting the rate
/// part of the state, then permuting); samples are squeezed from the rate part. Any
/// observation invalidates pending samples, so every sample depends on everything observed
/// before it.
#[derive(Clone, Debug)]
pub struct Challenger {
    perm: Poseidon2W16,
    state: [BabyBear; WIDTH],
    input: Vec<BabyBear>,
    output: Vec<BabyBear>,
}

impl Challenger {
    /// A transcript started with a domain-separation tag.
    pub fn new(tag: &[u8]) -> Self {
        let mut c = Self {
            perm: Poseidon2W16::new(),
            state: [BabyBear::new(0); WIDTH],
            input: Vec::new(),
            output: Vec::new(),
        };
        c.observe(BabyBear::new(tag.len() as u32));
        for chunk in tag.chunks(3) {
            let mut w = 0u32;
            for (i, b) in chunk.iter().enumerate() {
                w |= u32::from(*b) << (8 * i);
            }
            c.observe(BabyBear::new(w));
        }
        c
    }

    fn duplex(&mut self) {
        debug_assert!(self.input.len() <= RATE);
        for (s, x) in self.state.iter_mut().zip(self.input.drain(..)) {
            *s = x;
        }
        self.perm.permute_mut(&mut self.state);
        self.output.clear();
        self.output.extend_from_slice(&self.state[..RATE]);
    }

    pub fn observe(&mut self, x: BabyBear) {
        self.output.clear();
        self.input.push(x);
        if self.input.len() == RATE {
            self.duplex();
        }
    }

    pub fn observe_slice(&mut self, xs: &[BabyBear]) {
        for &x in xs {
            self.observe(x);
        }
    }

    pub fn observe_ext(&mut self, x: BabyBearExt4) {
        self.observe_slice(&x.0);
    }

    pub fn observe_digest(&mut self, d: &Digest) {
        self.observe_slice(d);
    }

    pub fn observe_u64(&mut self, x: u64) {
        // Three limbs of 22 bits, each below p.
        for i in 0..3 {
            self.observe(BabyBear::new(((x >> (22 * i)) & 0x3f_ffff) as u32));
        }
    }

    pub fn sample(&mut self) -> BabyBear {
        if !self.input.is_empty() || self.output.is_empty() {
            self.duplex();
        }
        self.output.pop().expect("duplex fills the output")
    }

    pub fn sample_ext(&mut self) -> BabyBearExt4 {
        BabyBearExt4::new(core::array::from_fn(|_| self.sample()))
    }

    /// A uniform-enough integer of `bits` bits (at most BabyBear's two-adicity, 27): the
    /// low bits of a sample. BabyBear elements are uniform below p = 15·2^27 + 1, so the
    /// low 27 bits have a bias of at most 2^-27 per value.
    pub fn sample_bits(&mut self, bits: u32) -> usize {
        debug_assert!(bits as usize <= crate::TWO_ADICITY);
        (self.sample().as_canonical_u32() & ((1u32 << bits) - 1)) as usize
    }

    /// Whether `witness` solves the proof-of-work puzzle of `bits` bits at this point of
    /// the transcript (and absorbs it).
    pub fn check_witness(&mut self, bits: u32, witness: BabyBear) -> bool {
        if bits == 0 {
            // Nothing is ground, and the witness is 0: any other value would make a second
            // valid encoding of the same proof.
            return witness == BabyBear::new(0);
        }
        self.observe(witness);
        self.sample_bits(bits) == 0
    }

    /// Finds a proof-of-work witness of `bits` bits (expected 2^bits tries, spread over
    /// rayon's threads) and absorbs it.
    pub fn grind(&mut self, bits: u32) -> BabyBear {
        use rayon::prelude::*;
        if bits == 0 {
            return BabyBear::new(0);
        }
        // `check_witness(w)` writes the pending input and then w over the state's first
        // words, permutes, and samples word RATE − 1 of the result (the input holds fewer
        // than RATE words: `observe` duplexes when it fills). So candidates are tried in
        // batches, each a batched permutation at the CPU's SIMD level, in parallel; the
        // smallest witness wins, so proofs are deterministic.
        let mut start_state = self.state;
        for (s, &x) in start_state.iter_mut().zip(&self.input) {
            *s = x;
        }
        let slot = self.input.len();
        let mask = (1u32 << bits) - 1;
        const BATCH: u32 = 1024;
        let perm = self.perm;
        let witness = (0..P.div_ceil(BATCH))
            .into_par_iter()
            .find_map_first(|batch| {
                let first = batch * BATCH;
                let mut states: Vec<[BabyBear; WIDTH]> = (first..(first + BATCH).min(P))
                    .map(|w| {
                        let mut s = start_state;
                        s[slot] = BabyBear::new(w);
                        s
                    })
                    .collect();
                perm.permute_many(&mut states);
                let hit = states
                    .iter()
                    .position(|s| s[RATE - 1].as_canonical_u32() & mask == 0)?;
                Some(first + hit as u32)
            })
            .map(BabyBear::new)
            .expect("a witness exists with overwhelming probability");
        assert!(self.check_witness(bits, witness));
        witness
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest witness, found one candidate at a time.
    fn naive_grind(c: &Challenger, bits: u32) -> BabyBear {
        (0..P)
            .map(BabyBear::new)
            .find(|&w| c.clone().check_witness(bits, w))
            .unwrap()
    }

    #[test]
    fn batched_grinding_finds_the_smallest_witness() {
        // Every length of pending input, and enough bits that witnesses past the first
        // batch (1024 candidates) occur.
        for pending in 0..RATE {
            let mut c = Challenger::new(b"grind");
            for i in 0..(RATE + pending) as u32 {
                c.observe(BabyBear::new(1000 + i));
            }
            for bits in [1, 4, 9, 12] {
                let want = naive_grind(&c, bits);
                let (mut a, mut b) = (c.clone(), c.clone());
                assert_eq!(a.grind(bits), want, "pending {pending}, bits {bits}");
                // Both absorbed the witness: the transcripts continue alike.
                assert!(b.check_witness(bits, want));
                assert_eq!(a.sample(), b.sample());
            }
        }
    }
}
