//! The validated problem flattened into arrays the algorithms can walk quickly: options of all
//! jobs side by side, capacities as one agent-by-week table, the hard bonus folded into each
//! option's coefficient.

use super::problem::{Problem, hard_bonus};

/// One job, with its options as a range of option indices.
#[derive(Debug, Clone)]
pub(crate) struct JobInfo {
    pub first: usize,
    /// Minutes per week from `first` on.
    pub profile: Vec<i64>,
    /// Some(m) when every week of the profile has the same m minutes; lets the bound price the
    /// job with a prefix sum instead of a week-by-week product.
    pub flat: Option<i64>,
    pub hard: bool,
    pub options: std::ops::Range<usize>,
}

#[derive(Debug, Clone)]
pub(crate) struct Model {
    pub weeks: usize,
    pub agents: usize,
    /// max(free, 0) per agent and week, row-major by agent.
    pub cap: Vec<i64>,
    /// max(target_left, 0) per agent.
    pub target: Vec<i64>,
    pub penalty: i64,
    pub bonus: i64,
    pub jobs: Vec<JobInfo>,
    pub opt_job: Vec<u32>,
    pub opt_agent: Vec<u32>,
    pub opt_value: Vec<i64>,
    pub opt_scale: Vec<i64>,
    /// Objective coefficient: the value, plus the hard bonus for hard jobs.
    pub opt_coef: Vec<i64>,
    /// Total load over the job's weeks.
    pub opt_load: Vec<i64>,
    /// Option indices per agent.
    pub agent_opts: Vec<Vec<u32>>,
}

impl Model {
    /// Builds the model; the problem must already be validated.
    pub fn new(problem: &Problem) -> Model {
        let weeks = problem.weeks;
        let bonus = hard_bonus(problem);
        let mut cap = Vec::with_capacity(problem.agents.len() * weeks);
        for agent in &problem.agents {
            cap.extend(agent.free.iter().map(|&f| f.max(0)));
        }
        let mut model = Model {
            weeks,
            agents: problem.agents.len(),
            cap,
            target: problem.agents.iter().map(|a| a.target_left.max(0)).collect(),
            penalty: problem.over_target_penalty,
            bonus,
            jobs: Vec::with_capacity(problem.jobs.len()),
            opt_job: Vec::new(),
            opt_agent: Vec::new(),
            opt_value: Vec::new(),
            opt_scale: Vec::new(),
            opt_coef: Vec::new(),
            opt_load: Vec::new(),
            agent_opts: vec![Vec::new(); problem.agents.len()],
        };
        for (j, job) in problem.jobs.iter().enumerate() {
            let start = model.opt_job.len();
            let minutes: i64 = job.profile.iter().sum();
            let flat = match job.profile.first() {
                Some(&m) if job.profile.iter().all(|&x| x == m) => Some(m),
                _ => None,
            };
            // Options sorted by agent, so the option of a job for a given agent is a binary search.
            let mut options = job.options.clone();
            options.sort_by_key(|c| c.agent);
            for choice in &options {
                // An option that overruns its agent's free minutes even with nothing else booked
                // can never be used; leaving it out keeps it from inflating the bounds.
                let row = &model.cap[choice.agent as usize * weeks..(choice.agent as usize + 1) * weeks];
                let overruns = job
                    .profile
                    .iter()
                    .enumerate()
                    .any(|(k, &m)| m * choice.scale > row[job.first_week + k]);
                if overruns {
                    continue;
                }
                let o = model.opt_job.len();
                model.opt_job.push(j as u32);
                model.opt_agent.push(choice.agent);
                model.opt_value.push(choice.value);
                model.opt_scale.push(choice.scale);
                model.opt_coef.push(choice.value + if job.hard { bonus } else { 0 });
                model.opt_load.push(minutes * choice.scale);
                model.agent_opts[choice.agent as usize].push(o as u32);
            }
            model.jobs.push(JobInfo {
                first: job.first_week,
                profile: job.profile.clone(),
                flat,
                hard: job.hard,
                options: start..model.opt_job.len(),
            });
        }
        model
    }

    pub fn options(&self) -> usize {
        self.opt_job.len()
    }

    /// The option of job `j` for agent `a`, if any.
    pub fn option_of(&self, j: usize, a: u32) -> Option<usize> {
        let range = self.jobs[j].options.clone();
        let start = range.start;
        self.opt_agent[range].binary_search(&a).ok().map(|i| start + i)
    }

    /// Whether option `o` alone fits an agent whose bookings per week are `used` (its row).
    pub fn fits_row(&self, o: usize, used: &[i64], cap: &[i64]) -> bool {
        let job = &self.jobs[self.opt_job[o] as usize];
        let scale = self.opt_scale[o];
        job.profile
            .iter()
            .enumerate()
            .all(|(k, &m)| m == 0 || used[job.first + k] + m * scale <= cap[job.first + k])
    }
}
