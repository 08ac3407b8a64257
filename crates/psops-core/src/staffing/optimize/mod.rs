//! The batch staffing optimizer: fills all open resource requests at once.
//!
//! The problem is stated generically and in integers (see [`Problem`]): agents (people) with
//! free minutes per week and a utilization target, jobs (requests) with a weekly minute profile
//! and a list of eligible agents, each with a value. A plan gives each job at most one agent,
//! never books an agent beyond their free minutes in any week, and maximises
//!
//! ```text
//! hard_bonus * (hard jobs filled) + sum of chosen values - penalty * (minutes over target)
//! ```
//!
//! where [`hard_bonus`] is large enough that one more hard job always wins.
//!
//! [`solve`] works in stages within the time budget (single-threaded):
//!
//! 1. a greedy plan (hard jobs first, highest regret first), `greedy.rs`;
//! 2. a Lagrangian bound (capacity and target rows relaxed, subgradient steps; a fifth of the
//!    budget at most), `bound.rs`, whose multipliers also price scarce agent-weeks: every 25
//!    steps the greedy reruns steered by those prices;
//! 3. local search (insert, shift, swap, eject-and-reinsert), then ruin and recreate with
//!    record-to-record acceptance until the deadline, `search.rs`;
//! 4. for small instances (at most [`Limits::exact_jobs`] jobs) the local search stops at its
//!    first local optimum and an exact branch and bound with a knapsack Lagrangian bound,
//!    `exact.rs`, proves the optimum when it finishes.
//!
//! The reported bound is proven (exact integer evaluation), so `bound - objective` is a
//! guaranteed optimality gap. [`to_lp`] writes the same model in CPLEX LP format for an external
//! MIP solver; [`gap::parse_orlib`] reads OR-Library generalised assignment instances; and
//! [`generate()`] makes seeded random staffing instances for tests and benchmarks.
//!
//! Errors: [`solve`] and [`to_lp`] reject malformed problems (see [`Problem::validate`]) rather
//! than guess; nothing panics on any input. Options that could never fit their agent (a week's
//! load above its free minutes) are dropped up front, which is exact and sharpens the bounds.

mod bound;
mod exact;
pub mod gap;
pub mod generate;
mod greedy;
mod lp;
mod model;
mod problem;
mod search;
mod state;

#[cfg(test)]
mod gap_tests;
#[cfg(test)]
mod tests;

use std::time::{Duration, Instant};

pub use generate::{GenSettings, SplitMix, generate};
pub use lp::to_lp;
pub use problem::{
    Agent, Choice, Evaluation, Figures, Job, MAX_INPUT, MAX_SCALE, PlanError, Problem, ProblemError, evaluate,
    hard_bonus,
};

use model::Model;
use state::State;

/// How much effort [`solve`] may spend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Wall-clock budget, measured from the call.
    pub time: Duration,
    /// Instances with at most this many jobs also get the exact search.
    pub exact_jobs: usize,
    /// Node limit of the exact search.
    pub nodes: u64,
    /// Seed of the randomised improvement (ruin and recreate); same seed, same moves.
    pub seed: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            time: Duration::from_secs(1),
            exact_jobs: 120,
            nodes: 50_000_000,
            seed: 1,
        }
    }
}

/// The optimizer's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Agent per job (index into `Problem::agents`), or `None` for a job left unfilled.
    pub assignment: Vec<Option<u32>>,
    /// The plan's objective (see the module documentation).
    pub objective: i64,
    /// A proven upper bound on the best objective of any plan; `bound - objective` is the most
    /// the plan can be short of optimal.
    pub bound: i64,
    /// The plan is proven optimal (bound met, or the exact search finished).
    pub optimal: bool,
    /// The bonus per hard job used in `objective` and `bound` (see [`hard_bonus`]).
    pub hard_bonus: i64,
    /// What the plan achieves: hard jobs filled, total value, minutes filled and over target.
    pub figures: Figures,
    /// Nodes the exact search explored (0 when it did not run).
    pub nodes: u64,
}

