//! The catalog as one YAML file: the organisation's single source of truth for what it
//! sells (see `docs/catalog-file.md`). Parsing, printing in a stable order, checking every
//! entry before anything is written, and applying a file to a store — creating what is
//! new, changing what differs and leaving alone what matches, so a second import of the
//! same file changes nothing. Records the file does not name are left as they are.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use time::Date;

use super::bundles::{Bundle, BundleFields, BundleFilter, BundlePatch};
use super::offerings::{
    Effort, KitLink, Maturity, Offering, OfferingFields, OfferingFilter, OfferingPatch, OfferingType,
    OfferingTypeFields, OfferingTypeFilter, OfferingTypePatch,
};
use super::skus::{
    Bound, Channel, Sku, SkuFields, SkuFilter, SkuPatch, SkuPrice, SkuPriceFields, SkuPricePatch, SkuStatus, Unit,
};
use crate::people::Function;
use crate::rule::Rule;
use crate::store::{Created, Records as _, Store, WriteCtx};
use crate::{Currency, Error, FieldError, Id, Minutes, Money, Result};

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogFile {
    #[serde(default)]
    pub categories: Vec<CategoryEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bundles: Vec<BundleEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryEntry {
    pub name: String,
    #[serde(default)]
    pub types: Vec<TypeEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeEntry {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub offerings: Vec<OfferingEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfferingEntry {
    pub name: String,
    pub maturity: Maturity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Kit::is_empty")]
    pub kit: Kit,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub effort: Vec<EffortEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skus: Vec<SkuEntry>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kit {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<KitLink>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checklist: Vec<String>,
}

impl Kit {
    fn is_empty(&self) -> bool {
        self.links.is_empty() && self.checklist.is_empty()
    }
}

/// Hours as a YAML number (`40`, `37.5`) or text (`"37:30"`), kept exact as minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Hours {
    Whole(i64),
    Text(String),
    #[serde(skip_serializing)]
    Decimal(DecimalText),
}

/// A decimal YAML number, read through its text so `37.5` is 37 h 30 min exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecimalText(String);

impl<'de> Deserialize<'de> for DecimalText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let f = f64::deserialize(d)?;
        Ok(DecimalText(format!("{f}")))
    }
}

impl Hours {
    fn minutes(&self) -> Result<Minutes> {
        match self {
            Hours::Whole(h) => h
                .checked_mul(60)
                .map(Minutes)
                .ok_or_else(|| Error::invalid("hours", Rule::Range, "hours is too large")),
            Hours::Text(t) => Minutes::parse(t),
            Hours::Decimal(DecimalText(t)) => Minutes::parse(t),
        }
    }

    /// Whole hours as a number, hundredths of an hour as decimal text (`'37.5'`), any
    /// other duration as `h:mm`.
    fn of(m: Minutes) -> Hours {
        let n = m.get();
        if n % 60 == 0 {
            Hours::Whole(n / 60)
        } else if (n * 100) % 60 == 0 {
            let text = m.hours_text();
            Hours::Text(text.trim_end_matches('0').to_string())
        } else {
            Hours::Text(m.clock_text())
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EffortEntry {
    pub role: Function,
    pub hours: Hours,
}

/// An amount as YAML text (`"500.00"`) or a whole number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Amount {
    Whole(i64),
    Text(String),
    #[serde(skip_serializing)]
    Decimal(DecimalText),
}

impl Amount {
    fn money(&self, currency: Currency) -> Result<Money> {
        match self {
            Amount::Whole(n) => Money::parse(&n.to_string(), currency),
            Amount::Text(t) | Amount::Decimal(DecimalText(t)) => Money::parse(t, currency),
        }
    }

    fn of(m: Money) -> Amount {
        Amount::Text(amount_text(m))
    }
}

/// An amount as plain decimal text with the currency's decimals (`500.00`, `1200` yen).
pub fn amount_text(m: Money) -> String {
    {
        let exp = m.currency.exponent();
        let p = 10i64.pow(exp);
        let sign = if m.amount_minor < 0 { "-" } else { "" };
        let a = m.amount_minor.unsigned_abs();
        if exp == 0 {
            format!("{sign}{a}")
        } else {
            let p = p.unsigned_abs();
            format!("{sign}{}.{:0w$}", a / p, a % p, w = exp as usize)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceEntry {
    pub from: Date,
    pub amount: Amount,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn no(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkuEntry {
    pub code: String,
    pub name: String,
    pub unit: Unit,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_hours: Option<Hours>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term_months: Option<i32>,
    pub currency: Currency,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seat_limit: Option<i32>,
    /// The add-on seat SKU, by code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addon_sku: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bounds: Vec<Bound>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bounds_note: Option<String>,
    #[serde(default, skip_serializing_if = "no")]
    pub always_custom: bool,
    #[serde(default, skip_serializing_if = "no")]
    pub standard_sow: bool,
    #[serde(default, skip_serializing_if = "no")]
    pub te_separate: bool,
    pub channel: Channel,
    #[serde(default = "active")]
    pub status: SkuStatus,
    /// List prices by the day they start; none is "price not set".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prices: Vec<PriceEntry>,
}

fn active() -> SkuStatus {
    SkuStatus::Active
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleEntry {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Offerings as `<type> / <offering>`.
    pub offerings: Vec<String>,
}

/// One broken rule of a file: where (`categories[0].types[1].offerings[2]`), which field,
/// which rule.
pub type FileError = FieldError;

/// What an import did, or would do on a dry run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub errors: Vec<FileError>,
}

const HANDBOOK: &str = include_str!("handbook.yaml");

/// The handbook's catalog, shipped in the binary and loaded into a new organisation.
pub fn handbook() -> CatalogFile {
    parse(HANDBOOK).unwrap_or_default()
}

/// Reads a file; a syntax or shape error names its line.
pub fn parse(text: &str) -> std::result::Result<CatalogFile, Vec<FileError>> {
    serde_norway::from_str(text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!("line {}", l.line()))
            .unwrap_or_else(|| "file".into());
        vec![FieldError::new(at, Rule::InvalidValue, e.to_string())]
    })
}

/// Writes a file, with a header saying what it is.
pub fn print(file: &CatalogFile) -> String {
    let body = serde_norway::to_string(file).unwrap_or_default();
    format!("# psops catalog: categories → types → offerings → SKUs, and bundles\n{body}")
}

/// Splits `Type / Offering`.
fn offering_ref(text: &str) -> Option<(String, String)> {
    let (t, o) = text.split_once(" / ")?;
    Some((t.trim().to_lowercase(), o.trim().to_lowercase()))
}

fn key(s: &str) -> String {
    s.trim().to_lowercase()
}

/// An offering by (type, name), both lower-case.
type OfferingKey = (String, String);
/// A price by (first day, amount, note).
type Price = (Date, Money, Option<String>);

/// A file resolved to fields, with the references that need ids kept by name.
#[derive(Debug)]
struct Resolved {
    types: Vec<OfferingTypeFields>,
    /// (type key, fields without the type id)
    offerings: Vec<(String, OfferingFields)>,
    /// (offering key (type, name), fields without ids, add-on code, prices)
    skus: Vec<(OfferingKey, SkuFields, Option<String>, Vec<Price>)>,
    bundles: Vec<(BundleFields, Vec<(String, String)>)>,
}

/// Checks every entry of a file, with nothing stored: all its errors at once.
fn resolve(
    file: &CatalogFile,
    known_codes: &HashSet<String>,
    known_offerings: &HashSet<(String, String)>,
) -> std::result::Result<Resolved, Vec<FileError>> {
    let mut errors = Vec::new();
    let mut push = |at: &str, e: Error| match e {
        Error::Invalid(list) => errors.extend(list.into_iter().map(|f| FieldError {
            field: format!("{at}.{}", f.field),
            ..f
        })),
        other => errors.push(FieldError::new(at, Rule::InvalidValue, other.to_string())),
    };
    let mut out = Resolved {
        types: vec![],
        offerings: vec![],
        skus: vec![],
        bundles: vec![],
    };
    let mut type_names = HashSet::new();
    let mut offering_names = HashSet::new();
    let mut codes = HashSet::new();
    for (ci, c) in file.categories.iter().enumerate() {
        for (ti, t) in c.types.iter().enumerate() {
            let at = format!("categories[{ci}].types[{ti}]");
            let f = OfferingTypeFields {
                category: c.name.trim().to_string(),
                name: t.name.trim().to_string(),
                description: t.description.clone(),
            };
            if let Err(e) = f.validate() {
                push(&at, e);
            }
            if !type_names.insert(key(&t.name)) {
                push(
                    &at,
                    Error::invalid(
                        "name",
                        Rule::Duplicate,
                        format!("type {} appears twice; type names are unique across categories", t.name),
                    ),
                );
            }
            out.types.push(f);
            for (oi, o) in t.offerings.iter().enumerate() {
                let at = format!("{at}.offerings[{oi}]");
                let mut effort = Vec::new();
                for (ei, e) in o.effort.iter().enumerate() {
                    match e.hours.minutes() {
                        Ok(m) => effort.push(Effort {
                            role: e.role,
                            minutes: m,
                        }),
                        Err(err) => push(&format!("{at}.effort[{ei}]"), err),
                    }
                }
                let f = OfferingFields {
                    type_id: Id::new(0),
                    name: o.name.trim().to_string(),
                    maturity: o.maturity,
                    description: o.description.clone(),
                    kit_links: o.kit.links.clone(),
                    checklist: o.kit.checklist.clone(),
                    effort,
                };
                if let Err(e) = f.validate() {
                    push(&at, e);
                }
                let okey = (key(&t.name), key(&o.name));
                if !offering_names.insert(okey.clone()) {
                    push(
                        &at,
                        Error::invalid(
                            "name",
                            Rule::Duplicate,
                            format!("offering {} appears twice in type {}", o.name, t.name),
                        ),
                    );
                }
                out.offerings.push((key(&t.name), f));
                for (si, s) in o.skus.iter().enumerate() {
                    let at = format!("{at}.skus[{si}]");
                    let block = match s.block_hours.as_ref().map(Hours::minutes).transpose() {
                        Ok(b) => b,
                        Err(e) => {
                            push(&at, Error::invalid("block_hours", Rule::Hours, e.to_string()));
                            None
                        }
                    };
                    let f = SkuFields {
                        offering_id: Id::new(0),
                        code: s.code.trim().to_string(),
                        name: s.name.trim().to_string(),
                        unit: s.unit,
                        block_minutes: block,
                        term_months: s.term_months,
                        currency: s.currency,
                        seat_limit: s.seat_limit,
                        addon_sku_id: s.addon_sku.as_ref().map(|_| Id::new(0)),
                        bounds: s.bounds.clone(),
                        bounds_note: s.bounds_note.clone(),
                        always_custom: s.always_custom,
                        standard_sow: s.standard_sow,
                        te_separate: s.te_separate,
                        channel: s.channel,
                        status: s.status,
                    };
                    if let Err(e) = f.validate() {
                        let e = match e {
                            Error::Invalid(list) => Error::Invalid(
                                list.into_iter()
                                    .map(|mut x| {
                                        if x.field == "block_minutes" {
                                            x.field = "block_hours".into();
                                        }
                                        if x.field == "addon_sku_id" {
                                            x.field = "addon_sku".into();
                                        }
                                        x
                                    })
                                    .collect(),
                            ),
                            other => other,
                        };
                        push(&at, e);
                    }
                    if !codes.insert(key(&s.code)) {
                        push(
                            &at,
                            Error::invalid("code", Rule::Duplicate, format!("SKU {} appears twice", s.code)),
                        );
                    }
                    let mut prices = Vec::new();
                    let mut days = HashSet::new();
                    for (pi, p) in s.prices.iter().enumerate() {
                        let at = format!("{at}.prices[{pi}]");
                        match p.amount.money(s.currency) {
                            Ok(m) if m.amount_minor >= 0 => prices.push((p.from, m, p.note.clone())),
                            Ok(_) => push(
                                &at,
                                Error::invalid("amount", Rule::NotNegative, "amount must not be negative"),
                            ),
                            Err(e) => push(&at, Error::invalid("amount", Rule::Money, e.to_string())),
                        }
                        if !days.insert(p.from) {
                            push(
                                &at,
                                Error::invalid(
                                    "from",
                                    Rule::DuplicateDate,
                                    format!("SKU {} has two prices from {}", s.code, p.from),
                                ),
                            );
                        }
                    }
                    out.skus.push((okey.clone(), f, s.addon_sku.clone(), prices));
                }
            }
        }
    }
    for (ci, c) in file.categories.iter().enumerate() {
        for (ti, t) in c.types.iter().enumerate() {
            for (oi, o) in t.offerings.iter().enumerate() {
                for (si, s) in o.skus.iter().enumerate() {
                    if let Some(code) = &s.addon_sku
                        && !codes.contains(&key(code))
                        && !known_codes.contains(&key(code))
                    {
                        let at = format!("categories[{ci}].types[{ti}].offerings[{oi}].skus[{si}]");
                        push(
                            &at,
                            Error::invalid(
                                "addon_sku",
                                Rule::Exists,
                                format!("addon_sku {code} is no SKU of the file or the catalog"),
                            ),
                        );
                    }
                }
            }
        }
    }
    let mut bundle_names = HashSet::new();
    for (bi, b) in file.bundles.iter().enumerate() {
        let at = format!("bundles[{bi}]");
        let mut refs = Vec::new();
        for (i, r) in b.offerings.iter().enumerate() {
            match offering_ref(r) {
                Some(k) if offering_names.contains(&k) || known_offerings.contains(&k) => refs.push(k),
                Some(_) => push(
                    &at,
                    Error::invalid(
                        format!("offerings[{i}]"),
                        Rule::Exists,
                        format!("{r} is no offering of the file or the catalog"),
                    ),
                ),
                None => push(
                    &at,
                    Error::invalid(
                        format!("offerings[{i}]"),
                        Rule::InvalidValue,
                        format!("{r}: name an offering as '<type> / <offering>'"),
                    ),
                ),
            }
        }
        if !bundle_names.insert(key(&b.name)) {
            push(
                &at,
                Error::invalid("name", Rule::Duplicate, format!("bundle {} appears twice", b.name)),
            );
        }
        let f = BundleFields {
            name: b.name.trim().to_string(),
            description: b.description.clone(),
            offering_ids: vec![Id::new(0)],
        };
        if let Err(e) = f.validate() {
            push(&at, e);
        }
        out.bundles.push((f, refs));
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// The catalog as stored, live records only.
struct Current {
    types: Vec<OfferingType>,
    offerings: Vec<Offering>,
    skus: Vec<Sku>,
    prices: Vec<SkuPrice>,
    bundles: Vec<Bundle>,
}

async fn current(store: &dyn Store) -> Result<Current> {
    Ok(Current {
        types: crate::every!(store, OfferingTypeFilter::default()),
        offerings: crate::every!(store, OfferingFilter::default()),
        skus: crate::every!(store, SkuFilter::default()),
        prices: crate::every!(store, super::skus::SkuPriceFilter::default()),
        bundles: crate::every!(store, BundleFilter::default()),
    })
}

impl Current {
    fn type_key(&self, id: Id<OfferingType>) -> String {
        self.types
            .iter()
            .find(|t| t.id == id)
            .map(|t| key(&t.fields.name))
            .unwrap_or_default()
    }

    fn offering_keys(&self) -> HashSet<(String, String)> {
        self.offerings
            .iter()
            .map(|o| (self.type_key(o.fields.type_id), key(&o.fields.name)))
            .collect()
    }
}

fn tally<T>(r: &mut Report, c: Created<T>) -> Option<T> {
    r.created += 1;
    match c {
        Created::New(v) => Some(v),
        Created::Replayed(_) => None,
    }
}

/// Applies a file: checks every entry first (and writes nothing if any is wrong, or on a
/// dry run), then creates what is new and changes what differs, types first, then
/// offerings, SKUs, add-on links, prices and bundles.
pub async fn apply(store: &dyn Store, ctx: &WriteCtx, file: &CatalogFile, dry_run: bool) -> Result<Report> {
    let mut now = current(store).await?;
    let known_codes: HashSet<String> = now.skus.iter().map(|s| key(&s.fields.code)).collect();
    let resolved = match resolve(file, &known_codes, &now.offering_keys()) {
        Ok(r) => r,
        Err(errors) => {
            return Ok(Report {
                errors,
                ..Report::default()
            });
        }
    };
    let mut r = Report::default();
    if dry_run {
        r.created = count_new(&now, &resolved);
        return Ok(r);
    }
    // Types.
    let mut type_ids: HashMap<String, Id<OfferingType>> = HashMap::new();
    for f in &resolved.types {
        let found = now
            .types
            .iter()
            .find(|t| key(&t.fields.name) == key(&f.name) && key(&t.fields.category) == key(&f.category));
        let id = match found {
            Some(t) if t.fields == *f => {
                r.unchanged += 1;
                t.id
            }
            Some(t) => {
                let patch = OfferingTypePatch {
                    category: Some(f.category.clone()),
                    name: Some(f.name.clone()),
                    description: Some(f.description.clone()),
                };
                r.updated += 1;
                store.update(ctx, t.id, None, patch).await?.id
            }
            None => match tally(&mut r, store.create(ctx, f.clone()).await?) {
                Some(t) => t.id,
                None => continue,
            },
        };
        type_ids.insert(key(&f.name), id);
    }
    // Offerings.
    let mut offering_ids: HashMap<(String, String), Id<Offering>> = HashMap::new();
    for (tkey, f) in &resolved.offerings {
        let Some(type_id) = type_ids.get(tkey).copied() else {
            continue;
        };
        let f = OfferingFields { type_id, ..f.clone() };
        let found = now
            .offerings
            .iter()
            .find(|o| o.fields.type_id == type_id && key(&o.fields.name) == key(&f.name));
        let id = match found {
            Some(o) if o.fields == f => {
                r.unchanged += 1;
                o.id
            }
            Some(o) => {
                let patch = OfferingPatch {
                    type_id: None,
                    name: Some(f.name.clone()),
                    maturity: Some(f.maturity),
                    description: Some(f.description.clone()),
                    kit_links: Some(f.kit_links.clone()),
                    checklist: Some(f.checklist.clone()),
                    effort: Some(f.effort.clone()),
                };
                r.updated += 1;
                store.update(ctx, o.id, None, patch).await?.id
            }
            None => match tally(&mut r, store.create(ctx, f.clone()).await?) {
                Some(o) => o.id,
                None => continue,
            },
        };
        offering_ids.insert((tkey.clone(), key(&f.name)), id);
    }
    for o in &now.offerings {
        offering_ids
            .entry((now.type_key(o.fields.type_id), key(&o.fields.name)))
            .or_insert(o.id);
    }
    // SKUs, their add-on links once all exist, and prices.
    let mut sku_ids: HashMap<String, Id<Sku>> = now.skus.iter().map(|s| (key(&s.fields.code), s.id)).collect();
    let mut changed: HashMap<String, bool> = HashMap::new();
    for (okey, f, _, _) in &resolved.skus {
        let Some(offering_id) = offering_ids.get(okey).copied() else {
            continue;
        };
        let existing = now.skus.iter().find(|s| key(&s.fields.code) == key(&f.code));
        // Add-ons are linked below, once every SKU exists; keep what is stored until then.
        let f = SkuFields {
            offering_id,
            addon_sku_id: existing.and_then(|s| s.fields.addon_sku_id),
            ..f.clone()
        };
        match existing {
            Some(s) => {
                let differs = s.fields != f;
                if differs {
                    store.update(ctx, s.id, None, sku_patch(&f)).await?;
                }
                changed.insert(key(&f.code), differs);
            }
            None => {
                if let Some(s) = tally(&mut r, store.create(ctx, f.clone()).await?) {
                    sku_ids.insert(key(&f.code), s.id);
                }
            }
        }
    }
    now = current(store).await?;
    for (_, f, addon, prices) in &resolved.skus {
        let Some(id) = sku_ids.get(&key(&f.code)).copied() else {
            continue;
        };
        let Some(stored) = now.skus.iter().find(|s| s.id == id) else {
            continue;
        };
        let want = addon.as_ref().and_then(|c| sku_ids.get(&key(c)).copied());
        let relinked = stored.fields.addon_sku_id != want;
        if relinked {
            let patch = SkuPatch {
                addon_sku_id: Some(want),
                ..Default::default()
            };
            store.update(ctx, id, None, patch).await?;
        }
        match changed.get(&key(&f.code)) {
            Some(true) => r.updated += 1,
            Some(false) if relinked => r.updated += 1,
            Some(false) => r.unchanged += 1,
            None => {}
        }
        for (from, price, note) in prices {
            let found = now
                .prices
                .iter()
                .find(|p| p.fields.sku_id == id && p.fields.effective_from == *from);
            let fields = SkuPriceFields {
                sku_id: id,
                effective_from: *from,
                price: *price,
                note: note.clone(),
            };
            match found {
                Some(p) if p.fields == fields => r.unchanged += 1,
                Some(p) => {
                    r.updated += 1;
                    let patch = SkuPricePatch {
                        effective_from: None,
                        price: Some(*price),
                        note: Some(note.clone()),
                    };
                    store.update(ctx, p.id, None, patch).await?;
                }
                None => {
                    tally(&mut r, store.create(ctx, fields).await?);
                }
            }
        }
    }
    // Bundles.
    for (f, refs) in &resolved.bundles {
        let ids: Vec<_> = refs.iter().filter_map(|k| offering_ids.get(k).copied()).collect();
        let f = BundleFields {
            offering_ids: ids,
            ..f.clone()
        };
        match now.bundles.iter().find(|b| key(&b.fields.name) == key(&f.name)) {
            Some(b) if b.fields == f => r.unchanged += 1,
            Some(b) => {
                r.updated += 1;
                let patch = BundlePatch {
                    name: Some(f.name.clone()),
                    description: Some(f.description.clone()),
                    offering_ids: Some(f.offering_ids.clone()),
                };
                store.update(ctx, b.id, None, patch).await?;
            }
            None => {
                tally(&mut r, store.create(ctx, f).await?);
            }
        }
    }
    Ok(r)
}

fn sku_patch(f: &SkuFields) -> SkuPatch {
    SkuPatch {
        offering_id: Some(f.offering_id),
        code: Some(f.code.clone()),
        name: Some(f.name.clone()),
        unit: Some(f.unit),
        block_minutes: Some(f.block_minutes),
        term_months: Some(f.term_months),
        currency: Some(f.currency),
        seat_limit: Some(f.seat_limit),
        addon_sku_id: None,
        bounds: Some(f.bounds.clone()),
        bounds_note: Some(f.bounds_note.clone()),
        always_custom: Some(f.always_custom),
        standard_sow: Some(f.standard_sow),
        te_separate: Some(f.te_separate),
        channel: Some(f.channel),
        status: Some(f.status),
    }
}

/// How many records a file would add (a dry run's count).
fn count_new(now: &Current, r: &Resolved) -> u64 {
    let types = r
        .types
        .iter()
        .filter(|f| {
            !now.types
                .iter()
                .any(|t| key(&t.fields.name) == key(&f.name) && key(&t.fields.category) == key(&f.category))
        })
        .count();
    let known = now.offering_keys();
    let offerings = r
        .offerings
        .iter()
        .filter(|(t, f)| !known.contains(&(t.clone(), key(&f.name))))
        .count();
    let skus = r
        .skus
        .iter()
        .filter(|(_, f, ..)| !now.skus.iter().any(|s| key(&s.fields.code) == key(&f.code)))
        .count();
    let bundles = r
        .bundles
        .iter()
        .filter(|(f, _)| !now.bundles.iter().any(|b| key(&b.fields.name) == key(&f.name)))
        .count();
    (types + offerings + skus + bundles) as u64
}

/// The stored catalog as a file: live records, in a stable order (categories, types and
/// offerings by name, SKUs by code, prices by date, bundles by name).
pub async fn export(store: &dyn Store) -> Result<CatalogFile> {
    let now = current(store).await?;
    let codes: HashMap<Id<Sku>, String> = now.skus.iter().map(|s| (s.id, s.fields.code.clone())).collect();
    let mut categories: BTreeMap<String, (String, Vec<TypeEntry>)> = BTreeMap::new();
    let mut types: Vec<&OfferingType> = now.types.iter().collect();
    types.sort_by_key(|t| key(&t.fields.name));
    for t in types {
        let mut offerings: Vec<&Offering> = now.offerings.iter().filter(|o| o.fields.type_id == t.id).collect();
        offerings.sort_by_key(|o| key(&o.fields.name));
        let offerings = offerings
            .into_iter()
            .map(|o| {
                let mut skus: Vec<&Sku> = now.skus.iter().filter(|s| s.fields.offering_id == o.id).collect();
                skus.sort_by_key(|s| key(&s.fields.code));
                OfferingEntry {
                    name: o.fields.name.clone(),
                    maturity: o.fields.maturity,
                    description: o.fields.description.clone(),
                    kit: Kit {
                        links: o.fields.kit_links.clone(),
                        checklist: o.fields.checklist.clone(),
                    },
                    effort: o
                        .fields
                        .effort
                        .iter()
                        .map(|e| EffortEntry {
                            role: e.role,
                            hours: Hours::of(e.minutes),
                        })
                        .collect(),
                    skus: skus.into_iter().map(|s| sku_entry(s, &codes, &now.prices)).collect(),
                }
            })
            .collect();
        let entry = categories
            .entry(key(&t.fields.category))
            .or_insert_with(|| (t.fields.category.clone(), vec![]));
        entry.1.push(TypeEntry {
            name: t.fields.name.clone(),
            description: t.fields.description.clone(),
            offerings,
        });
    }
    let names: HashMap<Id<Offering>, String> = now
        .offerings
        .iter()
        .map(|o| {
            let t = now
                .types
                .iter()
                .find(|t| t.id == o.fields.type_id)
                .map(|t| t.fields.name.clone())
                .unwrap_or_default();
            (o.id, format!("{t} / {}", o.fields.name))
        })
        .collect();
    let mut bundles: Vec<&Bundle> = now.bundles.iter().collect();
    bundles.sort_by_key(|b| key(&b.fields.name));
    Ok(CatalogFile {
        categories: categories
            .into_values()
            .map(|(name, types)| CategoryEntry { name, types })
            .collect(),
        bundles: bundles
            .into_iter()
            .map(|b| BundleEntry {
                name: b.fields.name.clone(),
                description: b.fields.description.clone(),
                offerings: b
                    .fields
                    .offering_ids
                    .iter()
                    .filter_map(|id| names.get(id).cloned())
                    .collect(),
            })
            .collect(),
    })
}

fn sku_entry(s: &Sku, codes: &HashMap<Id<Sku>, String>, prices: &[SkuPrice]) -> SkuEntry {
    let f = &s.fields;
    let mut mine: Vec<&SkuPrice> = prices.iter().filter(|p| p.fields.sku_id == s.id).collect();
    mine.sort_by_key(|p| p.fields.effective_from);
    SkuEntry {
        code: f.code.clone(),
        name: f.name.clone(),
        unit: f.unit,
        block_hours: f.block_minutes.map(Hours::of),
        term_months: f.term_months,
        currency: f.currency,
        seat_limit: f.seat_limit,
        addon_sku: f.addon_sku_id.and_then(|id| codes.get(&id).cloned()),
        bounds: f.bounds.clone(),
        bounds_note: f.bounds_note.clone(),
        always_custom: f.always_custom,
        standard_sow: f.standard_sow,
        te_separate: f.te_separate,
        channel: f.channel,
        status: f.status,
        prices: mine
            .into_iter()
            .map(|p| PriceEntry {
                from: p.fields.effective_from,
                amount: Amount::of(p.fields.price),
                note: p.fields.note.clone(),
            })
            .collect(),
    }
}

#[cfg(test)]
#[path = "file_tests.rs"]
mod tests;
