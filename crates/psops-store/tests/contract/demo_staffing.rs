//! The demo organisation's staffing: everyone of the company's own has skills, most
//! certifications their work asks for, the work starting in the next two months is
//! booked (hard requests filled by assignments made from the plan), and a backlog of open
//! requests is left that the optimizer can partly fill — with reasons for the rest.

use psops_core::staffing::planner::Window;
use psops_core::staffing::store::{AvailabilityQuery, RequestView, RequestsQuery};
use psops_core::store::prelude::*;
use psops_store::Db;
use time::Duration;

use super::fixtures::{DEMO_END, default_demo};

crate::stories!(the_demo_has_bookings_and_a_backlog_to_plan);

async fn the_demo_has_bookings_and_a_backlog_to_plan(db: &Db) {
    let end = DEMO_END;
    let org = default_demo(db).await;

    let internal = org
        .records()
        .people
        .iter()
        .filter(|p| p.fields.partner_id.is_none())
        .count();
    let with_skills: std::collections::HashSet<i64> = org
        .records()
        .person_skills
        .iter()
        .map(|s| s.fields.person_id.get())
        .collect();
    assert_eq!(with_skills.len(), internal, "everyone of the company's own has skills");
    assert!(
        org.records().person_certifications.len() * 4 >= internal,
        "many hold a certification"
    );

    let list = |view| RequestsQuery {
        view,
        limit: 200,
        ..Default::default()
    };
    let filled = db.requests(&list(RequestView::Filled)).await.expect("filled");
    let open = db.requests(&list(RequestView::Open)).await.expect("open");
    assert!(filled.total >= 10, "the next two months are booked: {}", filled.total);
    assert!(open.total >= 12, "a backlog is left: {}", open.total);
    for r in &filled.rows {
        assert!(r.request.fields.person_id.is_some() && r.person_name.is_some());
    }

    // The map shows the bookings: someone has hard hours in the coming weeks.
    let q = AvailabilityQuery {
        from: Some(end),
        weeks: Some(8),
        limit: 200,
        ..Default::default()
    };
    let a = db.availability(&q, end).await.expect("availability");
    assert!(a.total >= internal / 2, "{}", a.total);
    assert!(a.people.iter().any(|p| p.weeks.iter().any(|w| w.hard > 0)));

    // The backlog is partly fillable: the plan fills some and says why it leaves the rest.
    let window = Window {
        from: end,
        to: end + Duration::weeks(26),
    };
    let plan = db
        .plan(window, end, std::time::Duration::from_millis(500))
        .await
        .expect("plan");
    assert!(plan.figures.requests > 0);
    assert!(plan.figures.bound >= plan.figures.objective);
    assert!(plan.unfilled.iter().all(|u| !u.reason.is_empty()));
    assert!(plan.lines.iter().all(|l| l.why.starts_with("fit ")));
}
