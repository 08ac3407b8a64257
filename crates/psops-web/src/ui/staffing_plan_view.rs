//! What the plan page shows, built from the optimizer's proposal: the figures in words,
//! each proposed booking with the key its checkbox posts (`REQUEST_ID:PERSON_ID`), and
//! the requests left open with the reason.

use psops_core::Minutes;
use psops_core::code::Code;
use psops_core::plan::Booking;
use psops_core::staffing::planner::{Figures, Line, Unfilled};
use psops_core::staffing::store::Pick;
use psops_core::{FieldError, Id};
use serde::Serialize;

use super::filters::{day, label, pct, span};
use super::staffing_request_view::score;

#[derive(Serialize)]
pub struct Shown {
    pub requests: usize,
    pub filled: usize,
    pub hard: String,
    pub hard_fill: String,
    pub hours: String,
    pub distance: String,
    pub optimizer: String,
    pub time: String,
}

#[derive(Serialize)]
pub struct PlanLine {
    pub key: String,
    pub request_id: i64,
    pub project_id: i64,
    pub project: String,
    pub role: String,
    pub booking: String,
    pub hard: bool,
    pub priority: i64,
    pub dates: String,
    pub hours: String,
    pub person_id: i64,
    pub name: String,
    pub partner: Option<String>,
    pub score: String,
    pub effect: String,
    pub why: String,
}

#[derive(Serialize)]
pub struct Left {
    pub request_id: i64,
    pub project: String,
    pub role: String,
    pub booking: String,
    pub priority: i64,
    pub start: String,
    pub reason: String,
}

pub fn figures(f: &Figures) -> Shown {
    Shown {
        requests: f.requests,
        filled: f.filled,
        hard: format!("{} of {}", f.hard_filled, f.hard_requests),
        hard_fill: pct(Some(f.hard_fill_bp)),
        hours: Minutes(f.minutes_filled).hours_text(),
        distance: format!(
            "{} → {}",
            pct(Some(f.mean_distance_before_bp)),
            pct(Some(f.mean_distance_after_bp))
        ),
        // The objective is a score of the optimizer's own: what matters is how far it can
        // be from the best, which the proven bound tells.
        optimizer: if f.optimal {
            format!("proven optimal (value {} = bound)", f.objective)
        } else {
            format!(
                "within {:.1} % of the best possible (value {}, proven bound {})",
                f.gap * 100.0,
                f.objective,
                f.bound
            )
        },
        time: format!("{} ms", f.millis),
    }
}

pub fn line(l: &Line) -> PlanLine {
    PlanLine {
        key: format!("{}:{}", l.request_id, l.person_id),
        request_id: l.request_id.get(),
        project_id: l.project_id.get(),
        project: l.project_name.clone(),
        role: label(l.role.code()),
        booking: label(l.booking.code()),
        hard: l.booking == Booking::Hard,
        priority: l.priority,
        dates: span(Some(l.start_date), Some(l.end_date)),
        hours: Minutes(l.minutes).hours_text(),
        person_id: l.person_id.get(),
        name: l.name.clone(),
        partner: l.partner_name.clone(),
        score: score(l.score_milli),
        effect: l.effect.clone(),
        why: l.why.clone(),
    }
}

pub fn left(u: &Unfilled) -> Left {
    Left {
        request_id: u.request_id.get(),
        project: u.project_name.clone(),
        role: label(u.role.code()),
        booking: label(u.booking.code()),
        priority: u.priority,
        start: day(Some(u.start_date)),
        reason: u.reason.clone(),
    }
}

/// The ticked lines, `REQUEST_ID:PERSON_ID` each, in the order posted.
pub fn picks<'a>(keys: impl Iterator<Item = &'a str>) -> Result<Vec<Pick>, FieldError> {
    let mut out = Vec::new();
    for key in keys {
        let parsed = key
            .split_once(':')
            .and_then(|(r, p)| Some((r.trim().parse::<i64>().ok()?, p.trim().parse::<i64>().ok()?)))
            .filter(|(r, p)| *r > 0 && *p > 0);
        let Some((request, person)) = parsed else {
            return Err(FieldError::new(
                "pick",
                psops_core::rule::Rule::InvalidValue,
                format!("a picked line is REQUEST_ID:PERSON_ID, got '{key}'"),
            ));
        };
        out.push(Pick {
            request_id: Id::new(request),
            person_id: Id::new(person),
        });
    }
    if out.is_empty() {
        return Err(FieldError::new(
            "pick",
            psops_core::rule::Rule::Required,
            "tick at least one line to accept",
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_are_request_and_person() {
        let got = picks(["12:7", " 3:4 "].into_iter()).expect("picks");
        assert_eq!(
            got.iter()
                .map(|p| (p.request_id.get(), p.person_id.get()))
                .collect::<Vec<_>>(),
            vec![(12, 7), (3, 4)]
        );
        assert_eq!(picks(["12"].into_iter()).unwrap_err().field, "pick");
        assert_eq!(picks(["0:1"].into_iter()).unwrap_err().field, "pick");
        assert_eq!(
            picks(std::iter::empty()).unwrap_err().rule,
            psops_core::rule::Rule::Required
        );
    }
}
