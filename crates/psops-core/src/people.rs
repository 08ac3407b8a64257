//! People: employees and partner consultants, with the facts capacity is computed from.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use crate::Result;
use crate::code::Code;
use crate::id::Id;
use crate::meta::Meta;
use crate::partners::PartnerId;
use crate::patch::{double_option, set};
use crate::rule::Rule;
use crate::validate::Checks;

pub type PersonId = Id<Person>;

/// The functions of a PS organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Function {
    ProjectCoordinator,
    ProjectManager,
    ProgramManager,
    Engineer,
    TechnicalArchitect,
    Trainer,
    EngagementManager,
    RegionalDeliveryManager,
    Ops,
    Finance,
    PartnerConsultant,
}

impl Code for Function {
    const FIELD: &'static str = "function";
}

/// Full-time equivalent as basis points: 10000 is full time, 8000 is 0.8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fte(u16);

impl Fte {
    pub const FULL: Fte = Fte(10_000);

    pub fn from_basis_points(bp: i64) -> Result<Fte> {
        if (1..=10_000).contains(&bp) {
            Ok(Fte(bp as u16))
        } else {
            Err(crate::Error::invalid(
                "fte",
                Rule::Range,
                "fte must be more than 0 and at most 1 (full time)",
            ))
        }
    }

    pub fn basis_points(self) -> i64 {
        self.0 as i64
    }
}

impl Serialize for Fte {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // A display value only; arithmetic uses the basis points.
        s.serialize_f64(self.0 as f64 / 10_000.0)
    }
}

impl<'de> Deserialize<'de> for Fte {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(d)?;
        let bp = (v * 10_000.0).round();
        if !(v * 10_000.0 - bp).abs().lt(&1e-6) {
            return Err(serde::de::Error::custom("fte must have at most four decimals"));
        }
        // The rule's own sentence, not the error's summary ("invalid input: fte: …").
        Fte::from_basis_points(bp as i64).map_err(|e| match e {
            crate::Error::Invalid(f) if !f.is_empty() => serde::de::Error::custom(&f[0].message),
            other => serde::de::Error::custom(other),
        })
    }
}

impl utoipa::PartialSchema for Fte {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        // The bounds of `from_basis_points`, in the unit the JSON uses, and its four
        // decimals (basis points) as the multiple.
        let unit = f64::from(Fte::FULL.0);
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Number)
            .description(Some("Full-time equivalent, more than 0 and at most 1"))
            .exclusive_minimum(Some(0.0))
            .maximum(Some(1.0))
            .multiple_of(Some(1.0 / unit))
            .into()
    }
}
impl ToSchema for Fte {}

fn default_time_zone() -> String {
    "UTC".into()
}

/// The fields of a person that a user sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonFields {
    pub name: String,
    /// Unique, compared without regard to case.
    pub email: String,
    pub function: Function,
    pub region: String,
    /// IANA time zone name such as Europe/Berlin.
    #[serde(default = "default_time_zone")]
    pub time_zone: String,
    #[serde(default = "full_time")]
    pub fte: Fte,
    pub employment_start: Date,
    #[serde(default)]
    pub employment_end: Option<Date>,
    #[serde(default)]
    pub manager_id: Option<PersonId>,
    /// The partner organisation employing this person; absent for the company's own staff.
    #[serde(default)]
    pub partner_id: Option<PartnerId>,
}

fn full_time() -> Fte {
    Fte::FULL
}

impl PersonFields {
    /// Rules that need no stored data; references are checked by the store.
    pub fn validate(&self) -> Result<()> {
        let mut c = Checks::new();
        c.text(&self.name, "name", 200)
            .email(&self.email, "email")
            .text(&self.region, "region", 100);
        c.check(
            valid_time_zone(&self.time_zone),
            "time_zone",
            Rule::TimeZone,
            "time_zone must be an IANA name such as Europe/Berlin or UTC",
        );
        if let Some(end) = self.employment_end {
            c.check(
                end >= self.employment_start,
                "employment_end",
                Rule::AfterStart,
                "employment_end must be on or after employment_start",
            );
        }
        c.into_result()
    }

    pub fn employed_on(&self, d: Date) -> bool {
        crate::dates::within(d, Some(self.employment_start), self.employment_end)
    }
}

