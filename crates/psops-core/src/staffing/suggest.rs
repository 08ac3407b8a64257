//! Suggestions for one resource request: everyone of the role checked, those who pass
//! every check ranked by fit, each with the reasons — the checks, the score's parts, the
//! utilization effect and why they rank below the one above. The company's own people
//! come first; vetted partner consultants follow, and are put forward only when no one
//! of the company's own can take the request.

use serde::Serialize;
use time::Date;
use utoipa::ToSchema;

use super::fit::{Ask, Check, Fit, Person, behind, checks, first_failure, fit, score};
use crate::people::{Function, PersonId};
use crate::plan::ResourceRequestId;
use crate::projects::ProjectId;

/// At most this many people of each side are listed; the counts cover everyone.
pub const LISTED: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Suggestion {
    #[schema(value_type = i64)]
    pub person_id: PersonId,
    pub name: String,
    /// A partner consultant's organisation; none for the company's own people.
    #[schema(value_type = Option<i64>)]
    pub partner_id: Option<crate::partners::PartnerId>,
    pub partner_name: Option<String>,
    /// 1 for the best fit of its side.
    pub rank: usize,
    pub fit: Fit,
    /// Every check, all passed.
    pub checks: Vec<Check>,
    /// Why it ranks below the one above it; none for the first.
    pub behind: Option<String>,
    /// Their minutes free over the request's weeks, soft bookings counted.
    pub free_minutes: i64,
    /// A partner consultant put forward because no one of the company's own can take it.
    pub suggested: bool,
}

/// How many were ruled out by a check (counted at the first check each failed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = RuledOut)]
pub struct Excluded {
    pub check: &'static str,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Suggestions {
    #[schema(value_type = i64)]
    pub request_id: ResourceRequestId,
    #[schema(value_type = i64)]
    pub project_id: ProjectId,
    pub role: Function,
    /// The dates read: the request's, else its project's.
    pub start_date: Date,
    pub end_date: Date,
    /// Its load in each week from the week of `start_date`, in minutes.
    pub weekly_load: Vec<i64>,
    /// The company's own people considered, and how many passed every check.
    pub considered: usize,
    pub able: usize,
    /// Why the others were ruled out.
    pub excluded: Vec<Excluded>,
    /// The answer in words, e.g. "3 of 41 engineers can take it; partners are put
    /// forward only when none can".
    pub summary: String,
    /// The company's own people who can take it, best fit first, at most [`LISTED`].
    pub internal: Vec<Suggestion>,
    /// Vetted consultants of active partners who can take it, after the company's own.
    pub partners: Vec<Suggestion>,
}

/// The request's identity and dates.
pub struct Head {
    pub request_id: ResourceRequestId,
    pub project_id: ProjectId,
    pub role: Function,
}

fn ranked(people: Vec<Person<'_>>, ask: &Ask<'_>, today: Date, excluded: &mut Vec<Excluded>) -> Vec<Suggestion> {
    // Judged and scored without words first; only those listed are explained.
    let mut able: Vec<(Person<'_>, i64)> = Vec::new();
    for p in people {
        match first_failure(&p, ask) {
            Some(first) => match excluded.iter_mut().find(|e| e.check == first) {
                Some(e) => e.count += 1,
                None => excluded.push(Excluded { check: first, count: 1 }),
            },
            None => {
                let s = score(&p, ask, today);
                able.push((p, s));
            }
        }
    }
    able.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| a.0.profile.name.to_lowercase().cmp(&b.0.profile.name.to_lowercase()))
            .then(a.0.profile.person_id.cmp(&b.0.profile.person_id))
    });
    let mut out: Vec<Suggestion> = Vec::with_capacity(able.len().min(LISTED));
    for (i, (p, _)) in able.into_iter().take(LISTED).enumerate() {
        let c = checks(&p, ask);
        let f = fit(&p, ask, today);
        let free_minutes = p
            .weeks
            .iter()
            .zip(&ask.load)
            .filter(|(_, l)| **l > 0)
            .map(|(w, _)| w.free().max(0))
            .sum();
        let behind = out.last().map(|above: &Suggestion| behind(&f, &above.fit, &above.name));
        out.push(Suggestion {
            person_id: p.profile.person_id,
            name: p.profile.name.clone(),
            partner_id: None,
            partner_name: None,
            rank: i + 1,
            fit: f,
            checks: c,
            behind,
            free_minutes,
            suggested: false,
        });
    }
    out
}

/// Ranks the company's own people and the partners' vetted consultants (the caller
/// passes only those, each with their partner) for one request.
pub fn suggest(
    head: Head,
    ask: &Ask<'_>,
    internal: Vec<Person<'_>>,
    partners: Vec<(Person<'_>, (crate::partners::PartnerId, String))>,
    today: Date,
) -> Suggestions {
    let considered = internal.len();
    let mut excluded = Vec::new();
    let internal_ranked = ranked(internal, ask, today, &mut excluded);
    let able = excluded_total(considered, &excluded);
    let mut of: std::collections::HashMap<PersonId, (crate::partners::PartnerId, String)> =
        partners.iter().map(|(p, o)| (p.profile.person_id, o.clone())).collect();
    let mut ignored = Vec::new();
    let mut partner_ranked = ranked(partners.into_iter().map(|(p, _)| p).collect(), ask, today, &mut ignored);
    for s in &mut partner_ranked {
        if let Some((id, name)) = of.remove(&s.person_id) {
            s.partner_id = Some(id);
            s.partner_name = Some(name);
        }
        s.suggested = able == 0;
    }
    let role = crate::code::Code::code(&head.role).replace('_', " ");
    let put = partner_ranked.len();
    let summary = match (able, put) {
        (0, 0) => format!(
            "none of the {considered} internal people in the {role} role can take it, and no vetted partner consultant can"
        ),
        (0, 1) => format!(
            "none of the {considered} internal people in the {role} role can take it: 1 vetted partner consultant is put forward"
        ),
        (0, k) => format!(
            "none of the {considered} internal people in the {role} role can take it: {k} vetted partner consultants are put forward"
        ),
        (n, _) => format!(
            "{n} of the {considered} internal people in the {role} role can take it; partners are put forward only when none can"
        ),
    };
    Suggestions {
        request_id: head.request_id,
        project_id: head.project_id,
        role: head.role,
        start_date: ask.span.start,
        end_date: ask.span.end,
        weekly_load: ask.load.clone(),
        considered,
        able,
        excluded,
        summary,
        internal: internal_ranked,
        partners: partner_ranked,
    }
}

fn excluded_total(considered: usize, excluded: &[Excluded]) -> usize {
    considered - excluded.iter().map(|e| e.count).sum::<usize>()
}

#[cfg(test)]
#[path = "suggest_tests.rs"]
mod tests;