impl Plan {
    /// Hard jobs filled.
    pub fn hard_filled(&self) -> usize {
        self.figures.hard_filled
    }

    /// The optimality gap relative to the value part of the objective (objective less the hard
    /// bonuses): how far the plan's value less penalty might be from the best, as a fraction.
    /// A bound that admits one more hard job makes this large, as it should.
    pub fn value_gap(&self) -> f64 {
        let value_part = self.objective - self.hard_bonus * self.figures.hard_filled as i64;
        (self.bound - self.objective) as f64 / (value_part.max(1)) as f64
    }
}

/// Plans `problem` within `limits`. Fails only when the problem is malformed (see
/// [`Problem::validate`]).
pub fn solve(problem: &Problem, limits: Limits) -> Result<Plan, ProblemError> {
    let start = Instant::now();
    problem.validate()?;
    // The search checks the clock between moves and the plan is read out after it stops: a
    // margin of 2 % (at most 20 ms) keeps the whole call inside the budget.
    let margin = (limits.time / 50).min(Duration::from_millis(20));
    let deadline = after(start, limits.time.saturating_sub(margin));
    let model = Model::new(problem);
    let mut best = State::new(&model);
    greedy::construct(&mut best, None);
    let mut upper = bound::trivial_bound(&model);

    // Lagrangian bound, with the greedy rerun on its prices now and then. Small instances need
    // few steps; large ones get a share of the budget.
    let bound_deadline = after(start, limits.time.mul_f64(0.2));
    let mut sub = bound::Subgradient::new(&model);
    let mut reduced = Vec::new();
    let mut trial = State::new(&model);
    for step in 0..600 {
        if sub.done || (step % 8 == 0 && Instant::now() >= bound_deadline) {
            break;
        }
        sub.step(best.objective);
        if step % 25 == 24 {
            bound::price(&model, &sub.best, &mut reduced);
            trial.reset();
            greedy::construct(&mut trial, Some(&reduced));
            if trial.objective > best.objective {
                best.copy_from(&trial);
            }
        }
    }
    if sub.best_value.is_finite() {
        upper = upper.min(bound::exact_bound(&model, &sub.best));
        bound::price(&model, &sub.best, &mut reduced);
        trial.reset();
        greedy::construct(&mut trial, Some(&reduced));
        if trial.objective > best.objective {
            best.copy_from(&trial);
        }
    }

    let exact = model.jobs.len() <= limits.exact_jobs;
    if best.objective < upper {
        if exact {
            // Small instance: a local optimum is head start enough; the exact search has its
            // own heuristic and should get the time.
            search::descend(&mut best, deadline);
        } else {
            let steer = (reduced.len() == model.options()).then_some(&reduced[..]);
            search::improve(&mut best, deadline, limits.seed, steer);
        }
    }

    let mut optimal = best.objective >= upper;
    let mut nodes = 0;
    if exact && !optimal {
        let outcome = exact::branch_and_bound(&model, &mut best, deadline, limits.nodes);
        upper = upper.min(outcome.root_bound);
        nodes = outcome.nodes;
        if outcome.finished {
            upper = best.objective;
            optimal = true;
        }
    }
    optimal |= best.objective >= upper;
    let assignment = best.agents();
    debug_assert_eq!(evaluate(problem, &assignment).map(|e| e.objective), Ok(best.objective));
    Ok(Plan {
        assignment,
        objective: best.objective,
        bound: upper,
        optimal,
        hard_bonus: model.bonus,
        figures: best.figures(),
        nodes,
    })
}

/// `start + span`, saturating at a year for budgets too large for the clock.
fn after(start: Instant, span: Duration) -> Instant {
    start
        .checked_add(span)
        .unwrap_or_else(|| start + Duration::from_secs(365 * 86_400))
}
