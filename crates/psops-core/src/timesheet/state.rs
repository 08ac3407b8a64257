//! Where a person's week stands, in one word a person understands, from its entries'
//! statuses and whether a project's entries were sent back.

use serde::Serialize;

use crate::time_entries::EntryStatus;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WeekState {
    /// Nothing logged yet.
    Empty,
    /// Drafts not yet submitted.
    Open,
    /// Sent back by an approver with a reason: drafts again, to fix and resubmit.
    Rejected,
    /// Everything submitted; some of it waits for approval.
    Submitted,
    /// Everything approved.
    Approved,
}

impl WeekState {
    /// The state of a week holding entries of these statuses; `rejected` when an approver
    /// sent some of it back since it was last submitted.
    pub fn of(statuses: impl IntoIterator<Item = EntryStatus>, rejected: bool) -> WeekState {
        let (mut drafts, mut submitted, mut any) = (false, false, false);
        for s in statuses {
            any = true;
            match s {
                EntryStatus::Draft => drafts = true,
                EntryStatus::Submitted => submitted = true,
                EntryStatus::Approved => {}
            }
        }
        match (any, drafts, submitted) {
            (false, _, _) => WeekState::Empty,
            (true, true, _) if rejected => WeekState::Rejected,
            (true, true, _) => WeekState::Open,
            (true, false, true) => WeekState::Submitted,
            (true, false, false) => WeekState::Approved,
        }
    }

    /// The words a page shows.
    pub fn label(self) -> &'static str {
        match self {
            WeekState::Empty => "nothing logged",
            WeekState::Open => "not submitted",
            WeekState::Rejected => "rejected — fix and resubmit",
            WeekState::Submitted => "submitted, waiting for approval",
            WeekState::Approved => "approved",
        }
    }
}

/// What the owner may do with their week: only what its state allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct WeekActions {
    /// Change draft time, add or copy rows.
    pub edit: bool,
    pub submit: bool,
    /// Take a submitted week back to draft.
    pub withdraw: bool,
}

impl WeekState {
    /// The actions this state allows; a week in a locked period allows none, and a
    /// submitted week can be withdrawn only while no approver has decided any of it.
    pub fn actions(self, locked: bool, decided: bool) -> WeekActions {
        if locked {
            return WeekActions::default();
        }
        match self {
            WeekState::Empty => WeekActions {
                edit: true,
                ..Default::default()
            },
            WeekState::Open | WeekState::Rejected => WeekActions {
                edit: true,
                submit: true,
                withdraw: false,
            },
            WeekState::Submitted => WeekActions {
                withdraw: !decided,
                ..Default::default()
            },
            WeekState::Approved => WeekActions::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EntryStatus::*;

    #[test]
    fn a_week_is_as_open_as_its_least_finished_entry() {
        assert_eq!(WeekState::of([], false), WeekState::Empty);
        assert_eq!(WeekState::of([Approved, Draft], false), WeekState::Open);
        assert_eq!(WeekState::of([Draft, Submitted], true), WeekState::Rejected);
        assert_eq!(WeekState::of([Approved, Submitted], false), WeekState::Submitted);
        assert_eq!(WeekState::of([Approved, Approved], false), WeekState::Approved);
        // A rejection already fixed and resubmitted no longer shows.
        assert_eq!(WeekState::of([Submitted], true), WeekState::Submitted);
    }

    #[test]
    fn a_week_offers_only_what_its_state_allows() {
        let open = WeekState::Open.actions(false, false);
        assert!(open.edit && open.submit && !open.withdraw);
        assert_eq!(WeekState::Rejected.actions(false, true), open);
        let empty = WeekState::Empty.actions(false, false);
        assert!(empty.edit && !empty.submit);
        let waiting = WeekState::Submitted.actions(false, false);
        assert!(!waiting.edit && !waiting.submit && waiting.withdraw);
        assert!(!WeekState::Submitted.actions(false, true).withdraw, "partly approved");
        assert_eq!(WeekState::Approved.actions(false, false), WeekActions::default());
        assert_eq!(WeekState::Open.actions(true, false), WeekActions::default(), "locked");
    }
}
