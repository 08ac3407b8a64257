//! Seeded random staffing instances, for tests and the benchmark. Same seed and settings, same
//! instance, on every machine: the generator uses its own small PRNG (splitmix64) and integer
//! arithmetic wherever the result lands in the instance.

use super::problem::{Agent, Choice, Job, Problem};

/// The splitmix64 generator: tiny, fast, and good enough for test data.
#[derive(Debug, Clone)]
pub struct SplitMix(u64);

impl SplitMix {
    pub fn new(seed: u64) -> SplitMix {
        SplitMix(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (0 when n is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        // Multiply-shift maps 64 random bits onto 0..n with negligible bias for small n.
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// Uniform in lo..=hi (lo when hi < lo).
    pub fn between(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo) as u64 + 1) as i64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
}

/// The shape of a generated instance.
#[derive(Debug, Clone, PartialEq)]
pub struct GenSettings {
    pub agents: usize,
    pub jobs: usize,
    pub weeks: usize,
    /// Minutes requested over minutes free, all jobs and agents (about; durations are drawn to
    /// hit it on average). Above 1 not everything can be filled.
    pub tightness: f64,
    /// Agents are split evenly into this many role pools; each job draws its options from one
    /// pool (the caller's role filter). Fewer roles, more competition between jobs.
    pub roles: usize,
    /// Options per job, drawn uniformly from this range and capped by the pool size.
    pub options_min: usize,
    pub options_max: usize,
    /// Share of jobs that are hard.
    pub hard_share: f64,
    /// Copied into the problem.
    pub over_target_penalty: i64,
}

impl GenSettings {
    /// A staffing-like instance: 40-hour weeks with existing bookings, a few holidays, requests of
    /// 8 to 40 hours a week, 20 to 200 eligible people each, a third of them hard.
    pub fn staffing(agents: usize, jobs: usize, weeks: usize) -> GenSettings {
        GenSettings {
            agents,
            jobs,
            weeks,
            tightness: 0.9,
            roles: (agents / 250).max(1),
            options_min: 20,
            options_max: 200,
            hard_share: 0.3,
            over_target_penalty: 1,
        }
    }
}

/// Generates an instance from `seed` and `settings`. Values are priority (1 to 5) times fit (500
/// to 1000 thousandths) times 10, so a job is worth 5,000 to 50,000 against a penalty of
/// `over_target_penalty` per minute over target.
pub fn generate(seed: u64, settings: &GenSettings) -> Problem {
    let mut rng = SplitMix::new(seed);
    let weeks = settings.weeks;
    let roles = settings.roles.max(1);
    let mut pools: Vec<Vec<u32>> = vec![Vec::new(); roles];
    let mut agents = Vec::with_capacity(settings.agents);
    let mut free_total: i64 = 0;
    for a in 0..settings.agents {
        pools[a % roles].push(a as u32);
        let capacity: i64 = if rng.chance(0.2) { 1920 } else { 2400 };
        let mut free = vec![capacity; weeks];
        let mut booked_total = 0;
        if weeks > 0 {
            // An existing project: some hours a week over a block of weeks.
            if rng.chance(0.6) {
                let hours = 60 * [8, 16, 24, 32][rng.below(4) as usize];
                let len = rng.between(1, weeks as i64) as usize;
                let first = rng.below((weeks - len + 1) as u64) as usize;
                for f in &mut free[first..first + len] {
                    *f -= hours;
                    booked_total += hours;
                }
            }
            // A holiday of a week or two.
            if rng.chance(0.3) {
                let len = rng.between(1, 2).min(weeks as i64) as usize;
                let first = rng.below((weeks - len + 1) as u64) as usize;
                free[first..first + len].iter_mut().for_each(|f| *f = 0);
            }
            // Now and then a week already overbooked.
            if rng.chance(0.02) {
                let week = rng.below(weeks as u64) as usize;
                free[week] = -60 * rng.between(1, 8);
            }
        }
        free_total += free.iter().map(|&f| f.max(0)).sum::<i64>();
        // Target: 85 % of capacity over the horizon, less what is already booked.
        let target_left = capacity * weeks as i64 * 85 / 100 - booked_total;
        agents.push(Agent { free, target_left });
    }
    // Durations are drawn so that the expected demand meets the tightness.
    let hours = [8i64, 16, 20, 24, 32, 40];
    let mean_minutes = hours.iter().sum::<i64>() * 60 / hours.len() as i64;
    let per_job = settings.tightness * free_total as f64 / settings.jobs.max(1) as f64;
    // Clamped, so odd settings (no jobs, infinite tightness) still give valid lengths.
    let mean_len = ((per_job / mean_minutes as f64).round() as i64).clamp(1, weeks.max(1) as i64);
    let (len_lo, len_hi) = ((mean_len / 2).max(1), (mean_len * 3 / 2).max(1));
    let mut jobs = Vec::with_capacity(settings.jobs);
    for _ in 0..settings.jobs {
        if weeks == 0 {
            jobs.push(Job::default());
            continue;
        }
        let len = rng.between(len_lo, len_hi).clamp(1, weeks as i64) as usize;
        let first = rng.below((weeks - len + 1) as u64) as usize;
        let minutes = 60 * hours[rng.below(hours.len() as u64) as usize];
        let mut profile = vec![minutes; len];
        if len > 2 && rng.chance(0.25) {
            // Ramp up and down: half time in the first and last week.
            profile[0] = minutes / 2;
            profile[len - 1] = minutes / 2;
        }
        let pool = &pools[rng.below(roles as u64) as usize];
        let count = rng
            .between(settings.options_min as i64, settings.options_max as i64)
            .max(0) as usize;
        let count = count.min(pool.len());
        // Partial Fisher-Yates: the first `count` of a shuffled copy of the pool.
        let mut picks = pool.clone();
        for i in 0..count {
            let k = i + rng.below((picks.len() - i) as u64) as usize;
            picks.swap(i, k);
        }
        let priority = rng.between(1, 5);
        let options = picks[..count]
            .iter()
            .map(|&agent| Choice {
                agent,
                value: priority * rng.between(500, 1000) * 10,
                scale: 1,
            })
            .collect();
        jobs.push(Job {
            hard: rng.chance(settings.hard_share),
            first_week: first,
            profile,
            options,
        });
    }
    Problem {
        weeks,
        agents,
        jobs,
        over_target_penalty: settings.over_target_penalty,
    }
}
