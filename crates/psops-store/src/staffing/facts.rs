//! What fitting reads of people beyond their weeks — names, zones, employment, skills,
//! certifications, and the projects and accounts they have worked on — each in one
//! query whatever the headcount.

use std::collections::{HashMap, HashSet};

use psops_core::Result;
use time::Date;

use crate::Db;
use crate::db::{Sql, sql};

pub(crate) struct Named {
    pub name: String,
    pub time_zone: String,
    pub employment_start: Date,
    pub employment_end: Option<Date>,
    pub partner_name: Option<String>,
}

pub(crate) type Skills = HashMap<i64, Vec<(String, i64, bool)>>;
pub(crate) type Certifications = HashMap<i64, Vec<(String, Date, Option<Date>)>>;

/// The people not archived: `role`'s and every partner's consultant, or everyone.
pub(crate) async fn named(db: &Db, role: Option<&str>) -> Result<HashMap<i64, Named>> {
    let mut q = sql(
        "SELECT p.id, p.name, p.time_zone, p.employment_start, p.employment_end, pa.name AS partner_name \
         FROM people p LEFT JOIN partners pa ON pa.id = p.partner_id WHERE p.archived_at IS NULL",
    );
    if let Some(role) = role {
        q.push(" AND (p.function = ")
            .push_bind(role.to_string())
            .push(" OR p.partner_id IS NOT NULL)");
    }
    let mut out = HashMap::new();
    for r in db.pools.all(q).await? {
        out.insert(
            r.get("id")?,
            Named {
                name: r.get("name")?,
                time_zone: r.get("time_zone")?,
                employment_start: r.get("employment_start")?,
                employment_end: r.get("employment_end")?,
                partner_name: r.get("partner_name")?,
            },
        );
    }
    Ok(out)
}

fn lower_in(q: &mut Sql, column: &str, values: &[String]) {
    q.push(&format!(" AND LOWER({column}) IN ("));
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.push_bind(v.trim().to_lowercase());
    }
    q.push(")");
}

/// People's skills (lower-cased), only those named when `only` is given.
pub(crate) async fn skills(db: &Db, only: Option<&[String]>) -> Result<Skills> {
    let mut out: Skills = HashMap::new();
    if only.is_some_and(<[String]>::is_empty) {
        return Ok(out);
    }
    let mut q =
        sql("SELECT person_id, LOWER(skill) AS skill, level, growth FROM person_skills WHERE archived_at IS NULL");
    if let Some(only) = only {
        lower_in(&mut q, "skill", only);
    }
    for r in db.pools.all(q).await? {
        out.entry(r.get("person_id")?)
            .or_default()
            .push((r.get("skill")?, r.get("level")?, r.get("growth")?));
    }
    Ok(out)
}

/// People's certifications by code (lower-cased), only those named when `only` is given.
pub(crate) async fn certifications(db: &Db, only: Option<&[String]>) -> Result<Certifications> {
    let mut out: Certifications = HashMap::new();
    if only.is_some_and(<[String]>::is_empty) {
        return Ok(out);
    }
    let mut q = sql(
        "SELECT person_id, LOWER(code) AS code, issued_on, expires_on FROM person_certifications \
         WHERE archived_at IS NULL",
    );
    if let Some(only) = only {
        lower_in(&mut q, "code", only);
    }
    for r in db.pools.all(q).await? {
        out.entry(r.get("person_id")?)
            .or_default()
            .push((r.get("code")?, r.get("issued_on")?, r.get("expires_on")?));
    }
    Ok(out)
}

/// The projects and the accounts each person has been assigned to.
pub(crate) struct History {
    pub projects: HashMap<i64, HashSet<i64>>,
    pub accounts: HashMap<i64, HashSet<i64>>,
}

/// Everyone's history, or with `only` (a project and its account) only the assignments
/// on that project or the account's projects: all a single request's fit asks of it.
pub(crate) async fn history(db: &Db, only: Option<(i64, Option<i64>)>) -> Result<History> {
    let mut q = sql(
        "SELECT DISTINCT a.person_id, a.project_id, p.account_id FROM assignments a \
         JOIN projects p ON p.id = a.project_id WHERE a.archived_at IS NULL",
    );
    // The projects as a list the assignments' project index can seek: an `OR` on the
    // joined project's account reads every assignment there ever was instead (the cost
    // grew with years of history: 26,551 rows at one year of 5,000 people).
    if let Some((project, account)) = only {
        q.push(" AND a.project_id IN (SELECT id FROM projects WHERE id = ")
            .push_bind(project);
        if let Some(account) = account {
            q.push(" OR account_id = ").push_bind(account);
        }
        q.push(")");
    }
    let mut h = History {
        projects: HashMap::new(),
        accounts: HashMap::new(),
    };
    for r in db.pools.all(q).await? {
        let person: i64 = r.get("person_id")?;
        h.projects.entry(person).or_default().insert(r.get("project_id")?);
        if let Some(a) = r.get::<Option<i64>>("account_id")? {
            h.accounts.entry(person).or_default().insert(a);
        }
    }
    Ok(h)
}
