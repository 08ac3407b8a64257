//! Improving a plan by local moves, each applied only when it raises the objective:
//!
//! - insert: give an unfilled job a free agent;
//! - eject: give an unfilled job an agent by moving one of that agent's jobs elsewhere, or by
//!   dropping it when the newcomer is worth more;
//! - shift: move a job to another agent;
//! - swap: two jobs on two agents trade places.
//!
//! Passes repeat until none of them finds a move (a local optimum) or time runs out. Then, while
//! time remains, ruin and recreate: unassign the jobs of a few related agents (half the time
//! chosen to make room for a valuable unfilled job), refill, run the moves on the jobs involved,
//! and keep the result if it is no worse than the current plan by more than a threshold that
//! shrinks to zero (record-to-record travel); the best plan seen is returned. Each round touches
//! only the ruined agents and the jobs that could use them, so rounds are cheap (thousands a
//! second at 1,000 agents and 2,000 jobs), and a round that is not kept is undone from a journal.

use std::time::Instant;

use super::generate::SplitMix;
use super::state::{NONE, State};

/// Improves `state` until a local optimum or `deadline`. Returns true at a local optimum.
pub(crate) fn descend(state: &mut State, deadline: Instant) -> bool {
    let all: Vec<u32> = (0..state.model.jobs.len() as u32).collect();
    descend_on(state, &all, &all, None, deadline)
}

/// Local search over the moves of the jobs in `jobs`; unfilled jobs try ejecting others only if
/// they are in `eject` or hard (ejection is the expensive move). Unfilled jobs not in `eject`
/// only look at agents marked in `agents`, when given: after a ruin, those are the only agents
/// whose room changed.
fn descend_on(state: &mut State, jobs: &[u32], eject: &[u32], agents: Option<&[bool]>, deadline: Instant) -> bool {
    let m = state.model;
    loop {
        let mut improved = false;
        for (n, &j) in jobs.iter().enumerate() {
            if n % 64 == 0 && Instant::now() >= deadline {
                return false;
            }
            let j = j as usize;
            let moved = if state.choice[j] == NONE {
                let full = m.jobs[j].hard || eject.binary_search(&(j as u32)).is_ok();
                try_insert(state, j, if full { None } else { agents }) || (full && try_eject(state, j))
            } else {
                try_shift(state, j) || try_swap(state, j)
            };
            improved |= moved;
        }
        if !improved {
            return true;
        }
    }
}

/// Local search, then ruin and recreate until `deadline`. `score` steers the refill (Lagrangian
/// reduced coefficients, or None for the plain coefficients).
pub(crate) fn improve(state: &mut State, deadline: Instant, seed: u64, score: Option<&[f64]>) {
    // The first descent leaves ejection to hard jobs: on large instances ejecting for every
    // unfilled soft job costs more than the ruin and recreate rounds it displaces.
    let all: Vec<u32> = (0..state.model.jobs.len() as u32).collect();
    if !descend_on(state, &all, &[], None, deadline) {
        return;
    }
    let m = state.model;
    if m.jobs.is_empty() || m.agents == 0 {
        return;
    }
    let coef: Vec<f64>;
    let score = match score {
        Some(s) => s,
        None => {
            coef = m.opt_coef.iter().map(|&c| c as f64).collect();
            &coef
        }
    };
    let mut rng = SplitMix::new(seed);
    // Record-to-record travel: a trial is kept when it is no worse than the current plan by more
    // than a threshold that shrinks to zero as time runs out; the best plan seen is kept aside.
    // Starting at a fifth of an average soft option's value lets the search leave a local optimum
    // through slightly worse plans without drifting far.
    let soft: Vec<i64> = (0..m.options())
        .filter(|&o| !m.jobs[m.opt_job[o] as usize].hard)
        .map(|o| m.opt_value[o])
        .collect();
    let unit = if soft.is_empty() {
        0
    } else {
        soft.iter().sum::<i64>() / soft.len() as i64
    };
    let start = Instant::now();
    let span = deadline.saturating_duration_since(start).as_secs_f64().max(1e-9);
    let mut best = state.clone();
    let mut mark = vec![false; m.jobs.len()];
    let mut agent_mark = vec![false; m.agents];
    let mut ruined: Vec<u32> = Vec::new();
    let mut candidates: Vec<u32> = Vec::new();
    while Instant::now() < deadline {
        let before = state.objective;
        state.begin();
        ruined.clear();
        let agents = ruin(state, &mut rng, &mut ruined);
        // Candidates: the ruined jobs and every unfilled job that could use a ruined agent.
        candidates.clear();
        for &a in &agents {
            agent_mark[a] = true;
        }
        for &j in &ruined {
            mark[j as usize] = true;
            candidates.push(j);
        }
        for &a in &agents {
            for &o in &m.agent_opts[a] {
                let j = m.opt_job[o as usize];
                if !mark[j as usize] && state.choice[j as usize] == NONE {
                    mark[j as usize] = true;
                    candidates.push(j);
                }
            }
        }
        for &j in &candidates {
            mark[j as usize] = false;
        }
        ruined.sort_unstable();
        refill(state, &candidates, &ruined, &agent_mark, score);
        candidates.sort_unstable();
        descend_on(state, &candidates, &ruined, Some(&agent_mark), deadline);
        for &a in &agents {
            agent_mark[a] = false;
        }
        let left = 1.0 - start.elapsed().as_secs_f64() / span;
        let threshold = (unit as f64 * 0.2 * left.max(0.0)) as i64;
        if state.objective >= before - threshold {
            if state.objective > best.objective {
                best.copy_from(state);
            }
            state.commit();
        } else {
            state.rollback();
        }
    }
    if best.objective > state.objective {
        state.copy_from(&best);
    }
}

