//! The staffing optimizer against HiGHS: a seeded instance from psops-core's generator
//! (1,000 people × 2,000 requests × 26 weeks at full size), planned by psops's optimizer within
//! its one-second budget, then the same instance exported as an LP file (`to_lp`, the same
//! objective coefficients) and solved by HiGHS (`highspy` in the bench's virtual environment):
//! its LP relaxation (a bound) and the MIP under a time limit (an incumbent and a bound). HiGHS's
//! incumbent is read back and scored by psops-core's own `evaluate`, so both plans are checked
//! by the same rules. When HiGHS cannot be installed or fails, the section says so and the run
//! goes on.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use psops_core::staffing::optimize::{
    Evaluation, GenSettings, Limits, Plan, Problem, evaluate, generate, solve, to_lp,
};

use crate::args::{Args, Paths, StaffingSize};
use crate::measure::say;
use crate::report::{Report, SideBySide, Verdict};
use crate::stats::thousands;
use crate::tools::{self, tail, text};

/// The optimizer's budget, and the goal for its wall time.
const BUDGET: Duration = Duration::from_secs(1);
/// The goal: the plan's objective within this share of the reference.
const WITHIN: f64 = 0.01;
const AREA: &str = "Staffing optimizer";

/// What one HiGHS solve (the LP relaxation or the MIP) gave.
#[derive(Debug, Clone, PartialEq)]
pub struct HighsSolve {
    /// HiGHS's model status: `Optimal`, `Time limit reached`, …
    pub status: String,
    /// The best plan's objective (the MIP's incumbent; the relaxation's optimum).
    pub objective: Option<f64>,
    /// A proven upper bound (the MIP's dual bound; the relaxation's optimum).
    pub bound: Option<f64>,
    /// Time in `run()`, the file read excluded.
    pub seconds: f64,
    /// Time reading the LP file.
    pub read_seconds: f64,
    /// Branch-and-bound nodes (MIP only).
    pub nodes: u64,
    /// The incumbent's `x_J_A` variables at one, as (job, agent) (MIP only).
    pub chosen: Vec<(usize, u32)>,
}

/// The optimizer's plan against the references.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// (ours − HiGHS's incumbent) / |HiGHS's incumbent|: negative when psops's plan is worse.
    pub vs_incumbent: Option<f64>,
    /// The tightest proven upper bound of those known, and whose it is.
    pub best_bound: f64,
    pub bound_from: &'static str,
    /// (best bound − ours) / |best bound|: the most psops's plan can be short of the optimum.
    pub gap: f64,
    /// The same shortfall over the plan's value part (objective less its hard bonuses): the
    /// bonuses dwarf the values, so this is the figure that shows a loss of value.
    pub value_gap: f64,
    /// (HiGHS's incumbent − ours) over the plan's value part.
    pub incumbent_value_gap: Option<f64>,
}

/// Compares the plan with HiGHS's LP bound, MIP dual bound and incumbent (each when known).
pub fn compare(plan: &Plan, lp_bound: Option<f64>, mip_bound: Option<f64>, incumbent: Option<f64>) -> Comparison {
    let ours = plan.objective as f64;
    let mut best_bound = plan.bound as f64;
    let mut bound_from = "psops";
    for (bound, from) in [(lp_bound, "HiGHS LP relaxation"), (mip_bound, "HiGHS MIP")] {
        if let Some(b) = bound.filter(|b| b.is_finite())
            && b < best_bound
        {
            best_bound = b;
            bound_from = from;
        }
    }
    let value_part = (plan.objective - plan.hard_bonus * plan.figures.hard_filled as i64).max(1) as f64;
    let incumbent = incumbent.filter(|i| i.is_finite());
    Comparison {
        vs_incumbent: incumbent.map(|i| (ours - i) / i.abs().max(1.0)),
        best_bound,
        bound_from,
        gap: (best_bound - ours) / best_bound.abs().max(1.0),
        value_gap: (best_bound - ours) / value_part,
        incumbent_value_gap: incumbent.map(|i| (i - ours) / value_part),
    }
}

