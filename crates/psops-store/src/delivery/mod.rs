//! Delivery and the customer in SQL: lifecycle, acceptance, health reports, RAID,
//! escalations, closure, surveys and the portfolio.

pub(crate) mod acceptance;
pub(crate) mod closure;
mod escalations;
mod health;
pub(crate) mod lifecycle;
pub(crate) mod links;
mod portfolio;
mod raid;
mod surveys;
