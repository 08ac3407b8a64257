//! Weekly health reports: one per active project per ISO week, due on the settings'
//! weekday of that week — overall red / yellow / green with two or three lines, schedule,
//! scope and budget each on track or not (with why when not), and the client's sentiment.
//! A week without a report once its due day has passed is overdue. The hours burn-down
//! of a time-and-materials project is computed from its time entries, never typed.
//!
//! One report per project per week: a second filing for a week that has one is refused
//! (409, `one_report_per_week`); the week's report is changed instead, each change
//! audited, so its history is the audit log's.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};
use utoipa::ToSchema;

use super::settings::Weekday;
use crate::code::Code;
use crate::id::Id;
use crate::meta::Meta;
use crate::patch::{double_option, set};
use crate::people::PersonId;
use crate::projects::ProjectId;
use crate::rule::Rule;
use crate::scope::ListScope;
use crate::store::{RecordStore, WriteCtx};
use crate::timesheet::IsoWeek;
use crate::validate::Checks;
use crate::{Minutes, Result};

pub type HealthReportId = Id<HealthReport>;

/// Red, yellow or green.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Rag {
    Green,
    Yellow,
    Red,
}

impl Code for Rag {
    const FIELD: &'static str = "overall";
}

/// How the customer feels about the project: the same four words as an account's
/// sentiment at an escalation's close.
pub use super::escalations::Sentiment;

/// The most characters a summary holds, and its most lines.
pub const SUMMARY_CHARS: usize = 500;
pub const SUMMARY_LINES: usize = 3;
/// The most characters of a why.
pub const WHY_CHARS: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HealthReportFields {
    #[schema(value_type = i64)]
    pub project_id: ProjectId,
    /// The ISO week reported on.
    pub week: IsoWeek,
    pub overall: Rag,
    /// Two or three lines (at most 500 characters).
    pub summary: String,
    pub schedule_on_track: bool,
    /// Why not, required when schedule is not on track.
    #[serde(default)]
    pub schedule_why: Option<String>,
    pub scope_on_track: bool,
    #[serde(default)]
    pub scope_why: Option<String>,
    pub budget_on_track: bool,
    #[serde(default)]
    pub budget_why: Option<String>,
    pub sentiment: Sentiment,
    /// Who filed it (the report's `created_at` says when).
    #[schema(value_type = i64)]
    pub filed_by: PersonId,
}

fn blank(v: &Option<String>) -> bool {
    v.as_deref().is_none_or(|s| s.trim().is_empty())
}

impl HealthReportFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.text(&self.summary, "summary", SUMMARY_CHARS);
        let lines = self.summary.trim().lines().filter(|l| !l.trim().is_empty()).count();
        c.check(
            lines <= SUMMARY_LINES,
            "summary",
            Rule::SummaryLines,
            format!("summary must be two or three lines, not {lines}"),
        );
        for (field, on_track, why) in [
            ("schedule_why", self.schedule_on_track, &self.schedule_why),
            ("scope_why", self.scope_on_track, &self.scope_why),
            ("budget_why", self.budget_on_track, &self.budget_why),
        ] {
            let dimension = field.trim_end_matches("_why");
            c.check(
                on_track || !blank(why),
                field,
                Rule::WhyRequired,
                format!("{field} is required when {dimension} is not on track"),
            );
            c.optional_text(why.as_deref(), field, WHY_CHARS);
        }
        c.into_result()
    }

    /// The why of each dimension kept only when it is not on track.
    pub fn tidied(mut self) -> Self {
        for (on_track, why) in [
            (self.schedule_on_track, &mut self.schedule_why),
            (self.scope_on_track, &mut self.scope_why),
            (self.budget_on_track, &mut self.budget_why),
        ] {
            if on_track || blank(why) {
                *why = None;
            }
        }
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct HealthReport {
    #[schema(value_type = i64)]
    pub id: HealthReportId,
    #[serde(flatten)]
    pub fields: HealthReportFields,
    #[serde(flatten)]
    pub meta: Meta,
}

/// A revision of the week's report: fields left out keep their value, `null` clears.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HealthReportPatch {
    pub overall: Option<Rag>,
    pub summary: Option<String>,
    pub schedule_on_track: Option<bool>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub schedule_why: Option<Option<String>>,
    pub scope_on_track: Option<bool>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub scope_why: Option<Option<String>>,
    pub budget_on_track: Option<bool>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub budget_why: Option<Option<String>>,
    pub sentiment: Option<Sentiment>,
}

impl HealthReportPatch {
    pub fn apply(self, mut f: HealthReportFields) -> HealthReportFields {
        set(&mut f.overall, self.overall);
        set(&mut f.summary, self.summary);
        set(&mut f.schedule_on_track, self.schedule_on_track);
        set(&mut f.schedule_why, self.schedule_why);
        set(&mut f.scope_on_track, self.scope_on_track);
        set(&mut f.scope_why, self.scope_why);
        set(&mut f.budget_on_track, self.budget_on_track);
        set(&mut f.budget_why, self.budget_why);
        set(&mut f.sentiment, self.sentiment);
        f
    }
}

