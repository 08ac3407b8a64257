//! Axis ticks people read at a glance: from zero in steps of 1, 2 or 5 × 10ⁿ, the axis
//! ending on the first step at or above the highest value — never 0, 0.2, 0.5, 0.8, 1.

/// The ticks of an axis from 0 to `top`, `step` apart.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticks {
    pub step: f64,
    pub top: f64,
    pub values: Vec<f64>,
}

/// Steps per magnitude, smallest first.
const STEPS: [f64; 4] = [1.0, 2.0, 5.0, 10.0];

/// Ticks for values up to `highest` in at most `want + 1` steps: the smallest nice step
/// that does it, so the axis ends close above the data. With `whole`, the step is at
/// least 1 — for counts, which have no fractions.
pub fn ticks(highest: f64, want: usize, whole: bool) -> Ticks {
    let want = want.max(2) as f64;
    let highest = if highest.is_finite() && highest > 0.0 {
        highest
    } else {
        0.0
    };
    if highest == 0.0 {
        return Ticks {
            step: 1.0,
            top: 1.0,
            values: vec![0.0, 1.0],
        };
    }
    let raw = highest / (want + 1.0);
    let magnitude = 10f64.powf(raw.log10().floor());
    let mut step = STEPS
        .iter()
        .map(|s| s * magnitude)
        .find(|s| *s >= raw * 0.999_999 && (highest / s - 1e-9).ceil() <= want + 1.0)
        .unwrap_or(10.0 * magnitude);
    if whole {
        step = step.max(1.0).round();
    }
    let n = (highest / step - 1e-9).ceil().max(1.0) as usize;
    let values = (0..=n).map(|i| tidy(i as f64 * step)).collect();
    Ticks {
        step,
        top: tidy(n as f64 * step),
        values,
    }
}

/// Rounds away the binary noise of `i × 0.1`.
fn tidy(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

impl Ticks {
    /// A tick's label: as many decimals as the step needs, and the unit (`60 %`).
    pub fn label(&self, v: f64, unit: &str) -> String {
        let decimals = if self.step >= 1.0 {
            0
        } else {
            (-self.step.log10().floor()) as usize
        };
        let n = format!("{v:.decimals$}");
        if unit.is_empty() { n } else { format!("{n} {unit}") }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_nice(step: f64) -> bool {
        let m = 10f64.powf(step.log10().floor());
        [1.0, 2.0, 5.0].iter().any(|s| ((step / m) - s).abs() < 1e-9)
    }

    #[test]
    fn steps_are_one_two_or_five_times_a_power_of_ten() {
        for highest in [
            0.3, 0.8, 1.0, 1.2, 3.0, 7.0, 9.9, 13.0, 28.0, 64.5, 99.0, 100.0, 104.0, 296.8, 5000.0, 1e7,
        ] {
            for want in [3, 4, 5, 6] {
                let t = ticks(highest, want, false);
                assert!(is_nice(t.step), "{highest}/{want}: step {}", t.step);
                assert!(t.top >= highest - 1e-9, "{highest}: top {}", t.top);
                assert!(t.top - t.step < highest, "{highest}: no empty step on top ({t:?})");
                assert_eq!(t.values.first(), Some(&0.0));
                assert!(
                    t.values.len() >= 2 && t.values.len() <= want + 3,
                    "{highest}/{want}: {t:?}"
                );
                for pair in t.values.windows(2) {
                    assert!(((pair[1] - pair[0]) - t.step).abs() < 1e-6, "{t:?}");
                }
            }
        }
    }

    #[test]
    fn a_unit_axis_never_reads_0_0_2_0_5_0_8_1() {
        let t = ticks(1.0, 2, false);
        assert_eq!(t.values, [0.0, 0.5, 1.0]);
        let t = ticks(1.0, 5, false);
        assert_eq!(t.values, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(t.label(0.4, ""), "0.4");
    }

    #[test]
    fn percentages_and_counts() {
        let t = ticks(100.0, 5, false);
        assert_eq!(t.values, [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(t.label(60.0, "%"), "60 %");
        let t = ticks(104.0, 5, false);
        assert_eq!((t.step, t.top), (20.0, 120.0));
        // Counts: whole steps even when there are few.
        assert_eq!(ticks(1.0, 5, true).values, [0.0, 1.0]);
        assert_eq!(ticks(3.0, 5, true).values, [0.0, 1.0, 2.0, 3.0]);
        assert_eq!(ticks(7.0, 5, true).values, [0.0, 2.0, 4.0, 6.0, 8.0]);
        let big = ticks(4321.0, 5, true);
        assert_eq!((big.step, big.top), (1000.0, 5000.0));
        assert_eq!(big.label(3000.0, ""), "3000");
    }

    #[test]
    fn nothing_to_show_still_gives_an_axis() {
        for v in [0.0, -3.0, f64::NAN, f64::INFINITY] {
            assert_eq!(ticks(v, 5, false).values, [0.0, 1.0]);
        }
    }
}
