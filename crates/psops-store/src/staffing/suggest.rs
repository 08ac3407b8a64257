//! A request's suggestions in SQL: the people who may fill it, read as the batch plan
//! reads them (`staff`), judged by `psops_core::staffing::fit`.

use std::collections::HashSet;
use std::sync::Arc;

use psops_core::dates::DateRange;
use psops_core::partnering::roles::{partner_fits, partner_roles};
use psops_core::people::Function;
use psops_core::plan::{ResourceRequest, ResourceRequestId};
use psops_core::projects::Project;
use psops_core::reporting::UtilizationFilter;
use psops_core::rule::Rule;
use psops_core::staffing::availability::{MAX_WEEKS, loads, monday, weekly_minutes, weeks as weeks_of};
use psops_core::staffing::fit::Profile;
use psops_core::staffing::planner::{Open, Staff, ask, person_for};
use psops_core::staffing::suggest::{Head, Suggestions, suggest};
use psops_core::store::RecordStore;
use psops_core::{Error, Id, Result};
use time::Date;

use super::facts::History;
use super::weeks::Booked;
use crate::Db;

/// The dates a request covers: its own, else its project's.
pub(crate) fn span_of(r: &ResourceRequest, project: &Project) -> Result<DateRange> {
    let start = r.fields.start_date.or(project.fields.start_date);
    let end = r.fields.end_date.or(project.fields.end_date);
    let (Some(start), Some(end)) = (start, end) else {
        return Err(Error::invalid(
            "start_date",
            Rule::Required,
            "the request has no dates, nor has its project: give the request a start and an end date",
        ));
    };
    DateRange::new(start, end)
}

/// Why a request cannot be booked as it stands: its dates run outside its project's (an
/// assignment must lie within them).
pub(crate) fn outside_project(span: DateRange, project: &Project) -> Option<psops_core::Error> {
    let p = &project.fields;
    if let Some(start) = p.start_date
        && span.start < start
    {
        return Some(Error::invalid(
            "start_date",
            Rule::ProjectDates,
            format!(
                "the request starts on {}, before its project does ({start}): change the request's dates",
                span.start
            ),
        ));
    }
    if let Some(end) = p.end_date
        && span.end > end
    {
        return Some(Error::invalid(
            "end_date",
            Rule::ProjectDates,
            format!(
                "the request ends on {}, after its project does ({end}): change the request's dates",
                span.end
            ),
        ));
    }
    None
}

/// How many weeks from the week of `from` reach `to`.
pub(crate) fn weeks_between(from: Date, to: Date) -> usize {
    ((to - monday(from)).whole_days() / 7 + 1).max(1) as usize
}

/// The request as the plan reads it, with its weeks counted from `first`.
pub(crate) fn open_of(request: ResourceRequest, project: &Project, first: Date) -> Result<Open> {
    let span = span_of(&request, project)?;
    let first_week = ((monday(span.start) - first).whole_days() / 7).max(0) as usize;
    let weeks = weeks_of(span.start, weeks_between(span.start, span.end));
    let per_week = weekly_minutes(
        request.fields.minutes.get(),
        request.fields.minutes_per_week.map(|m| m.get()),
        span,
    );
    Ok(Open {
        load: loads(per_week, span, &weeks),
        project_name: project.fields.name.clone(),
        account_id: project.fields.account_id.map(|a| a.get()),
        billable: project.fields.default_billable(),
        span,
        first_week,
        request,
    })
}

