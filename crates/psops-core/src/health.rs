//! A project's health from its hours: how much of the budget is burnt against how much of
//! the project's time has passed. Delivery health reports and RAID come later; this is
//! the signal the hours alone give.

use serde::Serialize;
use time::Date;

use crate::Minutes;
use crate::ratio::basis_points;

/// Burning this many percentage points ahead of the calendar is worth a look.
pub const WATCH_POINTS: i64 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    /// More hours logged than budgeted.
    OverBudget,
    /// The budget burns more than [`WATCH_POINTS`] ahead of the elapsed time.
    Watch,
    OnTrack,
}

/// Budget burn and elapsed time, in basis points, and what they say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Burn {
    pub burn_bp: i64,
    /// `None` without both dates (nothing to compare the burn with).
    pub elapsed_bp: Option<i64>,
    pub health: Health,
}

/// The burn of a project with an hours budget; `None` without one.
pub fn burn(
    logged: Minutes,
    budget: Option<Minutes>,
    start: Option<Date>,
    end: Option<Date>,
    today: Date,
) -> Option<Burn> {
    let burn_bp = basis_points(logged.get(), budget?.get())?;
    let elapsed_bp = match (start, end) {
        (Some(s), Some(e)) if e > s => {
            let passed = (today.clamp(s, e) - s).whole_days();
            basis_points(passed, (e - s).whole_days())
        }
        _ => None,
    };
    let health = if burn_bp > 10_000 {
        Health::OverBudget
    } else if elapsed_bp.is_some_and(|el| burn_bp > el + WATCH_POINTS * 100) {
        Health::Watch
    } else {
        Health::OnTrack
    };
    Some(Burn {
        burn_bp,
        elapsed_bp,
        health,
    })
}

impl Health {
    pub fn label(self) -> &'static str {
        match self {
            Health::OverBudget => "over budget",
            Health::Watch => "burning ahead of plan",
            Health::OnTrack => "on track",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn burn_against_elapsed_time() {
        let (s, e) = (Some(date!(2026 - 01 - 01)), Some(date!(2026 - 12 - 31)));
        let mid = date!(2026 - 07 - 02);
        let h = |logged: i64| burn(Minutes(logged * 60), Some(Minutes(100 * 60)), s, e, mid).unwrap();
        assert_eq!(h(50).health, Health::OnTrack);
        assert_eq!(h(60).health, Health::OnTrack, "ten points ahead is still on track");
        assert_eq!(h(61).health, Health::Watch);
        assert_eq!(h(101).health, Health::OverBudget);
        assert_eq!(h(50).elapsed_bp, Some(5_000));
        // Without an end date only the budget speaks; without a budget nothing does.
        let open = burn(Minutes(90 * 60), Some(Minutes(100 * 60)), s, None, mid).unwrap();
        assert_eq!((open.health, open.elapsed_bp), (Health::OnTrack, None));
        assert!(burn(Minutes(60), None, s, e, mid).is_none());
        assert!(burn(Minutes(60), Some(Minutes(0)), s, e, mid).is_none());
        // Before the start and after the end the calendar reads 0 % and 100 %.
        let early = burn(Minutes(0), Some(Minutes(60)), s, e, date!(2025 - 06 - 01)).unwrap();
        assert_eq!(early.elapsed_bp, Some(0));
    }
}
