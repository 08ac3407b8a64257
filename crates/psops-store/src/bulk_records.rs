//! The organisation's records in a bulk load, with their ids as generated: partners,
//! calendars and holidays, accounts and contacts, people (managers first), projects,
//! assignments and locked periods.

use psops_core::Result;
use psops_core::code::Code;
use psops_core::demo::{LoadStats, OrgRecords};

use crate::bulk::v;
use crate::bulk_copy::copy_rows;
use crate::db::{Tx, now};

pub(crate) async fn write_records(tx: &mut Tx, r: &OrgRecords) -> Result<LoadStats> {
    let t = now();
    let partners = r.partners.iter().map(|p| {
        let f = &p.fields;
        vec![
            v(p.id),
            v(f.name.as_str()),
            v(f.partner_type.code()),
            v(f.region.clone()),
            v(f.notes.clone()),
            v(t),
            v(t),
        ]
    });
    let cols = [
        "id",
        "name",
        "partner_type",
        "region",
        "notes",
        "created_at",
        "updated_at",
    ];
    let partners = copy_rows(tx, "partners", &cols, partners.collect()).await?;
    let calendars = r.calendars.iter().map(|c| {
        vec![
            v(c.id),
            v(c.fields.name.as_str()),
            v(c.fields.region.as_str()),
            v(t),
            v(t),
        ]
    });
    let cols = ["id", "name", "region", "created_at", "updated_at"];
    let calendars = copy_rows(tx, "holiday_calendars", &cols, calendars.collect()).await?;
    let holidays = r
        .holidays
        .iter()
        .map(|(cal, h)| vec![v(*cal), v(h.date), v(h.name.as_str()), v(h.minutes.map(|m| m.get()))]);
    let cols = ["calendar_id", "holiday_date", "name", "minutes"];
    let holidays = copy_rows(tx, "holidays", &cols, holidays.collect()).await?;
    let accounts = r.accounts.iter().map(|a| {
        let f = &a.fields;
        let currency = f.currency.map(|c| c.as_str().to_string());
        vec![
            v(a.id),
            v(f.name.as_str()),
            v(f.code.clone()),
            v(f.region.clone()),
            v(f.industry.clone()),
            v(currency),
            v(t),
            v(t),
        ]
    });
    let cols = [
        "id",
        "name",
        "code",
        "region",
        "industry",
        "currency",
        "created_at",
        "updated_at",
    ];
    let accounts = copy_rows(tx, "accounts", &cols, accounts.collect()).await?;
    let contacts = r.contacts.iter().map(|(account, c)| {
        let f = &c.fields;
        vec![
            v(c.id),
            v(*account),
            v(f.name.as_str()),
            v(f.email.clone()),
            v(f.title.clone()),
            v(f.phone.clone()),
            v(t),
            v(t),
        ]
    });
    let cols = [
        "id",
        "account_id",
        "name",
        "email",
        "title",
        "phone",
        "created_at",
        "updated_at",
    ];
    let contacts = copy_rows(tx, "contacts", &cols, contacts.collect()).await?;
    let people = r.people.iter().map(|p| {
        let f = &p.fields;
        vec![
            v(p.id),
            v(f.name.as_str()),
            v(f.email.as_str()),
            v(f.function.code()),
            v(f.region.as_str()),
            v(f.time_zone.as_str()),
            v(f.fte.basis_points()),
            v(f.employment_start),
            v(f.employment_end),
            v(f.manager_id),
            v(f.partner_id),
            v(t),
            v(t),
        ]
    });
    let cols = [
        "id",
        "name",
        "email",
        "function",
        "region",
        "time_zone",
        "fte_bp",
        "employment_start",
        "employment_end",
        "manager_id",
        "partner_id",
        "created_at",
        "updated_at",
    ];
    let people = copy_rows(tx, "people", &cols, people.collect()).await?;
    let projects = r.projects.iter().map(|p| {
        let f = &p.fields;
        vec![
            v(p.id),
            v(f.name.as_str()),
            v(f.code.clone()),
            v(f.account_id),
            v(f.project_type.code()),
            v(f.billing_type.code()),
            v(f.status.code()),
            v(f.start_date),
            v(f.end_date),
            v(f.project_manager_id),
            v(f.budget_minutes.map(|m| m.get())),
            v(f.budget.map(|m| m.amount_minor)),
            v(f.budget.map(|m| m.currency.as_str().to_string())),
            v(f.partner_delivered),
            v(f.partner_id),
            v(t),
            v(t),
        ]
    });
    let cols = [
        "id",
        "name",
        "code",
        "account_id",
        "project_type",
        "billing_type",
        "status",
        "start_date",
        "end_date",
        "project_manager_id",
        "budget_minutes",
        "budget_amount_minor",
        "budget_currency",
        "partner_delivered",
        "partner_id",
        "created_at",
        "updated_at",
    ];
    let projects = copy_rows(tx, "projects", &cols, projects.collect()).await?;
    let assignments = r.assignments.iter().map(|a| {
        let f = &a.fields;
        vec![
            v(a.id),
            v(f.person_id),
            v(f.project_id),
            v(f.role.code()),
            v(f.start_date),
            v(f.end_date),
            v(f.minutes_per_week.get()),
            v(t),
            v(t),
        ]
    });
    let cols = [
        "id",
        "person_id",
        "project_id",
        "role",
        "start_date",
        "end_date",
        "minutes_per_week",
        "created_at",
        "updated_at",
    ];
    let assignments = copy_rows(tx, "assignments", &cols, assignments.collect()).await?;
    let locks = r.locked_periods.iter().map(|p| vec![v(p.start), v(p.end), v(t)]);
    copy_rows(
        tx,
        "locked_periods",
        &["start_date", "end_date", "locked_at"],
        locks.collect(),
    )
    .await?;
    Ok(LoadStats {
        partners,
        calendars,
        holidays,
        accounts,
        contacts,
        people,
        projects,
        assignments,
        ..LoadStats::default()
    })
}
