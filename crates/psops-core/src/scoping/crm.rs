//! Opportunities from a CRM's CSV export. Opportunities are born in the CRM, so psops
//! reads its export as it is, with a column mapping: each psops field names the CRM
//! column it comes from (`crm_id=Opportunity ID`); fields not mapped are looked for under
//! their own name. A row is matched by its CRM id, so importing the same export again
//! changes nothing; the account by name or code, the engagement manager by e-mail.
//!
//! | field | required | what |
//! |---|---|---|
//! | `crm_id` | yes | the CRM's id of the opportunity |
//! | `name` | yes | |
//! | `account` | yes | an existing account's name or code |
//! | `segment` | yes | `Ent_APAC` … `SMB` (any case) |
//! | `currency` | no | of every amount; the organisation's currency when absent |
//! | `sales_owner`, `stage` | no | text |
//! | `engagement_manager_email` | no | else the segment's territory decides |
//! | `public_sector` | no | yes/no |
//! | `close_date` | no | YYYY-MM-DD |
//! | `amount`, `ps_value` | no | amounts |
//! | `edu_value` | no | with `ps_value`, a quote: it overwrites both and discards the edu override |

use std::collections::BTreeMap;
use std::io::Read;

use time::Date;

use super::opportunities::Segment;
use crate::imports::records::{check, read_named};
use crate::interchange::RowError;
use crate::interchange::values::parse_money;
use crate::rule::Rule;
use crate::{Currency, Error, Money, Result};

/// The fields a mapping may name.
pub const FIELDS: [&str; 13] = [
    "crm_id",
    "name",
    "account",
    "segment",
    "currency",
    "sales_owner",
    "stage",
    "engagement_manager_email",
    "public_sector",
    "close_date",
    "amount",
    "ps_value",
    "edu_value",
];

/// psops field → the CRM's column, compared without regard to case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapping(BTreeMap<String, String>);

impl Mapping {
    /// From `field=Column` pairs; an unknown field or a column named twice is refused.
    pub fn parse<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Mapping> {
        let mut map = BTreeMap::new();
        let mut errors = Vec::new();
        for (field, column) in pairs {
            let field = field.trim().to_lowercase();
            let column = column.trim().to_lowercase();
            if !FIELDS.contains(&field.as_str()) {
                errors.push(crate::FieldError::new(
                    "mapping",
                    Rule::OneOf,
                    format!("mapping names '{field}': the fields are {}", FIELDS.join(", ")),
                ));
            } else if column.is_empty() {
                errors.push(crate::FieldError::new(
                    "mapping",
                    Rule::Required,
                    format!("mapping of '{field}' names no column"),
                ));
            } else if map.values().any(|c| *c == column) {
                errors.push(crate::FieldError::new(
                    "mapping",
                    Rule::Duplicate,
                    format!("column '{column}' is mapped twice"),
                ));
            } else {
                map.insert(field, column);
            }
        }
        if errors.is_empty() {
            Ok(Mapping(map))
        } else {
            Err(Error::Invalid(errors))
        }
    }

    /// The psops field a CSV header cell stands for (the cell itself, lower case, when
    /// nothing maps to it).
    fn field_of(&self, header: &str) -> String {
        let h = header.trim().to_lowercase();
        self.0
            .iter()
            .find(|(_, c)| **c == h)
            .map(|(f, _)| f.clone())
            .unwrap_or(h)
    }
}

/// One opportunity of the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpportunityRow {
    pub line: u64,
    pub crm_id: String,
    pub name: String,
    /// An account's name or code.
    pub account: String,
    pub segment: Segment,
    pub currency: Currency,
    pub sales_owner: Option<String>,
    pub stage: Option<String>,
    pub engagement_manager_email: Option<String>,
    pub public_sector: Option<bool>,
    pub close_date: Option<Date>,
    pub amount: Option<Money>,
    pub ps_value: Option<Money>,
    /// With `ps_value`, a quote.
    pub edu_value: Option<Money>,
}

fn yes_no(v: &str) -> Option<bool> {
    match v.trim().to_lowercase().as_str() {
        "true" | "yes" | "y" | "1" => Some(true),
        "false" | "no" | "n" | "0" => Some(false),
        _ => None,
    }
}