/// Parses what the HiGHS script printed: one JSON object a line (after a banner of HiGHS's
/// own). The `end` record is the outcome; without one (the bench stopped the script after
/// `stopped_after` seconds) the outcome is pieced together from the last incumbent and bound
/// the script reported on the way.
pub fn parse_highs(stdout: &str, stopped_after: Option<f64>) -> Result<HighsSolve> {
    let mut records = Vec::new();
    for line in stdout.lines().map(str::trim).filter(|l| l.starts_with('{')) {
        let v: serde_json::Value = serde_json::from_str(line).context("the HiGHS script printed bad JSON")?;
        records.push(v);
    }
    let is = |v: &serde_json::Value, kind: &str| v.get("event").and_then(serde_json::Value::as_str) == Some(kind);
    let number = |v: &serde_json::Value, key: &str| v.get(key).and_then(serde_json::Value::as_f64);
    if let Some(end) = records.iter().rev().find(|v| is(v, "end")) {
        return Ok(HighsSolve {
            status: end
                .get("status")
                .and_then(serde_json::Value::as_str)
                .context("no status from HiGHS")?
                .to_string(),
            objective: number(end, "objective"),
            bound: number(end, "bound"),
            seconds: number(end, "seconds").context("no time from HiGHS")?,
            read_seconds: number(end, "read_seconds").unwrap_or_default(),
            nodes: end.get("nodes").and_then(serde_json::Value::as_u64).unwrap_or_default(),
            chosen: chosen(end)?,
        });
    }
    let Some(seconds) = stopped_after else {
        bail!("the HiGHS script printed no outcome");
    };
    let last = |kind: &str| records.iter().rev().find(|v| is(v, kind));
    let incumbent = last("incumbent");
    Ok(HighsSolve {
        status: format!("stopped by the bench after {seconds:.0} s"),
        objective: incumbent.and_then(|v| number(v, "objective")),
        bound: last("bound").and_then(|v| number(v, "bound")),
        seconds,
        read_seconds: records
            .iter()
            .find_map(|v| number(v, "read_seconds"))
            .unwrap_or_default(),
        nodes: 0,
        chosen: incumbent.map(chosen).transpose()?.unwrap_or_default(),
    })
}

/// A record's `chosen` variables as (job, agent).
fn chosen(v: &serde_json::Value) -> Result<Vec<(usize, u32)>> {
    let Some(names) = v.get("chosen").and_then(serde_json::Value::as_array) else {
        return Ok(Vec::new());
    };
    names
        .iter()
        .filter_map(serde_json::Value::as_str)
        .map(|name| parse_x(name).with_context(|| format!("HiGHS named an unknown variable {name:?}")))
        .collect()
}

/// `x_J_A` (the LP file's name for job J given to agent A) as (J, A).
fn parse_x(name: &str) -> Option<(usize, u32)> {
    let (job, agent) = name.strip_prefix("x_")?.split_once('_')?;
    Some((job.parse().ok()?, agent.parse().ok()?))
}

/// HiGHS's chosen variables as a plan of `problem`, scored by psops-core's rules.
fn score(problem: &Problem, chosen: &[(usize, u32)]) -> Result<Evaluation> {
    let mut assignment = vec![None; problem.jobs.len()];
    for &(job, agent) in chosen {
        let slot = assignment
            .get_mut(job)
            .with_context(|| format!("HiGHS's plan names job {job}, which does not exist"))?;
        if slot.replace(agent).is_some() {
            bail!("HiGHS's plan gives job {job} twice");
        }
    }
    evaluate(problem, &assignment).map_err(|e| anyhow::anyhow!("HiGHS's plan is not a valid plan: {e}"))
}

