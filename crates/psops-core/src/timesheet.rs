//! The weekly timesheet state machine: an entry is drafted and submitted by
//! the person who logged it, approved or rejected (with a reason) by its approver — the
//! project's PM — and an approved entry changes only if that approver reopens it. Once
//! finance locks a period, or an invoice bills the entry, nothing about it changes for
//! anyone. Weeks, due days and compliance live in `week`.

mod review;
mod state;
mod week;

pub use review::{LONG_DAY, Warning, review};
pub use state::{WeekActions, WeekState};
pub use week::{Compliance, IsoWeek, compliance, due_date, due_date_for, parse_weekday, standing};

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use crate::dates::{DateRange, format_date};
use crate::error::{Error, Result};
use crate::rule::Rule;
use crate::time_entries::EntryStatus;

/// A step an actor asks for. JSON: `{"action":"reject","reason":"wrong project"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Transition {
    /// draft → submitted, by the owner.
    Submit,
    /// submitted → draft, by the owner, before the approver acts.
    Withdraw,
    /// submitted → approved, by the approver.
    Approve,
    /// submitted → draft, by the approver, with a reason for the owner.
    Reject { reason: String },
    /// approved → draft, by the approver only.
    Reopen,
}

impl Transition {
    /// The verb and its past participle, for messages.
    fn words(&self) -> (&'static str, &'static str) {
        match self {
            Self::Submit => ("submit", "submitted"),
            Self::Withdraw => ("withdraw", "withdrawn"),
            Self::Approve => ("approve", "approved"),
            Self::Reject { .. } => ("reject", "rejected"),
            Self::Reopen => ("reopen", "reopened"),
        }
    }
}

/// Who the actor is to this entry; the store works these out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActorFacts {
    /// The actor is the person the time belongs to.
    pub is_owner: bool,
    /// The actor approves this entry (the project's PM, or whoever approves internal time).
    pub is_approver: bool,
}

/// A period finance has closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LockedPeriod {
    pub range: DateRange,
}

/// Whether anything may change an entry at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryLock {
    Open,
    /// The entry's date lies in a locked period.
    PeriodLocked(DateRange),
    /// The entry is billed on an issued invoice (its number) that no credit note released.
    Invoiced(String),
}

impl EntryLock {
    /// The lock on an entry dated `date`.
    pub fn for_entry(periods: &[LockedPeriod], date: Date) -> EntryLock {
        match periods.iter().find(|p| p.range.contains(date)) {
            Some(p) => EntryLock::PeriodLocked(p.range),
            None => EntryLock::Open,
        }
    }

    /// Refuses any change to a locked entry, including creating one in a locked period.
    pub fn ensure_open(self) -> Result<()> {
        match self {
            EntryLock::Open => Ok(()),
            EntryLock::PeriodLocked(r) => Err(Error::conflict(
                "date",
                Rule::PeriodLocked,
                format!(
                    "the period {} to {} is locked by finance: no entry in it can be \
                     created, changed or moved through the timesheet by anyone",
                    format_date(r.start),
                    format_date(r.end)
                ),
            )),
            EntryLock::Invoiced(number) => Err(Error::conflict(
                "status",
                Rule::Invoiced,
                format!(
                    "the entry is billed on invoice {number}: it can no longer be edited, deleted, moved, \
                     reopened, withdrawn or rejected — finance must credit {number} first"
                ),
            )),
        }
    }
}

fn code(s: EntryStatus) -> &'static str {
    crate::code::Code::code(&s)
}

/// The state an entry moves to, or why it may not. Checks run in a fixed order — lock,
/// then state, then who acts, then the reason — so the error names the first rule a
/// caller must fix.
pub fn apply(state: EntryStatus, transition: &Transition, actor: ActorFacts, lock: EntryLock) -> Result<EntryStatus> {
    use EntryStatus::*;
    lock.ensure_open()?;
    let (from, to, by_owner) = match transition {
        Transition::Submit => (Draft, Submitted, true),
        Transition::Withdraw => (Submitted, Draft, true),
        Transition::Approve => (Submitted, Approved, false),
        Transition::Reject { .. } => (Submitted, Draft, false),
        Transition::Reopen => (Approved, Draft, false),
    };
    let (verb, done) = transition.words();
    if state != from {
        return Err(Error::conflict(
            "status",
            Rule::InvalidTransition,
            format!(
                "cannot {verb} an entry that is {}: only a {} entry can be {done}",
                code(state),
                code(from),
            ),
        ));
    }
    if by_owner && !actor.is_owner {
        return Err(Error::Forbidden(format!(
            "only the person who logged the time can {verb} it (rule: owner_only)"
        )));
    }
    if !by_owner && !actor.is_approver {
        return Err(Error::Forbidden(format!(
            "only the entry's approver (the project's PM) can {verb} it (rule: approver_only)"
        )));
    }
    if let Transition::Reject { reason } = transition {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::invalid(
                "reason",
                Rule::Required,
                "a rejection needs a reason that tells the person what to fix",
            ));
        }
        if reason.chars().count() > 2000 {
            return Err(Error::invalid(
                "reason",
                Rule::TooLong,
                "reason must be at most 2000 characters",
            ));
        }
    }
    Ok(to)
}

