//! Offering types (within a category) and offerings, with their maturity, delivery kit and
//! effort template.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::code::Code;
use crate::id::Id;
use crate::meta::Meta;
use crate::patch::{double_option, set};
use crate::people::Function;
use crate::rule::Rule;
use crate::validate::Checks;
use crate::{Minutes, Result};

pub type OfferingTypeId = Id<OfferingType>;
pub type OfferingId = Id<Offering>;

/// A type of offering within its category (handbook: Consulting — Migration, …;
/// Education — Standard, Custom).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferingTypeFields {
    /// The category the type belongs to, e.g. `Consulting` or `Education`.
    pub category: String,
    /// Unique within its category, compared without regard to case.
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
}

impl OfferingTypeFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.text(&self.category, "category", 100)
            .text(&self.name, "name", 100)
            .optional_text(self.description.as_deref(), "description", 4000);
        c.into_result()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct OfferingType {
    pub id: OfferingTypeId,
    #[serde(flatten)]
    pub fields: OfferingTypeFields,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferingTypePatch {
    pub category: Option<String>,
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
}

impl OfferingTypePatch {
    pub fn apply(self, mut f: OfferingTypeFields) -> OfferingTypeFields {
        set(&mut f.category, self.category);
        set(&mut f.name, self.name);
        set(&mut f.description, self.description);
        f
    }
}

#[derive(Debug, Clone, Default)]
pub struct OfferingTypeFilter {
    pub category: Option<String>,
    pub q: Option<String>,
    pub archived: Option<bool>,
}

crate::plain_record!(
    OfferingType,
    OfferingType,
    OfferingTypeFields,
    OfferingTypePatch,
    OfferingTypeFilter,
    crate::sort::ByName
);

/// How far an offering has come (handbook: planned → minimal → viable → complete →
/// lovable; "complete" means predictable timing, results and margin, "lovable" a positive
/// NPS and adoption impact).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Maturity {
    Planned,
    Minimal,
    Viable,
    Complete,
    Lovable,
}

impl Code for Maturity {
    const FIELD: &'static str = "maturity";
}

/// A named link of a delivery kit: a template, a checklist, a technical document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KitLink {
    pub name: String,
    /// An `http://` or `https://` address.
    pub url: String,
}

/// Hours one role spends on one unit of the offering, in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Effort {
    pub role: Function,
    // Bounded where an offering is written (`effort_schema`): an estimate answers with
    // effort times the quantity sold, beyond an offering's bound.
    #[schema(value_type = i64)]
    pub minutes: Minutes,
}

/// An offering's effort as it is written: each role's minutes more than 0 and at most
/// 600000 (10,000 hours), at most [`MAX_ITEMS`] lines, as `OfferingFields::validate` checks.
fn effort_schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    let schema = serde_json::json!({
        "type": "array",
        "maxItems": MAX_ITEMS,
        "items": {
            "type": "object",
            "description": "Hours one role spends on one unit of the offering, in minutes.",
            "properties": {
                "role": {"$ref": "#/components/schemas/Function"},
                "minutes": {"type": "integer", "format": "int64", "minimum": 1, "maximum": 600000},
            },
            "required": ["role", "minutes"],
            "additionalProperties": false,
        },
    });
    serde_json::from_value(schema).unwrap_or_else(|_| <Vec<Effort> as utoipa::PartialSchema>::schema())
}

/// Items a list field of an offering may hold.
pub const MAX_ITEMS: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferingFields {
    pub type_id: OfferingTypeId,
    /// Unique within its type, compared without regard to case.
    pub name: String,
    pub maturity: Maturity,
    #[serde(default)]
    pub description: Option<String>,
    /// The delivery kit's links (templates, best practices, technical documents).
    #[serde(default)]
    #[schema(max_items = 100)]
    pub kit_links: Vec<KitLink>,
    /// The delivery kit's checklist, in order; copied into each project that delivers it.
    #[serde(default)]
    #[schema(max_items = 100)]
    pub checklist: Vec<String>,
    /// The effort template: hours by role for one unit sold, one line per role.
    #[serde(default)]
    #[schema(schema_with = effort_schema)]
    pub effort: Vec<Effort>,
}

