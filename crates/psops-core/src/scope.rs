//! Which records of a list someone sees: the shape every list filter carries, apart from
//! the policy that fills it in (`policy::list_scope`) so that record modules need not
//! depend on the policy.

use crate::partners::PartnerId;
use crate::people::PersonId;

/// Which records of a list a subject sees. `Limited` conditions are alternatives: a
/// record shows when any of them holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListScope {
    #[default]
    All,
    Limited {
        /// Records of, or belonging to, this person.
        own: Option<PersonId>,
        /// Records of projects this person manages.
        managed_by: Option<PersonId>,
        /// Projects this person is assigned to.
        assigned: Option<PersonId>,
        /// Records of this partner organisation (its people, its projects).
        partner: Option<PartnerId>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    People,
    Partners,
    Accounts,
    Projects,
    Assignments,
    TimeEntries,
    /// Time-off requests; `managed_by` means "of people this person manages".
    TimeOff,
    /// People in capacity, utilization and compliance reports; `managed_by` means "people
    /// whose manager this person is".
    Figures,
    /// Projects' own bill rates; `managed_by` means "of projects this person manages".
    ProjectRates,
}

/// Which submitted time a subject approves: what the approvals queue shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalScope {
    /// Nothing (no approving role, no person, or a read-only token).
    Nothing,
    /// Everyone's time (ops and administrators) but `except`'s: nobody approves their own
    /// time except an administrator.
    All { except: Option<PersonId> },
    /// Time on projects this person manages but their own, of that only what `read` lets
    /// them see: a partner's project manager approves their own organisation's people and
    /// no one else's.
    Managed { manager: PersonId, read: ListScope },
}