/// The staffing section: always adds its figures; HiGHS's are marked missing, with a note,
/// when HiGHS cannot be had or fails.
pub fn run(args: &Args, paths: &Paths, report: &mut Report) -> Result<()> {
    let size = args.staffing();
    let shape = format!(
        "{} people × {} requests × {} weeks",
        thousands(size.people.into()),
        thousands(size.requests.into()),
        size.weeks
    );
    say("staffing", &format!("generating {shape} (seed {})", args.seed));
    let settings = GenSettings::staffing(size.people as usize, size.requests as usize, size.weeks as usize);
    let started = Instant::now();
    let problem = generate(args.seed, &settings);
    let generated = started.elapsed();
    let options: usize = problem.jobs.iter().map(|j| j.options.len()).sum();
    let hard = problem.jobs.iter().filter(|j| j.hard).count();

    say(
        "staffing",
        &format!("psops's optimizer, {} s budget", BUDGET.as_secs_f64()),
    );
    let started = Instant::now();
    let plan = solve(
        &problem,
        Limits {
            time: BUDGET,
            ..Limits::default()
        },
    )
    .context("the staffing optimizer refused the generated instance")?;
    let took = started.elapsed();
    let own = score(
        &problem,
        &plan
            .assignment
            .iter()
            .enumerate()
            .filter_map(|(j, a)| a.map(|a| (j, a)))
            .collect::<Vec<_>>(),
    )
    .context("psops's own plan does not score")?;
    if own.objective != plan.objective {
        bail!(
            "psops's plan scores {} but the optimizer said {}",
            own.objective,
            plan.objective
        );
    }

    let lp_path = paths.work.join("staffing.lp");
    let started = Instant::now();
    let lp = to_lp(&problem).context("the staffing instance does not export")?;
    std::fs::write(&lp_path, &lp).with_context(|| format!("cannot write {}", lp_path.display()))?;
    let exported = started.elapsed();
    report.step(format!(
        "# staffing: psops_core::staffing::optimize::generate(seed {}, GenSettings::staffing({}, {}, {})), \
         solve(1 s), to_lp > {}",
        args.seed,
        size.people,
        size.requests,
        size.weeks,
        short(&lp_path)
    ));

    let highs = highs(paths, &lp_path, size, report);
    let (lp_run, mip_run) = match highs {
        Ok(r) => r,
        Err(e) => {
            eprintln!("psops-bench: staffing: HiGHS is not measured: {e:#}");
            report.notes.push(format!(
                "HiGHS could not be run on the staffing instance, so its figures are missing: {}",
                one_line(&format!("{e:#}"))
            ));
            (None, None)
        }
    };
    let theirs = match mip_run.as_ref().filter(|m| m.objective.is_some()) {
        Some(m) => match score(&problem, &m.chosen) {
            Ok(e) => Some(e),
            Err(e) => {
                report
                    .notes
                    .push(format!("HiGHS's incumbent could not be checked: {e:#}"));
                None
            }
        },
        None => None,
    };
    let lp_bound = lp_run.as_ref().and_then(|r| r.bound);
    let mip_bound = mip_run.as_ref().and_then(|r| r.bound);
    let incumbent = mip_run.as_ref().and_then(|r| r.objective);
    let cmp = compare(&plan, lp_bound, mip_bound, incumbent);
    figures(
        report,
        &Measured {
            size,
            shape: &shape,
            options,
            hard,
            generated,
            exported,
            lp_bytes: lp.len(),
            plan: &plan,
            took,
            lp: lp_run.as_ref(),
            mip: mip_run.as_ref(),
            theirs: theirs.as_ref(),
            cmp: &cmp,
        },
    );
    Ok(())
}

/// Everything the figures are made of.
struct Measured<'a> {
    size: StaffingSize,
    shape: &'a str,
    options: usize,
    hard: usize,
    generated: Duration,
    exported: Duration,
    lp_bytes: usize,
    plan: &'a Plan,
    took: Duration,
    lp: Option<&'a HighsSolve>,
    mip: Option<&'a HighsSolve>,
    theirs: Option<&'a Evaluation>,
    cmp: &'a Comparison,
}

const MISSING: &str = "missing (HiGHS did not run)";