/// Only a draft changes: a submitted or approved entry belongs to the timesheet cycle until
/// a withdrawal, a rejection or a reopen returns it to draft. Every interface that edits or
/// deletes an entry asks this (the API and CLI through the store, the week grid before it
/// writes); who may edit is the authorization policy's question, and locks are
/// [`EntryLock::ensure_open`]'s.
pub fn ensure_draft(state: EntryStatus) -> Result<()> {
    let why = match state {
        EntryStatus::Draft => return Ok(()),
        EntryStatus::Submitted => "its owner can withdraw the week, or the approver reject it",
        EntryStatus::Approved => "only its approver can reopen it",
    };
    Err(Error::conflict(
        "status",
        Rule::NotDraft,
        format!("this entry is {} and can no longer change: {why}", code(state)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use EntryStatus::*;
    use proptest::prelude::*;
    use time::macros::date;

    const OWNER: ActorFacts = ActorFacts {
        is_owner: true,
        is_approver: false,
    };
    const APPROVER: ActorFacts = ActorFacts {
        is_owner: false,
        is_approver: true,
    };
    const STRANGER: ActorFacts = ActorFacts {
        is_owner: false,
        is_approver: false,
    };
    const STATES: [EntryStatus; 3] = [Draft, Submitted, Approved];

    fn reject(reason: &str) -> Transition {
        Transition::Reject { reason: reason.into() }
    }

    fn november() -> EntryLock {
        EntryLock::PeriodLocked(DateRange::new(date!(2026 - 11 - 01), date!(2026 - 11 - 30)).unwrap())
    }

    fn rule(e: Error) -> Rule {
        match e {
            Error::Invalid(v) => v[0].rule,
            Error::Conflict(f) => f.rule,
            other => panic!("unexpected {other}"),
        }
    }

    /// Who may take a step is no rule of a field: a 403 names its rule in its text.
    fn forbidden(e: Error) -> String {
        match e {
            Error::Forbidden(m) => m,
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn the_allowed_transitions() {
        let open = || EntryLock::Open;
        assert_eq!(apply(Draft, &Transition::Submit, OWNER, open()).unwrap(), Submitted);
        assert_eq!(apply(Submitted, &Transition::Withdraw, OWNER, open()).unwrap(), Draft);
        assert_eq!(
            apply(Submitted, &Transition::Approve, APPROVER, open()).unwrap(),
            Approved
        );
        assert_eq!(
            apply(Submitted, &reject("wrong project"), APPROVER, open()).unwrap(),
            Draft
        );
        assert_eq!(apply(Approved, &Transition::Reopen, APPROVER, open()).unwrap(), Draft);
    }

    #[test]
    fn transitions_from_the_wrong_state_are_conflicts() {
        let both = ActorFacts {
            is_owner: true,
            is_approver: true,
        };
        let cases = [
            (Transition::Submit, [Submitted, Approved]),
            (Transition::Withdraw, [Draft, Approved]),
            (Transition::Approve, [Draft, Approved]),
            (reject("x"), [Draft, Approved]),
            (Transition::Reopen, [Draft, Submitted]),
        ];
        for (t, states) in cases {
            for s in states {
                let err = apply(s, &t, both, EntryLock::Open).unwrap_err();
                assert!(matches!(err, Error::Conflict(_)), "{t:?} from {s:?}");
                assert_eq!(rule(err), Rule::InvalidTransition);
            }
        }
        let msg = apply(Approved, &Transition::Approve, both, EntryLock::Open)
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("cannot approve an entry that is approved: only a submitted entry can be approved"),
            "{msg}"
        );
        let msg = apply(Submitted, &Transition::Submit, both, EntryLock::Open)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("only a draft entry can be submitted"), "{msg}");
        let msg = apply(Draft, &Transition::Withdraw, both, EntryLock::Open)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("only a submitted entry can be withdrawn"), "{msg}");
    }

    #[test]
    fn only_the_owner_submits_and_withdraws() {
        for actor in [APPROVER, STRANGER] {
            let err = apply(Draft, &Transition::Submit, actor, EntryLock::Open).unwrap_err();
            assert!(forbidden(err).contains("owner_only"));
            let err = apply(Submitted, &Transition::Withdraw, actor, EntryLock::Open).unwrap_err();
            assert!(forbidden(err).contains("owner_only"));
        }
    }

    #[test]
    fn only_the_approver_approves_rejects_and_reopens() {
        for actor in [OWNER, STRANGER] {
            for (s, t) in [
                (Submitted, Transition::Approve),
                (Submitted, reject("why")),
                (Approved, Transition::Reopen),
            ] {
                let err = apply(s, &t, actor, EntryLock::Open).unwrap_err();
                assert!(matches!(err, Error::Forbidden(_)));
                assert!(forbidden(err).contains("approver_only"), "{t:?}");
            }
        }
    }

    #[test]
    fn a_rejection_needs_a_reason() {
        for blank in ["", "   ", "\n\t"] {
            let err = apply(Submitted, &reject(blank), APPROVER, EntryLock::Open).unwrap_err();
            assert!(err.to_string().contains("reason"), "{err}");
            assert_eq!(rule(err), Rule::Required);
        }
        let long = "x".repeat(2001);
        assert_eq!(
            rule(apply(Submitted, &reject(&long), APPROVER, EntryLock::Open).unwrap_err()),
            Rule::TooLong
        );
    }

    #[test]
    fn nothing_moves_inside_a_locked_period() {
        let both = ActorFacts {
            is_owner: true,
            is_approver: true,
        };
        let all = [
            Transition::Submit,
            Transition::Withdraw,
            Transition::Approve,
            reject("late"),
            Transition::Reopen,
        ];
        for s in STATES {
            for t in &all {
                let err = apply(s, t, both, november()).unwrap_err();
                assert!(matches!(err, Error::Conflict(_)));
                assert!(
                    err.to_string()
                        .contains("2026-11-01 to 2026-11-30 is locked by finance"),
                    "{err}"
                );
            }
            assert_eq!(rule(november().ensure_open().unwrap_err()), Rule::PeriodLocked);
        }
    }

    #[test]
    fn only_drafts_change() {
        assert!(ensure_draft(Draft).is_ok());
        for s in [Submitted, Approved] {
            let err = ensure_draft(s).unwrap_err();
            assert!(matches!(err, Error::Conflict(_)), "{s:?}");
            assert!(err.to_string().contains(&format!("this entry is {}", code(s))), "{err}");
            assert_eq!(rule(err), Rule::NotDraft);
        }
        assert!(ensure_draft(Approved).unwrap_err().to_string().contains("reopen"));
    }

    #[test]
    fn locks_come_from_periods() {
        let periods = [LockedPeriod {
            range: DateRange::new(date!(2026 - 10 - 01), date!(2026 - 10 - 31)).unwrap(),
        }];
        assert_eq!(EntryLock::for_entry(&periods, date!(2026 - 11 - 02)), EntryLock::Open);
        assert_eq!(
            EntryLock::for_entry(&periods, date!(2026 - 10 - 31)),
            EntryLock::PeriodLocked(periods[0].range)
        );
        assert!(EntryLock::Open.ensure_open().is_ok());
    }

    #[test]
    fn an_invoiced_entry_refuses_every_move_naming_its_invoice() {
        for t in [Transition::Reopen, Transition::Withdraw, reject("late")] {
            let err = apply(Approved, &t, APPROVER, EntryLock::Invoiced("INV-000042".into())).unwrap_err();
            assert_eq!(rule(err.clone()), Rule::Invoiced);
            assert!(err.to_string().contains("INV-000042"), "{err}");
        }
    }

    #[test]
    fn transitions_read_as_tagged_json() {
        let t: Transition = serde_json::from_str(r#"{"action":"reject","reason":"wrong project"}"#).unwrap();
        assert_eq!(t, reject("wrong project"));
        let t: Transition = serde_json::from_str(r#"{"action":"submit"}"#).unwrap();
        assert_eq!(t, Transition::Submit);
        assert!(serde_json::from_str::<Transition>(r#"{"action":"reject"}"#).is_err());
    }

    fn any_transition() -> impl Strategy<Value = Transition> {
        prop_oneof![
            Just(Transition::Submit),
            Just(Transition::Withdraw),
            Just(Transition::Approve),
            "[ a-z]{0,5}".prop_map(|reason| Transition::Reject { reason }),
            Just(Transition::Reopen),
        ]
    }

    proptest! {
        // Whatever anyone tries, an approved entry leaves `approved` only by the approver's
        // reopen, and a locked entry never moves.
        #[test]
        fn approved_entries_move_only_by_reopen(
            steps in proptest::collection::vec((any_transition(), any::<bool>(), any::<bool>(), any::<bool>()), 0..40),
        ) {
            let mut state = Draft;
            for (t, is_owner, is_approver, locked) in steps {
                let actor = ActorFacts { is_owner, is_approver };
                let lock = if locked { november() } else { EntryLock::Open };
                if let Ok(next) = apply(state, &t, actor, lock) {
                    prop_assert!(!locked);
                    if state == Approved {
                        prop_assert_eq!(&t, &Transition::Reopen);
                        prop_assert!(is_approver);
                    }
                    state = next;
                }
            }
        }
    }
}
