//! A class's training workflow as dated steps: the welcome mail, the planning meeting,
//! the registration links (at least two weeks before the start), the lab invitation
//! codes (about a week before, good for 30 days), the trainer's checklist, and the
//! close-out after the last day (the attendance report with the roster). Each step is due
//! on a day counted from the class's dates; a step not done by its day is overdue.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::{Date, Duration};
use utoipa::ToSchema;

use crate::code::Code;

/// The days lab invitation codes give access for.
pub const LAB_ACCESS_DAYS: i64 = 30;

/// One step of a class's workflow, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum ClassStep {
    /// The welcome mail to the customer (four weeks before).
    Welcome,
    /// The planning meeting with the customer (three weeks before).
    PlanningMeeting,
    /// Registration links to the learners (at least two weeks before).
    RegistrationLinks,
    /// Lab invitation codes (about one week before; access for 30 days).
    LabCodes,
    /// The trainer's checklist (the day before).
    TrainerChecklist,
    /// The attendance report and close-out (within five days of the last day); done by
    /// submitting the roster.
    CloseOut,
}

impl Code for ClassStep {
    const FIELD: &'static str = "step";
}

impl ClassStep {
    /// The day the step is due for a class from `start` to `end`.
    pub fn due(self, start: Date, end: Date) -> Date {
        match self {
            ClassStep::Welcome => start - Duration::days(28),
            ClassStep::PlanningMeeting => start - Duration::days(21),
            ClassStep::RegistrationLinks => start - Duration::days(14),
            ClassStep::LabCodes => start - Duration::days(7),
            ClassStep::TrainerChecklist => start - Duration::days(1),
            ClassStep::CloseOut => end + Duration::days(5),
        }
    }
}

/// A step as a class shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct StepView {
    pub step: ClassStep,
    pub due_on: Date,
    pub done_on: Option<Date>,
    /// Not done, and its day has passed.
    pub overdue: bool,
    /// The last day of lab access, for the lab codes: 30 days from when they went out
    /// (or are due to).
    pub lab_access_until: Option<Date>,
}

/// The workflow of a class from `start` to `end` with the steps `done`, as of `today`.
pub fn workflow(start: Date, end: Date, done: &BTreeMap<ClassStep, Date>, today: Date) -> Vec<StepView> {
    <ClassStep as strum::VariantArray>::VARIANTS
        .iter()
        .map(|&step| {
            let due_on = step.due(start, end);
            let done_on = done.get(&step).copied();
            StepView {
                step,
                due_on,
                done_on,
                overdue: done_on.is_none() && today > due_on,
                lab_access_until: (step == ClassStep::LabCodes)
                    .then(|| done_on.unwrap_or(due_on) + Duration::days(LAB_ACCESS_DAYS)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn steps_fall_due_from_the_class_dates_and_are_overdue_once_past() {
        let (start, end) = (date!(2026 - 03 - 16), date!(2026 - 03 - 18));
        let mut done = BTreeMap::new();
        done.insert(ClassStep::Welcome, date!(2026 - 02 - 10));
        let w = workflow(start, end, &done, date!(2026 - 03 - 03));
        let at = |s: ClassStep| w.iter().find(|v| v.step == s).unwrap();
        assert_eq!(at(ClassStep::RegistrationLinks).due_on, date!(2026 - 03 - 02));
        assert!(at(ClassStep::RegistrationLinks).overdue, "two weeks before has passed");
        assert!(!at(ClassStep::Welcome).overdue, "done");
        assert!(at(ClassStep::PlanningMeeting).overdue);
        assert_eq!(at(ClassStep::LabCodes).due_on, date!(2026 - 03 - 09));
        assert!(!at(ClassStep::LabCodes).overdue);
        assert_eq!(at(ClassStep::LabCodes).lab_access_until, Some(date!(2026 - 04 - 08)));
        assert_eq!(at(ClassStep::CloseOut).due_on, date!(2026 - 03 - 23));
        assert_eq!(w.len(), 6);
    }
}
