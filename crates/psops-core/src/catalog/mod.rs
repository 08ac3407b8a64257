//! The catalog: what the organisation sells. Categories hold types, types hold offerings
//! (with their maturity, delivery kit and effort template), offerings hold SKUs (with
//! their unit, bounds and dated list prices). Archetype bundles suggest offerings that go
//! together; a new SKU enters through a request and its approval chain.

pub mod bundles;
pub mod file;
pub mod offerings;
pub mod requests;
pub mod skus;
pub mod store;

pub use bundles::{Bundle, BundleFields, BundleId};
pub use offerings::{Effort, KitLink, Maturity, Offering, OfferingFields, OfferingId, OfferingType, OfferingTypeId};
pub use requests::{Decision, SkuRequest, SkuRequestId, SkuRequestStatus, Step, StepState, Verdict};
pub use skus::{Channel, Sku, SkuFields, SkuId, SkuPrice, SkuStatus, Unit};
pub use store::CatalogStore;

use crate::validate::Checks;

/// Checks each item of a list field, naming it `field[i]`, and the list's length.
pub(crate) fn each<T>(
    c: &mut Checks,
    items: &[T],
    field: &str,
    max: usize,
    mut check: impl FnMut(&mut Checks, &T, &str),
) {
    c.check(
        items.len() <= max,
        field,
        crate::rule::Rule::TooLong,
        format!("{field} holds at most {max} items"),
    );
    for (i, item) in items.iter().enumerate() {
        check(c, item, &format!("{field}[{i}]"));
    }
}
