//! Notifications for the matrix: one on the project manager's project, one on a project
//! nobody of the matrix belongs to, one about no project; queued, or kept as they are
//! when no mail server is configured. Each cell gets a fresh one.

use psops_core::Id;
use psops_core::notify::{Notice, NoticeKind};
use psops_core::store::Store;

use crate::matrix_fixture::Org;

/// Whose notification a cell reads or sends again.
#[derive(Clone, Copy, Debug)]
pub enum About {
    /// The project manager's project (P1).
    Managed,
    /// Partner B's project, which nobody of the matrix belongs to.
    Elsewhere,
    /// No project (a timesheet reminder, say).
    Nothing,
}

pub async fn queued(s: &dyn Store, org: &Org, about: About) -> i64 {
    let project = match about {
        About::Managed => Some(Id::new(org.p1)),
        About::Elsewhere => Some(Id::new(org.pb)),
        About::Nothing => None,
    };
    let notice = Notice {
        kind: NoticeKind::AcceptanceRequest,
        to_email: "customer@matrix.example".into(),
        to_name: "Customer".into(),
        subject: "Please accept the milestone".into(),
        body: "It is delivered.".into(),
        project_id: project,
        about: None,
    };
    s.queue_notification(&notice).await.expect("queue").get()
}

/// A notification kept in the outbox (no mail server), which may be sent again. Every
/// other waiting one is kept too: those were earlier cells'.
pub async fn kept(s: &dyn Store, org: &Org, about: About) -> i64 {
    let id = queued(s, org, about).await;
    let later = time::OffsetDateTime::now_utc() + time::Duration::seconds(1);
    for n in s.claim_notifications("matrix", later, 500).await.expect("claim") {
        s.mark_kept(n.id, "matrix", later).await.expect("keep");
    }
    id
}
