//! Staffing in SQL: suggestions for a request, booking, and the master planning view.

mod batch;
pub(crate) mod book;
mod facts;
mod outlook;
mod planning;
pub(crate) mod suggest;
mod weeks;

use async_trait::async_trait;
use psops_core::people::PersonId;
use psops_core::plan::{ResourceRequest, ResourceRequestId};
use psops_core::rule::Rule;
use psops_core::staffing::availability::MAX_WEEKS;
use psops_core::staffing::forecast::UtilizationForecast;
use psops_core::staffing::planner::{Proposal, Window};
use psops_core::staffing::store::{
    Accept, Availability, AvailabilityQuery, BookRequest, Booked, ForecastQuery, PersonBookings, Requests,
    RequestsQuery, StaffingStore,
};
use psops_core::staffing::suggest::Suggestions;
use psops_core::store::WriteCtx;
use psops_core::{Error, Result};
use time::Date;

use crate::Db;

/// The weeks asked for (`default` when none are), refused unless from 1 to
/// [`MAX_WEEKS`]: the one check every staffing read of weeks makes.
pub(crate) fn week_count(weeks: Option<usize>, default: usize) -> Result<usize> {
    let n = weeks.unwrap_or(default);
    if (1..=MAX_WEEKS).contains(&n) {
        Ok(n)
    } else {
        Err(Error::invalid(
            "weeks",
            Rule::Range,
            format!("weeks must be from 1 to {MAX_WEEKS}"),
        ))
    }
}

#[async_trait]
impl StaffingStore for Db {
    async fn suggestions(&self, request: ResourceRequestId, today: Date) -> Result<Suggestions> {
        suggest::suggestions(self, request, today).await
    }

    async fn book(&self, ctx: &WriteCtx, request: ResourceRequestId, b: &BookRequest) -> Result<Booked> {
        book::book(self, ctx, request, b).await
    }

    async fn release(&self, ctx: &WriteCtx, request: ResourceRequestId) -> Result<ResourceRequest> {
        book::release(self, ctx, request).await
    }

    async fn availability(&self, q: &AvailabilityQuery, today: Date) -> Result<Availability> {
        planning::availability(self, q, today).await
    }

    async fn plan(&self, window: Window, today: Date, time: std::time::Duration) -> Result<Proposal> {
        batch::plan(self, window, today, time).await
    }

    async fn accept(&self, ctx: &WriteCtx, accept: &Accept) -> Result<Vec<Booked>> {
        batch::accept(self, ctx, accept).await
    }

    async fn utilization_forecast(&self, q: &ForecastQuery, today: Date) -> Result<UtilizationForecast> {
        outlook::utilization_forecast(self, q, today).await
    }

    async fn bookings_of(&self, person: PersonId, from: Date, weeks: usize) -> Result<PersonBookings> {
        outlook::bookings_of(self, person, from, weeks).await
    }

    async fn requests(&self, q: &RequestsQuery) -> Result<Requests> {
        outlook::requests(self, q).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_are_from_one_to_the_most() {
        assert_eq!(week_count(None, 26).ok(), Some(26));
        assert_eq!(week_count(Some(1), 26).ok(), Some(1));
        assert_eq!(week_count(Some(MAX_WEEKS), 13).ok(), Some(MAX_WEEKS));
        for bad in [0, MAX_WEEKS + 1] {
            let Err(Error::Invalid(e)) = week_count(Some(bad), 13) else {
                panic!("{bad} weeks were let through");
            };
            assert_eq!((e[0].field.as_str(), e[0].rule), ("weeks", Rule::Range));
            assert_eq!(e[0].message, "weeks must be from 1 to 53");
        }
    }
}