/// Everyone who may be booked over `weeks` before soft holds: the company's own people
/// (of `role`, when given) and the vetted consultants of active partners, each with the
/// roles they may fill, their hard bookings, skills and certifications, without the
/// projects and accounts they worked on (see [`settle`]).
pub(crate) async fn staff(db: &Db, weeks: &[DateRange], role: Option<Function>, today: Date) -> Result<Vec<Staff>> {
    let settings = crate::org::load(&mut &db.pools).await?;
    let vetting = &settings.vetting;
    let mut rows = std::collections::HashMap::new();
    let functions: Vec<Option<Function>> = match role {
        None => vec![None],
        Some(r) => {
            let generic = r != Function::PartnerConsultant && partner_fits(Function::PartnerConsultant, r, vetting);
            [Some(Some(r)), generic.then_some(Some(Function::PartnerConsultant))]
                .into_iter()
                .flatten()
                .collect()
        }
    };
    for function in functions {
        let filter = UtilizationFilter {
            function,
            ..Default::default()
        };
        rows.extend(super::weeks::capacity(db, weeks, &filter).await?);
    }
    super::weeks::add_hard(db, weeks, &mut rows).await?;
    let role_code = role.map(|r| psops_core::code::Code::code(&r));
    let (mut vetting_reader, mut rules_reader) = (&db.pools, &db.pools);
    let (mut named, mut skills, mut certs, vetted, base) = tokio::try_join!(
        super::facts::named(db, role_code),
        super::facts::skills(db, None),
        super::facts::certifications(db, None),
        crate::partnering::vetting::vetted_at_active_partners(&mut vetting_reader, today),
        crate::capacity_rules::base(&mut rules_reader),
    )?;
    let vetted: HashSet<i64> = vetted.into_iter().collect();
    let mut out = Vec::with_capacity(rows.len());
    let mut ids: Vec<i64> = rows.keys().copied().collect();
    ids.sort_unstable();
    for id in ids {
        let (Some(row), Some(n)) = (rows.remove(&id), named.remove(&id)) else {
            continue;
        };
        let (roles, partner) = match row.partner_id {
            None => (vec![row.function], None),
            // Only vetted consultants of active partners, for the roles their track fits.
            Some(_) if vetted.contains(&id) => (
                partner_roles(row.function, vetting),
                row.partner_id
                    .map(|p| (Id::new(p), n.partner_name.clone().unwrap_or_default())),
            ),
            Some(_) => continue,
        };
        out.push(Staff {
            profile: Profile {
                person_id: Id::new(id),
                name: n.name,
                region: row.region,
                time_zone: n.time_zone,
                employment_start: n.employment_start,
                employment_end: n.employment_end,
                skills: skills.remove(&id).unwrap_or_default(),
                certifications: certs.remove(&id).unwrap_or_default(),
                // A partner's consultant has no billable target of ours.
                target_bp: if partner.is_some() {
                    0
                } else {
                    base.billable_target_bp(row.function)
                },
            },
            weeks: row.weeks,
            roles,
            billable: row.billable,
            partner,
            projects: HashSet::new(),
            accounts: HashSet::new(),
        });
    }
    Ok(out)
}

/// Adds the soft holds and the projects and accounts worked on to [`staff`]'s people.
pub(crate) fn settle(staff: &mut [Staff], soft: &Booked, mut history: History) {
    for s in staff {
        let id = s.profile.person_id.get();
        if let Some((all, _)) = soft.get(&id) {
            super::weeks::add_soft(&mut s.weeks, all);
        }
        s.projects = history.projects.remove(&id).unwrap_or_default();
        s.accounts = history.accounts.remove(&id).unwrap_or_default();
    }
}

/// [`staff`] of `role`, kept until people, their skills, certifications or vetting,
/// capacity, assignments or projects change: every request of a role starting in the
/// same weeks reads the same people.
async fn kept(db: &Db, weeks: &[DateRange], role: Function, today: Date) -> Result<Arc<Vec<Staff>>> {
    let key = format!("staffing_staff|{weeks:?}|{role:?}|{today}");
    let read = async { Ok(Arc::new(staff(db, weeks, Some(role), today).await?)) };
    db.memo.get_counts(&db.pools, crate::follow::STAFF, key, read).await
}

/// Weeks of a block on which a request's people are read.
const BLOCK: usize = 13;

