//! Who could take a resource request, capacity first: the company's own people of the
//! request's role with the hours they have free over its dates, then the vetted
//! consultants of active partners — suggested only when no one of the company's own can
//! take it. The handbook checks internal capacity before a partner is used.

use serde::Serialize;
use time::Date;
use utoipa::ToSchema;

use crate::Result;
use crate::people::{Function, PersonId};
use crate::plan::{RequiredSkill, ResourceRequestId};
use crate::projects::ProjectId;

/// At most this many of the company's own people are listed (those who can take the
/// request first); the counts cover everyone.
pub const LISTED_INTERNAL: usize = 50;

/// One person as the candidates list reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Load {
    pub person_id: PersonId,
    pub name: String,
    pub function: Function,
    /// The partner organisation (id, name) of a partner consultant.
    pub partner: Option<(crate::partners::PartnerId, String)>,
    /// Calendar-view capacity over the dates: weekdays × FTE less holidays and time off.
    pub capacity_minutes: i64,
    /// What their assignments already plan over the same dates.
    pub booked_minutes: i64,
    /// Their skills (lower-cased name, level).
    pub skills: Vec<(String, i64)>,
}

/// A person's level in one skill the request asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SkillLevel {
    pub skill: String,
    pub min_level: i64,
    /// Their level; none when their skills do not name it.
    pub level: Option<i64>,
    pub meets: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Candidate {
    pub person_id: PersonId,
    pub name: String,
    pub function: Function,
    /// A partner consultant's organisation; none for the company's own people.
    #[schema(value_type = Option<i64>)]
    pub partner_id: Option<crate::partners::PartnerId>,
    pub partner_name: Option<String>,
    pub capacity_minutes: i64,
    pub booked_minutes: i64,
    /// Capacity less booked, never below zero.
    pub available_minutes: i64,
    /// Their levels in the skills the request asks for, in the request's order.
    pub skills: Vec<SkillLevel>,
    /// Enough free hours for the request and every asked skill at its level.
    pub can_take: bool,
    /// A partner consultant put forward because no one of the company's own can take it.
    pub suggested: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Candidates {
    #[schema(value_type = i64)]
    pub request_id: ResourceRequestId,
    #[schema(value_type = i64)]
    pub project_id: ProjectId,
    pub role: Function,
    pub minutes: i64,
    /// The dates read: the request's, else its project's.
    pub start_date: Date,
    pub end_date: Date,
    /// The company's own people of the role employed over the dates.
    pub internal_count: usize,
    /// How many of them can take it.
    pub internal_able: usize,
    /// Whether internal capacity exists: some of the company's own can take it.
    pub internal_capacity: bool,
    /// The answer in words, e.g. "3 internal people can take it; partners are suggested
    /// only when none can".
    pub summary: String,
    /// The company's own people, those who can take it first (most free hours first),
    /// at most [`LISTED_INTERNAL`].
    pub internal: Vec<Candidate>,
    /// Vetted consultants of active partners, after the company's own.
    pub partners: Vec<Candidate>,
}

/// What the request asks: its hours and skills.
pub struct Asked<'a> {
    pub minutes: i64,
    pub skills: &'a [RequiredSkill],
}

fn candidate(l: Load, asked: &Asked<'_>) -> Candidate {
    let skills: Vec<SkillLevel> = asked
        .skills
        .iter()
        .map(|s| {
            let key = s.skill.trim().to_lowercase();
            let level = l.skills.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
            SkillLevel {
                skill: s.skill.trim().to_string(),
                min_level: s.min_level,
                level,
                meets: level.is_some_and(|v| v >= s.min_level),
            }
        })
        .collect();
    let available_minutes = (l.capacity_minutes - l.booked_minutes).max(0);
    let can_take = available_minutes >= asked.minutes && skills.iter().all(|s| s.meets);
    let (partner_id, partner_name) = l.partner.map_or((None, None), |(id, n)| (Some(id), Some(n)));
    Candidate {
        person_id: l.person_id,
        name: l.name,
        function: l.function,
        partner_id,
        partner_name,
        capacity_minutes: l.capacity_minutes,
        booked_minutes: l.booked_minutes,
        available_minutes,
        skills,
        can_take,
        suggested: false,
    }
}

/// Those who can take it first, then the most free hours, then by name.
fn ranked(mut v: Vec<Candidate>) -> Vec<Candidate> {
    v.sort_by(|a, b| {
        b.can_take
            .cmp(&a.can_take)
            .then(b.available_minutes.cmp(&a.available_minutes))
            .then(a.name.to_lowercase().cmp(&b.name.to_lowercase()))
            .then(a.person_id.cmp(&b.person_id))
    });
    v
}

