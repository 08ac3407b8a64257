//! A project's lifecycle: its status moves only along the handbook's edges, its phase only
//! forward (or back to deliver for another iteration), and every move is dated and kept
//! with who made it; a refused move writes nothing.

use psops_core::Error;
use psops_core::auth::Role;
use psops_core::delivery::lifecycle::Phase;
use psops_core::projects::{Project, ProjectPatch, ProjectStatus};
use psops_core::rule::Rule;
use psops_core::store::prelude::*;
use psops_store::Db;

use super::fixtures::{as_user, broken, ctx, new, project_fields};

crate::stories!(
    statuses_move_along_the_edges_and_are_dated,
    phases_move_forward_and_loop_for_iterations,
);

fn to(status: ProjectStatus) -> ProjectPatch {
    ProjectPatch {
        status: Some(status),
        ..Default::default()
    }
}

fn phase(p: Phase) -> ProjectPatch {
    ProjectPatch {
        phase: Some(Some(p)),
        ..Default::default()
    }
}

async fn in_set_up(db: &Db) -> Project {
    let account = super::scoping::account(db, "Lifecycle Inc").await;
    let mut f = project_fields(account.id.get(), "Lifecycle");
    f.status = ProjectStatus::InSetUp;
    new(db.create(&ctx(), f).await.expect("project"))
}

async fn statuses_move_along_the_edges_and_are_dated(db: &Db) {
    let p = in_set_up(db).await;
    let pm = super::fixtures::user(db, "pm@example.com", vec![Role::ProjectManager]).await;
    // Straight to active skips okay-to-start: refused, naming where it may go.
    let e = db
        .update(&ctx(), p.id, None, to(ProjectStatus::Active))
        .await
        .unwrap_err();
    assert_eq!(broken(e.clone()), [("status".to_string(), Rule::InvalidTransition)]);
    assert!(e.to_string().contains("okay_to_start, on_hold, cancelled"), "{e}");
    assert!(
        db.project_moves(p.id).await.unwrap().is_empty(),
        "a refused move writes nothing"
    );
    let p: Project = db.get(p.id).await.unwrap();
    assert_eq!(p.fields.status, ProjectStatus::InSetUp);

    for s in [
        ProjectStatus::OkayToStart,
        ProjectStatus::Active,
        ProjectStatus::OnHold,
        ProjectStatus::Active,
    ] {
        let _: Project = db.update(&as_user(pm), p.id, None, to(s)).await.expect("move");
    }
    let moves = db.project_moves(p.id).await.unwrap();
    let path: Vec<_> = moves.iter().rev().map(|m| (m.from_status, m.to_status)).collect();
    use ProjectStatus::*;
    assert_eq!(
        path,
        [
            (Some(InSetUp), OkayToStart),
            (Some(OkayToStart), Active),
            (Some(Active), OnHold),
            (Some(OnHold), Active)
        ]
    );
    assert!(moves.iter().all(|m| m.moved_by == Some(pm)), "dated and by whom");
    assert!(moves.windows(2).all(|w| w[0].moved_at >= w[1].moved_at), "newest first");

    // A change of anything else is not a move.
    let renamed = ProjectPatch {
        name: Some("Renamed".into()),
        ..Default::default()
    };
    let _: Project = db.update(&ctx(), p.id, None, renamed).await.unwrap();
    assert_eq!(db.project_moves(p.id).await.unwrap().len(), 4);

    // Closed; completed waits for the closure checklist, naming what it lacks, and writes
    // nothing; cancelled is final.
    let _: Project = db.update(&ctx(), p.id, None, to(Closed)).await.unwrap();
    let e = db.update(&ctx(), p.id, None, to(Completed)).await.unwrap_err();
    match &e {
        Error::Conflict(f) => {
            assert_eq!((f.field.as_str(), f.rule), ("status", Rule::Gate));
            assert!(
                f.message.contains("CSAT survey") && f.message.contains("retrospective"),
                "{e}"
            );
        }
        other => panic!("expected the closure gate, got {other:?}"),
    }
    assert_eq!(
        db.project_moves(p.id).await.unwrap().len(),
        5,
        "the refused move wrote nothing"
    );
    for s in [Active, Cancelled] {
        let _: Project = db
            .update(&ctx(), p.id, None, to(s))
            .await
            .expect("reopened, then cancelled");
    }
    let e = db.update(&ctx(), p.id, None, to(Active)).await.unwrap_err();
    assert!(
        matches!(&e, Error::Invalid(_)) && e.to_string().contains("final"),
        "{e}"
    );
}

async fn phases_move_forward_and_loop_for_iterations(db: &Db) {
    let p = in_set_up(db).await;
    use Phase::*;
    for ph in [
        SowClose,
        InitiateAndPlan,
        DeliverTrainAndMonitor,
        IterateAndValidate,
        DeliverTrainAndMonitor,
    ] {
        let _: Project = db.update(&ctx(), p.id, None, phase(ph)).await.expect("phase");
    }
    let e = db.update(&ctx(), p.id, None, phase(SowClose)).await.unwrap_err();
    assert_eq!(broken(e), [("phase".to_string(), Rule::InvalidTransition)]);
    let cleared = ProjectPatch {
        phase: Some(None),
        ..Default::default()
    };
    assert!(db.update(&ctx(), p.id, None, cleared).await.is_err());
    let moves = db.project_moves(p.id).await.unwrap();
    assert_eq!(moves.len(), 5);
    assert_eq!(
        (moves[0].from_phase, moves[0].to_phase),
        (Some(IterateAndValidate), Some(DeliverTrainAndMonitor))
    );
    // A prospect holds no phase.
    let account = super::scoping::account(db, "Prospect Inc").await;
    let mut f = project_fields(account.id.get(), "Prospect");
    f.status = ProjectStatus::Prospect;
    let prospect: Project = new(db.create(&ctx(), f).await.unwrap());
    let e = db.update(&ctx(), prospect.id, None, phase(SowClose)).await.unwrap_err();
    assert_eq!(broken(e), [("phase".to_string(), Rule::InvalidTransition)]);
}
