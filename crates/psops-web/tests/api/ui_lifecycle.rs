//! A project's lifecycle on its overview, through the real forms: its manager moves it
//! along the offered edges, a move off them is refused inline with what it may do (and
//! nothing changes), the history dates each move, a stale page changes nothing, and a
//! consultant on the project sees the status but no moves.

use psops_core::auth::Role;

use crate::support::{TestApp, api_tests};
use crate::ui_browser::{Browser, SmallOrg, web_user};

async fn the_manager_moves_the_project_along_its_edges(app: TestApp) {
    let org = SmallOrg::build(app.store.as_ref()).await;
    web_user(
        app.store.as_ref(),
        "pat@org.example",
        vec![Role::ProjectManager],
        Some(org.pm),
    )
    .await;
    let pm = Browser::sign_in(&app, "pat@org.example").await;
    let path = format!("/projects/{}", org.project);
    let page = pm.get(&app, &path).await.expect(200);
    assert!(page.text.contains("id=\"moves\""), "the manager gets the moves");
    for offered in [
        "value=\"on_hold\"",
        "value=\"closed\"",
        "value=\"cancelled\"",
        "value=\"sow_close\"",
    ] {
        assert!(page.text.contains(offered), "offers {offered}");
    }
    assert!(
        !page.text.contains("value=\"completed\""),
        "completed is not an edge from active"
    );
    let version = "1";
    let moved = pm
        .post(
            &app,
            &format!("{path}/move"),
            &[("version", version), ("status", "on_hold")],
        )
        .await;
    assert_eq!(moved.status.as_u16(), 303, "{}", moved.text);
    let page = pm.get(&app, &format!("{path}?saved=1")).await.expect(200);
    assert!(page.text.contains("id=\"project-status\">On hold"), "now on hold");
    assert!(page.text.contains("Active → On hold"), "the history dates the move");

    // Off the edges: refused inline, naming where it may go; nothing written.
    let refused = pm
        .post(
            &app,
            &format!("{path}/move"),
            &[("version", "2"), ("status", "completed")],
        )
        .await
        .expect(422);
    assert!(
        refused.text.contains("moves to active, backlog, cancelled"),
        "{}",
        refused.text
    );
    assert!(refused.text.contains("id=\"project-status\">On hold"));
    // A page read before someone else's change changes nothing.
    let stale = pm
        .post(&app, &format!("{path}/move"), &[("version", "1"), ("status", "active")])
        .await
        .expect(409);
    assert!(stale.text.contains("Someone else changed this project"));
    let phase = pm
        .post(
            &app,
            &format!("{path}/move"),
            &[("version", "2"), ("phase", "sow_close")],
        )
        .await;
    assert_eq!(phase.status.as_u16(), 303);
    let page = pm.get(&app, &path).await.expect(200);
    assert!(page.text.contains("id=\"project-phase\">SOW close"));

    // Ada works on the project: she reads its status, with no moves.
    web_user(
        app.store.as_ref(),
        "ada@org.example",
        vec![Role::Consultant],
        Some(org.ada),
    )
    .await;
    let ada = Browser::sign_in(&app, "ada@org.example").await;
    let page = ada.get(&app, &path).await.expect(200);
    assert!(page.text.contains("id=\"project-status\">On hold") && !page.text.contains("id=\"moves\""));
    ada.post(&app, &format!("{path}/move"), &[("version", "3"), ("status", "active")])
        .await
        .expect(403);
}

api_tests!(the_manager_moves_the_project_along_its_edges);