fn figures(report: &mut Report, m: &Measured) {
    let plan = m.plan;
    let limit = m.size.highs_seconds;
    report.figure(
        AREA,
        "instance (generate: tightness 0.9, 20–200 eligible people a request, 30 % hard)",
        "—",
        format!(
            "{}: {} options, {} hard; generated in {:.2} s, LP file {:.1} MB in {:.2} s",
            m.shape,
            thousands(m.options as u64),
            thousands(m.hard as u64),
            m.generated.as_secs_f64(),
            m.lp_bytes as f64 / 1e6,
            m.exported.as_secs_f64()
        ),
        "",
        Verdict::Info,
    );
    report.figure(
        AREA,
        "plan time (`solve`, 1 s budget)",
        "psops",
        format!("{:.3} s", m.took.as_secs_f64()),
        "≤ 1 s",
        Verdict::of(m.took <= BUDGET),
    );
    report.figure(
        AREA,
        "plan: objective, hard requests filled, own proven bound",
        "psops",
        format!(
            "{}, {}/{} hard, {} filled; bound {}{}",
            signed(plan.objective),
            plan.figures.hard_filled,
            m.hard,
            thousands(plan.assignment.iter().filter(|a| a.is_some()).count() as u64),
            signed(plan.bound),
            if plan.optimal { " (optimal)" } else { "" }
        ),
        "",
        Verdict::Info,
    );
    report.figure(
        AREA,
        &format!("LP relaxation (bound), {limit} s limit"),
        "HiGHS",
        match m.lp {
            Some(r) => format!(
                "{} in {:.1} s ({}; file read {:.1} s)",
                r.bound.map_or("no bound".to_string(), float),
                r.seconds,
                r.status,
                r.read_seconds
            ),
            None => MISSING.to_string(),
        },
        "",
        Verdict::Info,
    );
    report.figure(
        AREA,
        &format!("MIP, {limit} s limit: incumbent, dual bound"),
        "HiGHS",
        match m.mip {
            Some(r) => format!(
                "{}{}, bound {} in {:.1} s ({}, {} nodes)",
                r.objective.map_or("no incumbent".to_string(), float),
                m.theirs
                    .map(|e| format!(" ({}/{} hard)", e.figures.hard_filled, m.hard))
                    .unwrap_or_default(),
                r.bound.map_or("none".to_string(), float),
                r.seconds,
                r.status,
                thousands(r.nodes)
            ),
            None => MISSING.to_string(),
        },
        "",
        Verdict::Info,
    );
    let (value, verdict) = match m.cmp.vs_incumbent {
        Some(v) => (
            match m.theirs.map(|e| e.figures.hard_filled) {
                // With as many hard requests filled, the difference is all value.
                Some(h) if h == plan.figures.hard_filled => format!(
                    "{} ({} of the value part)",
                    percent_signed(v),
                    percent_signed(-m.cmp.incumbent_value_gap.unwrap_or_default())
                ),
                Some(h) => format!(
                    "{} ({} against {h} hard requests filled)",
                    percent_signed(v),
                    plan.figures.hard_filled
                ),
                None => percent_signed(v),
            },
            Verdict::of(v >= -WITHIN),
        ),
        None => ("missing (no HiGHS incumbent)".to_string(), Verdict::Info),
    };
    report.figure(
        AREA,
        "plan's objective against HiGHS's incumbent",
        "psops",
        value,
        "within 1 % (≥ −1 %)",
        verdict,
    );
    report.figure(
        AREA,
        "plan's gap to the best proven bound, whole objective",
        "psops",
        format!(
            "{} (bound {} from {})",
            percent(m.cmp.gap),
            float(m.cmp.best_bound),
            m.cmp.bound_from
        ),
        "≤ 1 %",
        Verdict::of(m.cmp.gap <= WITHIN),
    );
    // The stricter reading: the same shortfall over the value alone, which the bonuses hide.
    report.figure(
        AREA,
        "plan's gap to the best proven bound, value part (objective less hard bonuses)",
        "psops",
        format!(
            "{} of {}",
            percent(m.cmp.value_gap),
            thousands((plan.objective - plan.hard_bonus * plan.figures.hard_filled as i64).max(0) as u64)
        ),
        "≤ 1 %",
        Verdict::of(m.cmp.value_gap <= WITHIN),
    );

    let row = |who: &str,
               run: String,
               seconds: Option<f64>,
               objective: Option<f64>,
               e: Option<&Evaluation>,
               bound: Option<f64>| {
        let gap = match (objective, bound) {
            (Some(o), _) => percent((m.cmp.best_bound - o) / m.cmp.best_bound.abs().max(1.0)),
            _ => "—".to_string(),
        };
        vec![
            who.to_string(),
            run,
            seconds.map_or("—".to_string(), |s| format!("{s:.2} s")),
            objective.map_or("—".to_string(), float),
            e.map_or("—".to_string(), |e| format!("{}/{}", e.figures.hard_filled, m.hard)),
            e.map_or("—".to_string(), |e| thousands(e.figures.total_value.max(0) as u64)),
            e.map_or("—".to_string(), |e| {
                thousands(e.figures.minutes_over_target.max(0) as u64)
            }),
            bound.map_or("—".to_string(), float),
            gap,
        ]
    };
    let own = Evaluation {
        objective: plan.objective,
        figures: plan.figures,
    };
    let mut rows = vec![row(
        "psops `solve`",
        "1 s budget".to_string(),
        Some(m.took.as_secs_f64()),
        Some(plan.objective as f64),
        Some(&own),
        Some(plan.bound as f64),
    )];
    rows.push(match m.lp {
        Some(r) => row(
            "HiGHS",
            format!("LP relaxation, {limit} s limit: {}", r.status),
            Some(r.seconds),
            None,
            None,
            r.bound,
        ),
        None => row("HiGHS", "LP relaxation: did not run".into(), None, None, None, None),
    });
    rows.push(match m.mip {
        Some(r) => row(
            "HiGHS",
            format!("MIP, {limit} s limit: {}", r.status),
            Some(r.seconds),
            r.objective,
            m.theirs,
            r.bound,
        ),
        None => row("HiGHS", "MIP: did not run".into(), None, None, None, None),
    });
    report.tables.push(SideBySide {
        title: format!(
            "Side by side: the staffing optimizer and HiGHS on one instance ({})",
            m.shape
        ),
        header: [
            "solver",
            "run",
            "time",
            "objective",
            "hard filled",
            "value",
            "minutes over target",
            "proven upper bound",
            "gap to the best bound",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    });
    report.notes.push(format!(
        "Staffing optimizer: the objective is the optimizer's own, hard bonus × hard requests filled \
         + value − minutes over target; `to_lp` writes the same coefficients, so HiGHS optimises the \
         same number. The bonus ({}) makes one more hard request outweigh any value, so a share of \
         the whole objective hides losses of value: the \"value part\" figures divide the same \
         difference by the plan's objective less its bonuses. The goal \"within 1 % of the better of \
         HiGHS's bound and incumbent\" is read as: psops's objective at least 99 % of HiGHS's \
         incumbent (its best plan in the time limit), and, the stronger claim, within 1 % of the \
         tightest proven upper bound (HiGHS's LP relaxation, HiGHS's MIP dual bound or psops's own); \
         both are also judged on the value part alone. An LP bound can be out of reach of whole \
         requests (the relaxation may split one between people), so a value gap to it is partly \
         the bound's. \
         HiGHS runs with its defaults (all cores) but for the MIP's `mip_rel_gap` 0 and `mip_abs_gap` \
         0.999 (the objective is integral) and presolve off (at 1,000 people presolve alone outlasts \
         a one-minute limit on two cores); its time limit counts `run()` alone, and callbacks \
         interrupt it at the limit where HiGHS checks for interrupts. Where HiGHS does not \
         (presolve, the MIP's root LP) the bench stops it at 1.5 × the limit + 30 s and keeps the \
         incumbent and bound it had reported by then. HiGHS's incumbent is scored again by \
         psops-core's `evaluate`. psops's time is the wall time of `solve` in this process, which \
         the full run builds in release.",
        thousands(plan.hard_bonus.max(0) as u64)
    ));
}

/// Installs highspy when needed and runs the LP relaxation and the MIP. Either may fail alone
/// (a note says why); an error means HiGHS could not be had at all.
fn highs(
    paths: &Paths,
    lp_path: &Path,
    size: StaffingSize,
    report: &mut Report,
) -> Result<(Option<HighsSolve>, Option<HighsSolve>)> {
    say("staffing", "HiGHS (highspy) in the bench's virtual environment");
    let (python, version) = tools::ensure_pip(&paths.venv, "highspy", "highspy")?;
    report.tools.push(("HiGHS (highspy)".to_string(), version));
    let script = paths.work.join("staffing_highs.py");
    std::fs::write(&script, HIGHS_SCRIPT).with_context(|| format!("cannot write {}", script.display()))?;
    let mut solve = |mode: &str, what: &str| -> Option<HighsSolve> {
        say("staffing", &format!("HiGHS {what} ({} s limit)", size.highs_seconds));
        report.step(format!(
            "{} {} {mode} {} {}",
            short(&python),
            short(&script),
            short(lp_path),
            size.highs_seconds
        ));
        let outcome = run_script(&python, &script, mode, lp_path, size.highs_seconds, &paths.work);
        match outcome {
            Ok(r) => Some(r),
            Err(e) => {
                eprintln!("psops-bench: staffing: HiGHS {what} failed: {e:#}");
                report.notes.push(format!(
                    "HiGHS's {what} failed on the staffing instance, so its figures are missing: {}",
                    one_line(&format!("{e:#}"))
                ));
                None
            }
        }
    };
    let lp = solve("lp", "LP relaxation");
    let mip = solve("mip", "MIP");
    Ok((lp, mip))
}

/// Runs the HiGHS script, killing it when it overruns its time limit by far (reading the file
/// and presolve are not always within HiGHS's own limit).
fn run_script(python: &Path, script: &Path, mode: &str, lp: &Path, seconds: u32, work: &Path) -> Result<HighsSolve> {
    let out_path = work.join(format!("staffing_highs_{mode}.out"));
    let err_path = work.join(format!("staffing_highs_{mode}.err"));
    let create = |p: &PathBuf| File::create(p).with_context(|| format!("cannot create {}", p.display()));
    let mut child = Command::new(python)
        .arg(script)
        .arg(mode)
        .arg(lp)
        .arg(seconds.to_string())
        .stdin(Stdio::null())
        .stdout(create(&out_path)?)
        .stderr(create(&err_path)?)
        .spawn()
        .with_context(|| format!("cannot start {}", python.display()))?;
    let started = Instant::now();
    let allowed = hard_stop(seconds);
    let stopped = loop {
        if let Some(status) = child.try_wait().context("cannot wait for the HiGHS script")? {
            if !status.success() {
                let stdout = std::fs::read(&out_path).unwrap_or_default();
                let stderr = std::fs::read(&err_path).unwrap_or_default();
                let said = if tail(&stderr).is_empty() {
                    tail(&stdout)
                } else {
                    tail(&stderr)
                };
                bail!("the HiGHS script failed ({status}): {said}");
            }
            break None;
        }
        if started.elapsed() >= allowed {
            let _ = child.kill();
            let _ = child.wait();
            eprintln!("psops-bench: staffing: HiGHS overran its {seconds} s limit; stopped it");
            break Some(started.elapsed().as_secs_f64());
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stdout = std::fs::read(&out_path).with_context(|| format!("cannot read {}", out_path.display()))?;
    parse_highs(&text(&stdout), stopped)
}

/// How long the bench lets a HiGHS script with a `seconds` limit run before stopping it: its
/// limit half again and half a minute for reading the file (HiGHS's own limit is not checked
/// everywhere, in its presolve and root LP least).
fn hard_stop(seconds: u32) -> Duration {
    Duration::from_secs(u64::from(seconds) * 3 / 2 + 30)
}

/// Reads the LP file and solves it as the LP relaxation (`lp`) or the MIP (`mip`) within the
/// time limit, printing one line of JSON per event: each improved incumbent and, now and then,
/// the MIP's dual bound as they come (so that a run the bench has to stop still tells what it
/// found), then the outcome. Interrupt callbacks add to HiGHS's own time limit in the simplex,
/// interior point and branch-and-bound loops. Only an optimal relaxation's objective is a bound;
/// the MIP's incumbent counts when HiGHS has a feasible solution. The MIP runs without presolve:
/// at 1,000 people HiGHS's presolve alone outlasts a minute on two cores.
const HIGHS_SCRIPT: &str = r#"import json, math, sys, time
import highspy

mode, path, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])


def finite(x):
    return x if x is not None and math.isfinite(x) else None


def emit(record):
    print(json.dumps(record), flush=True)


h = highspy.Highs()
h.setOptionValue("output_flag", False)
t = time.perf_counter()
if h.readModel(path) != highspy.HighsStatus.kOk:
    sys.exit("HiGHS cannot read " + path)
read_seconds = time.perf_counter() - t
h.setOptionValue("time_limit", limit)
if mode == "lp":
    h.setOptionValue("solve_relaxation", True)
else:
    # The objective is integral: a gap under one proves the optimum, and no relative gap stops early.
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.999)
    h.setOptionValue("presolve", "off")
