//! Staffing: who works on what. Availability per person and week, the fit of a person
//! to a resource request with its reasons, and the batch optimizer that plans every open
//! request at once.

pub mod availability;
pub mod fit;
pub mod forecast;
pub mod optimize;
pub mod planner;
pub mod store;
pub mod suggest;
pub mod zones;
