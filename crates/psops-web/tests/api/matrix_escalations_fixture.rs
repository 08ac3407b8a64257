//! Escalations for the authorization matrix, made fresh for every cell: one on the
//! project manager's project P1 (its manager the DRI by default), one on partner A's
//! account Y with the engagement manager as DRI, one on partner A's project PA.

use psops_core::Id;
use psops_core::delivery::escalations::{EscalationFields, EscalationMove, EscalationStatus, NewEscalation, Severity};
use psops_core::store::{Created, Store, WriteCtx};
use time::OffsetDateTime;

use crate::matrix_fixture::Org;

/// Where an escalation is.
#[derive(Clone, Copy, Debug)]
pub enum On {
    /// P1, the project manager's project.
    P1,
    /// P1, moved to resolved (ready to close).
    P1Resolved,
    /// Account Y (partner A delivers for it), the engagement manager its DRI.
    AccountY,
    /// PA, partner A's project.
    Pa,
}

pub fn fields(project: Option<i64>, account: Option<i64>, dri: Option<i64>) -> EscalationFields {
    EscalationFields {
        account_id: account.map(Id::new),
        project_id: project.map(Id::new),
        severity: Severity::High,
        title: "Integration failing in production".into(),
        description: None,
        dri_id: dri.map(Id::new),
        exit_criteria: "Two weeks without a failed sync".into(),
        standup_cadence: None,
        product_at_fault: false,
    }
}

pub async fn escalation(store: &dyn Store, org: &Org, on: On) -> i64 {
    let f = match on {
        On::P1 | On::P1Resolved => fields(Some(org.p1), None, None),
        On::AccountY => fields(None, Some(org.account_y), Some(org.people[4])),
        On::Pa => fields(Some(org.pa), None, None),
    };
    let new = NewEscalation {
        raised_by: None,
        fields: f,
    };
    let now = OffsetDateTime::now_utc();
    let e = match store
        .raise_escalation(&WriteCtx::trusted(), new, now)
        .await
        .expect("escalation")
    {
        Created::New(e) => e,
        Created::Replayed(_) => panic!("fixture replayed"),
    };
    if let On::P1Resolved = on {
        let m = EscalationMove {
            to: EscalationStatus::Resolved,
            text: "Fixed".into(),
        };
        store
            .move_escalation(&WriteCtx::trusted(), e.id, None, m, now)
            .await
            .expect("resolve");
    }
    e.id.get()
}
