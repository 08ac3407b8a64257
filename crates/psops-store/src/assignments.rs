//! Assignments in SQL.

use async_trait::async_trait;
use psops_core::assignments::{Assignment, AssignmentFields, AssignmentFilter, AssignmentId, AssignmentSort};
use psops_core::code::Code;
use psops_core::partnering::vetting_state::check_assignable;
use psops_core::people::Person;
use psops_core::projects::{Project, ProjectType};
use psops_core::rule::Rule;
use psops_core::scope::ListKind;
use psops_core::{Error, Minutes, Result};

use crate::common::{eq, meta, overlaps, scope};
use crate::db::{Row, Sql, Tx, Value};
use crate::record::{Stored, table};

#[async_trait]
impl Stored for Assignment {
    const LABEL: &'static str = "(SELECT name FROM people WHERE people.id = assignments.person_id) || ' on ' || \
         (SELECT name FROM projects WHERE projects.id = assignments.project_id)";
    const TABLE: &'static str = "assignments";
    const COUNTED: crate::follow::Kinds = crate::follow::STAFFING;
    const TIES: Option<&'static str> = None;
    const COLUMNS: &'static [&'static str] = &[
        "person_id",
        "project_id",
        "role",
        "start_date",
        "end_date",
        "minutes_per_week",
    ];

    fn read(r: &Row) -> Result<Assignment> {
        Ok(Assignment {
            id: r.id("id")?,
            fields: AssignmentFields {
                person_id: r.id("person_id")?,
                project_id: r.id("project_id")?,
                role: r.code("role")?,
                start_date: r.get("start_date")?,
                end_date: r.get("end_date")?,
                minutes_per_week: Minutes(r.get("minutes_per_week")?),
            },
            meta: meta(r)?,
        })
    }

    fn values(f: &AssignmentFields) -> Vec<Value> {
        vec![
            f.person_id.into(),
            f.project_id.into(),
            f.role.code().into(),
            f.start_date.into(),
            f.end_date.into(),
            f.minutes_per_week.get().into(),
        ]
    }

    async fn check(tx: &mut Tx, f: &AssignmentFields, me: Option<AssignmentId>) -> Result<()> {
        let (person, project) = check_refs(tx, f).await?;
        // The vetting gate applies when a partner consultant is staffed on customer work;
        // changing an assignment made before (its dates, its hours) is not staffing anew.
        let customer_work = project.fields.account_id.is_some() && project.fields.project_type != ProjectType::Internal;
        if me.is_none() && person.fields.partner_id.is_some() && customer_work {
            let today = crate::db::now().date();
            check_assignable(&crate::partnering::vetting::of(tx, f.person_id, today).await?)?;
        }
        Ok(())
    }

    fn filter(q: &mut Sql, f: &AssignmentFilter) {
        scope(q, &f.scope, ListKind::Assignments);
        eq(q, "person_id", f.person_id);
        eq(q, "project_id", f.project_id);
        overlaps(q, "start_date", "end_date", f.from, f.to);
    }

    fn order(key: AssignmentSort) -> crate::record::Order {
        use crate::record::Order::{By, Name};
        match key {
            AssignmentSort::Start => By("start_date"),
            AssignmentSort::End => By("end_date"),
            AssignmentSort::Person => Name("people", "person_id"),
            AssignmentSort::Project => Name("projects", "project_id"),
        }
    }
}

/// The person and project must exist and take new work; the assignment must fall inside
/// the project's dates when the project has them.
async fn check_refs(tx: &mut Tx, f: &AssignmentFields) -> Result<(Person, Project)> {
    let person = table::<Person>()
        .get(tx, f.person_id.get(), "")
        .await
        .map_err(|e| missing(e, "person_id", "person"))?;
    let project = table::<Project>()
        .get(tx, f.project_id.get(), "")
        .await
        .map_err(|e| missing(e, "project_id", "project"))?;
    let mut c = psops_core::validate::Checks::new();
    c.check(
        !person.meta.is_archived(),
        "person_id",
        Rule::Archived,
        "the person is archived and cannot be assigned",
    );
    c.check(
        !project.meta.is_archived(),
        "project_id",
        Rule::Archived,
        "the project is archived and takes no new assignments",
    );
    c.check(
        project.fields.start_date.is_none_or(|s| f.start_date >= s),
        "start_date",
        Rule::ProjectDates,
        "start_date must not be before the project's start_date",
    );
    c.check(
        project
            .fields
            .end_date
            .is_none_or(|e| f.end_date.is_some_and(|end| end <= e) && f.start_date <= e),
        "end_date",
        Rule::ProjectDates,
        "end_date must be set and not after the project's end_date",
    );
    c.into_result()?;
    Ok((person, project))
}

/// A reference in the body that points nowhere is the caller's bad field, not a 404.
pub(crate) fn missing(e: Error, field: &str, what: &str) -> Error {
    match e {
        Error::NotFound { id, .. } => Error::invalid(
            field,
            Rule::Exists,
            format!("{field} {id} does not refer to an existing {what}"),
        ),
        other => other,
    }
}
