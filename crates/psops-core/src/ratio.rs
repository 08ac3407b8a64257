//! Exact fractions for capacity and utilization arithmetic. Pro-rating and percentages
//! stay exact (i128 numerator over a positive denominator) until the one final rounding
//! to whole minutes or basis points, so parts of a range add up to the whole.

use std::ops::{Add, Mul, Sub};

/// A reduced fraction `num / den` with `den > 0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ratio {
    num: i128,
    den: i128,
}

/// Binary (Stein's) GCD: shifts and subtractions rather than i128 division, which is a
/// library call and was a tenth of a whole-organisation report's time.
fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    if a == 0 || b == 0 {
        return (a | b) as i128;
    }
    let shift = (a | b).trailing_zeros();
    a >>= a.trailing_zeros();
    loop {
        b >>= b.trailing_zeros();
        if a > b {
            (a, b) = (b, a);
        }
        b -= a;
        if b == 0 {
            return (a << shift) as i128;
        }
    }
}

/// `a / g` for a divisor of `a`: skipped for 1, in 64 bits when both fit (i128
/// division is a library call; the values here are minutes and small fractions).
fn div(a: i128, g: i128) -> i128 {
    match (i64::try_from(a), i64::try_from(g)) {
        _ if g == 1 => a,
        (Ok(a), Ok(g)) if g != -1 => i128::from(a / g),
        _ => a / g,
    }
}

impl Ratio {
    pub const ZERO: Ratio = Ratio { num: 0, den: 1 };

    /// `num / den`, or `None` when `den` is zero.
    pub fn new(num: i128, den: i128) -> Option<Ratio> {
        if den == 0 {
            return None;
        }
        let sign = den.signum();
        let g = gcd(num, den).max(1);
        Some(Ratio {
            num: sign * div(num, g),
            den: sign * div(den, g),
        })
    }

    pub fn int(n: i128) -> Ratio {
        Ratio { num: n, den: 1 }
    }

    pub fn num(self) -> i128 {
        self.num
    }

    pub fn den(self) -> i128 {
        self.den
    }

    /// Rounds to the nearest integer, halves away from minus infinity (`floor(x + ½)`),
    /// saturating at the bounds of i64.
    pub fn round_half_up(self) -> i64 {
        let r = (2 * self.num + self.den).div_euclid(2 * self.den);
        i64::try_from(r).unwrap_or(if r < 0 { i64::MIN } else { i64::MAX })
    }

    pub fn min(self, other: Ratio) -> Ratio {
        if self <= other { self } else { other }
    }

    pub fn max(self, other: Ratio) -> Ratio {
        if self >= other { self } else { other }
    }
}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ratio {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // Both denominators are positive, so cross-multiplying keeps the order.
        (self.num * other.den).cmp(&(other.num * self.den))
    }
}

impl Add for Ratio {
    type Output = Ratio;
    fn add(self, rhs: Ratio) -> Ratio {
        // Whole numbers (every full-time day) need no reducing.
        if self.den == 1 && rhs.den == 1 {
            return Ratio::int(self.num + rhs.num);
        }
        let g = gcd(self.den, rhs.den);
        let lcm = self.den / g * rhs.den;
        let num = self.num * (lcm / self.den) + rhs.num * (lcm / rhs.den);
        Ratio::new(num, lcm).unwrap_or(Ratio::ZERO)
    }
}

impl Sub for Ratio {
    type Output = Ratio;
    fn sub(self, rhs: Ratio) -> Ratio {
        self + Ratio {
            num: -rhs.num,
            den: rhs.den,
        }
    }
}

impl Mul for Ratio {
    type Output = Ratio;
    fn mul(self, rhs: Ratio) -> Ratio {
        if self.den == 1 && rhs.den == 1 {
            return Ratio::int(self.num * rhs.num);
        }
        // Cross-reduce first so products stay small over long sums.
        let g1 = gcd(self.num, rhs.den).max(1);
        let g2 = gcd(rhs.num, self.den).max(1);
        Ratio::new(
            div(self.num, g1) * div(rhs.num, g2),
            div(self.den, g2) * div(rhs.den, g1),
        )
        .unwrap_or(Ratio::ZERO)
    }
}

impl std::iter::Sum for Ratio {
    fn sum<I: Iterator<Item = Ratio>>(iter: I) -> Ratio {
        iter.fold(Ratio::ZERO, Add::add)
    }
}

/// `part ÷ whole` as basis points (10000 = 100 %) rounded half up; `None` when `whole`
/// is zero, because a ratio of nothing is unknown rather than 0 %.
pub fn basis_points(part: i64, whole: i64) -> Option<i64> {
    // Rounded as `Ratio::round_half_up` rounds, without reducing the fraction first: a
    // report of 5,000 people takes 35,000 of these, and the reduction's GCD was most of
    // their cost. Scaling a fraction does not move its rounding.
    if whole == 0 {
        return None;
    }
    let (n, d) = (i128::from(part) * 10_000, i128::from(whole));
    let (n, d) = if d < 0 { (-n, -d) } else { (n, d) };
    let r = (2 * n + d).div_euclid(2 * d);
    Some(i64::try_from(r).unwrap_or(if r < 0 { i64::MIN } else { i64::MAX }))
}

