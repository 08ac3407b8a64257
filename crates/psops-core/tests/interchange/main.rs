//! Interchange tests: every export format on a realistic fixture with exact totals, bad rows
//! with their exact errors, header detection, identity mapping and export round trips.

mod detect;
mod errors;
mod formats;
mod kimai_kantata;
mod mapping;
mod roundtrip;
mod streaming;
mod support;
