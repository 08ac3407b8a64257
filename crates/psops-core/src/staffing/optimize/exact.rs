//! Exact branch and bound for small instances, depth first.
//!
//! Bound at a node (the jobs decided so far fixed, the rest free): relax "each job at most once"
//! with multipliers u_j >= 0 and bound each agent's share of the over-target penalty linearly:
//! for any lambda_a in [0, P], `-P max(0, L - T) <= lambda_a (T - L)`. What remains splits into
//! one knapsack per agent:
//!
//! ```text
//! OPT(node) <= sum_fixed c + sum_free u_j
//!            + sum_a [ lambda_a (T_a - Lfixed_a) + max { sum_{o in S} (c_o - u_j - lambda_a L_o) } ]
//! ```
//!
//! over sets S of the agent's free options that fit their remaining free minutes. That knapsack
//! is multi-week; it is bounded from above by relaxing it to one constraint (the total over all
//! weeks, and separately the agent's most contended week; the lower of the two), with weights and
//! capacity divided by a common factor and rounded down, which can only enlarge the feasible set.
//! Each relaxed knapsack is solved exactly by dynamic programming. For one-week instances such as
//! the generalised assignment problem this is the classic knapsack Lagrangian bound (Fisher,
//! Jaikumar and Van Wassenhove), much stronger than the linear relaxation. Multipliers are
//! fixed-point integers tuned by subgradient steps at the root and a few more at each node; any
//! value is a valid multiplier, so the bound is exact integer arithmetic throughout.
//!
//! Branching takes a free job the relaxation disagrees on (claimed by no agent or by several),
//! fewest fitting options first, and tries each fitting agent (the relaxation's pick first)
//! before leaving it unfilled.

use std::time::Instant;

use super::model::Model;
use super::state::{NONE, State};

/// Largest capacity, in cells, of one knapsack table; larger capacities are scaled down.
const DP_CELLS: i64 = 1024;

pub(crate) struct Outcome {
    /// The whole tree was searched: the incumbent is optimal.
    pub finished: bool,
    /// The bound at the root, valid whether or not the search finished.
    pub root_bound: i64,
    pub nodes: u64,
}

struct Search<'m, 'b> {
    model: &'m Model,
    state: State<'m>,
    best: &'b mut State<'m>,
    /// Jobs fixed by branching (to an agent, or to stay unfilled).
    decided: Vec<bool>,
    /// Sum of objective coefficients of the jobs assigned in `state`.
    fixed_coef: i64,
    /// Fixed-point scale of the multipliers.
    scale: i64,
    u: Vec<i64>,
    lambda: Vec<i64>,
    /// Per job, how many agents' knapsacks took it in the last evaluation, and one that did.
    claims: Vec<u32>,
    claimed_by: Vec<u32>,
    /// Per agent, load of the options its knapsack took in the last evaluation.
    taken_load: Vec<i64>,
    nodes: u64,
    node_limit: u64,
    deadline: Instant,
    stopped: bool,
    // Scratch for the knapsacks.
    items: Vec<usize>,
    values: Vec<i64>,
    weights: Vec<i64>,
    chosen: Vec<bool>,
    chosen_other: Vec<bool>,
    dp: Vec<i64>,
    table: Vec<bool>,
}