crate::sort_columns!(
    /// The order a project's report history lists in.
    HealthSort { Week, Overall }
);

/// A project's reports, optionally within weeks.
#[derive(Debug, Clone, Default)]
pub struct HealthReportFilter {
    pub project_id: Option<ProjectId>,
    pub from: Option<IsoWeek>,
    pub to: Option<IsoWeek>,
    pub archived: Option<bool>,
}

crate::plain_record!(
    HealthReport,
    HealthReport,
    HealthReportFields,
    HealthReportPatch,
    HealthReportFilter,
    HealthSort
);

/// The day a week's report is due: the setting's weekday inside that ISO week.
pub fn due_on(week: IsoWeek, due: Weekday) -> Date {
    let monday = week.monday();
    monday
        .checked_add(Duration::days(due.days_from_monday()))
        .unwrap_or(monday)
}

/// Whether a week's report, missing, is overdue on `today`: its due day has passed.
pub fn is_overdue(week: IsoWeek, due: Weekday, today: Date) -> bool {
    today > due_on(week, due)
}

/// The weeks a project's report is missing on `today`: each of the last `lookback` weeks
/// (the current one included) whose due day has passed, from the week the project
/// started, that `filed` lacks. Oldest first.
pub fn missing_weeks(filed: &[IsoWeek], start: Option<Date>, today: Date, due: Weekday, lookback: i64) -> Vec<IsoWeek> {
    let mut out = Vec::new();
    let current = IsoWeek::of(today);
    let first = today
        .checked_sub(Duration::weeks(lookback.max(1) - 1))
        .map(IsoWeek::of)
        .unwrap_or(current);
    let first = match start.map(IsoWeek::of) {
        Some(s) if s > first => s,
        _ => first,
    };
    let mut w = first;
    while w <= current {
        if is_overdue(w, due, today) && !filed.contains(&w) {
            out.push(w);
        }
        match w.next() {
            Some(n) => w = n,
            None => break,
        }
    }
    out
}

/// A project with missing reports, under its manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct OverdueReport {
    #[schema(value_type = i64)]
    pub project_id: ProjectId,
    pub project_name: String,
    #[schema(value_type = Option<i64>)]
    pub project_manager_id: Option<PersonId>,
    pub project_manager_name: Option<String>,
    /// The weeks without a report whose due day has passed, oldest first.
    pub weeks: Vec<IsoWeek>,
}

/// Better, the same or worse than the report before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Trend {
    Better,
    Same,
    Worse,
}

impl Code for Trend {
    const FIELD: &'static str = "trend";
}

/// The trend from one RAG to the next (none without a report before).
pub fn trend(previous: Option<Rag>, latest: Rag) -> Option<Trend> {
    previous.map(|p| match latest.cmp(&p) {
        std::cmp::Ordering::Less => Trend::Better,
        std::cmp::Ordering::Equal => Trend::Same,
        std::cmp::Ordering::Greater => Trend::Worse,
    })
}

/// A project's latest RAG and its trend, for the portfolio.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LatestHealth {
    #[schema(value_type = i64)]
    pub project_id: ProjectId,
    pub project_name: String,
    pub week: IsoWeek,
    pub overall: Rag,
    pub trend: Option<Trend>,
    pub sentiment: Sentiment,
}

/// One week of a burn-down: the budget's hours left at the end of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct BurnWeek {
    pub week: IsoWeek,
    /// Minutes logged to the project up to the end of the week (Sunday).
    pub logged: Minutes,
    /// Budget minutes minus `logged`; negative once over budget.
    pub remaining: Minutes,
}

/// The burn-down over `weeks` from minutes logged per day (any order): the budget less
/// everything logged up to each week's Sunday.
pub fn burn_down(budget: Minutes, daily: &[(Date, Minutes)], weeks: &[IsoWeek]) -> Vec<BurnWeek> {
    let mut days: Vec<(Date, i64)> = daily.iter().map(|(d, m)| (*d, m.get())).collect();
    days.sort_by_key(|(d, _)| *d);
    let mut i = 0;
    let mut logged = 0i64;
    let mut out = Vec::with_capacity(weeks.len());
    let mut sorted: Vec<IsoWeek> = weeks.to_vec();
    sorted.sort();
    for w in sorted {
        let end = w.range().end;
        while i < days.len() && days[i].0 <= end {
            logged += days[i].1;
            i += 1;
        }
        out.push(BurnWeek {
            week: w,
            logged: Minutes(logged),
            remaining: Minutes(budget.get() - logged),
        });
    }
    out
}

/// The consecutive weeks from `from` to `to`, both included.
pub fn weeks_between(from: IsoWeek, to: IsoWeek) -> Vec<IsoWeek> {
    let mut out = Vec::new();
    let mut w = from;
    while w <= to && out.len() < 600 {
        out.push(w);
        match w.next() {
            Some(n) => w = n,
            None => break,
        }
    }
    out
}

