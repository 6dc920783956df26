//! Random pairs of records, drawn by a small deterministic generator, so
//! that the same data always gives the same sample (and the same weights).

/// xorshift64*: fast, deterministic, good enough for sampling.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// A number below `n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// Up to `count` pairs of two different records among `n` (fewer when
/// there are fewer pairs), always the same for the same `n` and `count`.
pub fn random_pairs(n: usize, count: usize) -> Vec<(u32, u32)> {
    if n < 2 {
        return Vec::new();
    }
    let draws = count.min(n * (n - 1) / 2);
    let mut rng = Rng::new(0x006b_6172_7465);
    (0..draws)
        .map(|_| {
            let a = rng.below(n);
            let mut b = rng.below(n - 1);
            if b >= a {
                b += 1;
            }
            (a.min(b) as u32, a.max(b) as u32)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_two_records_and_repeatable() {
        let p = random_pairs(5, 100);
        assert_eq!(p.len(), 10);
        assert!(p.iter().all(|&(a, b)| a < b && b < 5));
        assert_eq!(p, random_pairs(5, 100));
        assert!(random_pairs(1, 10).is_empty());
    }
}