/// Basis points as a percentage with one decimal, rounded half up: 7025 → `70.3%`.
/// Written digit by digit: a report's JSON writes seven a row.
pub fn percent_text(bp: i64) -> String {
    let tenths = (bp.unsigned_abs() + 5) / 10;
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut whole = tenths / 10;
    loop {
        at -= 1;
        digits[at] = b'0' + (whole % 10) as u8;
        whole /= 10;
        if whole == 0 {
            break;
        }
    }
    let mut out = String::with_capacity(digits.len() - at + 4);
    if bp < 0 {
        out.push('-');
    }
    out.extend(digits[at..].iter().map(|d| char::from(*d)));
    out.push('.');
    out.push(char::from(b'0' + (tenths % 10) as u8));
    out.push('%');
    out
}

/// `value × bp ÷ 10000`, exactly.
pub fn apply_bp(value: Ratio, bp: i64) -> Ratio {
    value * Ratio::new(i128::from(bp), 10_000).unwrap_or(Ratio::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn r(n: i128, d: i128) -> Ratio {
        Ratio::new(n, d).unwrap()
    }

    #[test]
    fn percentages_keep_one_decimal() {
        assert_eq!(percent_text(7000), "70.0%");
        assert_eq!(percent_text(7025), "70.3%");
        assert_eq!(percent_text(5549), "55.5%");
        assert_eq!(percent_text(0), "0.0%");
        assert_eq!(percent_text(12_345), "123.5%");
        assert_eq!(percent_text(-15), "-0.2%");
    }

    #[test]
    fn reduces_and_keeps_the_sign_on_top() {
        assert_eq!(r(6, -8), r(-3, 4));
        assert_eq!((r(-3, 4).num(), r(-3, 4).den()), (-3, 4));
        assert_eq!(Ratio::new(1, 0), None);
        assert_eq!(r(0, 5), Ratio::ZERO);
    }

    #[test]
    fn rounds_halves_up() {
        assert_eq!(r(5, 2).round_half_up(), 3);
        assert_eq!(r(-5, 2).round_half_up(), -2);
        assert_eq!(r(7, 3).round_half_up(), 2);
        assert_eq!(r(8, 3).round_half_up(), 3);
        assert_eq!(Ratio::int(i128::MAX / 4).round_half_up(), i64::MAX);
    }

    #[test]
    fn arithmetic_is_exact() {
        assert_eq!(r(1, 3) + r(1, 6), r(1, 2));
        assert_eq!(r(1, 3) - r(1, 2), r(-1, 6));
        assert_eq!(r(2, 3) * r(9, 4), r(3, 2));
        assert_eq!([r(1, 3), r(1, 3), r(1, 3)].into_iter().sum::<Ratio>(), r(1, 1));
        assert_eq!(r(1, 3).min(r(1, 4)), r(1, 4));
        assert_eq!(r(1, 3).max(r(1, 4)), r(1, 3));
        // Past 64 bits the division takes the long way.
        let big = i128::from(i64::MAX) * 6;
        assert_eq!(r(big, 4), r(i128::from(i64::MAX) * 3, 2));
        assert_eq!(r(big, 3) * r(1, 2), Ratio::int(i128::from(i64::MAX)));
    }

    #[test]
    fn basis_points_round_and_refuse_zero_divisors() {
        assert_eq!(basis_points(17808, 25440), Some(7000));
        assert_eq!(basis_points(1, 3), Some(3333));
        assert_eq!(basis_points(2, 3), Some(6667));
        assert_eq!(basis_points(1, 20_000), Some(1)); // exactly half a basis point
        assert_eq!(basis_points(5, 0), None);
        assert_eq!(apply_bp(Ratio::int(25440), 5500), Ratio::int(13992));
    }

    proptest! {
        #[test]
        fn basis_points_round_as_the_exact_fraction_does(part in -10_000_000i64..10_000_000, whole in -1_000_000i64..1_000_000) {
            let exact = Ratio::new(i128::from(part) * 10_000, i128::from(whole)).map(Ratio::round_half_up);
            prop_assert_eq!(basis_points(part, whole), exact);
        }

        #[test]
        fn percent_text_is_the_formatted_tenths(bp in -2_000_000i64..2_000_000) {
            let sign = if bp < 0 { "-" } else { "" };
            let tenths = (bp.unsigned_abs() + 5) / 10;
            prop_assert_eq!(percent_text(bp), format!("{sign}{}.{}%", tenths / 10, tenths % 10));
        }

        #[test]
        fn rounding_is_within_half(n in -1_000_000i128..1_000_000, d in 1i128..10_000) {
            let x = r(n, d);
            let k = i128::from(x.round_half_up());
            // |x − k| ≤ ½, with an exact half rounding up
            prop_assert!(2 * (n - k * d).abs() <= d);
            prop_assert!(2 * (n - k * d) < d);
        }

        #[test]
        fn binary_gcd_is_euclids(a in any::<i64>(), b in any::<i64>(), k in 0u32..60) {
            let (a, b) = (i128::from(a) << k, i128::from(b) << (k / 2));
            let (mut x, mut y) = (a.abs(), b.abs());
            while y != 0 {
                (x, y) = (y, x % y);
            }
            prop_assert_eq!(gcd(a, b), x);
        }

        #[test]
        fn sums_match_a_common_denominator(a in -1000i128..1000, b in 1i128..50, c in -1000i128..1000, d in 1i128..50) {
            prop_assert_eq!(r(a, b) + r(c, d), r(a * d + c * b, b * d));
            prop_assert_eq!(r(a, b) * r(c, d), r(a * c, b * d));
        }
    }
}