names = h.getLp().col_names_
xs = [i for i, n in enumerate(names) if n.startswith("x_")]
start = time.perf_counter()
last = {"bound": None, "at": -1.0}


def chosen(values):
    return [names[i] for i in xs if values[i] > 0.5]


def stop(e):
    if time.perf_counter() - start > limit:
        e.interrupt()


def progress(e):
    stop(e)
    now = time.perf_counter() - start
    bound = finite(e.data_out.mip_dual_bound)
    if bound is not None and bound != last["bound"] and now - last["at"] >= 1.0:
        last["bound"], last["at"] = bound, now
        emit({"event": "bound", "bound": bound, "seconds": now, "read_seconds": read_seconds})


def improving(e):
    out = e.data_out
    emit({"event": "incumbent", "objective": finite(out.objective_function_value),
          "seconds": time.perf_counter() - start, "read_seconds": read_seconds,
          "chosen": chosen(out.mip_solution)})


h.cbSimplexInterrupt += stop
h.cbIpmInterrupt += stop
if mode == "mip":
    h.cbMipInterrupt += progress
    h.cbMipImprovingSolution += improving
h.run()
seconds = time.perf_counter() - start
info = h.getInfo()
status = h.modelStatusToString(h.getModelStatus())
if h.getModelStatus() == highspy.HighsModelStatus.kInterrupt:
    status = "Time limit reached"  # by the callbacks above
