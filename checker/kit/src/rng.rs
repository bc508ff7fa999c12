//! A small, seedable pseudo-random generator (SplitMix64) so every random scenario can be replayed.

/// A deterministic pseudo-random generator; the same seed always yields the same sequence.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// Returns a generator that starts from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng {
            state: seed ^ 0x5DEE_CE66_D1CE_4E5B,
        }
    }

    /// Returns the next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Returns a number in `0..n`, or 0 when `n` is 0.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Returns a number in the inclusive range `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        match (hi - lo).checked_add(1) {
            Some(span) => lo + self.below(span),
            None => self.next_u64(),
        }
    }

    /// Returns an index in `0..n` (`n` must not be 0).
    pub fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// Returns `true` with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// Returns a random element of `items` (which must not be empty).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// Shuffles `items` in place (Fisher–Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.index(i + 1);
            items.swap(i, j);
        }
    }

    /// Returns a number in `lo..=hi` biased to the edges: about half the draws are `lo`, `lo + 1`,
    /// `hi - 1`, `hi`, or a power of two (±1) inside the range, such as 2^32 or `u64::MAX`; the rest
    /// are uniform.
    pub fn edgy(&mut self, lo: u64, hi: u64) -> u64 {
        if lo >= hi || self.chance(50) {
            return if lo >= hi { lo } else { self.range(lo, hi) };
        }
        let mut edges = vec![
            lo,
            lo.saturating_add(1).min(hi),
            hi.saturating_sub(1).max(lo),
            hi,
        ];
        for bit in [8u32, 16, 31, 32, 53, 63] {
            let p = 1u64 << bit;
            for v in [p - 1, p, p.saturating_add(1)] {
                if (lo..=hi).contains(&v) {
                    edges.push(v);
                }
            }
        }
        *self.pick(&edges)
    }

    /// Returns a signed number in `lo..=hi` biased to the edges as [`Rng::edgy`] is, with 0, ±1 and
    /// the ends of the range (such as `i64::MIN`) among them.
    pub fn edgy_i64(&mut self, lo: i64, hi: i64) -> i64 {
        if lo >= hi {
            return lo;
        }
        if self.chance(50) {
            let offset = self.range(0, hi.abs_diff(lo));
            return lo.wrapping_add(offset as i64);
        }
        let mut edges = vec![lo, lo.saturating_add(1), hi.saturating_sub(1), hi];
        for v in [-1, 0, 1, i64::from(i32::MIN), i64::from(i32::MAX), 1 << 32] {
            if (lo..=hi).contains(&v) {
                edges.push(v);
            }
        }
        *self.pick(&edges)
    }

    /// Returns a short string biased to awkward text: empty, one character, spaces, mixed case,
    /// non-ASCII (accents, CJK, an emoji), quotes, a backslash, a NUL; about half the draws are plain
    /// lowercase ASCII words of up to `max_len` characters.
    pub fn edgy_text(&mut self, max_len: usize) -> String {
        const PIECES: &[&str] = &[
            "", "a", "A", " ", "  x ", "é", "ß", "日本", "🦀", "'", "\"", "\\", "\0", "\t", "Ω≈ç",
            "a b", "ÀÉ", "z", "0", "-1",
        ];
        if self.chance(50) {
            let len = self.below(max_len as u64 + 1) as usize;
            return (0..len)
                .map(|_| char::from(b'a' + self.below(26) as u8))
                .collect();
        }
        let mut out = String::new();
        for _ in 0..self.range(1, 3) {
            out.push_str(PIECES[self.index(PIECES.len())]);
        }
        out
    }

    /// Returns a fresh generator derived from this one, for handing to another thread.
    pub fn fork(&mut self) -> Rng {
        Rng::new(self.next_u64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edgy_numbers_stay_in_range_and_hit_the_edges_often() {
        let mut rng = Rng::new(7);
        let draws: Vec<u64> = (0..2000).map(|_| rng.edgy(0, u64::MAX)).collect();
        for edge in [0, 1, u64::MAX - 1, u64::MAX, 1 << 32, (1 << 32) - 1] {
            assert!(draws.contains(&edge), "never drew {edge}");
        }
        let small: Vec<u64> = (0..500).map(|_| rng.edgy(3, 10)).collect();
        assert!(small.iter().all(|v| (3..=10).contains(v)));
        assert!(small.iter().filter(|v| **v == 3 || **v == 10).count() > 60);
        assert_eq!(rng.edgy(5, 5), 5);
    }

    #[test]
    fn edgy_signed_numbers_stay_in_range_and_hit_zero_and_the_ends() {
        let mut rng = Rng::new(9);
        let draws: Vec<i64> = (0..2000)
            .map(|_| rng.edgy_i64(i64::MIN, i64::MAX))
            .collect();
        for edge in [i64::MIN, i64::MAX, 0, -1, 1] {
            assert!(draws.contains(&edge), "never drew {edge}");
        }
        assert!((0..500).all(|_| (-3..=4).contains(&rng.edgy_i64(-3, 4))));
    }

    #[test]
    fn edgy_text_includes_empty_and_non_ascii_strings() {
        let mut rng = Rng::new(11);
        let draws: Vec<String> = (0..500).map(|_| rng.edgy_text(6)).collect();
        assert!(draws.iter().any(String::is_empty));
        assert!(draws.iter().any(|s| !s.is_ascii()));
        assert!(draws
            .iter()
            .any(|s| s.len() > 1 && s.bytes().all(|b| b.is_ascii_lowercase())));
    }
}
