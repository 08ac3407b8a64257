//! Archetype bundles: offerings that customers of one kind usually buy together (handbook:
//! an enterprise leaving another SCM for self-managed with HA/DR buys Implementation,
//! Migration and Education). Data, offered as suggestions when scoping.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::offerings::OfferingId;
use crate::Result;
use crate::id::Id;
use crate::meta::Meta;
use crate::patch::{double_option, set};
use crate::rule::Rule;
use crate::validate::Checks;

pub type BundleId = Id<Bundle>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BundleFields {
    /// Unique, compared without regard to case.
    pub name: String,
    /// Who the bundle suits, e.g. `SMB to mid-market moving to SaaS`.
    #[serde(default)]
    pub description: Option<String>,
    /// The offerings suggested, in the order they are usually delivered.
    #[schema(min_items = 1, max_items = 50)]
    pub offering_ids: Vec<OfferingId>,
}

impl BundleFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.text(&self.name, "name", 200)
            .optional_text(self.description.as_deref(), "description", 4000);
        c.check(
            !self.offering_ids.is_empty(),
            "offering_ids",
            Rule::Required,
            "offering_ids must name at least one offering",
        );
        let mut seen = Vec::new();
        super::each(&mut c, &self.offering_ids, "offering_ids", 50, |c, id, at| {
            c.check_with(!seen.contains(id), || {
                (
                    at.to_string(),
                    Rule::Duplicate,
                    format!("{at}: offering {id} appears twice"),
                )
            });
            seen.push(*id);
        });
        c.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Bundle {
    pub id: BundleId,
    #[serde(flatten)]
    pub fields: BundleFields,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BundlePatch {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[schema(min_items = 1)]
    pub offering_ids: Option<Vec<OfferingId>>,
}

impl BundlePatch {
    pub fn apply(self, mut f: BundleFields) -> BundleFields {
        set(&mut f.name, self.name);
        set(&mut f.description, self.description);
        set(&mut f.offering_ids, self.offering_ids);
        f
    }
}

#[derive(Debug, Clone, Default)]
pub struct BundleFilter {
    pub q: Option<String>,
    pub archived: Option<bool>,
}

crate::plain_record!(
    Bundle,
    Bundle,
    BundleFields,
    BundlePatch,
    BundleFilter,
    crate::sort::ByName
);
