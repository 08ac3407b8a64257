use time::macros::date;

use super::*;
use crate::Id;

const TODAY: Date = date!(2026 - 03 - 01);

/// A person's facts owned, viewed as fitting reads them.
#[derive(Clone)]
struct Owned {
    profile: Profile,
    role_fits: bool,
    weeks: Vec<WeekLoad>,
    billable_booked: i64,
    on_project: bool,
    on_account: bool,
}

impl Owned {
    fn view(&self) -> Person<'_> {
        Person {
            profile: &self.profile,
            role_fits: self.role_fits,
            weeks: &self.weeks,
            billable_booked: self.billable_booked,
            on_project: self.on_project,
            on_account: self.on_account,
        }
    }
}

fn person() -> Owned {
    Owned {
        profile: Profile {
            person_id: Id::new(1),
            name: "Ada".into(),
            region: "EMEA".into(),
            time_zone: "Europe/Berlin".into(),
            employment_start: date!(2021 - 03 - 01),
            employment_end: None,
            skills: vec![("kubernetes".into(), 4, false), ("terraform".into(), 2, true)],
            certifications: vec![("migration".into(), date!(2025 - 01 - 01), Some(date!(2027 - 01 - 01)))],
            target_bp: 7_000,
        },
        role_fits: true,
        weeks: vec![
            WeekLoad {
                capacity: 2_400,
                available: 2_400,
                hard: 1_200,
                soft: 0,
            };
            4
        ],
        billable_booked: 4_800,
        on_project: false,
        on_account: false,
    }
}

fn skill(s: &str, l: i64) -> RequiredSkill {
    RequiredSkill {
        skill: s.into(),
        min_level: l,
    }
}

struct Asked {
    required: Vec<RequiredSkill>,
    desired: Vec<RequiredSkill>,
    certs: Vec<String>,
}

fn asked() -> Asked {
    Asked {
        required: vec![skill("Kubernetes", 3)],
        desired: vec![skill("Terraform", 3)],
        certs: vec!["migration".into()],
    }
}

fn ask(a: &Asked) -> Ask<'_> {
    Ask {
        span: DateRange::new(date!(2026 - 03 - 02), date!(2026 - 03 - 29)).expect("range"),
        load: vec![600; 4],
        billable: true,
        required_skills: &a.required,
        desired_skills: &a.desired,
        certifications: &a.certs,
        region: Some("emea"),
        time_zone: Some("Europe/London"),
        max_hours_apart: Some(3),
    }
}

