//! An upper bound on the optimum by Lagrangian relaxation of the capacity and target constraints.
//!
//! The problem as a MIP (x_o binary per option o of job j on agent a, o_a >= 0 the minutes over
//! target):
//!
//! ```text
//! max  sum_o c_o x_o - P sum_a o_a
//!      sum_{o in j} x_o <= 1                          for every job j
//!      sum_{o on a} load_o(w) x_o <= cap_aw           for every agent a and week w
//!      sum_{o on a} L_o x_o - o_a <= T_a              for every agent a
//! ```
//!
//! with c_o the value plus the hard bonus, L_o the option's total load and T_a = max(target_left, 0).
//! Moving the capacity rows into the objective with multipliers mu_aw >= 0 and the target rows
//! with lambda_a in [0, P] leaves, for any such multipliers,
//!
//! ```text
//! OPT <= sum_j max(0, max_{o in j} r_o) + sum_aw mu_aw cap_aw + sum_a lambda_a T_a
//! r_o  = c_o - sum_w mu_aw load_o(w) - lambda_a L_o
//! ```
//!
//! (the o_a terms have coefficient lambda_a - P <= 0, so o_a = 0 maximises them). Each job then
//! simply takes its best reduced option. The multipliers are tuned by projected subgradient
//! steps with Polyak step lengths, in floating point. The bound itself is then recomputed exactly:
//! the multipliers are rounded to multiples of 2^-20 (still valid multipliers) and the formula is
//! evaluated in i128, so the reported bound holds whatever rounding the search suffered.

use super::model::Model;

/// Fixed-point scale of the exact evaluation.
const SCALE: f64 = (1u64 << 20) as f64;

#[derive(Debug, Clone)]
pub(crate) struct Multipliers {
    /// Per agent and week (row-major by agent).
    pub mu: Vec<f64>,
    /// Per agent, within [0, penalty].
    pub lambda: Vec<f64>,
}

impl Multipliers {
    pub fn zero(model: &Model) -> Multipliers {
        Multipliers {
            mu: vec![0.0; model.agents * model.weeks],
            lambda: vec![0.0; model.agents],
        }
    }
}

/// Reduced coefficient of every option under the multipliers (float, for steering).
pub(crate) fn price(model: &Model, mult: &Multipliers, reduced: &mut Vec<f64>) {
    let weeks = model.weeks;
    // Prefix sums of mu per agent, so a flat job's price is one subtraction.
    let mut prefix = vec![0.0f64; model.agents * (weeks + 1)];
    for a in 0..model.agents {
        let row = &mut prefix[a * (weeks + 1)..(a + 1) * (weeks + 1)];
        for w in 0..weeks {
            row[w + 1] = row[w] + mult.mu[a * weeks + w];
        }
    }
    reduced.clear();
    reduced.resize(model.options(), 0.0);
    for job in &model.jobs {
        for o in job.options.clone() {
            let a = model.opt_agent[o] as usize;
            let scale = model.opt_scale[o] as f64;
            let priced = match job.flat {
                Some(m) => {
                    let row = &prefix[a * (weeks + 1)..];
                    (m as f64) * scale * (row[job.first + job.profile.len()] - row[job.first])
                }
                None => {
                    let mu = &mult.mu[a * weeks + job.first..];
                    job.profile.iter().zip(mu).map(|(&m, &u)| m as f64 * u).sum::<f64>() * scale
                }
            };
            reduced[o] = model.opt_coef[o] as f64 - priced - mult.lambda[a] * model.opt_load[o] as f64;
        }
    }
}

/// Projected subgradient descent on the Lagrangian dual.
pub(crate) struct Subgradient<'m> {
    model: &'m Model,
    pub current: Multipliers,
    pub best: Multipliers,
    pub best_value: f64,
    theta: f64,
    stale: u32,
    reduced: Vec<f64>,
    usage: Vec<f64>,
    total: Vec<f64>,
    /// Set when a step can no longer improve the bound (zero subgradient or bound met).
    pub done: bool,
}

