//! What a resource request's staffing page shows, built from the request and its
//! suggestions: its facts in words, and each candidate with the score, the utilization
//! effect, the parts of the score, the checks passed and why they rank where they do.

use psops_core::Minutes;
use psops_core::code::Code;
use psops_core::plan::{Booking, RequestStatus, RequiredSkill, ResourceRequest};
use psops_core::staffing::suggest::{Suggestion, Suggestions};
use serde::Serialize;

use super::filters::{label, span};

/// A fact of the request: its label and what it says.
#[derive(Serialize)]
pub struct Fact {
    pub label: &'static str,
    pub text: String,
}

#[derive(Serialize)]
pub struct Part {
    pub part: String,
    pub weight: String,
    pub score: String,
    pub detail: String,
}

#[derive(Serialize)]
pub struct Candidate {
    pub rank: usize,
    pub person_id: i64,
    pub name: String,
    pub partner: Option<String>,
    /// A partner's consultant put forward because no one internal can take it.
    pub suggested: bool,
    pub score: String,
    pub free: String,
    pub effect: String,
    pub parts: Vec<Part>,
    pub checks: Vec<String>,
    pub behind: Option<String>,
}

#[derive(Serialize)]
pub struct Ranked {
    pub summary: String,
    pub considered: usize,
    pub able: usize,
    /// "3 by skill", one a check that ruled people out.
    pub excluded: Vec<String>,
    pub internal: Vec<Candidate>,
    pub partners: Vec<Candidate>,
}

/// A score of 0 to 1000 as the fraction of 1 it is, `0.82`.
pub fn score(milli: i64) -> String {
    let hundredths = (milli + 5) / 10;
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

fn share(bp: i64) -> String {
    format!("{} %", (bp + 50) / 100)
}

fn skills(list: &[RequiredSkill]) -> String {
    if list.is_empty() {
        return "None".into();
    }
    list.iter()
        .map(|s| format!("{} {}+", s.skill, s.min_level))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The request's facts; `dates` are those its suggestions read (its own, else its
/// project's), when they could be read.
pub fn facts(r: &ResourceRequest, dates: Option<(time::Date, time::Date)>) -> Vec<Fact> {
    let f = &r.fields;
    let own = f.start_date.is_some() && f.end_date.is_some();
    let dates = match dates {
        Some((start, end)) if own => span(Some(start), Some(end)),
        Some((start, end)) => format!("{} (the project's)", span(Some(start), Some(end))),
        None => span(f.start_date, f.end_date),
    };
    let zone = match (&f.time_zone, f.max_hours_apart) {
        (Some(tz), Some(h)) => format!("{tz}, at most {h} h apart"),
        (Some(tz), None) => tz.clone(),
        (None, _) => "Any".into(),
    };
    vec![
        Fact {
            label: "Role",
            text: label(f.role.code()),
        },
        Fact {
            label: "Status",
            text: label(f.status.code()),
        },
        Fact {
            label: "Dates",
            text: dates,
        },
        Fact {
            label: "Hours",
            text: match f.minutes_per_week {
                Some(m) => format!("{} h, {} h a week", f.minutes.hours_text(), m.hours_text()),
                None => format!("{} h, spread over the weekdays", f.minutes.hours_text()),
            },
        },
        Fact {
            label: "Booking",
            text: label(f.booking.code()),
        },
        Fact {
            label: "Priority",
            text: format!("{} (1 is most urgent)", f.priority),
        },
        Fact {
            label: "Required skills",
            text: skills(&f.required_skills),
        },
        Fact {
            label: "Desired skills",
            text: skills(&f.desired_skills),
        },
        Fact {
            label: "Certifications",
            text: if f.certifications.is_empty() {
                "None".into()
            } else {
                f.certifications.join(", ")
            },
        },
        Fact {
            label: "Region",
            text: f.region.clone().unwrap_or_else(|| "Any".into()),
        },
        Fact {
            label: "Time zone",
            text: zone,
        },
    ]
}

/// Who holds the request, in words: `Held soft by Ada`, `Booked hard to Ada`.
pub fn holding(r: &ResourceRequest, name: &str) -> String {
    match (r.fields.status, r.fields.booking) {
        (RequestStatus::Open, _) => format!("Held soft by {name}"),
        (_, Booking::Hard) => format!("Booked hard to {name}"),
        _ => format!("Booked to {name}"),
    }
}

fn candidate(c: &Suggestion) -> Candidate {
    Candidate {
        rank: c.rank,
        person_id: c.person_id.get(),
        name: c.name.clone(),
        partner: c.partner_name.clone(),
        suggested: c.suggested,
        score: score(c.fit.score_milli),
        free: Minutes(c.free_minutes).hours_text(),
        effect: c.fit.effect.clone(),
        parts: c
            .fit
            .parts
            .iter()
            .map(|p| Part {
                part: label(p.part),
                weight: share(p.weight_bp),
                score: score(p.score_milli),
                detail: p.detail.clone(),
            })
            .collect(),
        checks: c
            .checks
            .iter()
            .map(|k| format!("{}: {}", label(k.check), k.detail))
            .collect(),
        behind: c.behind.clone(),
    }
}

/// A check as "ruled out by …" reads it.
fn ruled_by(check: &str) -> String {
    match check {
        "employed" => "employment".into(),
        c => c.replace('_', " "),
    }
}

pub fn ranked(s: &Suggestions) -> Ranked {
    Ranked {
        summary: s.summary.clone(),
        considered: s.considered,
        able: s.able,
        excluded: s
            .excluded
            .iter()
            .map(|e| format!("{} by {}", e.count, ruled_by(e.check)))
            .collect(),
        internal: s.internal.iter().map(candidate).collect(),
        partners: s.partners.iter().map(candidate).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_read_as_fractions_of_one() {
        assert_eq!(score(823), "0.82");
        assert_eq!(score(1000), "1.00");
        assert_eq!(score(5), "0.01");
        assert_eq!(share(3_000), "30 %");
        let ks = vec![RequiredSkill {
            skill: "Kubernetes".into(),
            min_level: 3,
        }];
        assert_eq!(skills(&ks), "Kubernetes 3+");
        assert_eq!(skills(&[]), "None");
    }
}