/// What the store does for health reports beyond the plain record: the overdue list,
/// the timeline, the burn-down and the portfolio's latest RAG, and the overdue notices.
#[async_trait]
pub trait HealthStore: RecordStore<HealthReport> {
    /// The projects under `scope` (active ones) with reports missing on `today`, by
    /// manager then project.
    async fn overdue_health(&self, scope: &ListScope, today: Date) -> Result<Vec<OverdueReport>>;
    /// The overall RAG of each week from `from` to `to` of a project that has a report.
    async fn rag_weeks(&self, project: ProjectId, from: IsoWeek, to: IsoWeek) -> Result<Vec<(IsoWeek, Rag)>>;
    /// The latest report's RAG and trend of each active project under `scope`.
    async fn latest_health(&self, scope: &ListScope) -> Result<Vec<LatestHealth>>;
    /// The hours burn-down of a time-and-materials project with a budget in hours over
    /// `from`..=`to`; empty for other projects.
    async fn burn_down(&self, project: ProjectId, from: IsoWeek, to: IsoWeek) -> Result<Vec<BurnWeek>>;
    /// Queues one notification per project manager with overdue reports on `now`'s day,
    /// at most once per manager per week; answers how many it queued.
    async fn notify_overdue_health(&self, ctx: &WriteCtx, now: OffsetDateTime) -> Result<usize>;
    /// Loads reports (each with when it was filed) and RAID items as given, in one
    /// transaction without per-row checks or audit entries: for loading the demo
    /// organisation into a fresh database only. Answers how many of each it wrote.
    async fn load_health(
        &self,
        reports: &[(HealthReportFields, OffsetDateTime)],
        raid: &[super::raid::RaidItemFields],
    ) -> Result<(u64, u64)>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn fields() -> HealthReportFields {
        HealthReportFields {
            project_id: Id::new(1),
            week: "2026-W10".parse().unwrap(),
            overall: Rag::Green,
            summary: "All good.\nOn plan.".into(),
            schedule_on_track: true,
            schedule_why: None,
            scope_on_track: true,
            scope_why: None,
            budget_on_track: true,
            budget_why: None,
            sentiment: Sentiment::Happy,
            filed_by: Id::new(2),
        }
    }

    #[test]
    fn why_is_required_when_off_track_and_summary_is_short() {
        assert!(fields().validate().is_ok());
        let mut f = fields();
        f.budget_on_track = false;
        let e = f.validate().unwrap_err().to_string();
        assert!(e.contains("budget_why"), "{e}");
        f.budget_why = Some("Burn ahead of plan".into());
        assert!(f.validate().is_ok());
        f.summary = "a\nb\nc\nd".into();
        assert!(f.validate().unwrap_err().to_string().contains("summary"));
    }

    #[test]
    fn overdue_from_the_day_after_the_due_day_across_a_week_boundary() {
        let w: IsoWeek = "2026-W10".parse().unwrap(); // Monday 2026-03-02
        assert_eq!(due_on(w, Weekday::Thursday), date!(2026 - 03 - 05));
        assert!(!is_overdue(w, Weekday::Thursday, date!(2026 - 03 - 05)));
        assert!(is_overdue(w, Weekday::Thursday, date!(2026 - 03 - 06)));
        // On Monday of the next week, last week is missing, this week is not yet due.
        let missing = missing_weeks(&[], None, date!(2026 - 03 - 09), Weekday::Thursday, 2);
        assert_eq!(missing, vec![w]);
        let missing = missing_weeks(&[w], None, date!(2026 - 03 - 09), Weekday::Thursday, 2);
        assert!(missing.is_empty());
        // A project that started this week owes nothing for earlier weeks.
        let missing = missing_weeks(
            &[],
            Some(date!(2026 - 03 - 09)),
            date!(2026 - 03 - 13),
            Weekday::Thursday,
            8,
        );
        assert_eq!(missing, vec!["2026-W11".parse().unwrap()]);
    }

    #[test]
    fn burn_down_subtracts_what_was_logged_by_each_sunday() {
        let weeks = weeks_between("2026-W10".parse().unwrap(), "2026-W11".parse().unwrap());
        let daily = [
            (date!(2026 - 03 - 08), Minutes(600)), // Sunday of W10
            (date!(2026 - 03 - 09), Minutes(120)), // Monday of W11
        ];
        let b = burn_down(Minutes(6000), &daily, &weeks);
        assert_eq!(b[0].remaining, Minutes(5400));
        assert_eq!(b[1].remaining, Minutes(5280));
    }

    #[test]
    fn trend_compares_with_the_report_before() {
        assert_eq!(trend(None, Rag::Red), None);
        assert_eq!(trend(Some(Rag::Red), Rag::Yellow), Some(Trend::Better));
        assert_eq!(trend(Some(Rag::Green), Rag::Green), Some(Trend::Same));
        assert_eq!(trend(Some(Rag::Green), Rag::Red), Some(Trend::Worse));
    }
}
