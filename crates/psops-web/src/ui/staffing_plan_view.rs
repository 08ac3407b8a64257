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
use super::render::grouped;
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
            format!(
                "proven optimal (objective {} = bound)",
                grouped(f.objective.to_string().into())
            )
        } else {
            format!(
                "within {:.2} % of the best possible ({:.1} % of the value part; objective {}, proven bound {})",
                f.gap * 100.0,
                f.value_gap * 100.0,
                grouped(f.objective.to_string().into()),
                grouped(f.bound.to_string().into())
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

    #[test]
    fn the_gap_is_shown_whole_and_on_the_value_part() {
        let mut f = Figures {
            requests: 3,
            hard_requests: 1,
            filled: 2,
            hard_filled: 1,
            hard_fill_bp: 10_000,
            minutes_filled: 600,
            mean_distance_before_bp: 2_000,
            mean_distance_after_bp: 1_500,
            objective: 1_000_900,
            bound: 1_001_000,
            gap: 0.0001,
            value_gap: 0.1111,
            optimal: false,
            millis: 12,
        };
        assert_eq!(
            figures(&f).optimizer,
            "within 0.01 % of the best possible (11.1 % of the value part; objective 1,000,900, proven bound 1,001,000)"
        );
        f.optimal = true;
        assert_eq!(figures(&f).optimizer, "proven optimal (objective 1,000,900 = bound)");
    }
}
