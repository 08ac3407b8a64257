use super::*;
use time::macros::date;

fn skill() -> PersonSkillFields {
    PersonSkillFields {
        skill: "GitLab CI".into(),
        level: 4,
        growth: false,
    }
}

fn cert(code: &str, expires: Option<Date>) -> PersonCertificationFields {
    PersonCertificationFields {
        code: code.into(),
        name: code.into(),
        issued_on: date!(2026 - 01 - 10),
        expires_on: expires,
    }
}

fn review(step: VettingStep, outcome: ReviewOutcome, by: Function) -> ReviewFact {
    ReviewFact {
        step,
        held_on: date!(2026 - 02 - 01),
        outcome,
        reviewer_function: by,
        reviewer_internal: true,
    }
}

const TODAY: Date = date!(2026 - 06 - 01);

fn kinds(v: &Vetting) -> Vec<GapKind> {
    v.missing.iter().map(|g| g.kind).collect()
}

#[test]
fn a_complete_engineer_is_vetted() {
    let skills = [skill()];
    let certs = [cert("migration", None), cert("PM", Some(date!(2027 - 01 - 01)))];
    let reviews = [
        review(VettingStep::SoftSkillsVideo, ReviewOutcome::Pass, Function::Engineer),
        review(
            VettingStep::Interview,
            ReviewOutcome::Pass,
            Function::TechnicalArchitect,
        ),
    ];
    let f = VettingFacts {
        function: Function::PartnerConsultant,
        partner_status: PartnerStatus::Active,
        skills: &skills,
        certifications: &certs,
        reviews: &reviews,
    };
    let v = assess(&f, &VettingSettings::default(), TODAY);
    assert_eq!(v.state, VettingState::Vetted, "{v:?}");
    assert!(check_assignable(&v).is_ok());
}

#[test]
fn nothing_recorded_is_not_started_and_names_everything() {
    let f = VettingFacts {
        function: Function::Engineer,
        partner_status: PartnerStatus::Onboarding,
        skills: &[],
        certifications: &[],
        reviews: &[],
    };
    let v = assess(&f, &VettingSettings::default(), TODAY);
    assert_eq!(v.state, VettingState::NotStarted);
    assert_eq!(
        kinds(&v),
        [
            GapKind::PartnerNotActive,
            GapKind::Skills,
            GapKind::SoftSkillsVideo,
            GapKind::Certification,
            GapKind::Certification,
            GapKind::Interview
        ]
    );
    let err = check_assignable(&v).unwrap_err().to_string();
    assert!(err.contains("migration") && err.contains("pm certification"), "{err}");
}

#[test]
fn an_expired_certification_and_a_wrong_interviewer_do_not_count() {
    let skills = [skill()];
    let certs = [cert("pm_specialist", Some(date!(2026 - 03 - 01)))];
    // A project manager interviewed by an engineer, not by the delivery lead.
    let reviews = [
        review(VettingStep::SoftSkillsVideo, ReviewOutcome::Pass, Function::Engineer),
        review(VettingStep::Interview, ReviewOutcome::Pass, Function::Engineer),
    ];
    let f = VettingFacts {
        function: Function::ProjectManager,
        partner_status: PartnerStatus::Active,
        skills: &skills,
        certifications: &certs,
        reviews: &reviews,
    };
    let v = assess(&f, &VettingSettings::default(), TODAY);
    assert_eq!(v.state, VettingState::InVetting);
    assert_eq!(kinds(&v), [GapKind::CertificationExpired, GapKind::Interview]);
}

#[test]
fn a_failed_interview_fails_until_a_later_pass() {
    let skills = [skill()];
    let certs = [cert("migration", None), cert("pm", None)];
    let mut reviews = vec![
        review(VettingStep::SoftSkillsVideo, ReviewOutcome::Pass, Function::Engineer),
        review(
            VettingStep::Interview,
            ReviewOutcome::Fail,
            Function::TechnicalArchitect,
        ),
    ];
    let settings = VettingSettings::default();
    let facts = |r: &[ReviewFact]| {
        assess(
            &VettingFacts {
                function: Function::Engineer,
                partner_status: PartnerStatus::Active,
                skills: &skills,
                certifications: &certs,
                reviews: r,
            },
            &settings,
            TODAY,
        )
    };
    assert_eq!(facts(&reviews).state, VettingState::Failed);
    reviews.push(review(
        VettingStep::Interview,
        ReviewOutcome::Pass,
        Function::TechnicalArchitect,
    ));
    assert_eq!(facts(&reviews).state, VettingState::Vetted);
}

#[test]
fn a_partner_reviewer_does_not_count() {
    let skills = [skill()];
    let mut video = review(VettingStep::SoftSkillsVideo, ReviewOutcome::Pass, Function::Engineer);
    video.reviewer_internal = false;
    let f = VettingFacts {
        function: Function::Engineer,
        partner_status: PartnerStatus::Active,
        skills: &skills,
        certifications: &[],
        reviews: std::slice::from_ref(&video),
    };
    let v = assess(&f, &VettingSettings::default(), TODAY);
    assert!(kinds(&v).contains(&GapKind::SoftSkillsVideo));
}