/// The weeks a request's people are read over: whole blocks of 13 weeks, counted from a
/// fixed Monday, that hold the request's weeks — so requests starting in the same
/// quarter share what is kept — or its own weeks when the blocks would pass the longest
/// window.
fn grid(span: DateRange) -> Vec<DateRange> {
    const ORIGIN: Date = time::macros::date!(2001 - 01 - 01); // a Monday
    let first = monday(span.start);
    let since = (first - ORIGIN).whole_weeks();
    let start = first - time::Duration::weeks(since.rem_euclid(BLOCK as i64));
    let count = weeks_between(start, span.end).div_ceil(BLOCK) * BLOCK;
    if count <= MAX_WEEKS {
        weeks_of(start, count)
    } else {
        weeks_of(span.start, weeks_between(span.start, span.end))
    }
}

pub(crate) async fn suggestions(db: &Db, id: ResourceRequestId, today: Date) -> Result<Suggestions> {
    let request: ResourceRequest = db.get(id).await?;
    let project: Project = db.get(request.fields.project_id).await?;
    let weeks = grid(span_of(&request, &project)?);
    let open = open_of(request, &project, weeks[0].start)?;
    let f = &open.request.fields;
    let (project_id, account) = (f.project_id.get(), open.account_id);
    let (staff, soft, history) = tokio::try_join!(
        kept(db, &weeks, f.role, today),
        super::weeks::soft(db, &weeks),
        super::facts::history(db, Some((project_id, account))),
    )?;
    // Those holding soft requests, and those who worked on the project or its account,
    // are settled apart; everyone else is read as kept.
    let ids: HashSet<i64> = soft.keys().chain(history.projects.keys()).copied().collect();
    let concerned = |s: &Staff| ids.contains(&s.profile.person_id.get());
    let mut apart: Vec<Staff> = staff.iter().filter(|s| concerned(s)).cloned().collect();
    settle(&mut apart, &soft, history);
    let mut next = apart.iter();
    let mut internal = Vec::new();
    let mut partners = Vec::new();
    for s in staff.iter() {
        let s = if concerned(s) { next.next().unwrap_or(s) } else { s };
        let p = person_for(s, &open);
        match &s.partner {
            None if s.roles.contains(&f.role) => internal.push(p),
            // Partners' consultants not vetted for the role are not considered.
            Some(org) if s.roles.contains(&f.role) => partners.push((p, org.clone())),
            _ => {}
        }
    }
    let head = Head {
        request_id: id,
        project_id: f.project_id,
        role: f.role,
    };
    Ok(suggest(head, &ask(&open), internal, partners, today))
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn the_grid_holds_the_request_in_whole_blocks_from_a_fixed_monday() {
        let span = |start, end| DateRange::new(start, end).unwrap();
        let a = grid(span(date!(2027 - 02 - 10), date!(2027 - 02 - 12)));
        assert_eq!(a.len(), BLOCK);
        assert!(a[0].start <= date!(2027 - 02 - 10) && a[0].start.weekday() == time::Weekday::Monday);
        assert!(a[BLOCK - 1].end >= date!(2027 - 02 - 12));
        // Another request within the same block reads the same weeks.
        let (first, last) = (a[0].start, a[BLOCK - 1].end);
        assert_eq!(grid(span(first + time::Duration::days(3), last)), a);
        // Across the block's end: two blocks from the same Monday.
        let c = grid(span(first + time::Duration::days(3), last + time::Duration::days(1)));
        assert_eq!((c[0], c.len()), (a[0], 2 * BLOCK));
        // Longer than the longest window in blocks: the request's own weeks.
        let d = grid(span(last, last + time::Duration::weeks(50)));
        assert_eq!(d[0].start, monday(last));
        assert!(d.len() <= MAX_WEEKS && d.last().unwrap().end >= last + time::Duration::weeks(50));
    }
}
