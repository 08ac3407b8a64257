//! Partner organisations in SQL.

use async_trait::async_trait;
use psops_core::Result;
use psops_core::code::Code;
use psops_core::partnering::onboarding::PartnerStatus;
use psops_core::partners::{Partner, PartnerFields, PartnerFilter};
use psops_core::scope::ListKind;
use psops_core::sort::ByName;

use crate::common::{eq, meta, scope, search};
use crate::db::{Row, Sql, Value};
use crate::record::Stored;

#[async_trait]
impl Stored for Partner {
    const TABLE: &'static str = "partners";
    /// Moved only by the status action (`onboarding.rs`).
    const FIXED: &'static [&'static str] = &["status", "status_since"];
    const COLUMNS: &'static [&'static str] = &["name", "partner_type", "region", "notes", "training_since"];
    const UNIQUE: Option<(&'static str, &'static str)> = Some(("name", "a partner with this name already exists"));

    fn read(r: &Row) -> Result<Partner> {
        Ok(Partner {
            id: r.id("id")?,
            fields: PartnerFields {
                name: r.get("name")?,
                partner_type: r.code("partner_type")?,
                region: r.get("region")?,
                notes: r.get("notes")?,
                training_since: r.get("training_since")?,
            },
            status: r.code("status")?,
            status_since: r.get("status_since")?,
            meta: meta(r)?,
        })
    }

    fn values(f: &PartnerFields) -> Vec<Value> {
        vec![
            f.name.trim().into(),
            f.partner_type.code().into(),
            f.region.clone().into(),
            f.notes.clone().into(),
            f.training_since.into(),
        ]
    }

    fn fixed(_new: &PartnerFields) -> Vec<Value> {
        vec![PartnerStatus::Prospect.code().into(), Value::from(None::<time::Date>)]
    }

    fn filter(q: &mut Sql, f: &PartnerFilter) {
        scope(q, &f.scope, ListKind::Partners);
        eq(q, "status", f.status.map(|s| s.code()));
        search(q, &["name"], f.q.as_deref());
    }

    fn order(key: ByName) -> crate::record::Order {
        match key {
            ByName::Name => crate::record::Order::By("LOWER(name)"),
        }
    }
}
