//! Staffing: availability per person and week (capacity less hard and soft bookings,
//! apart), conflicts, booking soft and hard (a hard booking makes the assignment and
//! fills the request in one transaction), releasing a hold, signing turning a hold into
//! an assignment, and suggestions ranked by fit over the same figures.

use psops_core::Minutes;
use psops_core::assignments::{Assignment, AssignmentFields};
use psops_core::people::{Function, Person};
use psops_core::plan::{Booking, RequestStatus, RequiredSkill, ResourceRequest, ResourceRequestFields};
use psops_core::projects::Project;
use psops_core::rule::Rule;
use psops_core::skills::{NewPersonSkill, PersonSkill, PersonSkillFields};
use psops_core::staffing::forecast::ForecastGroup;
use psops_core::staffing::planner::Window;
use psops_core::staffing::store::{
    Accept, AvailabilityQuery, BookRequest, ForecastQuery, Pick, RequestOrder, RequestView, RequestsQuery,
};
use psops_core::store::prelude::*;
use psops_store::Db;
use time::macros::date;

use super::fixtures::{broken, ctx, new, person_fields, project};

/// The field and rule of a refusal, whether invalid input or a conflict.
fn refused(e: psops_core::Error) -> (String, Rule) {
    match e {
        psops_core::Error::Conflict(f) => (f.field, f.rule),
        e => broken(e).into_iter().next().expect("a field"),
    }
}

crate::stories!(
    bookings_move_availability_and_conflicts_are_flagged,
    suggestions_rank_by_fit,
    a_plan_fills_the_backlog_and_is_accepted_whole,
    the_outlook_reads_bookings
);

async fn engineer(db: &Db, email: &str) -> Person {
    let mut f = person_fields(email);
    f.name = email.split('@').next().unwrap_or(email).into();
    new(db.create(&ctx(), f).await.expect("person"))
}

fn request(project: &Project, minutes_per_week: i64, booking: Booking) -> ResourceRequestFields {
    ResourceRequestFields {
        minutes_per_week: Some(Minutes(minutes_per_week)),
        ..ResourceRequestFields::new(
            project.id,
            Function::Engineer,
            Minutes(minutes_per_week * 4),
            Some(date!(2026 - 03 - 02)),
            Some(date!(2026 - 03 - 27)),
            booking,
        )
    }
}

/// `person` as an engineer on `project` over `dates` for `per_week` minutes a week.
async fn engineer_on(db: &Db, person: &Person, project: &Project, dates: (time::Date, time::Date), per_week: i64) {
    let _: Assignment = new(db
        .create(
            &ctx(),
            AssignmentFields {
                person_id: person.id,
                project_id: project.id,
                role: Function::Engineer,
                start_date: dates.0,
                end_date: Some(dates.1),
                minutes_per_week: Minutes(per_week),
            },
        )
        .await
        .expect("assignment"));
}

fn march() -> AvailabilityQuery {
    AvailabilityQuery {
        from: Some(date!(2026 - 03 - 02)),
        weeks: Some(5),
        limit: 50,
        ..Default::default()
    }
}

