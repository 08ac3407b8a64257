//! Staffing in SQL: suggestions for a request, booking, and the master planning view.

mod batch;
pub(crate) mod book;
mod facts;
mod outlook;
mod planning;
pub(crate) mod suggest;
mod weeks;

use async_trait::async_trait;
use psops_core::Result;
use psops_core::people::PersonId;
use psops_core::plan::{ResourceRequest, ResourceRequestId};
use psops_core::staffing::forecast::UtilizationForecast;
use psops_core::staffing::planner::{Proposal, Window};
use psops_core::staffing::store::{
    Accept, Availability, AvailabilityQuery, BookRequest, Booked, ForecastQuery, PersonBookings, Requests,
    RequestsQuery, StaffingStore,
};
use psops_core::staffing::suggest::Suggestions;
use psops_core::store::WriteCtx;
use time::Date;

use crate::Db;

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
