//! The records an import creates when a file names someone or something psops does not
//! know yet (`--create-missing`). They are written through `record::save`, like every
//! create and update.

use psops_core::accounts::AccountFields;
use psops_core::assignments::{AssignmentFields, MAX_MINUTES_PER_WEEK};
use psops_core::people::{Fte, Function, Person, PersonFields};
use psops_core::projects::{BillingType, ProjectFields, ProjectId, ProjectStatus, ProjectType};
use psops_core::{Id, Minutes};
use time::Date;
use time::macros::date;

/// Where created people start until the import knows their first day of work.
pub(crate) const OPEN_START: Date = date!(1970 - 01 - 01);

/// `name@imported.invalid` from a full name, for people an export names without an e-mail
/// (`.invalid` can never be a real address).
fn placeholder_email(name: &str) -> String {
    let slug: String = name
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '.' })
        .collect();
    let slug = slug.split('.').filter(|s| !s.is_empty()).collect::<Vec<_>>().join(".");
    format!("{}@imported.invalid", if slug.is_empty() { "someone" } else { &slug })
}

/// A person an import needs: an engineer in region `Unassigned`, full time, UTC, employed
/// from [`OPEN_START`] until the import sets their first day to their earliest entry.
pub(crate) fn missing_person(email: Option<&str>, name: Option<&str>) -> Option<PersonFields> {
    let name = name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .or_else(|| email.and_then(|e| e.split('@').next()).map(str::to_string))?;
    let email = email.map(str::to_lowercase).unwrap_or_else(|| placeholder_email(&name));
    Some(PersonFields {
        name,
        email,
        function: Function::Engineer,
        region: "Unassigned".into(),
        time_zone: "UTC".into(),
        fte: Fte::FULL,
        employment_start: OPEN_START,
        employment_end: None,
        manager_id: None,
        partner_id: None,
    })
}

pub(crate) fn missing_account(name: Option<&str>, code: Option<&str>) -> Option<AccountFields> {
    let name = name.or(code)?.trim().to_string();
    Some(AccountFields {
        name,
        code: code.map(|c| c.trim().to_string()).filter(|c| !c.is_empty()),
        region: None,
        industry: None,
        currency: None,
    })
}

/// A project an import needs: active, open-ended, T&M consulting for a customer, or
/// internal and non-billable when the export names no customer.
pub(crate) fn missing_project(account: Option<i64>, name: Option<&str>, code: Option<&str>) -> Option<ProjectFields> {
    let name = name.or(code)?.trim().to_string();
    let (project_type, billing_type) = match account {
        Some(_) => (ProjectType::Consulting, BillingType::TimeAndMaterials),
        None => (ProjectType::Internal, BillingType::NonBillable),
    };
    Some(ProjectFields {
        name,
        code: code.map(|c| c.trim().to_string()).filter(|c| !c.is_empty()),
        account_id: account.map(Id::new),
        project_type,
        billing_type,
        status: ProjectStatus::Active,
        phase: None,
        start_date: None,
        end_date: None,
        project_manager_id: None,
        budget_minutes: None,
        budget: None,
        partner_delivered: false,
        partner_id: None,
    })
}

/// The assignment a row needs when its person is not on its project yet (time goes only
/// on projects a person is assigned to): for the row's day, in the person's function,
/// until [`spread`] widens it to every row of the pair.
pub(crate) fn missing_assignment(person: &Person, project: ProjectId, day: Date, minutes: Minutes) -> AssignmentFields {
    AssignmentFields {
        person_id: person.id,
        project_id: project,
        role: person.fields.function,
        start_date: day,
        end_date: Some(day),
        minutes_per_week: Minutes(minutes.get().clamp(1, MAX_MINUTES_PER_WEEK)),
    }
}

/// An import-created assignment spanning its pair's imported days, at the average minutes
/// a week they hold (at least one minute, at most a week's).
pub(crate) fn spread(f: &AssignmentFields, first: Date, last: Date, minutes: i64) -> AssignmentFields {
    let weeks = (last - first).whole_days() / 7 + 1;
    AssignmentFields {
        start_date: first,
        end_date: Some(last),
        minutes_per_week: Minutes((minutes / weeks.max(1)).clamp(1, MAX_MINUTES_PER_WEEK)),
        ..f.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_imported_assignment_spans_its_rows_at_their_weekly_average() {
        let f = AssignmentFields {
            person_id: Id::new(1),
            project_id: Id::new(2),
            role: Function::Engineer,
            start_date: time::macros::date!(2026 - 03 - 02),
            end_date: Some(time::macros::date!(2026 - 03 - 02)),
            minutes_per_week: Minutes(120),
        };
        let wide = spread(&f, f.start_date, time::macros::date!(2026 - 03 - 16), 360);
        assert_eq!(
            (wide.minutes_per_week, wide.end_date),
            (Minutes(120), Some(time::macros::date!(2026 - 03 - 16)))
        );
        assert_eq!(
            spread(&f, f.start_date, f.start_date, 99_999).minutes_per_week,
            Minutes(MAX_MINUTES_PER_WEEK)
        );
    }

    #[test]
    fn people_without_an_email_get_an_unroutable_one() {
        let p = missing_person(None, Some("Zoë  Müller")).expect("a person");
        assert_eq!(p.email, "zoë.müller@imported.invalid");
        assert!(p.validate().is_ok());
        let q = missing_person(Some("Lukasz@Example.com"), None).expect("a person");
        assert_eq!((q.name.as_str(), q.email.as_str()), ("Lukasz", "lukasz@example.com"));
        assert!(missing_person(None, None).is_none());
    }

    #[test]
    fn projects_without_a_customer_are_internal() {
        let p = missing_project(None, Some("Bench"), None).expect("a project");
        assert_eq!(
            (p.project_type, p.billing_type),
            (ProjectType::Internal, BillingType::NonBillable)
        );
        assert!(p.validate().is_ok());
        let q = missing_project(Some(3), None, Some("ACME-MIG")).expect("a project");
        assert_eq!((q.name.as_str(), q.code.as_deref()), ("ACME-MIG", Some("ACME-MIG")));
    }
}
