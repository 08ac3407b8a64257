//! A plan under construction: which option each job uses, the minutes booked per agent and
//! week, and the objective kept up to date on every change so moves can be tried and undone.

use super::model::Model;
use super::problem::Figures;

/// Marks a job without an agent.
pub(crate) const NONE: u32 = u32::MAX;

#[derive(Debug, Clone)]
pub(crate) struct State<'m> {
    pub model: &'m Model,
    /// Chosen option per job, or NONE.
    pub choice: Vec<u32>,
    /// Minutes booked per agent and week (row-major by agent).
    pub used: Vec<i64>,
    /// Minutes booked per agent over the horizon.
    pub total: Vec<i64>,
    /// Jobs held by each agent, and each job's position in its agent's list.
    pub held: Vec<Vec<u32>>,
    position: Vec<u32>,
    pub objective: i64,
    /// While `journaling`, every change is logged as (job, option before) so it can be undone.
    journal: Vec<(u32, u32)>,
    journaling: bool,
}

impl<'m> State<'m> {
    pub fn new(model: &'m Model) -> State<'m> {
        State {
            model,
            choice: vec![NONE; model.jobs.len()],
            used: vec![0; model.agents * model.weeks],
            total: vec![0; model.agents],
            held: vec![Vec::new(); model.agents],
            position: vec![0; model.jobs.len()],
            objective: 0,
            journal: Vec::new(),
            journaling: false,
        }
    }

    fn over(&self, a: usize, total: i64) -> i64 {
        (total - self.model.target[a]).max(0)
    }

    /// Change in the penalty term (as a gain, so <= 0 when adding load) of moving agent `a`'s
    /// total by `delta` minutes.
    pub fn penalty_gain(&self, a: usize, delta: i64) -> i64 {
        let total = self.total[a];
        -self.model.penalty * (self.over(a, total + delta) - self.over(a, total))
    }

    /// Objective change of adding option `o` (its job must be unassigned).
    pub fn insert_gain(&self, o: usize) -> i64 {
        let m = self.model;
        m.opt_coef[o] + self.penalty_gain(m.opt_agent[o] as usize, m.opt_load[o])
    }

    /// Whether option `o` fits its agent's remaining free minutes.
    pub fn fits(&self, o: usize) -> bool {
        let m = self.model;
        let a = m.opt_agent[o] as usize;
        let row = a * m.weeks..(a + 1) * m.weeks;
        m.fits_row(o, &self.used[row.clone()], &m.cap[row])
    }

    /// Whether option `o` would fit if job `gone` (held by the same agent) were removed first.
    pub fn fits_without(&self, o: usize, gone: usize) -> bool {
        let m = self.model;
        let a = m.opt_agent[o] as usize;
        let job = &m.jobs[m.opt_job[o] as usize];
        let other = &m.jobs[gone];
        let gone_scale = m.opt_scale[self.choice[gone] as usize];
        let scale = m.opt_scale[o];
        job.profile.iter().enumerate().all(|(k, &minutes)| {
            let week = job.first + k;
            let freed = week
                .checked_sub(other.first)
                .and_then(|i| other.profile.get(i))
                .map_or(0, |&g| g * gone_scale);
            minutes == 0 || self.used[a * m.weeks + week] - freed + minutes * scale <= m.cap[a * m.weeks + week]
        })
    }

    /// Gives job of option `o` to its agent. The job must be unassigned; capacity is not checked.
    pub fn assign(&mut self, o: usize) {
        let m = self.model;
        let j = m.opt_job[o] as usize;
        let a = m.opt_agent[o] as usize;
        debug_assert_eq!(self.choice[j], NONE);
        if self.journaling {
            self.journal.push((j as u32, NONE));
        }
        self.objective += self.insert_gain(o);
        let job = &m.jobs[j];
        let scale = m.opt_scale[o];
        for (k, &minutes) in job.profile.iter().enumerate() {
            self.used[a * m.weeks + job.first + k] += minutes * scale;
        }
        self.total[a] += m.opt_load[o];
        self.choice[j] = o as u32;
        self.position[j] = self.held[a].len() as u32;
        self.held[a].push(j as u32);
    }

    /// Takes job `j` off its agent, returning the option it had (NONE if it had none).
    pub fn unassign(&mut self, j: usize) -> u32 {
        let o = self.choice[j];
        if o == NONE {
            return NONE;
        }
        if self.journaling {
            self.journal.push((j as u32, o));
        }
        let m = self.model;
        let o_us = o as usize;
        let a = m.opt_agent[o_us] as usize;
        let job = &m.jobs[j];
        let scale = m.opt_scale[o_us];
        for (k, &minutes) in job.profile.iter().enumerate() {
            self.used[a * m.weeks + job.first + k] -= minutes * scale;
        }
        self.total[a] -= m.opt_load[o_us];
        self.objective -= m.opt_coef[o_us] + self.penalty_gain(a, m.opt_load[o_us]);
        let at = self.position[j] as usize;
        self.held[a].swap_remove(at);
        if let Some(&moved) = self.held[a].get(at) {
            self.position[moved as usize] = at as u32;
        }
        self.choice[j] = NONE;
        o
    }

    /// Starts logging changes (dropping any earlier log).
    pub fn begin(&mut self) {
        self.journal.clear();
        self.journaling = true;
    }

    /// Stops logging and keeps the changes.
    pub fn commit(&mut self) {
        self.journal.clear();
        self.journaling = false;
    }

    /// Stops logging and undoes every change since [`State::begin`], newest first.
    pub fn rollback(&mut self) {
        self.journaling = false;
        while let Some((j, before)) = self.journal.pop() {
            self.unassign(j as usize);
            if before != NONE {
                self.assign(before as usize);
            }
        }
    }

    /// Copies another state of the same model into this one.
    pub fn copy_from(&mut self, other: &State<'m>) {
        self.choice.clone_from(&other.choice);
        self.used.clone_from(&other.used);
        self.total.clone_from(&other.total);
        self.held.clone_from(&other.held);
        self.position.clone_from(&other.position);
        self.objective = other.objective;
    }

    /// Back to the empty plan.
    pub fn reset(&mut self) {
        self.choice.iter_mut().for_each(|c| *c = NONE);
        self.used.iter_mut().for_each(|u| *u = 0);
        self.total.iter_mut().for_each(|t| *t = 0);
        self.held.iter_mut().for_each(Vec::clear);
        self.objective = 0;
    }

    /// The plan's figures.
    pub fn figures(&self) -> Figures {
        let m = self.model;
        let mut figures = Figures::default();
        for &o in self.choice.iter().filter(|&&o| o != NONE) {
            let o = o as usize;
            figures.hard_filled += usize::from(m.jobs[m.opt_job[o] as usize].hard);
            figures.total_value += m.opt_value[o];
            figures.minutes_filled += m.opt_load[o];
        }
        figures.minutes_over_target = (0..m.agents).map(|a| self.over(a, self.total[a])).sum();
        figures
    }

    /// Agent per job, as the public plan reports it.
    pub fn agents(&self) -> Vec<Option<u32>> {
        self.choice
            .iter()
            .map(|&o| (o != NONE).then(|| self.model.opt_agent[o as usize]))
            .collect()
    }
}
