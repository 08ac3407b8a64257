//! The organisation's records in a bulk load, with their ids as generated: partners,
//! calendars and holidays, accounts and contacts, people (managers first), projects,
//! assignments and locked periods.

use psops_core::Result;
use psops_core::accounts::{Account, Contact};
use psops_core::assignments::Assignment;
use psops_core::bulk::{LoadStats, OrgRecords};
use psops_core::partners::Partner;
use psops_core::people::Person;
use psops_core::projects::Project;
use psops_core::rates::{CostRate, FxRate, RoleRate};

use crate::bulk::v;
use crate::bulk_copy::copy_rows;
use crate::db::{Tx, now};
use crate::record::bulk_insert;

pub(crate) async fn write_records(tx: &mut Tx, r: &OrgRecords) -> Result<LoadStats> {
    let t = now();
    let partners = bulk_insert::<Partner>(tx, &r.partners).await?;
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
    let accounts = bulk_insert::<Account>(tx, &r.accounts).await?;
    let contacts = bulk_insert::<Contact>(tx, &r.contacts).await?;
    let people = bulk_insert::<Person>(tx, &r.people).await?;
    let projects = bulk_insert::<Project>(tx, &r.projects).await?;
    let assignments = bulk_insert::<Assignment>(tx, &r.assignments).await?;
    let rates = bulk_insert::<RoleRate>(tx, &r.role_rates).await?
        + bulk_insert::<CostRate>(tx, &r.cost_rates).await?
        + bulk_insert::<FxRate>(tx, &r.fx_rates).await?;
    bulk_insert::<psops_core::skills::PersonSkill>(tx, &r.person_skills).await?;
    bulk_insert::<psops_core::skills::PersonCertification>(tx, &r.person_certifications).await?;
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
        rates,
        ..LoadStats::default()
    })
}
