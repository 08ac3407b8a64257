//! Education services in SQL: learners, courses and course trainers (plain record kinds
//! whose rules are `psops_core::education`'s).

mod class_surveys;
mod classes;
mod courses;
mod enrolments;
mod learners;
mod report;
mod roster;
mod trainers;
mod tsp;

use crate::db::{Sql, Value};
use psops_core::scope::ListScope;

/// A text column's value: trimmed, and `NULL` when blank.
fn opt_text(v: &Option<String>) -> Value {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .into()
}

/// Cuts a list to a scope's `own` person and `partner` organisation, as the policy's
/// `admits` means them: rows of the person in `person_column`, or of the partner's people.
fn person_scope(q: &mut Sql, scope: &ListScope, person_column: &str) {
    let ListScope::Limited { own, partner, .. } = *scope else {
        return;
    };
    q.push(" AND (1 = 0");
    if let Some(me) = own {
        q.push(&format!(" OR {person_column} = ")).push_bind(me.get());
    }
    if let Some(org) = partner {
        q.push(&format!(
            " OR {person_column} IN (SELECT id FROM people WHERE partner_id = "
        ))
        .push_bind(org.get())
        .push(")");
    }
    q.push(")");
}
