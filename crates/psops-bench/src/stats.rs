//! Percentiles and the way figures are written in the report.

use std::time::Duration;

/// Timings of repeated requests, sorted once.
#[derive(Debug, Clone)]
pub struct Samples {
    sorted: Vec<Duration>,
}

impl Samples {
    pub fn new(mut samples: Vec<Duration>) -> Samples {
        samples.sort();
        Samples { sorted: samples }
    }

    pub fn len(&self) -> usize {
        self.sorted.len()
    }

    /// The nearest-rank percentile `p` (0–100); zero when there are no samples.
    pub fn percentile(&self, p: f64) -> Duration {
        if self.sorted.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * self.sorted.len() as f64).ceil() as usize;
        self.sorted[rank.clamp(1, self.sorted.len()) - 1]
    }

    pub fn p50(&self) -> Duration {
        self.percentile(50.0)
    }

    pub fn p95(&self) -> Duration {
        self.percentile(95.0)
    }
}

/// Milliseconds with enough digits to compare small figures: `0.42 ms`, `12.3 ms`, `2301 ms`.
pub fn ms(d: Duration) -> String {
    let v = d.as_secs_f64() * 1000.0;
    if v < 10.0 {
        format!("{v:.2} ms")
    } else if v < 100.0 {
        format!("{v:.1} ms")
    } else {
        format!("{v:.0} ms")
    }
}

/// A count per second, grouped in thousands: `253,100/s`.
pub fn per_second(v: f64) -> String {
    format!("{}/s", thousands(v.round() as u64))
}

pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// How many times `slower` takes `faster`'s time: `12.4×`.
pub fn ratio(slower: Duration, faster: Duration) -> f64 {
    let f = faster.as_secs_f64();
    if f <= 0.0 {
        f64::INFINITY
    } else {
        slower.as_secs_f64() / f
    }
}

pub fn times(r: f64) -> String {
    if !r.is_finite() {
        "∞".to_string()
    } else if r < 10.0 {
        format!("{r:.2}×")
    } else {
        format!("{r:.0}×")
    }
}

/// How psops compares with an alternative `r` times its time: `12× faster`, `1.50× slower`.
pub fn faster(r: f64) -> String {
    if r >= 1.0 {
        format!("{} faster", times(r))
    } else {
        format!("{} slower", times(1.0 / r))
    }
}

/// The median of a few durations (the slower middle one for an even count).
pub fn median(v: &[Duration]) -> Duration {
    Samples::new(v.to_vec()).p50()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms_list(v: &[u64]) -> Samples {
        Samples::new(v.iter().map(|&m| Duration::from_millis(m)).collect())
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let s = ms_list(&[5, 1, 4, 2, 3, 6, 7, 8, 9, 10]);
        assert_eq!(s.p50(), Duration::from_millis(5));
        assert_eq!(s.p95(), Duration::from_millis(10));
        assert_eq!(s.percentile(0.0), Duration::from_millis(1));
        assert_eq!(Samples::new(vec![]).p50(), Duration::ZERO);
    }

    #[test]
    fn figures_read_well() {
        assert_eq!(ms(Duration::from_micros(420)), "0.42 ms");
        assert_eq!(ms(Duration::from_micros(12_340)), "12.3 ms");
        assert_eq!(ms(Duration::from_millis(2301)), "2301 ms");
        assert_eq!(per_second(253_100.4), "253,100/s");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(
            times(ratio(Duration::from_millis(250), Duration::from_millis(20))),
            "12×"
        );
        assert_eq!(times(1.5), "1.50×");
        assert_eq!(times(ratio(Duration::from_millis(1), Duration::ZERO)), "∞");
        assert_eq!(faster(12.4), "12× faster");
        assert_eq!(faster(0.5), "2.00× slower");
    }
}
