//! The instance the optimizer plans: people, open requests, and how a plan is scored.
//!
//! Everything is integer. Loads are minutes (or, for generalised-assignment instances, any
//! resource unit); values are whatever unit the caller scores requests in.

use thiserror::Error;

/// Largest magnitude accepted for a single value, profile entry or free-minute figure. Keeping
/// inputs well inside `i64` lets every sum the optimizer forms stay exact without checks on
/// each addition (the totals are checked once, in [`Problem::validate`]).
pub const MAX_INPUT: i64 = 1_000_000_000_000;

/// Largest `scale` of a choice (see [`Choice::scale`]).
pub const MAX_SCALE: i64 = 1_000_000;

/// A batch of open requests to fill from a pool of people over a horizon of `weeks` weeks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Problem {
    /// Horizon length W in weeks; every agent's `free` has this length and every job lies inside it.
    pub weeks: usize,
    /// The people who can be assigned; a [`Choice::agent`] indexes this list.
    pub agents: Vec<Agent>,
    /// The open requests to fill.
    pub jobs: Vec<Job>,
    /// Value lost per minute that the plan books an agent beyond what is left of their
    /// utilization target over the horizon (>= 0; 0 turns the target off).
    pub over_target_penalty: i64,
}

/// One person as the optimizer sees them. Assignments that are already locked in are not listed:
/// the caller has subtracted them from `free` and `target_left`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Agent {
    /// Minutes free per week (capacity less existing bookings), one entry per week of the horizon.
    /// A week with `free <= 0` can take nothing that loads that week.
    pub free: Vec<i64>,
    /// Billable minutes the agent may still take over the horizon before exceeding their
    /// utilization target. Negative means already over; the plan is charged only for the minutes
    /// it adds beyond the target, so a negative figure counts as zero (the existing excess is not
    /// the plan's doing and would only add a constant).
    pub target_left: i64,
}

/// One open request: a role needed for a range of weeks, filled by exactly one person or not at all.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Job {
    /// Hard requests are filled first: filling one more hard request always beats any difference
    /// in value (see [`hard_bonus`]). Soft requests are optional and bring just their value.
    pub hard: bool,
    /// First week of the request, counted from the start of the horizon.
    pub first_week: usize,
    /// Minutes per week, for weeks `first_week .. first_week + profile.len()`; each entry >= 0.
    /// The range must lie inside the horizon (checked by [`Problem::validate`]; a request running
    /// past the horizon is rejected rather than cut, since cutting would hide overbooking).
    pub profile: Vec<i64>,
    /// The people who may fill it, after the caller's hard filters (role, skills,
    /// certifications, region). At most one choice per agent.
    pub options: Vec<Choice>,
}

/// One eligible person for a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Choice {
    /// Index into [`Problem::agents`].
    pub agent: u32,
    /// Value of giving the job to this agent (>= 0), e.g. priority x fit in thousandths.
    pub value: i64,
    /// Load multiplier (>= 1): the load in week `first_week + k` is `profile[k] * scale`. The
    /// staffing caller uses 1; generalised-assignment instances use their resource a_ij with a
    /// one-week profile of 1.
    pub scale: i64,
}

/// Why a [`Problem`] cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProblemError {
    #[error("agent {agent} has {found} weeks of free minutes, the horizon has {weeks}")]
    FreeLength { agent: usize, found: usize, weeks: usize },
    #[error("job {job} runs past the horizon (weeks {first_week}..{end}, horizon {weeks})")]
    PastHorizon {
        job: usize,
        first_week: usize,
        end: usize,
        weeks: usize,
    },
    #[error("job {job} has a negative or too large minute figure in its profile")]
    BadProfile { job: usize },
    #[error("job {job} names agent {agent}, which does not exist")]
    UnknownAgent { job: usize, agent: u32 },
    #[error("job {job} lists agent {agent} more than once")]
    DuplicateAgent { job: usize, agent: u32 },
    #[error("job {job}, agent {agent}: value must be 0..={MAX_INPUT} and scale 1..={MAX_SCALE}")]
    BadChoice { job: usize, agent: u32 },
    #[error("agent {agent} has a free-minute or target figure beyond ±{MAX_INPUT}")]
    BadAgent { agent: usize },
    #[error("the over-target penalty must be 0..={MAX_INPUT}")]
    BadPenalty,
    #[error("the instance's totals are too large to score exactly in 64-bit integers")]
    TooLarge,
}

/// Why an assignment is not a valid plan for a problem (see [`evaluate`]).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PlanError {
    #[error("invalid problem: {0}")]
    Problem(#[from] ProblemError),
    #[error("the plan has {found} entries for {jobs} jobs")]
    Length { found: usize, jobs: usize },
    #[error("job {job} is given to agent {agent}, who is not one of its options")]
    NotEligible { job: usize, agent: u32 },
    #[error("agent {agent} is booked {booked} minutes in week {week} with {free} free")]
    OverCapacity {
        agent: usize,
        week: usize,
        booked: i64,
        free: i64,
    },
}

/// What a plan achieves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Figures {
    /// Hard jobs given to someone.
    pub hard_filled: usize,
    /// Sum of the values of the chosen options.
    pub total_value: i64,
    /// Minutes (loads) booked by the plan, all jobs and weeks.
    pub minutes_filled: i64,
    /// Minutes booked beyond the agents' targets, summed over agents.
    pub minutes_over_target: i64,
}

/// A valid assignment's score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Evaluation {
    /// `hard_bonus * hard_filled + total_value - over_target_penalty * minutes_over_target`.
    pub objective: i64,
    pub figures: Figures,
}

