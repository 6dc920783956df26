//! A small deterministic random number generator (xorshift64*): fast, and
//! the same sequence for the same seed on every machine, so that dedup's
//! random pairs (and the weights learned from them) and the readers' fuzz
//! inputs repeat run after run.

/// xorshift64*.
pub struct Rng(u64);

impl Rng {
    /// A generator started at `seed` (0 is taken as 1: xorshift never
    /// leaves 0).
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }
}