/// Searches for a plan better than `best`, replacing it whenever one is found.
pub(crate) fn branch_and_bound<'m>(
    model: &'m Model,
    best: &mut State<'m>,
    deadline: Instant,
    node_limit: u64,
) -> Outcome {
    // Scale the multipliers as finely as the objective's size allows within i64.
    let hard = model.jobs.iter().filter(|j| j.hard).count() as i128;
    let magnitude = (model.bonus as i128 * (hard + 1) * 2).max(1);
    let mut scale: i64 = 1 << 16;
    while scale > 1 && magnitude * scale as i128 > 1i128 << 61 {
        scale >>= 1;
    }
    let jobs = model.jobs.len();
    let mut search = Search {
        model,
        state: State::new(model),
        best,
        decided: vec![false; jobs],
        fixed_coef: 0,
        scale,
        u: vec![0; jobs],
        lambda: vec![0; model.agents],
        claims: vec![0; jobs],
        claimed_by: vec![NONE; jobs],
        taken_load: vec![0; model.agents],
        nodes: 0,
        node_limit,
        deadline,
        stopped: false,
        items: Vec::new(),
        values: Vec::new(),
        weights: Vec::new(),
        chosen: Vec::new(),
        chosen_other: Vec::new(),
        dp: Vec::new(),
        table: Vec::new(),
    };
    // Start each job's multiplier at half its best coefficient: the relaxation then begins
    // nearer "each job once" than with zero, where every agent would claim every job.
    for (j, job) in model.jobs.iter().enumerate() {
        let top = job.options.clone().map(|o| model.opt_coef[o]).max().unwrap_or(0);
        search.u[j] = top.max(0) * scale / 2;
    }
    let root_bound = search.node(true);
    Outcome {
        finished: !search.stopped,
        root_bound,
        nodes: search.nodes,
    }
}