impl Problem {
    /// Checks that the instance is well formed and that every total fits comfortably in `i64`.
    pub fn validate(&self) -> Result<(), ProblemError> {
        if !(0..=MAX_INPUT).contains(&self.over_target_penalty) {
            return Err(ProblemError::BadPenalty);
        }
        for (index, agent) in self.agents.iter().enumerate() {
            if agent.free.len() != self.weeks {
                return Err(ProblemError::FreeLength {
                    agent: index,
                    found: agent.free.len(),
                    weeks: self.weeks,
                });
            }
            let in_range = |x: i64| (-MAX_INPUT..=MAX_INPUT).contains(&x);
            if !agent.free.iter().all(|&f| in_range(f)) || !in_range(agent.target_left) {
                return Err(ProblemError::BadAgent { agent: index });
            }
        }
        let mut seen = vec![usize::MAX; self.agents.len()];
        for (index, job) in self.jobs.iter().enumerate() {
            let end = job.first_week.saturating_add(job.profile.len());
            if end > self.weeks {
                return Err(ProblemError::PastHorizon {
                    job: index,
                    first_week: job.first_week,
                    end,
                    weeks: self.weeks,
                });
            }
            if !job.profile.iter().all(|&m| (0..=MAX_INPUT).contains(&m)) {
                return Err(ProblemError::BadProfile { job: index });
            }
            for choice in &job.options {
                let slot = seen.get_mut(choice.agent as usize).ok_or(ProblemError::UnknownAgent {
                    job: index,
                    agent: choice.agent,
                })?;
                if *slot == index {
                    return Err(ProblemError::DuplicateAgent {
                        job: index,
                        agent: choice.agent,
                    });
                }
                *slot = index;
                if !(0..=MAX_INPUT).contains(&choice.value) || !(1..=MAX_SCALE).contains(&choice.scale) {
                    return Err(ProblemError::BadChoice {
                        job: index,
                        agent: choice.agent,
                    });
                }
            }
        }
        // The largest objective is every hard bonus plus every best value; the largest penalty is
        // every minute over target. Both, and every per-option figure, must fit with room to spare.
        let (bonus, loads, hard) = bonus_parts(self);
        let ceiling = (i64::MAX / 8) as i128;
        let most = bonus.saturating_mul(hard as i128 + 1);
        if bonus > ceiling || most > ceiling || loads > ceiling {
            return Err(ProblemError::TooLarge);
        }
        Ok(())
    }
}

/// The bonus per hard job filled: `1 + sum over jobs of the best option value + penalty * sum over
/// jobs of the largest option load`. The second part bounds how far the value and penalty terms of
/// any two plans can differ, so one more hard job always outweighs it: the objective is
/// lexicographic (hard jobs first, then value less penalty) while staying a single integer sum
/// that an external MIP solver can read. Saturates on absurd inputs; [`Problem::validate`]
/// rejects those.
pub fn hard_bonus(problem: &Problem) -> i64 {
    let (bonus, _, _) = bonus_parts(problem);
    i64::try_from(bonus).unwrap_or(i64::MAX)
}

/// The bonus, the sum over jobs of the largest option load, and the number of hard jobs.
fn bonus_parts(problem: &Problem) -> (i128, i128, usize) {
    let mut values: i128 = 0;
    let mut loads: i128 = 0;
    let mut hard = 0usize;
    for job in &problem.jobs {
        hard += usize::from(job.hard);
        let minutes: i128 = job.profile.iter().map(|&m| m as i128).sum();
        values += job.options.iter().map(|c| c.value as i128).max().unwrap_or(0);
        loads += job.options.iter().map(|c| minutes * c.scale as i128).max().unwrap_or(0);
    }
    (1 + values + problem.over_target_penalty as i128 * loads, loads, hard)
}

/// Scores an assignment (one entry per job: the agent, or `None`) and checks that it is a valid
/// plan: each job given only to one of its options, no agent over their free minutes in any week.
pub fn evaluate(problem: &Problem, assignment: &[Option<u32>]) -> Result<Evaluation, PlanError> {
    problem.validate()?;
    if assignment.len() != problem.jobs.len() {
        return Err(PlanError::Length {
            found: assignment.len(),
            jobs: problem.jobs.len(),
        });
    }
    let weeks = problem.weeks;
    let mut booked = vec![0i64; problem.agents.len() * weeks];
    let mut total = vec![0i64; problem.agents.len()];
    let mut figures = Figures::default();
    for (index, (job, chosen)) in problem.jobs.iter().zip(assignment).enumerate() {
        let Some(agent) = *chosen else { continue };
        let choice = job
            .options
            .iter()
            .find(|c| c.agent == agent)
            .ok_or(PlanError::NotEligible { job: index, agent })?;
        let a = agent as usize;
        for (k, &minutes) in job.profile.iter().enumerate() {
            let load = minutes * choice.scale;
            booked[a * weeks + job.first_week + k] += load;
            total[a] += load;
            figures.minutes_filled += load;
        }
        figures.total_value += choice.value;
        figures.hard_filled += usize::from(job.hard);
    }
    for (a, agent) in problem.agents.iter().enumerate() {
        for (week, &free) in agent.free.iter().enumerate() {
            let load = booked[a * weeks + week];
            // Loads are never negative, so "nothing on a week with free <= 0" is "load <= max(free, 0)".
            if load > free.max(0) {
                return Err(PlanError::OverCapacity {
                    agent: a,
                    week,
                    booked: load,
                    free,
                });
            }
        }
        figures.minutes_over_target += (total[a] - agent.target_left.max(0)).max(0);
    }
    let objective = hard_bonus(problem) * figures.hard_filled as i64 + figures.total_value
        - problem.over_target_penalty * figures.minutes_over_target;
    Ok(Evaluation { objective, figures })
}