async fn bookings_move_availability_and_conflicts_are_flagged(db: &Db) {
    let today = date!(2026 - 02 - 20);
    let p = project(db, "Contoso rollout").await;
    let ada = engineer(db, "ada@example.com").await;
    let bo = engineer(db, "bo@example.com").await;

    // Nothing booked: 40 h a week free in each of March's four weeks and the fifth.
    let a = db.availability(&march(), today).await.expect("availability");
    assert_eq!(a.weeks.len(), 5);
    assert_eq!(a.weeks[0], date!(2026 - 03 - 02));
    assert_eq!(a.total, 2);
    let row = a.people.iter().find(|r| r.person_id == ada.id).expect("ada");
    assert_eq!(
        (row.weeks[0].capacity, row.weeks[0].hard, row.weeks[0].soft),
        (2_400, 0, 0)
    );

    // A soft hold counts apart from hard bookings, and the request stays open.
    let soft: ResourceRequest = new(db
        .create(&ctx(), request(&p, 1_200, Booking::Soft))
        .await
        .expect("soft"));
    let held = db
        .book(
            &ctx(),
            soft.id,
            &BookRequest {
                person_id: ada.id,
                booking: None,
            },
        )
        .await
        .expect("hold");
    assert_eq!(held.assignment_id, None);
    assert_eq!(
        (held.request.fields.status, held.request.fields.person_id),
        (RequestStatus::Open, Some(ada.id))
    );
    // A held request turns hard only by booking it hard.
    let err = db
        .update(
            &ctx(),
            soft.id,
            None,
            psops_core::plan::ResourceRequestPatch {
                booking: Some(Booking::Hard),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(refused(err), ("booking".into(), Rule::InvalidTransition));

    // A hard booking makes the assignment at the weekly load and fills the request.
    let hard: ResourceRequest = new(db
        .create(&ctx(), request(&p, 1_800, Booking::Hard))
        .await
        .expect("hard"));
    let booked = db
        .book(
            &ctx(),
            hard.id,
            &BookRequest {
                person_id: ada.id,
                booking: None,
            },
        )
        .await
        .expect("book");
    assert_eq!(booked.request.fields.status, RequestStatus::Filled);
    let made: Assignment = db.get(booked.assignment_id.expect("assignment")).await.expect("read");
    assert_eq!(
        (
            made.fields.person_id,
            made.fields.minutes_per_week,
            made.fields.start_date,
            made.fields.end_date
        ),
        (
            ada.id,
            Minutes(1_800),
            date!(2026 - 03 - 02),
            Some(date!(2026 - 03 - 27))
        )
    );
    // A filled request is not booked again.
    let err = db
        .book(
            &ctx(),
            hard.id,
            &BookRequest {
                person_id: bo.id,
                booking: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(refused(err), ("status".into(), Rule::InvalidTransition));

    // 30 h hard and 20 h soft against 40 h: a conflict in each of March's weeks.
    let a = db.availability(&march(), today).await.expect("availability");
    let row = a.people.iter().find(|r| r.person_id == ada.id).expect("ada");
    let w = row.weeks[1];
    assert_eq!((w.capacity, w.hard, w.soft, w.free()), (2_400, 1_800, 1_200, -600));
    assert!(w.conflict() && w.band() == 5);
    assert_eq!(row.conflicts, 4, "four weeks over-booked; the fifth is free");
    assert_eq!(row.weeks[4].hard + row.weeks[4].soft, 0);
    let only = AvailabilityQuery {
        conflicts_only: true,
        ..march()
    };
    let a = db.availability(&only, today).await.expect("conflicts");
    assert_eq!((a.total, a.people[0].person_id), (1, ada.id));

    // Releasing the hold clears the soft load; the conflict goes with it.
    let released = db.release(&ctx(), soft.id).await.expect("release");
    assert_eq!(released.fields.person_id, None);
    let err = db.release(&ctx(), soft.id).await.unwrap_err();
    assert_eq!(refused(err), ("person_id".into(), Rule::InvalidTransition));
    let a = db.availability(&march(), today).await.expect("availability");
    let row = a.people.iter().find(|r| r.person_id == ada.id).expect("ada");
    assert_eq!((row.weeks[1].soft, row.conflicts), (0, 0));
    // The released request is open and unstaffed: listed beside the map.
    assert!(
        a.open_requests
            .iter()
            .any(|o| o.request_id == soft.id && o.minutes_per_week == 1_200)
    );

    // Someone who has left cannot be booked.
    let mut f = person_fields("cy@example.com");
    f.employment_end = Some(date!(2026 - 03 - 13));
    let cy: Person = new(db.create(&ctx(), f).await.expect("cy"));
    let err = db
        .book(
            &ctx(),
            soft.id,
            &BookRequest {
                person_id: cy.id,
                booking: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(broken(err), vec![("person_id".into(), Rule::Employment)]);

    // An assignment loads the weeks it spans, prorated by weekday.
    engineer_on(db, &bo, &p, (date!(2026 - 03 - 11), date!(2026 - 03 - 20)), 600).await;
    let a = db.availability(&march(), today).await.expect("availability");
    let row = a.people.iter().find(|r| r.person_id == bo.id).expect("bo");
    assert_eq!(
        row.weeks.iter().map(|w| w.hard).collect::<Vec<_>>(),
        vec![0, 360, 600, 0, 0]
    );
    // A holiday week: a full-time booking across it is a full week, not a conflict, and is
    // worked in the four days the calendar leaves.
    engineer_on(db, &bo, &p, (date!(2026 - 03 - 30), date!(2026 - 04 - 03)), 2_400).await;
    let emea = super::time_fixtures::calendar(db, "EMEA holidays", "EMEA").await;
    let holiday = psops_core::capacity::Holiday {
        date: date!(2026 - 04 - 03),
        minutes: None,
        name: "Good Friday".into(),
    };
    db.add_holidays(&ctx(), emea.id, vec![holiday]).await.expect("holiday");
    let a = db.availability(&march(), today).await.expect("availability");
    let row = a.people.iter().find(|r| r.person_id == bo.id).expect("bo");
    let w = row.weeks[4];
    assert_eq!((w.capacity, w.available, w.hard), (2_400, 1_920, 2_400));
    assert!(!w.conflict() && w.band() == 4, "full, not over-booked");
    assert_eq!((row.conflicts, w.worked(w.hard), w.free()), (0, 1_920, 0));
    // Bad input names its field.
    let bad = AvailabilityQuery {
        weeks: Some(60),
        ..march()
    };
    assert_eq!(
        broken(db.availability(&bad, today).await.unwrap_err()),
        vec![("weeks".into(), Rule::Range)]
    );
}

async fn suggestions_rank_by_fit(db: &Db) {
    let today = date!(2026 - 02 - 20);
    let p = project(db, "Contoso rollout").await;
    let other = project(db, "Fabrikam upgrade").await;
    let ada = engineer(db, "ada@example.com").await;
    let bo = engineer(db, "bo@example.com").await;
    let cy = engineer(db, "cy@example.com").await;
    for (who, level, growth) in [(ada.id, 4, false), (bo.id, 5, true), (cy.id, 2, false)] {
        let s = NewPersonSkill {
            person_id: who,
            fields: PersonSkillFields {
                skill: "Kubernetes".into(),
                level,
                growth,
            },
        };
        let _: PersonSkill = new(db.create(&ctx(), s).await.expect("skill"));
    }
    // Bo is half booked on another project: room beside hard bookings for 20 h a week.
    let hold: ResourceRequest = new(db
        .create(&ctx(), request(&other, 1_200, Booking::Hard))
        .await
        .expect("r"));
    db.book(
        &ctx(),
        hold.id,
        &BookRequest {
            person_id: bo.id,
            booking: None,
        },
    )
    .await
    .expect("book");
    let mut f = request(&p, 1_200, Booking::Hard);
    f.required_skills = vec![RequiredSkill {
        skill: "kubernetes".into(),
        min_level: 3,
    }];
    f.desired_skills = vec![RequiredSkill {
        skill: "Kubernetes".into(),
        min_level: 5,
    }];
    let r: ResourceRequest = new(db.create(&ctx(), f).await.expect("request"));
    let s = db.suggestions(r.id, today).await.expect("suggestions");
    assert_eq!((s.considered, s.able), (3, 2), "{s:#?}");
    assert_eq!(s.excluded[0].check, "skill");
    assert_eq!(s.weekly_load, vec![1_200; 4]);
    let names: Vec<&str> = s.internal.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), 2);
    // Bo knows more and wants to grow in it; Ada is freer: every part is explained.
    for c in &s.internal {
        assert!(c.checks.iter().all(|k| k.passed));
        assert_eq!(c.fit.parts.iter().map(|p| p.weight_bp).sum::<i64>(), 10_000);
    }
    let bo_fit = s.internal.iter().find(|c| c.person_id == bo.id).expect("bo");
    assert_eq!(bo_fit.fit.effect, "50 % → 100 % vs 70 % target");
    assert!(s.internal[1].behind.is_some());
    let continuity = |s: &psops_core::staffing::suggest::Suggestions, who| {
        let c = s.internal.iter().find(|c| c.person_id == who).expect("listed");
        let part = c.fit.parts.iter().find(|p| p.part == "continuity").expect("continuity");
        (part.score_milli, part.detail.clone())
    };
    assert_eq!(continuity(&s, ada.id), (0, "new to this account".to_string()));

    // Ada is on another of the account's projects too; Bo's work is elsewhere.
    let account = p.fields.account_id.expect("account").get();
    let phase_one: Project = new(db
        .create(&ctx(), super::fixtures::project_fields(account, "Contoso phase one"))
        .await
        .expect("project"));
    engineer_on(
        db,
        &ada,
        &phase_one,
        (date!(2026 - 03 - 02), date!(2026 - 03 - 06)),
        600,
    )
    .await;
    let s = db.suggestions(r.id, today).await.expect("suggestions");
    assert_eq!(continuity(&s, ada.id), (700, "has worked for this account".to_string()));
    assert_eq!(continuity(&s, bo.id), (0, "new to this account".to_string()));

    // Booked to 40 h a week, Bo has no room for 20 h more: ruled out by capacity.
    let more: ResourceRequest = new(db
        .create(&ctx(), request(&other, 1_200, Booking::Hard))
        .await
        .expect("r"));
    db.book(
        &ctx(),
        more.id,
        &BookRequest {
            person_id: bo.id,
            booking: None,
        },
    )
    .await
    .expect("book");
    let s = db.suggestions(r.id, today).await.expect("suggestions");
    assert_eq!(s.able, 1);
    assert!(
        s.excluded.iter().any(|e| e.check == "capacity" && e.count == 1),
        "{:?}",
        s.excluded
    );
    assert_eq!(s.internal[0].person_id, ada.id);

    // Dee joins without the skill, then learns it: suggestions see each at once.
    let dee = engineer(db, "dee@example.com").await;
    let s = db.suggestions(r.id, today).await.expect("suggestions");
    assert_eq!((s.considered, s.able), (4, 1));
    let learnt = NewPersonSkill {
        person_id: dee.id,
        fields: PersonSkillFields {
            skill: "Kubernetes".into(),
            level: 3,
            growth: false,
        },
    };
    let _: PersonSkill = new(db.create(&ctx(), learnt).await.expect("skill"));
    let s = db.suggestions(r.id, today).await.expect("suggestions");
    assert_eq!(s.able, 2);
    assert!(s.internal.iter().any(|c| c.person_id == dee.id));
    // A soft hold on Ada (it moves no count) lowers her availability at once.
    let availability = |s: &psops_core::staffing::suggest::Suggestions| {
        let c = s.internal.iter().find(|c| c.person_id == ada.id).expect("ada");
        c.fit
            .parts
            .iter()
            .find(|p| p.part == "availability")
            .expect("part")
            .score_milli
    };
    let before = availability(&s);
    let held: ResourceRequest = new(db
        .create(&ctx(), request(&other, 1_200, Booking::Soft))
        .await
        .expect("r"));
    let hold = BookRequest {
        person_id: ada.id,
        booking: None,
    };
    db.book(&ctx(), held.id, &hold).await.expect("hold");
    let s = db.suggestions(r.id, today).await.expect("suggestions");
    assert!(availability(&s) < before, "{} then {}", before, availability(&s));
}

async fn a_plan_fills_the_backlog_and_is_accepted_whole(db: &Db) {
    let today = date!(2026 - 02 - 20);
    let p = project(db, "Contoso rollout").await;
    let ada = engineer(db, "ada@example.com").await;
    let bo = engineer(db, "bo@example.com").await;
    // Two 30 h requests: one person cannot take both; a third asks for 30 h more.
    let hard: ResourceRequest = new(db
        .create(&ctx(), request(&p, 1_800, Booking::Hard))
        .await
        .expect("hard"));
    let soft: ResourceRequest = new(db
        .create(&ctx(), request(&p, 1_800, Booking::Soft))
        .await
        .expect("soft"));
    let extra: ResourceRequest = new(db
        .create(&ctx(), request(&p, 1_800, Booking::Soft))
        .await
        .expect("extra"));
    let window = Window {
        from: date!(2026 - 03 - 01),
        to: date!(2026 - 03 - 31),
    };
    let plan = db
        .plan(window, today, std::time::Duration::from_millis(300))
        .await
        .expect("plan");
    assert_eq!((plan.figures.requests, plan.figures.hard_requests), (3, 1));
    assert_eq!(
        (plan.figures.filled, plan.figures.hard_filled, plan.figures.hard_fill_bp),
        (2, 1, 10_000)
    );
    assert_eq!(plan.figures.minutes_filled, 2 * 4 * 1_800);
    assert!(plan.figures.bound >= plan.figures.objective);
    assert!(plan.lines.iter().any(|l| l.request_id == hard.id));
    let people: std::collections::HashSet<_> = plan.lines.iter().map(|l| l.person_id).collect();
    assert_eq!(people.len(), 2, "one each: neither has room for two");
    assert!(people.contains(&ada.id) && people.contains(&bo.id));
    assert_eq!(plan.unfilled.len(), 1);
    assert!(plan.figures.mean_distance_after_bp < plan.figures.mean_distance_before_bp);
    // Nothing was written.
    let still: ResourceRequest = db.get(hard.id).await.expect("read");
    assert_eq!(still.fields.status, RequestStatus::Open);

    // A bad pick names itself, and nothing of the others is kept.
    let mut picks: Vec<Pick> = plan
        .lines
        .iter()
        .map(|l| Pick {
            request_id: l.request_id,
            person_id: l.person_id,
        })
        .collect();
    let mut bad = picks.clone();
    bad.push(Pick {
        request_id: bad[0].request_id,
        person_id: ada.id,
    });
    let err = db.accept(&ctx(), &Accept { picks: bad }).await.unwrap_err();
    assert_eq!(broken(err), vec![("picks[2].request_id".into(), Rule::Duplicate)]);
    let mut gone = picks.clone();
    gone.push(Pick {
        request_id: extra.id,
        person_id: psops_core::Id::new(999_999),
    });
    let err = db.accept(&ctx(), &Accept { picks: gone }).await.unwrap_err();
    assert_eq!(refused(err).0, "picks[2].person_id");
    let unchanged: ResourceRequest = db.get(hard.id).await.expect("read");
    assert_eq!(unchanged.fields.status, RequestStatus::Open, "all or nothing");

    picks.sort_by_key(|p| p.request_id);
    let booked = db.accept(&ctx(), &Accept { picks }).await.expect("accept");
    assert_eq!(booked.len(), 2);
    let hard_booked = booked.iter().find(|b| b.request.id == hard.id).expect("hard");
    assert!(hard_booked.assignment_id.is_some());
    assert_eq!(hard_booked.request.fields.status, RequestStatus::Filled);
    let soft_booked = booked
        .iter()
        .find(|b| b.request.id == soft.id || b.request.id == extra.id)
        .expect("soft");
    assert_eq!(
        (soft_booked.assignment_id, soft_booked.request.fields.status),
        (None, RequestStatus::Open)
    );
    // Planned again, only the one left open remains, and no one has room for it.
    let again = db
        .plan(window, today, std::time::Duration::from_millis(300))
        .await
        .expect("plan");
    assert_eq!((again.figures.requests, again.figures.filled), (1, 0));
    // Ada's hard booking rules her out; Bo passes, but his soft hold takes his room.
    assert_eq!(
        again.unfilled[0].reason,
        "1 pass every check, but soft bookings already take the room they have"
    );
    let bad_window = Window {
        from: date!(2026 - 03 - 31),
        to: date!(2026 - 03 - 01),
    };
    let err = db
        .plan(bad_window, today, std::time::Duration::from_millis(100))
        .await
        .unwrap_err();
    assert_eq!(broken(err), vec![("to".into(), Rule::AfterStart)]);
}

async fn the_outlook_reads_bookings(db: &Db) {
    let today = date!(2026 - 02 - 20);
    let p = project(db, "Contoso rollout").await;
    let ada = engineer(db, "ada@example.com").await;
    let hard: ResourceRequest = new(db
        .create(&ctx(), request(&p, 1_800, Booking::Hard))
        .await
        .expect("hard"));
    let soft: ResourceRequest = new(db
        .create(&ctx(), request(&p, 1_200, Booking::Soft))
        .await
        .expect("soft"));
    let waiting: ResourceRequest = new(db
        .create(&ctx(), request(&p, 600, Booking::Soft))
        .await
        .expect("waiting"));
    for r in [hard.id, soft.id] {
        db.book(
            &ctx(),
            r,
            &BookRequest {
                person_id: ada.id,
                booking: None,
            },
        )
        .await
        .expect("book");
    }

    // 30 h hard at 92.5 % and 20 h soft at 40 % of 40 h: 89.4 % weighted, 125 % if all holds.
    let q = ForecastQuery {
        from: Some(date!(2026 - 03 - 02)),
        weeks: Some(4),
        group: ForecastGroup::Person,
        limit: 50,
        ..Default::default()
    };
    let f = db.utilization_forecast(&q, today).await.expect("forecast");
    assert_eq!((f.soft_weight_bp, f.hard_weight_bp), (4_000, 9_250));
    let row = f.rows.iter().find(|r| r.label == ada.fields.name).expect("ada");
    assert_eq!((row.weeks[0].hard, row.weeks[0].soft), (1_800, 1_200));
    assert_eq!(
        row.weeks[0].weighted_bp,
        Some(8_938),
        "(1,665 + 480) ÷ 2,400, rounded half up"
    );
    assert_eq!(row.weeks[0].upside_bp, Some(12_500));
    assert_eq!(row.weeks_below, 0);
    let by_function = db
        .utilization_forecast(
            &ForecastQuery {
                group: ForecastGroup::Function,
                ..q.clone()
            },
            today,
        )
        .await
        .expect("by function");
    assert_eq!(by_function.rows[0].key, "engineer");
    assert_eq!(by_function.all.weeks[0].hard, 1_800);

    let b = db
        .bookings_of(ada.id, date!(2026 - 03 - 02), 5)
        .await
        .expect("bookings");
    assert_eq!(b.bookings.len(), 2);
    assert_eq!(
        b.bookings
            .iter()
            .filter(|l| l.booking == Booking::Hard && l.assignment_id.is_some())
            .count(),
        1
    );
    let held = b.bookings.iter().find(|l| l.booking == Booking::Soft).expect("hold");
    assert_eq!((held.request_id, held.minutes_per_week), (Some(soft.id), 1_200));
    assert_eq!((b.loads[0].hard, b.loads[0].soft, b.loads[4].hard), (1_800, 1_200, 0));

    let list = |view| RequestsQuery {
        view,
        sort: RequestOrder::Start,
        limit: 50,
        ..Default::default()
    };
    let open = db.requests(&list(RequestView::Open)).await.expect("open");
    assert_eq!((open.total, open.rows[0].request.id), (1, waiting.id));
    assert_eq!(open.rows[0].project_name, "Contoso rollout");
    let held = db.requests(&list(RequestView::Held)).await.expect("held");
    assert_eq!(held.rows[0].person_name.as_deref(), Some(ada.fields.name.as_str()));
    let filled = db.requests(&list(RequestView::Filled)).await.expect("filled");
    assert_eq!((filled.total, filled.rows[0].request.id), (1, hard.id));
    assert_eq!(filled.rows[0].start_date, Some(date!(2026 - 03 - 02)));
    assert_eq!(db.requests(&list(RequestView::Cancelled)).await.expect("none").total, 0);
}
