//! The demo's seeded generator, so the demo organisation is the same for the same seed on
//! every machine and release, without a dependency.

use psops_core::staffing::optimize::SplitMix;

/// A SplitMix64 stream (Steele, Lea and Flood, 2014): core's generator, with the draws
/// the demo makes. `chance` takes whole percents, not core's probability, and `derive`
/// splits streams: both decide the demo's output and must keep their arithmetic.
#[derive(Debug, Clone)]
pub struct Rng(SplitMix);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(SplitMix::new(seed))
    }

    /// An independent stream for one part of the organisation (a person, a project).
    pub fn derive(seed: u64, stream: u64) -> Rng {
        let mut r = Rng::new(seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
        r.next_u64();
        r
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// A whole number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.0.below(n)
    }

    /// A whole number in `lo..=hi`.
    pub fn between(&mut self, lo: i64, hi: i64) -> i64 {
        self.0.between(lo, hi)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// One element of a non-empty slice; the first when it is empty is impossible, so
    /// callers pass constants.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_stream() {
        let a: Vec<u64> = (0..5).map(|_| Rng::new(7).next_u64()).collect();
        let mut r = Rng::new(7);
        assert_eq!(a[0], r.next_u64());
        let mut x = Rng::derive(42, 3);
        let mut y = Rng::derive(42, 3);
        let mut z = Rng::derive(42, 4);
        let (xs, ys, zs): (Vec<_>, Vec<_>, Vec<_>) = (0..8).map(|_| (x.next_u64(), y.next_u64(), z.next_u64())).fold(
            (vec![], vec![], vec![]),
            |mut acc, (a, b, c)| {
                acc.0.push(a);
                acc.1.push(b);
                acc.2.push(c);
                acc
            },
        );
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
    }

    /// The draws the demo made before it used core's generator: the organisation a seed
    /// makes depends on every one of them.
    #[test]
    fn the_stream_is_the_one_the_demo_has_always_drawn() {
        let mut r = Rng::new(42);
        let first: Vec<u64> = (0..3).map(|_| r.next_u64()).collect();
        assert_eq!(first, [13679457532755275413, 2949826092126892291, 5139283748462763858]);
        let mut d = Rng::derive(42, 71);
        let between: Vec<i64> = (0..6).map(|_| d.between(-3, 40)).collect();
        assert_eq!(between, [-1, 26, 12, 20, 30, -3]);
        let below: Vec<u64> = (0..6).map(|_| d.below(1000)).collect();
        assert_eq!(below, [60, 542, 139, 582, 365, 647]);
        let chance: Vec<bool> = (0..8).map(|_| d.chance(40)).collect();
        assert_eq!(chance, [false, true, false, false, true, false, true, false]);
        let picked: Vec<&str> = (0..6).map(|_| *d.pick(&["a", "b", "c", "d", "e"])).collect();
        assert_eq!(picked, ["e", "c", "b", "e", "c", "e"]);
    }

    #[test]
    fn ranges_are_respected() {
        let mut r = Rng::new(1);
        for _ in 0..10_000 {
            let v = r.between(-3, 4);
            assert!((-3..=4).contains(&v));
            assert!(r.below(10) < 10);
        }
        assert_eq!(r.between(5, 5), 5);
        assert_eq!(r.below(0), 0);
    }
}