impl<'m> Search<'m, '_> {
    fn free(&self, j: usize) -> bool {
        !self.decided[j]
    }

    /// Processes a node; returns its bound (the root's is reported).
    fn node(&mut self, root: bool) -> i64 {
        self.nodes += 1;
        if self.nodes > self.node_limit || Instant::now() >= self.deadline {
            self.stopped = true;
            return i64::MAX;
        }
        let mut bound = i64::MAX;
        let mut theta = 1.0f64;
        let mut since_better = 0;
        let iterations = if root { 400 } else { 12 };
        for it in 0..iterations {
            if it > 0 && Instant::now() >= self.deadline {
                self.stopped = true;
                return bound;
            }
            let (value, norm) = self.evaluate();
            let node_bound = value.div_euclid(self.scale as i128) as i64;
            if node_bound < bound {
                bound = node_bound;
                since_better = 0;
            } else {
                since_better += 1;
                if since_better >= 10 {
                    theta *= 0.5;
                    since_better = 0;
                }
            }
            if bound <= self.best.objective {
                return bound;
            }
            if root && it % 20 == 0 {
                self.repair();
                if bound <= self.best.objective {
                    return bound;
                }
            }
            if norm == 0 {
                break;
            }
            let target = value - self.best.objective as i128 * self.scale as i128;
            self.step(theta * target as f64 / norm as f64);
        }
        if !root {
            // One cheap Lagrangian heuristic per node keeps the incumbent moving.
            self.repair();
            if bound <= self.best.objective {
                return bound;
            }
        }
        self.branch();
        bound
    }

    /// Evaluates the bound at the current multipliers (in fixed point) and records which agents
    /// claimed which jobs. Returns the scaled bound and the squared subgradient norm.
    fn evaluate(&mut self) -> (i128, i128) {
        let m = self.model;
        let s = self.scale as i128;
        let mut total: i128 = self.fixed_coef as i128 * s;
        for j in 0..m.jobs.len() {
            self.claims[j] = 0;
            self.claimed_by[j] = NONE;
            if self.free(j) {
                total += self.u[j] as i128;
            }
        }
        let mut norm: i128 = 0;
        for a in 0..m.agents {
            let slack = m.target[a] - self.state.total[a];
            if slack <= 0 {
                // Already over target: every further minute costs exactly P, so lambda = P is exact.
                self.lambda[a] = m.penalty * self.scale;
            }
            total += self.lambda[a] as i128 * slack as i128;
            total += self.agent_knapsack(a) as i128;
            if m.penalty > 0 && slack > 0 {
                let g = slack - self.taken_load[a];
                let top = m.penalty * self.scale;
                if (self.lambda[a] > 0 || g < 0) && (self.lambda[a] < top || g > 0) {
                    norm += g as i128 * g as i128;
                }
            }
        }
        for j in 0..m.jobs.len() {
            if self.free(j) {
                let g = 1 - self.claims[j] as i64;
                if self.u[j] > 0 || g < 0 {
                    norm += (g * g) as i128;
                }
            }
        }
        (total, norm)
    }

    /// One subgradient step of length `step` (in multiplier units per unit of slack).
    fn step(&mut self, step: f64) {
        let m = self.model;
        for j in 0..m.jobs.len() {
            if self.free(j) {
                let g = 1.0 - self.claims[j] as f64;
                self.u[j] = ((self.u[j] as f64 - step * g).round() as i64).max(0);
            }
        }
        if m.penalty > 0 {
            let top = m.penalty * self.scale;
            for a in 0..m.agents {
                let slack = m.target[a] - self.state.total[a];
                if slack > 0 {
                    let g = (slack - self.taken_load[a]) as f64;
                    self.lambda[a] = ((self.lambda[a] as f64 - step * g).round() as i64).clamp(0, top);
                }
            }
        }
    }

    /// Bound on agent `a`'s knapsack (scaled), recording its claims.
    fn agent_knapsack(&mut self, a: usize) -> i64 {
        let m = self.model;
        let weeks = m.weeks;
        self.items.clear();
        self.values.clear();
        for &o in &m.agent_opts[a] {
            let o = o as usize;
            let j = m.opt_job[o] as usize;
            if !self.free(j) {
                continue;
            }
            let value = m.opt_coef[o] * self.scale - self.u[j] - self.lambda[a] * m.opt_load[o];
            if value > 0 && self.state.fits(o) {
                self.items.push(o);
                self.values.push(value);
            }
        }
        self.taken_load[a] = 0;
        if self.items.is_empty() {
            return 0;
        }
        let row = a * weeks..(a + 1) * weeks;
        let residual: Vec<i64> = m.cap[row.clone()]
            .iter()
            .zip(&self.state.used[row])
            .map(|(c, u)| c - u)
            .collect();
        // Relaxation 1: total minutes over the horizon.
        self.weights.clear();
        self.weights.extend(self.items.iter().map(|&o| m.opt_load[o]));
        let capacity: i64 = residual.iter().sum();
        let mut chosen = std::mem::take(&mut self.chosen);
        let mut best = self.knapsack(capacity, &mut chosen);
        // Relaxation 2: the week whose free minutes the items overrun most.
        if weeks > 1 {
            let mut demand = vec![0i64; weeks];
            for &o in &self.items {
                let job = &m.jobs[m.opt_job[o] as usize];
                for (k, &minutes) in job.profile.iter().enumerate() {
                    demand[job.first + k] += minutes * m.opt_scale[o];
                }
            }
            let week = (0..weeks)
                .max_by(|&x, &y| {
                    let lhs = demand[x] as i128 * residual[y].max(1) as i128;
                    let rhs = demand[y] as i128 * residual[x].max(1) as i128;
                    lhs.cmp(&rhs)
                })
                .unwrap_or(0);
            self.weights.clear();
            for &o in &self.items {
                let job = &m.jobs[m.opt_job[o] as usize];
                let minutes = week
                    .checked_sub(job.first)
                    .and_then(|k| job.profile.get(k))
                    .copied()
                    .unwrap_or(0);
                self.weights.push(minutes * m.opt_scale[o]);
            }
            let mut other = std::mem::take(&mut self.chosen_other);
            let value = self.knapsack(residual[week], &mut other);
            if value < best {
                best = value;
                std::mem::swap(&mut chosen, &mut other);
            }
            self.chosen_other = other;
        }
        for (i, &o) in self.items.iter().enumerate() {
            if chosen[i] {
                let j = m.opt_job[o] as usize;
                self.claims[j] += 1;
                // Remember the claim worth most to the job, for branching order.
                let prior = self.claimed_by[j];
                if prior == NONE || m.opt_coef[o] > m.opt_coef[prior as usize] {
                    self.claimed_by[j] = o as u32;
                }
                self.taken_load[a] += m.opt_load[o];
            }
        }
        self.chosen = chosen;
        best
    }

    /// 0-1 knapsack over the current items with `self.weights`, capacity scaled down to at most
    /// DP_CELLS cells (weights and capacity divided and rounded down: a relaxation).
    fn knapsack(&mut self, capacity: i64, chosen: &mut Vec<bool>) -> i64 {
        let n = self.items.len();
        chosen.clear();
        chosen.resize(n, false);
        let capacity = capacity.max(0);
        let factor = ((capacity + DP_CELLS - 1) / DP_CELLS).max(1);
        let cells = (capacity / factor) as usize;
        self.dp.clear();
        self.dp.resize(cells + 1, 0);
        self.table.clear();
        self.table.resize(n * (cells + 1), false);
        let mut free_value = 0;
        for (i, taken) in chosen.iter_mut().enumerate() {
            let w = (self.weights[i] / factor) as usize;
            let v = self.values[i];
            if w == 0 {
                *taken = true;
                free_value += v;
                continue;
            }
            if w > cells {
                continue;
            }
            for c in (w..=cells).rev() {
                let with = self.dp[c - w] + v;
                if with > self.dp[c] {
                    self.dp[c] = with;
                    self.table[i * (cells + 1) + c] = true;
                }
            }
        }
        let mut c = cells;
        for i in (0..n).rev() {
            let w = (self.weights[i] / factor) as usize;
            if w > 0 && w <= c && self.table[i * (cells + 1) + c] {
                chosen[i] = true;
                c -= w;
            }
        }
        self.dp[cells] + free_value
    }

    /// Lagrangian heuristic: from the current node, give each job claimed by exactly one agent to
    /// it when it fits, fill the rest greedily, polish briefly, and keep it if it beats the best.
    fn repair(&mut self) {
        let m = self.model;
        let mut trial = self.state.clone();
        for j in 0..m.jobs.len() {
            if self.free(j) && self.claims[j] == 1 {
                let o = self.claimed_by[j] as usize;
                if trial.fits(o) && trial.insert_gain(o) > 0 {
                    trial.assign(o);
                }
            }
        }
        super::greedy::construct(&mut trial, None);
        super::search::descend(&mut trial, self.deadline);
        if trial.objective > self.best.objective {
            self.best.copy_from(&trial);
        }
    }

    /// Picks a free job with a fitting option and tries each way of deciding it.
    fn branch(&mut self) {
        let m = self.model;
        let mut pick: Option<(bool, usize, bool, usize)> = None;
        for j in 0..m.jobs.len() {
            if !self.free(j) {
                continue;
            }
            let fitting = m.jobs[j].options.clone().filter(|&o| self.state.fits(o)).count();
            if fitting == 0 {
                continue;
            }
            // Disputed first, then fewest fitting options, then hard first.
            let key = (self.claims[j] != 1, usize::MAX - fitting, m.jobs[j].hard, j);
            if pick.is_none_or(|p| (key.0, key.1, key.2) > (p.0, p.1, p.2)) {
                pick = Some(key);
            }
        }
        let Some((_, _, _, j)) = pick else {
            // Nothing left to decide: the node's own plan is the only completion.
            if self.state.objective > self.best.objective {
                self.best.copy_from(&self.state);
            }
            return;
        };
        let mut order: Vec<usize> = m.jobs[j].options.clone().filter(|&o| self.state.fits(o)).collect();
        let first = self.claimed_by[j];
        order.sort_by_key(|&o| (o as u32 != first, -m.opt_coef[o]));
        let saved_u = self.u.clone();
        let saved_lambda = self.lambda.clone();
        self.decided[j] = true;
        for o in order {
            self.state.assign(o);
            self.fixed_coef += m.opt_coef[o];
            self.node(false);
            self.state.unassign(j);
            self.fixed_coef -= m.opt_coef[o];
            self.u.clone_from(&saved_u);
            self.lambda.clone_from(&saved_lambda);
            if self.stopped {
                break;
            }
        }
        if !self.stopped {
            self.node(false);
        }
        self.decided[j] = false;
    }
}
