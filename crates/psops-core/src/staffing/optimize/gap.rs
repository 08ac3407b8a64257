//! Generalised assignment instances in Beasley's OR-Library format, as optimizer problems.
//!
//! The format: the number of problems P, then for each problem the number of agents m and jobs n,
//! m rows of n costs (here: profits, the files being solved as maximisation), m rows of n
//! resources, and the m capacities. All numbers are whitespace separated.
//!
//! A GAP problem maps to a one-week [`Problem`]: agents' free minutes are their capacities, each
//! job is hard with one choice per agent (value = profit, scale = resource, profile = `[1]`), and
//! the target is switched off. With every job hard, the optimizer first fills as many jobs as it
//! can, so a feasible complete assignment is preferred over any partial one, as GAP requires.

use super::problem::{Agent, Choice, Job, Problem};

/// Parses every problem of an OR-Library GAP file, or `None` if the text does not follow the
/// format (too few numbers, a non-number, or absurd sizes).
pub fn parse_orlib(text: &str) -> Option<Vec<Problem>> {
    let mut numbers = text.split_whitespace().map(|t| t.parse::<i64>().ok());
    let mut next = move || numbers.next().flatten();
    let count = usize::try_from(next()?).ok()?;
    let mut problems = Vec::new();
    for _ in 0..count.min(1000) {
        let agents = usize::try_from(next()?).ok().filter(|&m| m <= 10_000)?;
        let jobs = usize::try_from(next()?).ok().filter(|&n| n <= 100_000)?;
        let mut profit = vec![0i64; agents * jobs];
        let mut resource = vec![0i64; agents * jobs];
        for cell in profit.iter_mut().chain(resource.iter_mut()) {
            *cell = next()?;
        }
        let mut problem = Problem {
            weeks: 1,
            agents: Vec::new(),
            jobs: Vec::new(),
            over_target_penalty: 0,
        };
        for _ in 0..agents {
            problem.agents.push(Agent {
                free: vec![next()?],
                target_left: 0,
            });
        }
        for j in 0..jobs {
            let options = (0..agents)
                .map(|i| Choice {
                    agent: i as u32,
                    value: profit[i * jobs + j],
                    scale: resource[i * jobs + j],
                })
                .collect();
            problem.jobs.push(Job {
                hard: true,
                first_week: 0,
                profile: vec![1],
                options,
            });
        }
        problems.push(problem);
    }
    Some(problems)
}