impl OfferingFields {
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.text(&self.name, "name", 200)
            .optional_text(self.description.as_deref(), "description", 4000);
        super::each(&mut c, &self.kit_links, "kit_links", MAX_ITEMS, |c, l, at| {
            c.text(&l.name, &format!("{at}.name"), 200)
                .optional_text(Some(&l.url), &format!("{at}.url"), 2000);
            c.check_with(is_web_address(&l.url), || {
                (
                    format!("{at}.url"),
                    Rule::InvalidValue,
                    format!("{at}.url must be an address starting with http:// or https://"),
                )
            });
        });
        super::each(&mut c, &self.checklist, "checklist", MAX_ITEMS, |c, item, at| {
            c.text(item, at, 500);
        });
        let mut seen = Vec::new();
        super::each(&mut c, &self.effort, "effort", MAX_ITEMS, |c, e, at| {
            c.check_with(!seen.contains(&e.role), || {
                (
                    format!("{at}.role"),
                    Rule::Duplicate,
                    format!("{at}.role {} appears twice; give each role one line", e.role.code()),
                )
            });
            seen.push(e.role);
            c.check_with((1..=10_000 * 60).contains(&e.minutes.get()), || {
                (
                    format!("{at}.minutes"),
                    Rule::Range,
                    format!("{at}.minutes must be more than 0 and at most 600000 (10,000 hours)"),
                )
            });
        });
        c.into_result()
    }

    /// The effort template's hours for all roles, in minutes.
    pub fn effort_minutes(&self) -> i64 {
        self.effort.iter().map(|e| e.minutes.get()).sum()
    }
}

fn is_web_address(url: &str) -> bool {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.chars().any(|ch| ch.is_whitespace() || ch.is_control()))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Offering {
    pub id: OfferingId,
    #[serde(flatten)]
    pub fields: OfferingFields,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferingPatch {
    pub type_id: Option<OfferingTypeId>,
    pub name: Option<String>,
    pub maturity: Option<Maturity>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    pub kit_links: Option<Vec<KitLink>>,
    pub checklist: Option<Vec<String>>,
    pub effort: Option<Vec<Effort>>,
}

impl OfferingPatch {
    pub fn apply(self, mut f: OfferingFields) -> OfferingFields {
        set(&mut f.type_id, self.type_id);
        set(&mut f.name, self.name);
        set(&mut f.maturity, self.maturity);
        set(&mut f.description, self.description);
        set(&mut f.kit_links, self.kit_links);
        set(&mut f.checklist, self.checklist);
        set(&mut f.effort, self.effort);
        f
    }
}

#[derive(Debug, Clone, Default)]
pub struct OfferingFilter {
    pub type_id: Option<OfferingTypeId>,
    pub category: Option<String>,
    pub maturity: Option<Maturity>,
    /// Offerings with a live SKU sold through this channel.
    pub channel: Option<super::skus::Channel>,
    pub q: Option<String>,
    pub archived: Option<bool>,
}

crate::plain_record!(
    Offering,
    Offering,
    OfferingFields,
    OfferingPatch,
    OfferingFilter,
    OfferingSort
);

crate::sort_columns!(
    /// The columns a list of offerings sorts by.
    OfferingSort { Name, Maturity, Type }
);

#[cfg(test)]
mod tests {
    use super::*;

    fn offering() -> OfferingFields {
        OfferingFields {
            type_id: Id::new(1),
            name: "Migration+".into(),
            maturity: Maturity::Viable,
            description: None,
            kit_links: vec![KitLink {
                name: "Runbook".into(),
                url: "https://example.com/runbook".into(),
            }],
            checklist: vec!["Kick-off".into(), "Dry run".into()],
            effort: vec![
                Effort {
                    role: Function::Engineer,
                    minutes: Minutes(40 * 60),
                },
                Effort {
                    role: Function::ProjectManager,
                    minutes: Minutes(8 * 60),
                },
            ],
        }
    }

    #[test]
    fn an_offering_with_its_kit_and_effort_is_valid() {
        offering().validate().unwrap();
        assert_eq!(offering().effort_minutes(), 48 * 60);
    }

    #[test]
    fn bad_kit_and_effort_lines_are_named() {
        let mut o = offering();
        o.kit_links[0].url = "javascript:alert(1)".into();
        o.checklist.push(" ".into());
        o.effort.push(Effort {
            role: Function::Engineer,
            minutes: Minutes(0),
        });
        let Err(crate::Error::Invalid(errors)) = o.validate() else {
            panic!("should fail")
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "kit_links[0].url",
                "checklist[2]",
                "effort[2].role",
                "effort[2].minutes"
            ]
        );
    }

    #[test]
    fn maturity_runs_from_planned_to_lovable() {
        assert!(Maturity::Planned < Maturity::Lovable);
        assert_eq!(Maturity::Complete.code(), "complete");
    }
}