/// Area/Location names (and UTC): letters, digits and `_ - + /`, no spaces.
pub fn valid_time_zone(tz: &str) -> bool {
    !tz.is_empty()
        && tz.len() <= 64
        && tz.chars().all(|c| c.is_ascii_alphanumeric() || "_-+/".contains(c))
        && (tz == "UTC" || tz.contains('/'))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Person {
    pub id: PersonId,
    #[serde(flatten)]
    pub fields: PersonFields,
    #[serde(flatten)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonPatch {
    pub name: Option<String>,
    pub email: Option<String>,
    pub function: Option<Function>,
    pub region: Option<String>,
    pub time_zone: Option<String>,
    pub fte: Option<Fte>,
    pub employment_start: Option<Date>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Date>)]
    pub employment_end: Option<Option<Date>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub manager_id: Option<Option<PersonId>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub partner_id: Option<Option<PartnerId>>,
}

impl PersonPatch {
    pub fn apply(self, mut f: PersonFields) -> PersonFields {
        set(&mut f.name, self.name);
        set(&mut f.email, self.email);
        set(&mut f.function, self.function);
        set(&mut f.region, self.region);
        set(&mut f.time_zone, self.time_zone);
        set(&mut f.fte, self.fte);
        set(&mut f.employment_start, self.employment_start);
        set(&mut f.employment_end, self.employment_end);
        set(&mut f.manager_id, self.manager_id);
        set(&mut f.partner_id, self.partner_id);
        f
    }
}

#[derive(Debug, Clone, Default)]
pub struct PersonFilter {
    pub function: Option<Function>,
    pub region: Option<String>,
    pub manager_id: Option<PersonId>,
    pub partner_id: Option<PartnerId>,
    /// Substring of the name or e-mail, without regard to case.
    pub q: Option<String>,
    pub archived: Option<bool>,
    /// What the one asking may see (see `policy::list_scope`); everything by default.
    pub scope: crate::scope::ListScope,
}

crate::plain_record!(Person, Person, PersonFields, PersonPatch, PersonFilter, PersonSort);

crate::sort_columns!(
    /// The columns the people list sorts by.
    PersonSort { Name, Email, Function, Region, Employer, Fte }
);

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    pub(crate) fn sample() -> PersonFields {
        PersonFields {
            name: "Ada Lovelace".into(),
            email: "ada@example.com".into(),
            function: Function::Engineer,
            region: "EMEA".into(),
            time_zone: "Europe/London".into(),
            fte: Fte::FULL,
            employment_start: date!(2025 - 01 - 01),
            employment_end: None,
            manager_id: None,
            partner_id: None,
        }
    }

    #[test]
    fn fte_reads_decimals_exactly() {
        let f: Fte = serde_json::from_str("0.8").unwrap();
        assert_eq!(f.basis_points(), 8000);
        assert!(serde_json::from_str::<Fte>("0").is_err());
        assert!(serde_json::from_str::<Fte>("1.5").is_err());
        assert!(serde_json::from_str::<Fte>("0.12345").is_err());
    }

    #[test]
    fn employment_end_must_follow_start() {
        let mut p = sample();
        p.employment_end = Some(date!(2024 - 12 - 31));
        let err = p.validate().unwrap_err();
        assert!(err.to_string().contains("employment_end"));
    }

    #[test]
    fn time_zone_and_email_are_checked() {
        let mut p = sample();
        p.time_zone = "Mars Base".into();
        p.email = "nope".into();
        let crate::Error::Invalid(errors) = p.validate().unwrap_err() else {
            panic!()
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["email", "time_zone"]);
    }

    #[test]
    fn patch_keeps_absent_and_clears_null() {
        let mut p = sample();
        p.employment_end = Some(date!(2026 - 01 - 01));
        let patch: PersonPatch = serde_json::from_str(r#"{"name":"Ada K.","employment_end":null}"#).unwrap();
        let out = patch.apply(p);
        assert_eq!(out.name, "Ada K.");
        assert_eq!(out.employment_end, None);
        assert_eq!(out.region, "EMEA");
    }

    #[test]
    fn function_codes_round_trip() {
        for f in Function::ALL {
            assert_eq!(Function::from_code(f.code()).unwrap(), *f);
            assert_eq!(serde_json::to_value(f).unwrap(), f.code());
        }
        assert!(Function::from_code("wizard").is_err());
    }
}
