//! The same model in CPLEX LP format, for solving an instance with an external MIP solver (HiGHS,
//! CBC, CPLEX, Gurobi) and comparing.
//!
//! Variables: `x_J_A` (binary) gives job J to agent A; `o_A` (continuous, >= 0) is agent A's
//! minutes over target. Rows: `job_J` (at most one agent), `cap_A_W` (agent A's load in week W
//! within max(free, 0); only weeks some option loads), `target_A` (load less `o_A` within
//! max(target_left, 0); only when the penalty is positive). The objective carries the same
//! coefficients as [`solve`](super::solve): value plus the hard bonus for hard jobs, and minus the
//! penalty per over-target minute, so the optima are directly comparable.

use std::fmt::Write;

use super::model::Model;
use super::problem::{Problem, ProblemError};

/// Terms per line: CPLEX caps lines at 255 characters.
const TERMS_PER_LINE: usize = 8;

/// Writes `problem` as an LP file.
pub fn to_lp(problem: &Problem) -> Result<String, ProblemError> {
    problem.validate()?;
    let m = Model::new(problem);
    let mut out = String::new();
    let name = |o: usize| format!("x_{}_{}", m.opt_job[o], m.opt_agent[o]);
    // Writing to a String cannot fail, so the fmt results are dropped.
    let _ = writeln!(
        out,
        "\\ psops staffing optimizer: {} jobs, {} agents, {} weeks, hard bonus {}",
        m.jobs.len(),
        m.agents,
        m.weeks,
        m.bonus
    );
    out.push_str("Maximize\n obj:");
    let mut terms: Vec<(i64, String)> = (0..m.options()).map(|o| (m.opt_coef[o], name(o))).collect();
    let with_target: Vec<usize> = (0..m.agents)
        .filter(|&a| m.penalty > 0 && m.agent_opts[a].iter().any(|&o| m.opt_load[o as usize] > 0))
        .collect();
    terms.extend(with_target.iter().map(|&a| (-m.penalty, format!("o_{a}"))));
    write_terms(&mut out, &terms);
    out.push_str("Subject To\n");
    for (j, job) in m.jobs.iter().enumerate() {
        if job.options.is_empty() {
            continue;
        }
        let _ = write!(out, " job_{j}:");
        let terms: Vec<(i64, String)> = job.options.clone().map(|o| (1, name(o))).collect();
        write_terms_inline(&mut out, &terms);
        out.push_str(" <= 1\n");
    }
    for a in 0..m.agents {
        let mut rows: Vec<Vec<(i64, String)>> = vec![Vec::new(); m.weeks];
        for &o in &m.agent_opts[a] {
            let o = o as usize;
            let job = &m.jobs[m.opt_job[o] as usize];
            for (k, &minutes) in job.profile.iter().enumerate() {
                if minutes > 0 {
                    rows[job.first + k].push((minutes * m.opt_scale[o], name(o)));
                }
            }
        }
        for (w, terms) in rows.iter().enumerate() {
            if !terms.is_empty() {
                let _ = write!(out, " cap_{a}_{w}:");
                write_terms_inline(&mut out, terms);
                let _ = writeln!(out, " <= {}", m.cap[a * m.weeks + w]);
            }
        }
    }
    for &a in &with_target {
        let _ = write!(out, " target_{a}:");
        let mut terms: Vec<(i64, String)> = m.agent_opts[a]
            .iter()
            .map(|&o| o as usize)
            .filter(|&o| m.opt_load[o] > 0)
            .map(|o| (m.opt_load[o], name(o)))
            .collect();
        terms.push((-1, format!("o_{a}")));
        write_terms_inline(&mut out, &terms);
        let _ = writeln!(out, " <= {}", m.target[a]);
    }
    out.push_str("Binary\n");
    for chunk in (0..m.options()).collect::<Vec<_>>().chunks(TERMS_PER_LINE) {
        let names: Vec<String> = chunk.iter().map(|&o| name(o)).collect();
        let _ = writeln!(out, " {}", names.join(" "));
    }
    out.push_str("End\n");
    Ok(out)
}

/// Objective terms, `TERMS_PER_LINE` a line, ending the line.
fn write_terms(out: &mut String, terms: &[(i64, String)]) {
    write_terms_inline(out, terms);
    out.push('\n');
}

/// Terms as ` + 3 x - 2 y`, breaking lines every `TERMS_PER_LINE` terms.
fn write_terms_inline(out: &mut String, terms: &[(i64, String)]) {
    for (i, (coef, name)) in terms.iter().enumerate() {
        if i > 0 && i % TERMS_PER_LINE == 0 {
            out.push_str("\n   ");
        }
        let sign = if *coef < 0 { '-' } else { '+' };
        let _ = if i == 0 && *coef >= 0 {
            write!(out, " {coef} {name}")
        } else {
            write!(out, " {sign} {} {name}", coef.unsigned_abs())
        };
    }
}
