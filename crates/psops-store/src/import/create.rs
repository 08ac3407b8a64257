//! Writing people, accounts and projects inside an import's transaction: the same
//! columns, validation and audit rows as their single creates and updates, without the
//! transaction of their own those open.

use psops_core::accounts::{Account, AccountFields};
use psops_core::audit::AuditAction;
use psops_core::people::{Fte, Function, Person, PersonFields};
use psops_core::projects::{BillingType, Project, ProjectFields, ProjectStatus, ProjectType};
use psops_core::store::WriteCtx;
use psops_core::{Id, Result};
use serde::Serialize;
use time::Date;
use time::macros::date;

use crate::accounts::ACCOUNTS;
use crate::db::Tx;
use crate::people::PEOPLE;
use crate::projects::PROJECTS;

/// Where created people start until the import knows their first day of work.
pub(crate) const OPEN_START: Date = date!(1970 - 01 - 01);

async fn audit<T: Serialize>(
    tx: &mut Tx,
    ctx: &WriteCtx,
    entity: &str,
    id: i64,
    before: Option<&T>,
    after: &T,
) -> Result<()> {
    let action = if before.is_some() {
        AuditAction::Update
    } else {
        AuditAction::Create
    };
    crate::audit::record(tx, ctx, entity, id, action, before, Some(after)).await
}

/// Inserts (`id` None) or updates a person; validated, audited.
pub(crate) async fn save_person(
    tx: &mut Tx,
    ctx: &WriteCtx,
    before: Option<&Person>,
    f: &PersonFields,
) -> Result<Person> {
    f.validate()?;
    crate::people::check_refs(tx, f, before.map(|p| p.id)).await?;
    let person = crate::people::write(tx, before.map(|p| p.id), f).await?;
    audit(tx, ctx, PEOPLE.entity, person.id.get(), before, &person).await?;
    Ok(person)
}

pub(crate) async fn save_account(
    tx: &mut Tx,
    ctx: &WriteCtx,
    before: Option<&Account>,
    f: &AccountFields,
) -> Result<Account> {
    f.validate()?;
    crate::accounts::check_unique(tx, f, before.map(|a| a.id)).await?;
    let account = crate::accounts::write(tx, before.map(|a| a.id), f).await?;
    audit(tx, ctx, ACCOUNTS.entity, account.id.get(), before, &account).await?;
    Ok(account)
}

pub(crate) async fn save_project(
    tx: &mut Tx,
    ctx: &WriteCtx,
    before: Option<&Project>,
    f: &ProjectFields,
) -> Result<Project> {
    f.validate()?;
    crate::projects::check_refs(tx, f).await?;
    let project = crate::projects::write(tx, before.map(|p| p.id), f).await?;
    audit(tx, ctx, PROJECTS.entity, project.id.get(), before, &project).await?;
    Ok(project)
}

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
        start_date: None,
        end_date: None,
        project_manager_id: None,
        budget_minutes: None,
        budget: None,
        partner_delivered: false,
        partner_id: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