/// Unassigns the jobs of one agent and a few agents that share options with it; returns those
/// agents and appends the unassigned jobs to `ruined`. Half the time the first agent is chosen
/// for an unfilled job (the most valuable of a few sampled), which then gets that agent first:
/// a targeted attempt at fitting in what the plan leaves out.
fn ruin(state: &mut State, rng: &mut SplitMix, ruined: &mut Vec<u32>) -> Vec<usize> {
    let m = state.model;
    let mut target: Option<usize> = None;
    if rng.chance(0.5) {
        for _ in 0..8 {
            let j = rng.below(m.jobs.len() as u64) as usize;
            let options = m.jobs[j].options.clone();
            if state.choice[j] != NONE || options.is_empty() {
                continue;
            }
            let o = options.start + rng.below(options.len() as u64) as usize;
            if target.is_none_or(|t| m.opt_coef[o] > m.opt_coef[t]) {
                target = Some(o);
            }
        }
    }
    let first = match target {
        Some(o) => m.opt_agent[o] as usize,
        None => rng.below(m.agents as u64) as usize,
    };
    let mut agents = vec![first];
    let options = &m.agent_opts[first];
    for _ in 0..rng.between(0, 4) {
        if options.is_empty() {
            break;
        }
        let o = options[rng.below(options.len() as u64) as usize] as usize;
        let range = m.jobs[m.opt_job[o] as usize].options.clone();
        let pick = m.opt_agent[range.start + rng.below(range.len() as u64) as usize] as usize;
        if !agents.contains(&pick) {
            agents.push(pick);
        }
    }
    for &a in &agents {
        while let Some(&j) = state.held[a].last() {
            state.unassign(j as usize);
            ruined.push(j);
        }
    }
    if let Some(o) = target
        && state.insert_gain(o) > 0
        && state.fits(o)
    {
        state.assign(o);
    }
    agents
}

/// Greedy refill of `jobs`: hard first, then by regret of the steering score among the options
/// that fit now; each takes its best-scoring fitting option that raises the objective. Jobs not
/// in `ruined` (sorted) only consider agents marked in `agents`.
fn refill(state: &mut State, jobs: &[u32], ruined: &[u32], agents: &[bool], score: &[f64]) {
    let m = state.model;
    let allowed = |j: u32, o: usize| ruined.binary_search(&j).is_ok() || agents[m.opt_agent[o] as usize];
    let mut order: Vec<(bool, f64, u32)> = Vec::with_capacity(jobs.len());
    for &j in jobs {
        let (mut best, mut second) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
        for o in m.jobs[j as usize].options.clone() {
            if allowed(j, o) && state.fits(o) {
                let s = score[o];
                if s > best {
                    second = best;
                    best = s;
                } else if s > second {
                    second = s;
                }
            }
        }
        if best.is_finite() {
            let regret = if second.is_finite() {
                best - second
            } else {
                f64::INFINITY
            };
            order.push((m.jobs[j as usize].hard, regret, j));
        }
    }
    order.sort_by(|x, y| y.0.cmp(&x.0).then(y.1.total_cmp(&x.1)));
    for &(_, _, j) in &order {
        let mut pick: Option<(f64, usize)> = None;
        for o in m.jobs[j as usize].options.clone() {
            if allowed(j, o) && state.insert_gain(o) > 0 && pick.is_none_or(|p| score[o] > p.0) && state.fits(o) {
                pick = Some((score[o], o));
            }
        }
        if let Some((_, o)) = pick {
            state.assign(o);
        }
    }
}

