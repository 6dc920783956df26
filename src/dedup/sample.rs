//! Random pairs of records, drawn by a small deterministic generator, so
//! that the same data always gives the same sample (and the same weights).

use crate::rng::Rng;

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
