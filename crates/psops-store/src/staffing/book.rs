//! Booking a request to someone. Soft: the request stays open and is held for them — a
//! soft booking that counts against their availability apart from hard ones, and in the
//! forecast at the soft weight. Hard: their assignment is made over the request's dates
//! at its weekly load, and the request is filled, in the same transaction.

use psops_core::assignments::{Assignment, AssignmentFields};
use psops_core::people::Person;
use psops_core::plan::{Booking, RequestStatus, ResourceRequest, ResourceRequestFields, ResourceRequestId};
use psops_core::projects::Project;
use psops_core::rule::Rule;
use psops_core::staffing::availability::weekly_minutes;
use psops_core::staffing::store::{BookRequest, Booked};
use psops_core::store::WriteCtx;
use psops_core::{Error, Minutes, Result};

use crate::Db;
use crate::catalog::live;
use crate::db::Tx;
use crate::record::{create_in, table, update_in};

fn open(r: &ResourceRequest) -> Result<()> {
    match r.fields.status {
        RequestStatus::Open => Ok(()),
        s => Err(Error::conflict(
            "status",
            Rule::InvalidTransition,
            format!(
                "the request is {}: only an open request is booked",
                psops_core::code::Code::code(&s)
            ),
        )),
    }
}

/// Books `request` (read for update) in `tx`; the caller commits.
pub(crate) async fn book_in(tx: &mut Tx, ctx: &WriteCtx, request: &ResourceRequest, b: &BookRequest) -> Result<Booked> {
    open(request)?;
    let person = live::<Person>(tx, b.person_id, "person_id", "person").await?;
    let project: Project = table::<Project>().get(tx, request.fields.project_id.get(), "").await?;
    let span = super::suggest::span_of(request, &project)?;
    if let Some(e) = super::suggest::outside_project(span, &project) {
        return Err(e);
    }
    if !(person.fields.employed_on(span.start) && person.fields.employed_on(span.end)) {
        return Err(Error::invalid(
            "person_id",
            Rule::Employment,
            format!(
                "{} is not employed from {} to {}, the request's dates",
                person.fields.name, span.start, span.end
            ),
        ));
    }
    let booking = b.booking.unwrap_or(request.fields.booking);
    let held = ResourceRequestFields {
        person_id: Some(b.person_id),
        booking,
        ..request.fields.clone()
    };
    match booking {
        Booking::Soft => {
            let request = update_in(tx, ctx, request, &held).await?;
            Ok(Booked {
                request,
                assignment_id: None,
            })
        }
        Booking::Hard => {
            let per_week = weekly_minutes(
                request.fields.minutes.get(),
                request.fields.minutes_per_week.map(|m| m.get()),
                span,
            );
            let assignment = AssignmentFields {
                person_id: b.person_id,
                project_id: request.fields.project_id,
                role: request.fields.role,
                start_date: span.start,
                end_date: Some(span.end),
                minutes_per_week: Minutes(per_week.clamp(1, psops_core::assignments::MAX_MINUTES_PER_WEEK)),
            };
            let made: Assignment = create_in::<Assignment>(tx, ctx, &assignment).await?;
            let filled = ResourceRequestFields {
                status: RequestStatus::Filled,
                ..held
            };
            let request = update_in(tx, ctx, request, &filled).await?;
            Ok(Booked {
                request,
                assignment_id: Some(made.id),
            })
        }
    }
}

pub(crate) async fn book(db: &Db, ctx: &WriteCtx, id: ResourceRequestId, b: &BookRequest) -> Result<Booked> {
    let mut tx = db.pools.begin().await?;
    let lock = tx.for_update();
    let request: ResourceRequest = table::<ResourceRequest>().get(&mut tx, id.get(), lock).await?;
    let booked = book_in(&mut tx, ctx, &request, b).await?;
    tx.commit().await?;
    Ok(booked)
}

pub(crate) async fn release(db: &Db, ctx: &WriteCtx, id: ResourceRequestId) -> Result<ResourceRequest> {
    let mut tx = db.pools.begin().await?;
    let lock = tx.for_update();
    let request: ResourceRequest = table::<ResourceRequest>().get(&mut tx, id.get(), lock).await?;
    open(&request)?;
    if request.fields.person_id.is_none() {
        return Err(Error::conflict(
            "person_id",
            Rule::InvalidTransition,
            "the request is not held by anyone: there is nothing to release",
        ));
    }
    let fields = ResourceRequestFields {
        person_id: None,
        ..request.fields.clone()
    };
    let released = update_in(&mut tx, ctx, &request, &fields).await?;
    tx.commit().await?;
    Ok(released)
}
