use time::macros::date;

use super::*;
use crate::Id;
use crate::meta::Meta;
use crate::plan::{RequestStatus, RequiredSkill, ResourceRequestFields};

const TODAY: Date = date!(2026 - 02 - 20);

fn staff(id: i64, name: &str, kubernetes: i64, hard: i64, partner: bool) -> Staff {
    Staff {
        profile: Profile {
            person_id: Id::new(id),
            name: name.into(),
            region: "EMEA".into(),
            time_zone: "Europe/Berlin".into(),
            employment_start: date!(2020 - 01 - 01),
            employment_end: None,
            skills: vec![("kubernetes".into(), kubernetes, false)],
            certifications: vec![],
            target_bp: if partner { 0 } else { 7_000 },
        },
        weeks: vec![
            WeekLoad {
                capacity: 2_400,
                available: 2_400,
                hard,
                soft: 0,
            };
            4
        ],
        roles: vec![Function::Engineer],
        billable: vec![hard; 4],
        partner: partner.then(|| (Id::new(9), "Meridian".to_string())),
        projects: HashSet::new(),
        accounts: HashSet::new(),
    }
}

fn open(id: i64, booking: Booking, level: i64, per_week: i64, weeks: usize) -> Open {
    let span = DateRange::new(
        date!(2026 - 03 - 02),
        date!(2026 - 03 - 02) + time::Duration::days(7 * weeks as i64 - 3),
    )
    .expect("span");
    Open {
        request: ResourceRequest {
            id: Id::new(id),
            fields: ResourceRequestFields {
                project_id: Id::new(100 + id),
                role: Function::Engineer,
                minutes: crate::Minutes(per_week * weeks as i64),
                start_date: Some(span.start),
                end_date: Some(span.end),
                booking,
                status: RequestStatus::Open,
                required_skills: vec![RequiredSkill {
                    skill: "Kubernetes".into(),
                    min_level: level,
                }],
                desired_skills: vec![],
                certifications: vec![],
                region: None,
                time_zone: None,
                max_hours_apart: None,
                minutes_per_week: Some(crate::Minutes(per_week)),
                priority: 3,
                person_id: None,
            },
            meta: Meta {
                version: 1,
                created_at: time::OffsetDateTime::UNIX_EPOCH,
                updated_at: time::OffsetDateTime::UNIX_EPOCH,
                archived_at: None,
            },
        },
        project_name: format!("Project {id}"),
        account_id: None,
        billable: true,
        span,
        first_week: 0,
        load: vec![per_week; weeks],
    }
}

fn run(staff: &[Staff], open: &[Open]) -> Proposal {
    let w = Window {
        from: date!(2026 - 03 - 01),
        to: date!(2026 - 03 - 31),
    };
    propose(
        w,
        date!(2026 - 03 - 02),
        4,
        staff,
        open,
        TODAY,
        Duration::from_millis(200),
    )
    .expect("plan")
}

#[test]
fn hard_requests_are_filled_first_and_capacity_is_never_exceeded() {
    // One engineer with 40 h free; a soft and a hard request of 30 h a week each.
    let s = [staff(1, "Ada", 4, 0, false)];
    let p = run(
        &s,
        &[open(1, Booking::Soft, 3, 1_800, 4), open(2, Booking::Hard, 3, 1_800, 4)],
    );
    assert_eq!(p.lines.len(), 1);
    assert_eq!(p.lines[0].request_id, Id::new(2), "the hard one");
    assert_eq!(
        (p.figures.hard_requests, p.figures.hard_filled, p.figures.hard_fill_bp),
        (1, 1, 10_000)
    );
    assert_eq!(p.unfilled[0].request_id, Id::new(1));
    assert!(
        p.unfilled[0].reason.contains("could take it alone"),
        "{}",
        p.unfilled[0].reason
    );
    assert!(p.figures.bound >= p.figures.objective);
}

#[test]
fn the_unfillable_say_what_ruled_everyone_out() {
    let s = [staff(1, "Ada", 2, 0, false), staff(2, "Bo", 5, 2_400, false)];
    let p = run(&s, &[open(1, Booking::Hard, 3, 600, 4)]);
    assert!(p.lines.is_empty());
    assert_eq!(
        p.unfilled[0].reason,
        "no one passes every check (ruled out: 1 by skill, 1 by capacity)"
    );
}

#[test]
fn partners_take_only_what_no_one_internal_can() {
    let s = [staff(1, "Ada", 4, 0, false), staff(2, "Pat", 5, 0, true)];
    let p = run(&s, &[open(1, Booking::Hard, 3, 1_200, 4)]);
    assert_eq!(p.lines[0].name, "Ada", "internal first, though Pat's skills fit better");
    let p = run(
        &s,
        &[open(1, Booking::Hard, 3, 1_200, 4), open(2, Booking::Hard, 3, 1_800, 4)],
    );
    assert_eq!(p.figures.hard_filled, 2);
    let pat = p.lines.iter().find(|l| l.name == "Pat").expect("Pat takes the other");
    assert!(pat.why.contains("A partner consultant"), "{}", pat.why);
    assert_eq!(pat.partner_name.as_deref(), Some("Meridian"));
}

#[test]
fn a_second_choice_says_where_the_first_went() {
    let s = [staff(1, "Ada", 5, 0, false), staff(2, "Bo", 4, 0, false)];
    // Ada fits both better, but can take only one of two 30 h requests.
    let p = run(
        &s,
        &[open(1, Booking::Hard, 3, 1_800, 4), open(2, Booking::Hard, 3, 1_800, 4)],
    );
    assert_eq!(p.figures.hard_filled, 2);
    let bo = p.lines.iter().find(|l| l.name == "Bo").expect("Bo");
    assert!(bo.why.starts_with("fit "), "{}", bo.why);
    assert!(bo.why.contains("2nd of 2 able"), "{}", bo.why);
    assert!(bo.why.contains("Ada fits better"), "{}", bo.why);
    assert!(bo.why.contains("is planned for engineer on Project"), "{}", bo.why);
}

#[test]
fn the_plan_moves_people_toward_their_target() {
    // Both at 0 % against 70 %: a 30 h a week request moves one to 75 %.
    let s = [staff(1, "Ada", 4, 0, false), staff(2, "Bo", 4, 0, false)];
    let p = run(&s, &[open(1, Booking::Soft, 3, 1_800, 4)]);
    assert_eq!(p.figures.mean_distance_before_bp, 7_000);
    assert_eq!(p.figures.mean_distance_after_bp, (500 + 7_000) / 2);
    assert_eq!(p.figures.minutes_filled, 7_200);
    assert_eq!(p.lines[0].effect, "0 % → 75 % vs 70 % target");
}