/// The candidates of a request from the company's own people and the vetted partner
/// consultants (the caller passes only those), capacity first.
pub fn candidates(
    head: (ResourceRequestId, ProjectId, Function, Date, Date),
    asked: &Asked<'_>,
    internal: Vec<Load>,
    partners: Vec<Load>,
) -> Candidates {
    let (request_id, project_id, role, start_date, end_date) = head;
    let internal = ranked(internal.into_iter().map(|l| candidate(l, asked)).collect());
    let internal_count = internal.len();
    let internal_able = internal.iter().filter(|c| c.can_take).count();
    let internal_capacity = internal_able > 0;
    let mut partners = ranked(partners.into_iter().map(|l| candidate(l, asked)).collect());
    for p in &mut partners {
        p.suggested = !internal_capacity && p.can_take;
    }
    let suggested = partners.iter().filter(|p| p.suggested).count();
    let summary = match (internal_able, suggested) {
        (1, _) => "1 internal person can take it; partners are suggested only when none can".to_string(),
        (n, _) if n > 1 => format!("{n} internal people can take it; partners are suggested only when none can"),
        (_, 0) => "no internal person can take it, and no vetted partner consultant can either".to_string(),
        (_, 1) => "no internal person can take it: 1 vetted partner consultant is suggested".to_string(),
        (_, k) => format!("no internal person can take it: {k} vetted partner consultants are suggested"),
    };
    Candidates {
        request_id,
        project_id,
        role,
        minutes: asked.minutes,
        start_date,
        end_date,
        internal_count,
        internal_able,
        internal_capacity,
        summary,
        internal: internal.into_iter().take(LISTED_INTERNAL).collect(),
        partners,
    }
}

/// Whether a partner consultant of `function` may fill a request for `role`: the same
/// function, or a consultant without a more precise function (`partner_consultant`) for
/// a role of the vetting track it is vetted on.
pub fn partner_fits(function: Function, role: Function, settings: &super::vetting::VettingSettings) -> bool {
    function == role
        || (function == Function::PartnerConsultant
            && settings
                .track(Function::PartnerConsultant)
                .is_some_and(|t| t.functions.contains(&role)))
}

/// Every role a partner consultant of `function` may fill (see [`partner_fits`]).
pub fn partner_roles(function: Function, settings: &super::vetting::VettingSettings) -> Vec<Function> {
    <Function as strum::VariantArray>::VARIANTS
        .iter()
        .copied()
        .filter(|r| partner_fits(function, *r, settings))
        .collect()
}

/// Candidates of a resource request, read in a few queries whatever the headcount.
#[async_trait::async_trait]
pub trait CandidatesStore: Send + Sync {
    /// The request's candidates over its dates (else its project's); vetting is judged
    /// on `today`, as the assignment gate judges it.
    async fn request_candidates(&self, request: ResourceRequestId, today: Date) -> Result<Candidates>;
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::Id;

    fn load(id: i64, free: i64, skills: &[(&str, i64)], partner: bool) -> Load {
        Load {
            person_id: Id::new(id),
            name: format!("P{id}"),
            function: Function::Engineer,
            partner: partner.then(|| (Id::new(9), "Meridian".into())),
            capacity_minutes: free + 600,
            booked_minutes: 600,
            skills: skills.iter().map(|(s, l)| (s.to_string(), *l)).collect(),
        }
    }

    fn head() -> (ResourceRequestId, ProjectId, Function, Date, Date) {
        (
            Id::new(1),
            Id::new(2),
            Function::Engineer,
            date!(2026 - 03 - 02),
            date!(2026 - 03 - 27),
        )
    }

    #[test]
    fn partners_are_suggested_only_when_no_one_internal_can_take_it() {
        let skills = [RequiredSkill {
            skill: "Kubernetes".into(),
            min_level: 3,
        }];
        let asked = Asked {
            minutes: 6_000,
            skills: &skills,
        };
        let c = candidates(
            head(),
            &asked,
            vec![load(1, 6_000, &[("kubernetes", 3)], false), load(2, 9_000, &[], false)],
            vec![load(3, 9_000, &[("kubernetes", 5)], true)],
        );
        assert_eq!((c.internal_count, c.internal_able), (2, 1));
        assert_eq!(c.internal[0].person_id, Id::new(1), "who can take it comes first");
        assert!(!c.internal[1].can_take, "no Kubernetes: cannot take it");
        assert!(!c.partners[0].suggested);
        assert!(c.summary.starts_with("1 internal person can take it"));

        let c = candidates(
            head(),
            &asked,
            vec![load(1, 5_999, &[("kubernetes", 3)], false)],
            vec![load(3, 9_000, &[("kubernetes", 5)], true)],
        );
        assert!(!c.internal_capacity);
        assert!(c.partners[0].suggested && c.partners[0].can_take);
        assert_eq!(
            c.summary,
            "no internal person can take it: 1 vetted partner consultant is suggested"
        );
    }

    #[test]
    fn booked_beyond_capacity_leaves_nothing_free() {
        let mut l = load(1, 0, &[], false);
        l.booked_minutes = l.capacity_minutes + 500;
        let c = candidate(
            l,
            &Asked {
                minutes: 60,
                skills: &[],
            },
        );
        assert_eq!(c.available_minutes, 0);
        assert!(!c.can_take);
    }

    #[test]
    fn a_generic_partner_consultant_fits_the_roles_of_their_track() {
        let s = super::super::vetting::VettingSettings::default();
        assert!(partner_fits(Function::PartnerConsultant, Function::Engineer, &s));
        assert!(!partner_fits(Function::PartnerConsultant, Function::ProjectManager, &s));
        assert!(partner_fits(Function::ProjectManager, Function::ProjectManager, &s));
    }
}
