//! Building a first plan: jobs one at a time, hard ones first, the most urgent first.
//!
//! Each option is scored by a steering score: its coefficient, or, once the bound has run, its
//! Lagrangian reduced coefficient, which charges for minutes on agents and weeks that the
//! relaxation found scarce. A job is urgent when it has few good alternatives: its regret (best
//! score less second best) is large. Each job then takes the feasible option with the best score
//! among those that raise the objective.

use super::state::State;

/// Assigns every unassigned job it can, in regret order, to its best-scoring feasible option.
/// `score` gives one steering score per option; `None` steers by the objective coefficients.
pub(crate) fn construct(state: &mut State, score: Option<&[f64]>) {
    let m = state.model;
    let coef: Vec<f64>;
    let score = match score {
        Some(s) => s,
        None => {
            coef = m.opt_coef.iter().map(|&c| c as f64).collect();
            &coef
        }
    };
    let mut order: Vec<(bool, bool, f64, usize)> = Vec::with_capacity(m.jobs.len());
    for (j, job) in m.jobs.iter().enumerate() {
        if state.choice[j] != super::state::NONE || job.options.is_empty() {
            continue;
        }
        let (mut best, mut second) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
        for o in job.options.clone() {
            let s = score[o];
            if s > best {
                second = best;
                best = s;
            } else if s > second {
                second = s;
            }
        }
        // A lone option has unbounded regret: losing it loses the job.
        let regret = if second.is_finite() {
            best - second
        } else {
            f64::INFINITY
        };
        order.push((job.hard, best > 0.0, regret, j));
    }
    // Hard first, then jobs the relaxation wants, then by regret (largest first).
    order.sort_by(|x, y| y.0.cmp(&x.0).then(y.1.cmp(&x.1)).then(y.2.total_cmp(&x.2)));
    for &(_, _, _, j) in &order {
        let mut pick: Option<(f64, i64, usize)> = None;
        for o in m.jobs[j].options.clone() {
            let gain = state.insert_gain(o);
            if gain <= 0 || !state.fits(o) {
                continue;
            }
            let better = match pick {
                None => true,
                Some((s, g, _)) => score[o] > s || (score[o] == s && gain > g),
            };
            if better {
                pick = Some((score[o], gain, o));
            }
        }
        if let Some((_, _, o)) = pick {
            state.assign(o);
        }
    }
}
