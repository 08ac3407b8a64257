//! Time entries and the rules every entry obeys, whichever interface it came through.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;

use crate::code::Code;
use crate::id::Id;
use crate::patch::{double_option, set};
use crate::people::{Person, PersonId};
use crate::projects::{Project, ProjectId};
use crate::rule::Rule;
use crate::settings::Settings;
use crate::validate::Checks;
use crate::{Minutes, Result};

pub type TimeEntryId = Id<TimeEntry>;

/// Work that belongs to no customer project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum InternalCategory {
    Admin,
    PreSales,
    Training,
    ToolsEnablement,
    InternalNonCreditable,
}

impl Code for InternalCategory {
    const FIELD: &'static str = "category";
}

/// Where an entry is in the weekly timesheet cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum EntryStatus {
    Draft,
    Submitted,
    Approved,
}

impl Code for EntryStatus {
    const FIELD: &'static str = "status";
}

/// What a user sends to log time. `billable` defaults from the project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTimeEntry {
    pub person_id: PersonId,
    /// The project worked on; leave out for internal work and give `category`.
    #[serde(default)]
    pub project_id: Option<ProjectId>,
    #[serde(default)]
    pub category: Option<InternalCategory>,
    pub date: Date,
    #[schema(value_type = i64, minimum = 1)]
    pub minutes: Minutes,
    #[serde(default)]
    pub billable: Option<bool>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TimeEntry {
    pub id: TimeEntryId,
    pub person_id: PersonId,
    pub project_id: Option<ProjectId>,
    pub category: Option<InternalCategory>,
    pub date: Date,
    pub minutes: Minutes,
    pub billable: bool,
    pub note: Option<String>,
    pub status: EntryStatus,
    pub version: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl TimeEntry {
    /// The entry as input again, so an update is checked by exactly the create rules.
    pub fn as_input(&self) -> NewTimeEntry {
        NewTimeEntry {
            person_id: self.person_id,
            project_id: self.project_id,
            category: self.category,
            date: self.date,
            minutes: self.minutes,
            billable: Some(self.billable),
            note: self.note.clone(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeEntryPatch {
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub project_id: Option<Option<ProjectId>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<InternalCategory>)]
    pub category: Option<Option<InternalCategory>>,
    pub date: Option<Date>,
    pub minutes: Option<Minutes>,
    pub billable: Option<bool>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub note: Option<Option<String>>,
}

impl TimeEntryPatch {
    pub fn apply(self, mut e: NewTimeEntry) -> NewTimeEntry {
        // Moving an entry to other work re-derives billable unless the patch says.
        if (self.project_id.is_some() || self.category.is_some()) && self.billable.is_none() {
            e.billable = None;
        }
        set(&mut e.project_id, self.project_id);
        set(&mut e.category, self.category);
        set(&mut e.date, self.date);
        set(&mut e.minutes, self.minutes);
        if self.billable.is_some() {
            e.billable = self.billable;
        }
        set(&mut e.note, self.note);
        e
    }
}

#[derive(Debug, Clone, Default)]
pub struct TimeEntryFilter {
    pub person_id: Option<PersonId>,
    pub project_id: Option<ProjectId>,
    pub account_id: Option<crate::accounts::AccountId>,
    pub category: Option<InternalCategory>,
    pub status: Option<EntryStatus>,
    pub billable: Option<bool>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// What the one asking may see (see `policy::list_scope`); everything by default.
    pub scope: crate::scope::ListScope,
}

/// What the store knows when an entry is written; the rules need nothing else.
pub struct EntryContext<'a> {
    pub settings: &'a Settings,
    pub person: &'a Person,
    /// The project named by the entry, when it names one.
    pub project: Option<&'a Project>,
    /// Minutes the person already has on the entry's date, this entry excluded.
    pub other_minutes_that_day: i64,
    /// Whether the person holds an assignment on the entry's project (an archived one
    /// does not count); unused for internal time.
    pub assigned: bool,
    /// For a partner's consultant on a project: the dates (first, last) of the live work
    /// authorizations their organisation holds on it. Staff and internal time ignore it,
    /// and the store loads it only for partner people.
    pub authorized: &'a [(Date, Date)],
}

/// An entry that passed every rule, with `billable` resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedEntry {
    pub input: NewTimeEntry,
    pub billable: bool,
    pub note: Option<String>,
}

/// Checks an entry against the rules of the handbook and the settings: among them, a
/// person records time only on projects they are assigned to, unless the organisation
/// allows time without an assignment (`Settings::time_without_assignment`).
pub fn check_entry(input: NewTimeEntry, ctx: &EntryContext<'_>) -> Result<CheckedEntry> {
    let mut c = Checks::new();
    let step = ctx.settings.rounding_step_minutes;
    let m = input.minutes.get();
    c.check(
        input.project_id.is_some() != input.category.is_some(),
        "project_id",
        Rule::ProjectOrCategory,
        "give either project_id or an internal category, not both and not neither",
    );
    c.check(m > 0, "minutes", Rule::Positive, "minutes must be more than 0");
    c.check(
        m <= 0 || m % step == 0,
        "minutes",
        Rule::RoundingStep,
        format!("minutes must be a multiple of {step} (the rounding step)"),
    );
    c.check(
        ctx.other_minutes_that_day + m.max(0) <= Minutes::DAY.get(),
        "minutes",
        Rule::DayLimit,
        format!(
            "one person's entries on one day total at most 24 h; {} is already logged on {}",
            Minutes(ctx.other_minutes_that_day),
            crate::dates::format_date(input.date)
        ),
    );
    let person = &ctx.person.fields;
    c.check(
        !ctx.person.meta.is_archived(),
        "person_id",
        Rule::Archived,
        "the person is archived and takes no new time",
    );
    c.check(
        person.employed_on(input.date),
        "date",
        Rule::Employment,
        "date must lie inside the person's employment dates",
    );
    let note = input
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    c.optional_text(note.as_deref(), "note", 4000);
    let billable = match (ctx.project, input.category) {
        (Some(project), _) => {
            c.check(
                ctx.assigned || ctx.settings.time_without_assignment,
                "project_id",
                Rule::NotAssigned,
                "the person is not assigned to this project: time goes only on projects a person is assigned to",
            );
            c.check(
                !project.meta.is_archived(),
                "project_id",
                Rule::Archived,
                "the project is archived and takes no new time",
            );
            c.check(
                project.fields.runs_on(input.date),
                "date",
                Rule::ProjectDates,
                "date must lie inside the project's start and end dates",
            );
            if person.partner_id.is_some() {
                check_authorized(&mut c, input.date, ctx.authorized);
            }
            let billable = input.billable.unwrap_or(project.fields.default_billable());
            c.check(
                !billable || project.fields.default_billable(),
                "billable",
                Rule::ProjectNotBillable,
                "time on a non-billable project cannot be billable",
            );
            c.check(
                billable || !project.fields.is_customer() || note.is_some(),
                "note",
                Rule::NoteRequiredNonBillable,
                "non-billable time on a customer project needs a note that explains it",
            );
            billable
        }
        (None, _) => {
            c.check(
                input.billable != Some(true),
                "billable",
                Rule::InternalNotBillable,
                "internal time cannot be billable",
            );
            false
        }
    };
    c.into_result()?;
    Ok(CheckedEntry { input, billable, note })
}

/// A partner's consultant logs time on a project only when their organisation holds a
/// work authorization for it, and only inside one's dates.
fn check_authorized(c: &mut Checks, date: Date, authorized: &[(Date, Date)]) {
    if authorized.is_empty() {
        c.check(
            false,
            "project_id",
            Rule::NoAuthorization,
            "your partner organisation holds no work authorization for this project: partner consultants log time only on projects their organisation is authorised for",
        );
        return;
    }
    let spans = authorized
        .iter()
        .map(|(from, to)| {
            format!(
                "{} to {}",
                crate::dates::format_date(*from),
                crate::dates::format_date(*to)
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    c.check(
        authorized.iter().any(|(from, to)| *from <= date && date <= *to),
        "date",
        Rule::NoAuthorization,
        format!("date must lie inside the dates of your organisation's work authorization for this project ({spans})"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::Meta;
    use crate::people::{Fte, Function, PersonFields};
    use crate::projects::{BillingType, ProjectFields, ProjectStatus, ProjectType};
    use time::macros::{date, datetime};

    fn meta() -> Meta {
        let t = datetime!(2026-01-01 0:00 UTC);
        Meta {
            version: 1,
            created_at: t,
            updated_at: t,
            archived_at: None,
        }
    }

    fn person() -> Person {
        Person {
            id: Id::new(1),
            fields: PersonFields {
                name: "Grace".into(),
                email: "grace@example.com".into(),
                function: Function::Engineer,
                region: "AMER".into(),
                time_zone: "America/New_York".into(),
                fte: Fte::FULL,
                employment_start: date!(2026 - 01 - 01),
                employment_end: Some(date!(2026 - 12 - 31)),
                manager_id: None,
                partner_id: None,
            },
            meta: meta(),
        }
    }

    fn project(billing: BillingType, kind: ProjectType) -> Project {
        Project {
            id: Id::new(7),
            fields: ProjectFields {
                name: "Migration".into(),
                code: None,
                account_id: Some(Id::new(1)),
                project_type: kind,
                billing_type: billing,
                status: ProjectStatus::Active,
                phase: None,
                start_date: Some(date!(2026 - 02 - 01)),
                end_date: Some(date!(2026 - 06 - 30)),
                project_manager_id: None,
                budget_minutes: None,
                budget: None,
                partner_delivered: false,
                partner_id: None,
            },
            meta: meta(),
        }
    }

    fn entry(minutes: i64) -> NewTimeEntry {
        NewTimeEntry {
            person_id: Id::new(1),
            project_id: Some(Id::new(7)),
            category: None,
            date: date!(2026 - 03 - 02),
            minutes: Minutes(minutes),
            billable: None,
            note: None,
        }
    }

    fn rules(input: NewTimeEntry, project: Option<&Project>, other: i64) -> Result<CheckedEntry> {
        rules_with(input, project, other, true, &Settings::default())
    }

    fn rules_with(
        input: NewTimeEntry,
        project: Option<&Project>,
        other: i64,
        assigned: bool,
        settings: &Settings,
    ) -> Result<CheckedEntry> {
        let p = person();
        check_entry(
            input,
            &EntryContext {
                settings,
                person: &p,
                project,
                other_minutes_that_day: other,
                assigned,
                authorized: &[],
            },
        )
    }

    #[test]
    fn a_partner_consultant_logs_time_only_inside_a_work_authorization() {
        let tm = project(BillingType::TimeAndMaterials, ProjectType::Consulting);
        let mut p = person();
        p.fields.partner_id = Some(Id::new(3));
        let settings = Settings::default();
        let check = |authorized: &[(Date, Date)], input: NewTimeEntry| {
            broken(check_entry(
                input,
                &EntryContext {
                    settings: &settings,
                    person: &p,
                    project: Some(&tm),
                    other_minutes_that_day: 0,
                    assigned: true,
                    authorized,
                },
            ))
        };
        assert_eq!(check(&[], entry(60)), [("project_id".into(), Rule::NoAuthorization)]);
        let window = [(date!(2026 - 03 - 03), date!(2026 - 03 - 31))];
        assert_eq!(check(&window, entry(60)), [("date".into(), Rule::NoAuthorization)]);
        let mut inside = entry(60);
        inside.date = date!(2026 - 03 - 03);
        assert!(check(&window, inside.clone()).is_empty());
        // Internal time is not a partner's project time.
        inside.project_id = None;
        inside.category = Some(InternalCategory::Admin);
        assert!(
            broken(check_entry(
                inside,
                &EntryContext {
                    settings: &settings,
                    person: &p,
                    project: None,
                    other_minutes_that_day: 0,
                    assigned: false,
                    authorized: &[],
                },
            ))
            .is_empty()
        );
        // Staff never need one.
        assert!(broken(rules(entry(60), Some(&tm), 0)).is_empty());
    }

    #[test]
    fn time_goes_only_on_projects_the_person_is_assigned_to() {
        let tm = project(BillingType::TimeAndMaterials, ProjectType::Consulting);
        let strict = Settings::default();
        assert_eq!(
            broken(rules_with(entry(60), Some(&tm), 0, false, &strict)),
            [("project_id".into(), Rule::NotAssigned)]
        );
        assert!(broken(rules_with(entry(60), Some(&tm), 0, true, &strict)).is_empty());
        let open = Settings {
            time_without_assignment: true,
            ..Settings::default()
        };
        assert!(broken(rules_with(entry(60), Some(&tm), 0, false, &open)).is_empty());
        let mut internal = entry(60);
        internal.project_id = None;
        internal.category = Some(InternalCategory::Admin);
        assert!(broken(rules_with(internal, None, 0, false, &strict)).is_empty());
    }

    fn broken(r: Result<CheckedEntry>) -> Vec<(String, Rule)> {
        match r {
            Ok(_) => vec![],
            Err(crate::Error::Invalid(e)) => e.into_iter().map(|e| (e.field, e.rule)).collect(),
            Err(other) => panic!("{other}"),
        }
    }

    #[test]
    fn billable_defaults_from_the_project() {
        let tm = project(BillingType::TimeAndMaterials, ProjectType::Consulting);
        assert!(rules(entry(60), Some(&tm), 0).unwrap().billable);
        let nb = project(BillingType::NonBillable, ProjectType::Consulting);
        let mut e = entry(60);
        e.note = Some("tools enablement".into());
        assert!(!rules(e, Some(&nb), 0).unwrap().billable);
    }

    #[test]
    fn non_billable_customer_time_needs_a_note() {
        let tm = project(BillingType::TimeAndMaterials, ProjectType::Consulting);
        let mut e = entry(60);
        e.billable = Some(false);
        assert_eq!(
            broken(rules(e.clone(), Some(&tm), 0)),
            [("note".into(), Rule::NoteRequiredNonBillable)]
        );
        e.note = Some("   ".into());
        assert_eq!(
            broken(rules(e.clone(), Some(&tm), 0)),
            [("note".into(), Rule::NoteRequiredNonBillable)]
        );
        e.note = Some("set up CI runners for the customer".into());
        assert!(broken(rules(e, Some(&tm), 0)).is_empty());
    }

    #[test]
    fn internal_projects_need_no_note() {
        let internal = project(BillingType::NonBillable, ProjectType::Internal);
        assert!(broken(rules(entry(60), Some(&internal), 0)).is_empty());
    }

    #[test]
    fn minutes_positive_and_on_the_step() {
        let tm = project(BillingType::TimeAndMaterials, ProjectType::Consulting);
        assert_eq!(
            broken(rules(entry(0), Some(&tm), 0)),
            [("minutes".into(), Rule::Positive)]
        );
        assert_eq!(
            broken(rules(entry(-15), Some(&tm), 0)),
            [("minutes".into(), Rule::Positive)]
        );
        assert_eq!(
            broken(rules(entry(20), Some(&tm), 0)),
            [("minutes".into(), Rule::RoundingStep)]
        );
        assert!(broken(rules(entry(45), Some(&tm), 0)).is_empty());
    }

    #[test]
    fn a_day_holds_at_most_24_hours() {
        let tm = project(BillingType::TimeAndMaterials, ProjectType::Consulting);
        assert!(broken(rules(entry(60), Some(&tm), 23 * 60)).is_empty());
        assert_eq!(
            broken(rules(entry(75), Some(&tm), 23 * 60)),
            [("minutes".into(), Rule::DayLimit)]
        );
    }

    #[test]
    fn dates_inside_employment_and_project() {
        let tm = project(BillingType::TimeAndMaterials, ProjectType::Consulting);
        let mut e = entry(60);
        e.date = date!(2026 - 01 - 15); // employed, but before the project starts
        assert_eq!(
            broken(rules(e.clone(), Some(&tm), 0)),
            [("date".into(), Rule::ProjectDates)]
        );
        e.date = date!(2027 - 01 - 04); // after employment and project
        assert_eq!(
            broken(rules(e, Some(&tm), 0)),
            [("date".into(), Rule::Employment), ("date".into(), Rule::ProjectDates)]
        );
    }

    #[test]
    fn archived_projects_take_no_time() {
        let mut tm = project(BillingType::TimeAndMaterials, ProjectType::Consulting);
        tm.meta.archived_at = Some(datetime!(2026-03-01 0:00 UTC));
        assert_eq!(
            broken(rules(entry(60), Some(&tm), 0)),
            [("project_id".into(), Rule::Archived)]
        );
    }

    #[test]
    fn project_or_category_never_both() {
        let mut e = entry(60);
        e.category = Some(InternalCategory::Admin);
        let tm = project(BillingType::TimeAndMaterials, ProjectType::Consulting);
        assert_eq!(
            broken(rules(e.clone(), Some(&tm), 0)),
            [("project_id".into(), Rule::ProjectOrCategory)]
        );
        e.project_id = None;
        assert!(!rules(e.clone(), None, 0).unwrap().billable);
        e.billable = Some(true);
        assert_eq!(
            broken(rules(e, None, 0)),
            [("billable".into(), Rule::InternalNotBillable)]
        );
    }

    #[test]
    fn non_billable_projects_cannot_take_billable_time() {
        let nb = project(BillingType::NonBillable, ProjectType::Consulting);
        let mut e = entry(60);
        e.billable = Some(true);
        assert_eq!(
            broken(rules(e, Some(&nb), 0)),
            [("billable".into(), Rule::ProjectNotBillable)]
        );
    }

    #[test]
    fn moving_an_entry_rederives_billable() {
        let mut e = entry(60);
        e.billable = Some(false);
        let moved = TimeEntryPatch {
            project_id: Some(Some(Id::new(9))),
            ..Default::default()
        }
        .apply(e.clone());
        assert_eq!(moved.billable, None);
        let kept = TimeEntryPatch {
            minutes: Some(Minutes(30)),
            ..Default::default()
        }
        .apply(e);
        assert_eq!(kept.billable, Some(false));
    }
}
