//! Writing people, accounts and projects inside an import's transaction: the same
//! columns, validation and audit rows as their single creates and updates, without the
//! transaction of their own those open.

use psops_core::accounts::{Account, AccountFields};
use psops_core::audit::AuditAction;
use psops_core::code::Code;
use psops_core::people::{Fte, Function, Person, PersonFields};
use psops_core::projects::{BillingType, Project, ProjectFields, ProjectStatus, ProjectType};
use psops_core::store::WriteCtx;
use psops_core::{Id, Result};
use serde::Serialize;
use time::Date;
use time::macros::date;

use crate::accounts::ACCOUNTS;
use crate::db::{Tx, now, on_unique, sql};
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
    let q = match before {
        None => sql(format!(
            "INSERT INTO people (name, email, function, region, time_zone, fte_bp, employment_start, employment_end, \
             manager_id, partner_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \
             $11) RETURNING {}",
            PEOPLE.columns
        )),
        Some(p) => sql(format!(
            "UPDATE people SET name = $1, email = $2, function = $3, region = $4, time_zone = $5, fte_bp = $6, \
             employment_start = $7, employment_end = $8, manager_id = $9, partner_id = $10, \
             version = version + 1, updated_at = $11 WHERE id = {} RETURNING {}",
            p.id.get(),
            PEOPLE.columns
        )),
    }
    .bind(f.name.trim())
    .bind(f.email.trim())
    .bind(f.function.code())
    .bind(f.region.trim())
    .bind(f.time_zone.as_str())
    .bind(f.fte.basis_points())
    .bind(f.employment_start)
    .bind(f.employment_end)
    .bind(f.manager_id)
    .bind(f.partner_id)
    .bind(now());
    let row = tx
        .one(q)
        .await
        .map_err(on_unique("email", "email is already used by another person"))?;
    let person = (PEOPLE.read)(&row)?;
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
    let q = match before {
        None => sql(format!(
            "INSERT INTO accounts (name, code, region, industry, currency, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING {}",
            ACCOUNTS.columns
        )),
        Some(a) => sql(format!(
            "UPDATE accounts SET name = $1, code = $2, region = $3, industry = $4, currency = $5, \
             version = version + 1, updated_at = $6 WHERE id = {} RETURNING {}",
            a.id.get(),
            ACCOUNTS.columns
        )),
    }
    .bind(f.name.trim())
    .bind(f.code.as_deref().map(str::trim))
    .bind(f.region.clone())
    .bind(f.industry.clone())
    .bind(f.currency.map(|c| c.to_string()))
    .bind(now());
    let row = tx
        .one(q)
        .await
        .map_err(on_unique("name", "an account with this name or code already exists"))?;
    let account = (ACCOUNTS.read)(&row)?;
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
    let q = match before {
        None => sql(format!(
            "INSERT INTO projects (name, code, account_id, project_type, billing_type, status, start_date, \
             end_date, project_manager_id, budget_minutes, budget_amount_minor, budget_currency, \
             partner_delivered, partner_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
             $10, $11, $12, $13, $14, $15, $15) RETURNING {}",
            PROJECTS.columns
        )),
        Some(p) => sql(format!(
            "UPDATE projects SET name = $1, code = $2, account_id = $3, project_type = $4, billing_type = $5, \
             status = $6, start_date = $7, end_date = $8, project_manager_id = $9, budget_minutes = $10, \
             budget_amount_minor = $11, budget_currency = $12, partner_delivered = $13, partner_id = $14, \
             version = version + 1, updated_at = $15 WHERE id = {} RETURNING {}",
            p.id.get(),
            PROJECTS.columns
        )),
    }
    .bind(f.name.trim())
    .bind(f.code.as_deref().map(str::trim))
    .bind(f.account_id)
    .bind(f.project_type.code())
    .bind(f.billing_type.code())
    .bind(f.status.code())
    .bind(f.start_date)
    .bind(f.end_date)
    .bind(f.project_manager_id)
    .bind(f.budget_minutes.map(|m| m.get()))
    .bind(f.budget.map(|m| m.amount_minor))
    .bind(f.budget.map(|m| m.currency.to_string()))
    .bind(f.partner_delivered)
    .bind(f.partner_id);
    let q = q.bind(now());
    let row = tx
        .one(q)
        .await
        .map_err(on_unique("code", "a project with this code already exists"))?;
    let project = (PROJECTS.read)(&row)?;
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