/// Reads the export through `mapping`; amounts without a currency column are in
/// `default_currency`.
pub fn read_opportunities(
    input: impl Read,
    mapping: &Mapping,
    default_currency: Currency,
) -> std::result::Result<Vec<OpportunityRow>, Vec<RowError>> {
    let name = |h: &str| mapping.field_of(h);
    read_named(input, &name, &["crm_id", "name", "account", "segment"], |c| {
        let crm_id = c.required("crm_id");
        let name = c.required("name");
        let account = c.required("account");
        let segment = c.code::<Segment>("segment", None);
        let currency = c.currency("currency").unwrap_or(default_currency);
        let mut money = |col: &str| {
            c.parsed(col, Rule::Money, "an amount like 12500.00", |v| {
                parse_money(v, currency, false)
            })
        };
        let amount = money("amount");
        let ps_value = money("ps_value");
        let edu_value = money("edu_value");
        if edu_value.is_some() && ps_value.is_none() {
            c.fail(
                "ps_value",
                Rule::Required,
                "ps_value must be given with edu_value: together they are a quote".into(),
            );
        }
        let public_sector = c.parsed("public_sector", Rule::Boolean, "yes or no", yes_no);
        let close_date = c.date("close_date");
        for (col, v) in [("amount", amount), ("ps_value", ps_value), ("edu_value", edu_value)] {
            if v.is_some_and(|m| m.amount_minor < 0) {
                c.fail(col, Rule::NotNegative, format!("{col} must not be negative"));
            }
        }
        let row = OpportunityRow {
            line: c.line,
            crm_id: crm_id?,
            name: name?,
            account: account?,
            segment: segment?,
            currency,
            sales_owner: c.text("sales_owner"),
            stage: c.text("stage"),
            engagement_manager_email: c.text("engagement_manager_email"),
            public_sector,
            close_date,
            amount,
            ps_value,
            edu_value,
        };
        let mut lengths = crate::validate::Checks::new();
        lengths
            .text(&row.crm_id, "crm_id", 100)
            .text(&row.name, "name", 200)
            .optional_text(row.sales_owner.as_deref(), "sales_owner", 200)
            .optional_text(row.stage.as_deref(), "stage", 100);
        check(&mut c.errors, c.line, lengths.into_result());
        Some(row)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPORT: &str = "Opportunity ID,Opportunity Name,Account Name,Sales Territory,Stage,Close Date,Amount,PS Value,Edu Value,Public Sector\n\
        006A,Cloud migration,Northwind,Ent_EMEA,Negotiation,2027-01-29,\"120,000.00\",60000,5000,no\n\
        006B,Upgrade,Contoso,SMB,Qualify,,,,,yes\n";

    fn mapping() -> Mapping {
        Mapping::parse([
            ("crm_id", "Opportunity ID"),
            ("name", "Opportunity Name"),
            ("account", "Account Name"),
            ("segment", "Sales Territory"),
            ("ps_value", "PS Value"),
            ("edu_value", "Edu Value"),
            ("public_sector", "Public Sector"),
            ("close_date", "Close Date"),
        ])
        .unwrap()
    }

    #[test]
    fn a_crm_export_reads_through_its_mapping() {
        let rows = read_opportunities(EXPORT.as_bytes(), &mapping(), Currency::USD).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].crm_id.as_str(), rows[0].segment), ("006A", Segment::EntEmea));
        assert_eq!(rows[0].amount, Some(Money::new(12_000_000, Currency::USD)));
        assert_eq!(rows[0].edu_value, Some(Money::new(500_000, Currency::USD)));
        assert_eq!(rows[1].public_sector, Some(true));
        assert_eq!(rows[1].stage.as_deref(), Some("Qualify"));
    }

    #[test]
    fn a_bad_mapping_or_row_is_named() {
        assert!(Mapping::parse([("budget", "X")]).is_err());
        assert!(Mapping::parse([("name", "X"), ("crm_id", "x")]).is_err());
        let bad = "crm_id,name,account,segment,edu_value\n1,A,B,Galaxy,5\n";
        let errors = read_opportunities(bad.as_bytes(), &Mapping::default(), Currency::USD).unwrap_err();
        let cols: Vec<&str> = errors.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(cols, ["segment", "ps_value"]);
        let missing = "name,account,segment\nA,B,SMB\n";
        let errors = read_opportunities(missing.as_bytes(), &Mapping::default(), Currency::USD).unwrap_err();
        assert_eq!(errors[0].rule, Rule::MissingColumn);
    }
}