impl<'m> Subgradient<'m> {
    pub fn new(model: &'m Model) -> Subgradient<'m> {
        Subgradient {
            model,
            current: Multipliers::zero(model),
            best: Multipliers::zero(model),
            best_value: f64::INFINITY,
            theta: 1.0,
            stale: 0,
            reduced: Vec::new(),
            usage: vec![0.0; model.agents * model.weeks],
            total: vec![0.0; model.agents],
            done: false,
        }
    }

    /// One step: evaluates the dual at the current multipliers, then moves them. `lower` is the
    /// best known plan's objective (the Polyak target). Returns the (float) dual value.
    pub fn step(&mut self, lower: i64) -> f64 {
        let m = self.model;
        let weeks = m.weeks;
        price(m, &self.current, &mut self.reduced);
        self.usage.iter_mut().for_each(|u| *u = 0.0);
        self.total.iter_mut().for_each(|t| *t = 0.0);
        let mut value = 0.0;
        for job in &m.jobs {
            let best = job
                .options
                .clone()
                .max_by(|&x, &y| self.reduced[x].total_cmp(&self.reduced[y]));
            let Some(o) = best.filter(|&o| self.reduced[o] > 0.0) else {
                continue;
            };
            value += self.reduced[o];
            let a = m.opt_agent[o] as usize;
            let scale = m.opt_scale[o] as f64;
            for (k, &minutes) in job.profile.iter().enumerate() {
                self.usage[a * weeks + job.first + k] += minutes as f64 * scale;
            }
            self.total[a] += m.opt_load[o] as f64;
        }
        for (i, &mu) in self.current.mu.iter().enumerate() {
            value += mu * m.cap[i] as f64;
        }
        for (a, &lambda) in self.current.lambda.iter().enumerate() {
            value += lambda * m.target[a] as f64;
        }
        if value < self.best_value {
            self.best_value = value;
            self.best.mu.clone_from(&self.current.mu);
            self.best.lambda.clone_from(&self.current.lambda);
            self.stale = 0;
        } else {
            self.stale += 1;
            if self.stale >= 20 {
                self.theta = (self.theta * 0.5).max(1e-6);
                self.stale = 0;
            }
        }
        // The subgradient of the dual is the slack of each relaxed row; only components that can
        // move the multipliers (not pinned at a bound) count towards the step length.
        let mut norm = 0.0;
        for (i, &mu) in self.current.mu.iter().enumerate() {
            let g = m.cap[i] as f64 - self.usage[i];
            if mu > 0.0 || g < 0.0 {
                norm += g * g;
            }
        }
        let penalty = m.penalty as f64;
        for (a, &lambda) in self.current.lambda.iter().enumerate() {
            let g = m.target[a] as f64 - self.total[a];
            if (lambda > 0.0 || g < 0.0) && (lambda < penalty || g > 0.0) && penalty > 0.0 {
                norm += g * g;
            }
        }
        let gap = value - lower as f64;
        if norm <= 0.0 || gap < 1.0 - 1e-9 {
            // Either the relaxed optimum is feasible and complementary, or the bound already
            // meets the best plan: more steps cannot help.
            self.done = true;
            return value;
        }
        let step = self.theta * gap / norm;
        for (i, mu) in self.current.mu.iter_mut().enumerate() {
            let g = m.cap[i] as f64 - self.usage[i];
            *mu = (*mu - step * g).max(0.0);
        }
        for (a, lambda) in self.current.lambda.iter_mut().enumerate() {
            let g = m.target[a] as f64 - self.total[a];
            *lambda = (*lambda - step * g).clamp(0.0, penalty);
        }
        value
    }
}

/// The dual value at `mult`, rounded to valid fixed-point multipliers and evaluated exactly: a
/// proven upper bound on the optimum (integer, since every plan's objective is).
pub(crate) fn exact_bound(model: &Model, mult: &Multipliers) -> i64 {
    let weeks = model.weeks;
    let scale = SCALE as i128;
    let quantize = |x: f64, top: i128| -> i128 {
        // `as` saturates and maps NaN to 0, so any float gives a multiplier in range.
        ((x * SCALE).floor() as i128).clamp(0, top)
    };
    // Any multiplier >= 0 is valid; capping them at 2^40 per minute keeps every product below
    // 2^127 for inputs that pass validation, and no useful multiplier comes near it.
    let mu: Vec<i128> = mult.mu.iter().map(|&x| quantize(x, 1i128 << 60)).collect();
    let penalty_top = model.penalty as i128 * scale;
    let lambda: Vec<i128> = mult.lambda.iter().map(|&x| quantize(x, penalty_top)).collect();
    let mut prefix = vec![0i128; model.agents * (weeks + 1)];
    for a in 0..model.agents {
        for w in 0..weeks {
            prefix[a * (weeks + 1) + w + 1] = prefix[a * (weeks + 1) + w] + mu[a * weeks + w];
        }
    }
    let mut total: i128 = 0;
    for job in &model.jobs {
        let mut best: i128 = 0;
        for o in job.options.clone() {
            let a = model.opt_agent[o] as usize;
            let option_scale = model.opt_scale[o] as i128;
            let priced = match job.flat {
                Some(m) => {
                    let row = &prefix[a * (weeks + 1)..];
                    m as i128 * option_scale * (row[job.first + job.profile.len()] - row[job.first])
                }
                None => {
                    let row = &mu[a * weeks + job.first..];
                    job.profile.iter().zip(row).map(|(&m, &u)| m as i128 * u).sum::<i128>() * option_scale
                }
            };
            let reduced = model.opt_coef[o] as i128 * scale - priced - lambda[a] * model.opt_load[o] as i128;
            best = best.max(reduced);
        }
        total += best;
    }
    total += mu.iter().zip(&model.cap).map(|(&u, &c)| u * c as i128).sum::<i128>();
    total += lambda
        .iter()
        .zip(&model.target)
        .map(|(&l, &t)| l * t as i128)
        .sum::<i128>();
    i64::try_from(total.div_euclid(scale)).unwrap_or(i64::MAX)
}

/// The bound with no multipliers: every job at its best option.
pub(crate) fn trivial_bound(model: &Model) -> i64 {
    model
        .jobs
        .iter()
        .map(|job| job.options.clone().map(|o| model.opt_coef[o]).max().unwrap_or(0).max(0))
        .sum()
}
