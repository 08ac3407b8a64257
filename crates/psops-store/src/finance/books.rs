//! The books in SQL: every live bill rate, project rate, cost rate, FX rate and assignment
//! role, read once for a computation, and the pricing terms of projects.

use std::collections::HashMap;

use psops_core::Result;
use psops_core::finance::pricing::{Books, RoleOn, Terms};
use psops_core::projects::ProjectId;
use psops_core::rates::{CostRate, FxRate, ProjectRate, RoleRate};
use psops_core::store::OrgStore;

use crate::Db;
use crate::db::{Pools, sql};
use crate::record::Stored;

/// Every live (unarchived) record of a kind, as the books read rates.
pub(crate) async fn live<R: Stored>(pools: &Pools) -> Result<Vec<R>> {
    let q = sql(format!(
        "SELECT {} FROM {} WHERE archived_at IS NULL",
        crate::record::table::<R>().columns,
        R::TABLE
    ));
    pools.all(q).await?.iter().map(R::read).collect()
}

/// The books as they stand now.
pub(crate) async fn books(db: &Db) -> Result<Books> {
    read(db, None).await
}

/// The books one project's bill side needs: the rate card, the project's own rates and
/// assignments, FX — not everyone's cost rates, which a page of one project never reads.
pub(crate) async fn bill_books(db: &Db, project: ProjectId) -> Result<Books> {
    read(db, Some(project)).await
}

async fn read(db: &Db, project: Option<ProjectId>) -> Result<Books> {
    let reporting = db.settings().await?.default_currency;
    let pools = &db.pools;
    let mut roles =
        sql("SELECT person_id, project_id, role, start_date, end_date FROM assignments WHERE archived_at IS NULL");
    if let Some(p) = project {
        roles.push(" AND project_id = ").push_bind(p);
    }
    let overrides = async {
        match project {
            None => live::<ProjectRate>(pools).await,
            Some(p) => {
                let q = sql(format!(
                    "SELECT {} FROM project_rates WHERE archived_at IS NULL AND project_id = $1",
                    crate::record::table::<ProjectRate>().columns
                ))
                .bind(p);
                pools.all(q).await?.iter().map(<ProjectRate as Stored>::read).collect()
            }
        }
    };
    let costs = async {
        match project {
            None => live::<CostRate>(pools).await,
            Some(_) => Ok(Vec::new()),
        }
    };
    let (card, overrides, costs, fx, roles) = tokio::try_join!(
        live::<RoleRate>(pools),
        overrides,
        costs,
        live::<FxRate>(pools),
        async { Ok::<_, psops_core::Error>(pools.all(roles).await?) },
    )?;
    let roles = roles.iter().map(role_on).collect::<Result<Vec<_>>>()?;
    let books = Books::new(reporting, &card, &overrides, &costs, &fx, &roles);
    if project.is_some() {
        return Ok(books);
    }
    // Partner consultants cost what their organisation's work authorizations pay.
    let mut pools = pools;
    let people = crate::partner_funds::partner_people(&mut pools).await?;
    if people.is_empty() {
        return Ok(books);
    }
    let authorized = crate::partner_funds::authorized(&mut pools).await?;
    Ok(books.with_authorizations(&people, authorized))
}

/// An assignment's role over its dates, as pricing reads it.
fn role_on(r: &crate::db::Row) -> Result<RoleOn> {
    Ok(RoleOn {
        person: r.id("person_id")?,
        project: r.id("project_id")?,
        role: r.code("role")?,
        start: r.get("start_date")?,
        end: r.get("end_date")?,
    })
}

/// The books one partner's consultants' hours are priced at their authorised rate by:
/// their assignment roles and the partner's live work authorizations — not the rate
/// card, cost rates or FX, which the authorised rate never reads. `reporting` is the
/// organisation's currency.
pub(crate) async fn partner_books<E: crate::common::Exec>(
    e: &mut E,
    reporting: psops_core::Currency,
    partner: psops_core::partners::PartnerId,
) -> Result<Books> {
    let q = sql(
        "SELECT person_id, project_id, role, start_date, end_date FROM assignments WHERE archived_at IS NULL \
         AND person_id IN (SELECT id FROM people WHERE partner_id = $1)",
    )
    .bind(partner);
    let roles = e.all(q).await?.iter().map(role_on).collect::<Result<Vec<_>>>()?;
    let people = crate::partner_funds::partner_people_of(e, partner).await?;
    let authorized = crate::partner_funds::authorized_of(e, partner).await?;
    Ok(Books::new(reporting, &[], &[], &[], &[], &roles).with_authorizations(&people, authorized))
}

/// The pricing terms of projects (all of them when `only` is empty): the currency their
/// money is kept in — the budget's, else the account's, else the organisation's — and
/// the account's region.
pub(crate) async fn terms(db: &Db, only: &[ProjectId]) -> Result<HashMap<ProjectId, Terms>> {
    let fallback = db.settings().await?.default_currency;
    let mut q = sql(
        "SELECT p.id, p.billing_type, p.budget_currency, a.currency AS account_currency, a.region \
         FROM projects p LEFT JOIN accounts a ON a.id = p.account_id",
    );
    if !only.is_empty() {
        q.push(" WHERE p.id IN (");
        for (i, id) in only.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.push_bind(*id);
        }
        q.push(")");
    }
    let mut out = HashMap::new();
    for r in db.pools.all(q).await? {
        let id: ProjectId = r.id("id")?;
        let currency = match (
            r.get::<Option<String>>("budget_currency")?,
            r.get::<Option<String>>("account_currency")?,
        ) {
            (Some(c), _) | (None, Some(c)) => c.parse()?,
            (None, None) => fallback,
        };
        out.insert(
            id,
            Terms {
                id,
                currency,
                region: r.get("region")?,
                billing_type: r.code("billing_type")?,
            },
        );
    }
    Ok(out)
}
