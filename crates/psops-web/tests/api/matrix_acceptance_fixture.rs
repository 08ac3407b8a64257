//! Records the acceptance matrix acts on: a milestone of the project manager's project
//! P1, a contact of its account with an address, and a milestone with an evidence file.

use psops_core::Id;
use psops_core::accounts::{Contact, ContactFields, NewContact};
use psops_core::delivery::acceptance::NewEvidence;
use psops_core::plan::Milestone;
use psops_core::store::{Created, Records as _, Store, WriteCtx};

use crate::matrix_fixture::Org;

fn made<T>(c: Created<T>) -> T {
    match c {
        Created::New(v) => v,
        Created::Replayed(_) => panic!("fixture replayed"),
    }
}

/// A fresh milestone of P1.
pub async fn milestone(store: &dyn Store, org: &Org) -> i64 {
    let m: Milestone = made(
        store
            .create(
                &WriteCtx::trusted(),
                crate::matrix_scoping_fixture::milestone_fields(org.p1),
            )
            .await
            .expect("milestone"),
    );
    m.id.get()
}

/// A contact of P1's account with an e-mail address.
pub async fn contact(store: &dyn Store, org: &Org) -> i64 {
    let c: Contact = made(
        store
            .create(
                &WriteCtx::trusted(),
                NewContact {
                    account_id: Id::new(org.account_x),
                    fields: ContactFields {
                        name: "Casey Customer".into(),
                        email: Some(format!("casey{}@customer.example", crate::matrix_fixture::next())),
                        title: None,
                        phone: None,
                    },
                },
            )
            .await
            .expect("contact"),
    );
    c.id.get()
}

/// A fresh milestone of P1 with a file kept as evidence: (milestone, evidence).
pub async fn with_file(store: &dyn Store, org: &Org) -> (i64, i64) {
    let m = milestone(store, org).await;
    let file = NewEvidence::File {
        file_name: "sign-off.pdf".into(),
        content_type: "application/pdf".into(),
        bytes: b"%PDF-1.4 signed".to_vec(),
        note: None,
    };
    let e = store
        .add_evidence(&WriteCtx::trusted(), Id::new(m), file)
        .await
        .expect("evidence");
    (m, e.id.get())
}