fn try_insert(state: &mut State, j: usize, agents: Option<&[bool]>) -> bool {
    let m = state.model;
    let mut pick: Option<(i64, usize)> = None;
    for o in m.jobs[j].options.clone() {
        if agents.is_some_and(|marked| !marked[m.opt_agent[o] as usize]) {
            continue;
        }
        let gain = state.insert_gain(o);
        if gain > pick.map_or(0, |p| p.0) && state.fits(o) {
            pick = Some((gain, o));
        }
    }
    let Some((_, o)) = pick else { return false };
    state.assign(o);
    true
}

/// Moves job `j` to the option that raises the objective most, if any.
fn try_shift(state: &mut State, j: usize) -> bool {
    let m = state.model;
    let current = state.choice[j] as usize;
    let a = m.opt_agent[current] as usize;
    let leave = -m.opt_coef[current] + state.penalty_gain(a, -m.opt_load[current]);
    let mut pick: Option<(i64, usize)> = None;
    for o in m.jobs[j].options.clone() {
        if o == current {
            continue;
        }
        let b = m.opt_agent[o] as usize;
        let delta = leave + m.opt_coef[o] + state.penalty_gain(b, m.opt_load[o]);
        if delta > pick.map_or(0, |p| p.0) && state.fits(o) {
            pick = Some((delta, o));
        }
    }
    let Some((_, o)) = pick else { return false };
    state.unassign(j);
    state.assign(o);
    true
}

/// Penalty change (as a gain) of agent `a`'s total moving by `delta`, for two-job moves.
fn pen(state: &State, a: usize, delta: i64) -> i64 {
    state.penalty_gain(a, delta)
}

/// Fills unassigned job `j` by making room: one job `i` on the chosen agent moves to another
/// agent, or is dropped when `j` is worth more.
fn try_eject(state: &mut State, j: usize) -> bool {
    let m = state.model;
    for o in m.jobs[j].options.clone() {
        let a = m.opt_agent[o] as usize;
        for at in 0..state.held[a].len() {
            let i = state.held[a][at] as usize;
            let oi = state.choice[i] as usize;
            let swap_in = m.opt_coef[o] - m.opt_coef[oi];
            let a_pen = pen(state, a, m.opt_load[o] - m.opt_load[oi]);
            // Cheapest test first: even the best new home for i could not make this pay.
            let best_home = m.jobs[i].options.clone().map(|x| m.opt_coef[x]).max().unwrap_or(0);
            if swap_in + a_pen + best_home.max(0) <= 0 || !state.fits_without(o, i) {
                continue;
            }
            // Relocate i to another agent (never a: a's room is what j needs).
            let mut pick: Option<(i64, u32)> = None;
            if swap_in + a_pen > 0 {
                pick = Some((swap_in + a_pen, NONE));
            }
            for oi2 in m.jobs[i].options.clone() {
                let b = m.opt_agent[oi2] as usize;
                if b == a {
                    continue;
                }
                let delta = swap_in + a_pen + m.opt_coef[oi2] + pen(state, b, m.opt_load[oi2]);
                if delta > pick.map_or(0, |p| p.0) && state.fits(oi2) {
                    pick = Some((delta, oi2 as u32));
                }
            }
            if let Some((_, home)) = pick {
                let before = state.objective;
                state.unassign(i);
                state.assign(o);
                if home != NONE {
                    state.assign(home as usize);
                }
                debug_assert!(state.objective > before);
                return true;
            }
        }
    }
    false
}

/// Job `j` (on agent a) trades places with a job on another agent b.
fn try_swap(state: &mut State, j: usize) -> bool {
    let m = state.model;
    let o1 = state.choice[j] as usize;
    let a = m.opt_agent[o1];
    for o1b in m.jobs[j].options.clone() {
        let b = m.opt_agent[o1b] as usize;
        if b == a as usize {
            continue;
        }
        for at in 0..state.held[b].len() {
            let k = state.held[b][at] as usize;
            let o2 = state.choice[k] as usize;
            let Some(o2a) = m.option_of(k, a) else { continue };
            let value = m.opt_coef[o1b] + m.opt_coef[o2a] - m.opt_coef[o1] - m.opt_coef[o2];
            let delta = value
                + pen(state, a as usize, m.opt_load[o2a] - m.opt_load[o1])
                + pen(state, b, m.opt_load[o1b] - m.opt_load[o2]);
            if delta <= 0 || !state.fits_without(o1b, k) || !state.fits_without(o2a, j) {
                continue;
            }
            state.unassign(j);
            state.unassign(k);
            state.assign(o1b);
            state.assign(o2a);
            return true;
        }
    }
    false
}
