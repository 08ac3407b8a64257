use time::macros::date;

use super::*;
use crate::Id;
use crate::dates::DateRange;
use crate::plan::RequiredSkill;
use crate::staffing::availability::WeekLoad;
use crate::staffing::fit::Profile;

fn person(id: i64, name: &str, kubernetes: i64, hard: i64) -> (Profile, Vec<WeekLoad>, i64) {
    let profile = Profile {
        person_id: Id::new(id),
        name: name.into(),
        region: "EMEA".into(),
        time_zone: "Europe/Berlin".into(),
        employment_start: date!(2020 - 01 - 01),
        employment_end: None,
        skills: vec![("kubernetes".into(), kubernetes, false)],
        certifications: vec![],
        target_bp: 7_000,
    };
    let weeks = vec![
        WeekLoad {
            capacity: 2_400,
            available: 2_400,
            hard,
            soft: 0,
        };
        2
    ];
    (profile, weeks, hard * 2)
}

fn view(p: &(Profile, Vec<WeekLoad>, i64)) -> Person<'_> {
    Person {
        profile: &p.0,
        role_fits: true,
        weeks: &p.1,
        billable_booked: p.2,
        on_project: false,
        on_account: false,
    }
}

fn head() -> Head {
    Head {
        request_id: Id::new(1),
        project_id: Id::new(2),
        role: Function::Engineer,
    }
}

fn run(internal: Vec<(Profile, Vec<WeekLoad>, i64)>, partners: Vec<(Profile, Vec<WeekLoad>, i64)>) -> Suggestions {
    let skills = [RequiredSkill {
        skill: "Kubernetes".into(),
        min_level: 3,
    }];
    let ask = Ask {
        span: DateRange::new(date!(2026 - 03 - 02), date!(2026 - 03 - 13)).expect("range"),
        load: vec![1_200, 1_200],
        billable: true,
        required_skills: &skills,
        desired_skills: &[],
        certifications: &[],
        region: None,
        time_zone: None,
        max_hours_apart: None,
    };
    let partners = partners
        .iter()
        .map(|p| (view(p), (Id::new(9), "Meridian".to_string())))
        .collect();
    suggest(
        head(),
        &ask,
        internal.iter().map(view).collect(),
        partners,
        date!(2026 - 03 - 01),
    )
}

#[test]
fn the_able_are_ranked_by_fit_with_the_runner_up_explained() {
    let s = run(
        vec![
            person(1, "Busy Bea", 5, 1_200),
            person(2, "Free Finn", 5, 0),
            person(3, "Novice Nia", 2, 0),
            person(4, "Full Fay", 5, 2_000),
        ],
        vec![person(5, "Partner Pat", 5, 0)],
    );
    assert_eq!((s.considered, s.able), (4, 2));
    let excluded: Vec<(&str, usize)> = s.excluded.iter().map(|e| (e.check, e.count)).collect();
    assert_eq!(excluded, [("skill", 1), ("capacity", 1)]);
    let names: Vec<&str> = s.internal.iter().map(|c| c.name.as_str()).collect();
    // Bea at 50 % booked lands on 100 % against 70 %; Finn goes from 0 to 50 %.
    assert_eq!(names.len(), 2);
    assert_eq!(s.internal[0].rank, 1);
    assert!(s.internal[0].behind.is_none());
    let second = s.internal[1].behind.as_deref().expect("the runner-up says why");
    assert!(second.starts_with(&format!("below {}", s.internal[0].name)), "{second}");
    assert!(s.internal[0].fit.score_milli >= s.internal[1].fit.score_milli);
    assert!(s.internal.iter().all(|c| c.checks.iter().all(|k| k.passed)));
    // Someone internal can take it: the partner is listed, not put forward.
    assert_eq!(s.partners.len(), 1);
    assert!(!s.partners[0].suggested);
    assert_eq!(s.partners[0].partner_name.as_deref(), Some("Meridian"));
    assert!(
        s.summary.starts_with("2 of the 4 internal people in the engineer role"),
        "{}",
        s.summary
    );
}

#[test]
fn partners_are_put_forward_only_when_no_one_internal_can() {
    let s = run(
        vec![person(1, "Novice Nia", 2, 0)],
        vec![person(5, "Partner Pat", 4, 0)],
    );
    assert_eq!(s.able, 0);
    assert!(s.partners[0].suggested);
    assert_eq!(
        s.summary,
        "none of the 1 internal people in the engineer role can take it: 1 vetted partner consultant is put forward"
    );
    let s = run(vec![], vec![]);
    assert!(s.summary.ends_with("and no vetted partner consultant can"));
}

#[test]
fn at_most_fifty_are_listed_but_all_are_counted() {
    let people = (1..=70).map(|i| person(i, &format!("P{i:02}"), 4, 0)).collect();
    let s = run(people, vec![]);
    assert_eq!((s.considered, s.able, s.internal.len()), (70, 70, LISTED));
    // Equal fits fall back to the name.
    assert_eq!(s.internal[0].name, "P01");
    assert_eq!(s.internal[0].free_minutes, 4_800);
}