fn failed(p: &Owned, a: &Ask<'_>) -> Vec<&'static str> {
    let failed: Vec<&'static str> = checks(&p.view(), a)
        .into_iter()
        .filter(|c| !c.passed)
        .map(|c| c.check)
        .collect();
    // The quick judge agrees with the explained one on the first failure.
    assert_eq!(first_failure(&p.view(), a), failed.first().copied());
    failed
}

#[test]
fn someone_who_meets_everything_passes_every_check() {
    let a = asked();
    assert_eq!(failed(&person(), &ask(&a)), Vec::<&str>::new());
}

#[test]
fn each_hard_check_rules_out_on_its_own() {
    let a = asked();
    let ask = ask(&a);
    let mut p = person();
    p.role_fits = false;
    assert_eq!(failed(&p, &ask), ["role"]);

    let mut p = person();
    p.profile.skills[0].1 = 2;
    assert_eq!(failed(&p, &ask), ["skill"]);
    p.profile.skills.clear();
    let c = checks(&p.view(), &ask);
    assert!(c.iter().any(|c| c.detail == "no Kubernetes (3+ asked)"));

    let mut p = person();
    p.profile.certifications[0].2 = Some(date!(2026 - 03 - 15));
    assert_eq!(failed(&p, &ask), ["certification"], "expires before the work ends");
    let mut p = person();
    p.profile.certifications[0].1 = date!(2026 - 03 - 10);
    assert_eq!(failed(&p, &ask), ["certification"], "issued after the work starts");
    let mut p = person();
    p.profile.certifications.clear();
    assert_eq!(failed(&p, &ask), ["certification"]);

    let mut p = person();
    p.profile.region = "Americas".into();
    assert_eq!(failed(&p, &ask), ["region"]);

    let mut p = person();
    p.profile.time_zone = "America/Chicago".into();
    assert_eq!(failed(&p, &ask), ["time_zone"], "6 h from London, 3 h at most");

    let mut p = person();
    p.profile.employment_end = Some(date!(2026 - 03 - 20));
    assert_eq!(failed(&p, &ask), ["employed"]);
    let mut p = person();
    p.profile.employment_start = date!(2026 - 03 - 09);
    assert_eq!(failed(&p, &ask), ["employed"]);

    let mut p = person();
    p.weeks[2].hard = 2_000;
    assert_eq!(failed(&p, &ask), ["capacity"], "400 free of hard bookings, 600 needed");
    // Soft holds do not rule anyone out: they are tentative.
    let mut p = person();
    p.weeks[2].soft = 2_000;
    assert_eq!(failed(&p, &ask), Vec::<&str>::new());
}

fn part(f: &Fit, name: &str) -> i64 {
    f.parts
        .iter()
        .find(|p| p.part == name)
        .map(|p| p.score_milli)
        .expect(name)
}

#[test]
fn each_part_scores_what_it_says() {
    let a = asked();
    let f = fit(&person().view(), &ask(&a), TODAY);
    // Kubernetes 4 against 3+: 600 + 400 × 1/2.
    assert_eq!(part(&f, "skills"), 800);
    // Terraform 2 of the 3 hoped for: half credit scaled by level.
    assert_eq!(part(&f, "desired_skills"), 333);
    // Berlin and London are an hour apart: 7 of 8 hours shared.
    assert_eq!(part(&f, "time_zone"), 875);
    assert_eq!(part(&f, "continuity"), 0);
    assert_eq!(part(&f, "availability"), 1_000);
    // 4,800 of 9,600 booked is 50 %; with 2,400 more, 75 % against 70 %.
    assert_eq!(f.effect, "50 % → 75 % vs 70 % target");
    assert_eq!(part(&f, "utilization"), 1_000 - 500 * 1_000 / 7_000);
    assert_eq!(part(&f, "growth"), 1_000, "wants to grow in Terraform");
    assert_eq!(part(&f, "tenure"), 1_000, "five years");
    assert_eq!(f.parts.iter().map(|p| p.weight_bp).sum::<i64>(), 10_000);
    let expected: i64 = f.parts.iter().map(Part::weighted).sum::<i64>();
    assert_eq!(f.score_milli, (expected + 500) / 1_000);
}

#[test]
fn soft_bookings_lower_availability_and_history_raises_continuity() {
    let a = asked();
    let mut p = person();
    p.weeks[0].soft = 1_200;
    p.weeks[1].soft = 900;
    p.on_account = true;
    let f = fit(&p.view(), &ask(&a), TODAY);
    // Week 1: nothing free; week 2: 300 of 600; weeks 3 and 4 whole.
    assert_eq!(part(&f, "availability"), (500 + 1_000 + 1_000) / 4);
    assert_eq!(part(&f, "continuity"), 700);
    p.on_project = true;
    assert_eq!(part(&fit(&p.view(), &ask(&a), TODAY), "continuity"), 1_000);
}

#[test]
fn parts_that_do_not_apply_drop_out_and_the_rest_fill_the_weight() {
    let a = Asked {
        required: vec![],
        desired: vec![],
        certs: vec![],
    };
    let mut ask = ask(&a);
    ask.time_zone = None;
    ask.max_hours_apart = None;
    let f = fit(&person().view(), &ask, TODAY);
    let names: Vec<&str> = f.parts.iter().map(|p| p.part).collect();
    assert_eq!(names, ["continuity", "availability", "utilization", "tenure"]);
    assert_eq!(f.parts.iter().map(|p| p.weight_bp).sum::<i64>(), 10_000);
}

#[test]
fn the_runner_up_is_told_where_it_lost() {
    let a = asked();
    let ask = ask(&a);
    let top = fit(&person().view(), &ask, TODAY);
    let mut p = person();
    p.profile.time_zone = "Asia/Kolkata".into();
    p.weeks[0].soft = 2_400;
    let second = fit(&p.view(), &ask, TODAY);
    assert!(second.score_milli < top.score_milli);
    let why = behind(&second, &top, "Ada");
    assert!(why.starts_with("below Ada ("), "{why}");
    assert!(why.contains("time zone") && why.contains("availability"), "{why}");
}

#[test]
fn utilization_far_from_target_scores_low() {
    let a = asked();
    let mut p = person();
    p.billable_booked = 9_600;
    let f = fit(&p.view(), &ask(&a), TODAY);
    assert_eq!(f.effect, "100 % → 125 % vs 70 % target");
    assert_eq!(part(&f, "utilization"), 1_000 - 5_500 * 1_000 / 7_000);
    p.weeks.iter_mut().for_each(|w| w.capacity = 0);
    let f = fit(&p.view(), &ask(&a), TODAY);
    assert_eq!(f.effect, "no capacity over the dates");
    assert!(f.parts.iter().all(|p| p.part != "utilization"));
}