out = {"event": "end", "status": status, "seconds": seconds, "read_seconds": read_seconds}
if mode == "lp":
    optimal = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    out["objective"] = finite(info.objective_function_value) if optimal else None
    out["bound"] = out["objective"]
else:
    feasible = info.primal_solution_status == 2
    out["objective"] = finite(info.objective_function_value) if feasible else None
    out["bound"] = finite(info.mip_dual_bound)
    out["nodes"] = int(info.mip_node_count)
    if feasible:
        out["chosen"] = chosen(h.getSolution().col_value)
emit(out)
"#;

/// A path relative to the current directory when it is inside it, for the report's steps.
fn short(p: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    p.strip_prefix(&cwd).unwrap_or(p).display().to_string()
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An integer grouped in thousands, with its sign.
fn signed(n: i64) -> String {
    let digits = thousands(n.unsigned_abs());
    if n < 0 { format!("−{digits}") } else { digits }
}

/// A solver's objective or bound: whole numbers grouped, fractions to one decimal.
fn float(x: f64) -> String {
    let sign = if x < 0.0 { "−" } else { "" };
    let x = x.abs();
    if (x - x.round()).abs() < 1e-6 {
        format!("{sign}{}", thousands(x.round() as u64))
    } else {
        let tenth = ((x.fract() * 10.0).floor() as u8).min(9);
        format!("{sign}{}.{tenth}", thousands(x.trunc() as u64))
    }
}

/// A share as a percentage, enough digits for small gaps: `0.012 %`.
fn percent(share: f64) -> String {
    let p = share * 100.0;
    if p.abs() < 0.1 {
        format!("{p:.4} %")
    } else {
        format!("{p:.2} %")
    }
}

fn percent_signed(share: f64) -> String {
    let p = percent(share);
    if share > 0.0 {
        format!("+{p}")
    } else {
        p.replacen('-', "−", 1)
    }
}

#[cfg(test)]
mod tests {
    use psops_core::staffing::optimize::Figures;

    use super::*;

    fn plan(objective: i64, bound: i64, hard_bonus: i64, hard_filled: usize) -> Plan {
        Plan {
            assignment: Vec::new(),
            objective,
            bound,
            optimal: objective == bound,
            hard_bonus,
            figures: Figures {
                hard_filled,
                ..Figures::default()
            },
            nodes: 0,
        }
    }

    #[test]
    fn highs_json_is_read_after_its_banner() {
        let out = "Running HiGHS 1.16.0 (git hash: f3f113d): Copyright (c) 2026\n\
                   {\"event\": \"incumbent\", \"objective\": 1000.0, \"seconds\": 3.1, \"chosen\": [\"x_0_1\"]}\n\
                   {\"event\": \"end\", \"status\": \"Time limit reached\", \"seconds\": 60.02, \"read_seconds\": 1.5, \
                   \"objective\": 1234.0, \"bound\": 1300.5, \"nodes\": 17, \"chosen\": [\"x_0_3\", \"x_12_7\"]}\n";
        let r = parse_highs(out, None).unwrap();
        assert_eq!(r.status, "Time limit reached");
        assert_eq!((r.objective, r.bound, r.nodes), (Some(1234.0), Some(1300.5), 17));
        assert_eq!(r.chosen, [(0, 3), (12, 7)]);
        assert!((r.seconds - 60.02).abs() < 1e-9);

        let lp = parse_highs(
            r#"{"event": "end", "status": "Optimal", "seconds": 0.5, "read_seconds": 0.1, "objective": 99.5, "bound": 99.5}"#,
            None,
        )
        .unwrap();
        assert_eq!((lp.bound, lp.nodes, lp.chosen.len()), (Some(99.5), 0, 0));
        let none = parse_highs(
            r#"{"event": "end", "status": "Time limit reached", "seconds": 10, "objective": null, "bound": null}"#,
            None,
        )
        .unwrap();
        assert_eq!((none.objective, none.bound), (None, None));

        assert!(parse_highs("Running HiGHS\n", None).is_err());
        assert!(parse_highs(r#"{"event": "end", "seconds": 1}"#, None).is_err());
        assert!(
            parse_highs(
                r#"{"event": "end", "status": "Optimal", "seconds": 1, "chosen": ["o_3"]}"#,
                None
            )
            .is_err()
        );
    }

    #[test]
    fn a_stopped_highs_keeps_what_it_reported_on_the_way() {
        let out = "{\"event\": \"incumbent\", \"objective\": 10.0, \"seconds\": 1.0, \"read_seconds\": 2.5, \"chosen\": [\"x_0_1\"]}\n\
                   {\"event\": \"bound\", \"bound\": 30.0, \"seconds\": 2.0}\n\
                   {\"event\": \"incumbent\", \"objective\": 20.0, \"seconds\": 4.0, \"chosen\": [\"x_0_2\", \"x_1_1\"]}\n\
                   {\"event\": \"bound\", \"bound\": 25.0, \"seconds\": 5.0}\n";
        assert!(parse_highs(out, None).is_err(), "no outcome and not stopped");
        let r = parse_highs(out, Some(120.4)).unwrap();
        assert_eq!(r.status, "stopped by the bench after 120 s");
        assert_eq!(
            (r.objective, r.bound, r.seconds, r.read_seconds),
            (Some(20.0), Some(25.0), 120.4, 2.5)
        );
        assert_eq!(r.chosen, [(0, 2), (1, 1)]);
        let nothing = parse_highs("Running HiGHS\n", Some(90.0)).unwrap();
        assert_eq!(
            (nothing.objective, nothing.bound, nothing.chosen.len()),
            (None, None, 0)
        );
        assert_eq!(hard_stop(60), Duration::from_secs(120));
    }

    #[test]
    fn gaps_are_against_the_tightest_bound_and_the_incumbent() {
        // Objective 1,000 with 9 hard requests at a bonus of 100: the value part is 100.
        let p = plan(1000, 1050, 100, 9);
        let c = compare(&p, Some(1020.0), Some(1010.0), Some(1005.0));
        assert_eq!((c.best_bound, c.bound_from), (1010.0, "HiGHS MIP"));
        assert!((c.gap - 10.0 / 1010.0).abs() < 1e-12);
        assert!((c.value_gap - 0.1).abs() < 1e-12);
        assert!((c.vs_incumbent.unwrap() + 5.0 / 1005.0).abs() < 1e-12);
        assert!((c.incumbent_value_gap.unwrap() - 0.05).abs() < 1e-12);

        // Without HiGHS, psops's own bound is the reference and there is no incumbent.
        let c = compare(&p, None, None, None);
        assert_eq!((c.best_bound, c.bound_from, c.vs_incumbent), (1050.0, "psops", None));
        // A looser HiGHS bound does not replace a tighter own one; an infinite one is ignored.
        let c = compare(
            &plan(1000, 1001, 100, 9),
            Some(1002.0),
            Some(f64::INFINITY),
            Some(990.0),
        );
        assert_eq!(c.bound_from, "psops");
        assert!(c.vs_incumbent.unwrap() > 0.0);
    }

    #[test]
    fn highs_plans_are_scored_by_psops_rules() {
        let problem = generate(3, &GenSettings::staffing(12, 20, 4));
        let plan = solve(
            &problem,
            Limits {
                time: Duration::from_millis(200),
                ..Limits::default()
            },
        )
        .unwrap();
        let chosen: Vec<(usize, u32)> = plan
            .assignment
            .iter()
            .enumerate()
            .filter_map(|(j, a)| a.map(|a| (j, a)))
            .collect();
        assert_eq!(score(&problem, &chosen).unwrap().objective, plan.objective);
        if let Some(&(job, agent)) = chosen.first() {
            let twice = [(job, agent), (job, agent)];
            assert!(score(&problem, &twice).is_err());
        }
        assert!(score(&problem, &[(10_000, 0)]).is_err());
    }

    #[test]
    fn figures_are_written_for_people() {
        assert_eq!(signed(-1_234_567), "−1,234,567");
        assert_eq!(float(1_234_567.0), "1,234,567");
        assert_eq!(float(1_234_567.25), "1,234,567.2");
        assert_eq!(float(-0.5), "−0.5");
        assert_eq!(percent(0.0123), "1.23 %");
        assert_eq!(percent(0.00012), "0.0120 %");
        assert_eq!(percent_signed(-0.0123), "−1.23 %");
        assert_eq!(percent_signed(0.0123), "+1.23 %");
        assert_eq!(parse_x("x_12_7"), Some((12, 7)));
        assert_eq!(parse_x("o_7"), None);
    }
}
