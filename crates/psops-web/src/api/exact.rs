//! Makes the OpenAPI document say exactly what the server does, in one pass over the
//! generated document rather than at each route, so a client generated from it works
//! and `schemathesis --checks all` finds nothing (see `.ci/schemathesis`):
//!
//! - records are one object: serde's `flatten` becomes an `allOf` of the fields, the
//!   envelope (`id`, `version`, `created_at`, `updated_at`, `archived_at`) and the
//!   kind's own read-only values, whose parts each said `additionalProperties: false`
//!   and so refused one another's properties. The parts are merged into one object
//!   that names every property an answer has, and nothing else.
//! - the bounds the server keeps are written down: every date, month, ISO week and
//!   fiscal quarter lies from 1900-01-01 to 2200-12-31 (a `pattern`), a whole number
//!   fits the width of the integer it is read into, ids in filters and paths are 1 or
//!   more, `If-Match` is an ETag or `*`, `Idempotency-Key` is 1 to
//!   255 visible characters.
//! - every operation lists the problems it can answer with: 401 without a token, 403 and
//!   404 from the policy, 422 for a parameter or body that breaks a rule, 400/413/415
//!   for a body, 503 at the time limit.
//!
//! And the other way round: a query parameter the document types (a number, a date, a
//! code, a flag) given an empty value is refused with 422 naming it — the document
//! says an empty string is not a date — where the pages' forms treat blank as absent.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::str::FromStr;
use std::sync::OnceLock;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use psops_core::Error;
use psops_core::rule::Rule;
use psops_core::timesheet::IsoWeek;
use serde_json::{Map, Value, json};

/// A year psops takes, 1900 to 2200, as a regular expression.
const YEAR: &str = "(19[0-9]{2}|2[01][0-9]{2}|2200)";

/// `YYYY-MM-DD` within the bounds; `format: date` says the day exists.
fn date_pattern() -> String {
    format!("^{YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")
}

fn month_pattern() -> String {
    format!("^{YEAR}-(0[1-9]|1[0-2])$")
}

/// A fiscal quarter, `FY2027-Q1` or `2027-Q1`, as `FiscalQuarter` reads it: trimmed, and
/// to FY2201, whose first quarters lie in 2200 when the fiscal year starts after January
/// (whether a quarter's days all lie within the bounds depends on that setting, and is
/// answered as `span`).
fn quarter_pattern() -> String {
    format!("^[{BLANKS}]*(FY)?({YEAR}|2201)-Q[1-4][{BLANKS}]*$")
}

/// Exactly the ISO weeks psops takes: week 53 only in the years that have one, and
/// only weeks whose days lie within the bounds.
fn week_pattern() -> &'static str {
    static PATTERN: OnceLock<String> = OnceLock::new();
    PATTERN.get_or_init(|| {
        let mut by_weeks: BTreeMap<Vec<u8>, Vec<i32>> = BTreeMap::new();
        for year in 1900..=2200 {
            let weeks: Vec<u8> = (1..=53u8)
                .filter(|w| IsoWeek::from_str(&format!("{year:04}-W{w:02}")).is_ok())
                .collect();
            if !weeks.is_empty() {
                by_weeks.entry(weeks).or_default().push(year);
            }
        }
        let alternatives: Vec<String> = by_weeks
            .iter()
            .map(|(weeks, years)| {
                let weeks = if weeks.iter().copied().eq(1..=52) {
                    "(0[1-9]|[1-4][0-9]|5[0-2])".to_string()
                } else if weeks.iter().copied().eq(1..=53) {
                    "(0[1-9]|[1-4][0-9]|5[0-3])".to_string()
                } else {
                    let each: Vec<String> = weeks.iter().map(|w| format!("{w:02}")).collect();
                    format!("({})", each.join("|"))
                };
                let years: Vec<String> = years.iter().map(i32::to_string).collect();
                format!("({})-W{weeks}", years.join("|"))
            })
            .collect();
        format!("^({})$", alternatives.join("|"))
    })
}

/// Makes the document exact: see the module's text.
pub fn make_exact(doc: &mut Value) {
    let schemas = doc["components"]["schemas"].clone();
    if let Some(all) = doc["components"]["schemas"].as_object_mut() {
        for schema in all.values_mut() {
            flatten_all_of(schema, &schemas);
        }
    }
    if let Some(paths) = doc["paths"].as_object_mut() {
        for item in paths.values_mut() {
            flatten_all_of(item, &schemas);
        }
    }
    // The bounds are what psops takes: parameters and request bodies (and the schemas
    // they refer to), not answers, which may name a period's edge beyond them.
    let requests = request_schemas(doc);
    for name in &requests {
        bound_values(&mut doc["components"]["schemas"][name.as_str()]);
    }
    state_request_rules(doc, &requests);
    state_text_rules(doc, &requests);
    patches_as_their_fields(doc, &requests);
    if let Some(paths) = doc["paths"].as_object_mut() {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for op in item.values_mut() {
                if let Some(body) = op.get_mut("requestBody") {
                    bound_values(body);
                }
                if let Some(params) = op.get_mut("parameters") {
                    bound_values(params);
                }
            }
        }
    }
    if let Some(paths) = doc["paths"].as_object_mut() {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else { continue };
            for (method, op) in item.iter_mut() {
                if !matches!(method.as_str(), "get" | "put" | "post" | "delete" | "patch") {
                    continue;
                }
                if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
                    params.iter_mut().for_each(bound_parameter);
                }
                document_problems(path, op);
            }
        }
    }
}

/// The component schemas request bodies and parameters refer to, directly or not.
fn request_schemas(doc: &Value) -> BTreeSet<String> {
    fn refs(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(r) = map.get("$ref").and_then(Value::as_str) {
                    out.push(r.trim_start_matches("#/components/schemas/").to_string());
                }
                map.values().for_each(|v| refs(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut todo = Vec::new();
    for item in doc["paths"].as_object().into_iter().flat_map(|m| m.values()) {
        for op in item.as_object().into_iter().flat_map(|m| m.values()) {
            refs(&op["requestBody"], &mut todo);
            refs(&op["parameters"], &mut todo);
        }
    }
    let mut seen = BTreeSet::new();
    while let Some(name) = todo.pop() {
        if seen.insert(name.clone()) {
            refs(&doc["components"]["schemas"][name.as_str()], &mut todo);
        }
    }
    seen
}

/// What the validators take as a required text (`Checks::text`): something left once
/// the blanks Rust's `trim` cuts are cut. The class lists those blanks (Unicode's
/// White_Space) rather than `\s`, whose meaning differs between regex dialects.
pub(crate) const NOT_BLANK: &str = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]";

/// A request's required texts must not be blank: every free string (no format, pattern
/// or enum) a request schema requires, and the same property of its `…Patch`, which the
/// server merges into the `…Fields` and checks alike. Stated here, once, as
/// `minLength: 1` and a pattern. And the ids a request names are 1 or more.
fn state_request_rules(doc: &mut Value, requests: &BTreeSet<String>) {
    let schemas = doc["components"]["schemas"].clone();
    let required = |schema: &Value, name: &str| {
        schema["required"]
            .as_array()
            .is_some_and(|r| r.iter().any(|n| n == name))
    };
    for name in requests {
        let fields = name
            .strip_suffix("Patch")
            .map(|base| &schemas[format!("{base}Fields").as_str()]);
        // `get_mut`, not indexing, which would add a null `properties` where none is.
        let Some(properties) = doc["components"]["schemas"]
            .get_mut(name.as_str())
            .and_then(|s| s.get_mut("properties"))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        for (property, schema) in properties.iter_mut() {
            let own = required(&schemas[name.as_str()], property);
            let merged = fields.is_some_and(|f| required(f, property));
            // A text given `min_length = 1` (an optional code that is not blank when
            // given) is checked as a required text is.
            let at_least_one = schema["minLength"] == 1 && {
                let mut relaxed = schema.clone();
                relaxed["minLength"] = json!(0);
                empty_fits(&relaxed)
            };
            if (own || merged) && empty_fits(schema) || at_least_one {
                not_blank(schema);
            }
            // No object has an id of 0 or below, as in paths and filters.
            if property == "id" || property.ends_with("_id") {
                bound_id(schema);
            } else if let Some(items) = schema.get_mut("items").filter(|_| property.ends_with("_ids")) {
                bound_id(items);
            }
            // A list of texts (a checklist, a SOW's assumptions, certifications by code)
            // is checked item by item as required texts.
            if let Some(items) = schema.get_mut("items").filter(|i| empty_fits(i)) {
                not_blank(items);
            }
        }
    }
    // The inline objects of a request's one-of (an override's scope, `{"region": …}`)
    // require their texts alike.
    for name in requests {
        let Some(variants) = doc["components"]["schemas"]
            .get_mut(name.as_str())
            .and_then(|s| s.get_mut("oneOf"))
            .and_then(Value::as_array_mut)
        else {
            continue;
        };
        for variant in variants.iter_mut() {
            if let Some(properties) = variant.get_mut("properties").and_then(Value::as_object_mut) {
                for (property, schema) in properties.iter_mut() {
                    if property == "id" || property.ends_with("_id") {
                        bound_id(schema);
                    }
                }
            }
            // One kind or the other, with that kind's fields only.
            if CLOSED_VARIANTS.contains(&name.as_str()) && variant.get("properties").is_some() {
                variant["additionalProperties"] = json!(false);
            }
            let names: Vec<String> = variant["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|n| n.as_str().map(str::to_string))
                .collect();
            for property in names {
                if let Some(schema) = variant
                    .get_mut("properties")
                    .and_then(|p| p.get_mut(property.as_str()))
                    .filter(|p| empty_fits(p))
                {
                    not_blank(schema);
                }
            }
        }
    }
}

/// The blanks of [`NOT_BLANK`] (Rust's `char::is_whitespace`), for use inside a class.
pub(crate) use psops_core::validate::BLANKS;

/// `Checks::email`: one `@` with something before it; a domain with no `@`, a dot in it
/// and neither starting nor ending with one; no blank anywhere.
fn email_pattern() -> String {
    format!("^[^@{BLANKS}]+@[^@.{BLANKS}][^@{BLANKS}]*\\.[^@{BLANKS}]*[^@.{BLANKS}]$")
}

/// `people::valid_time_zone`: `UTC` or a name with a `/` (`Europe/Berlin`) of letters,
/// digits, `_`, `-` and `+`, at most 64 characters.
const TIME_ZONE: &str = "^(UTC|[A-Za-z0-9_+-]*/[A-Za-z0-9_+/-]*)$";

/// `webhooks::check_url`: `http://` or `https://` in any case, a host (what comes before
/// the first `/`, `?` or `#`) that is there and does not start with `:`, no blank inside;
/// blanks around are trimmed.
fn webhook_url_pattern() -> String {
    format!("^[{BLANKS}]*[Hh][Tt][Tt][Pp][Ss]?://[^/?#:{BLANKS}][^{BLANKS}]*[{BLANKS}]*$")
}

/// A milestone's evidence link: `http://` or `https://` in any case, no blank inside;
/// blanks around are trimmed.
fn evidence_url_pattern() -> String {
    format!("^[{BLANKS}]*[Hh][Tt][Tt][Pp][Ss]?://[^{BLANKS}]*[{BLANKS}]*$")
}

/// An offering's kit link (`offerings::is_web_address`): `http://` or `https://` as
/// written, then one or more characters that are neither blank nor control characters.
fn kit_url_pattern() -> String {
    format!("^https?://[^{BLANKS}\\u0000-\\u001f\\u007f-\\u009f]+$")
}

/// The texts whose form the validators check, stated as patterns: codes, e-mail
/// addresses, time zones and the three kinds of link. By property name (and, for links, by the
/// schema that holds them), since the validators share these checks across kinds.
fn state_text_rules(doc: &mut Value, requests: &BTreeSet<String>) {
    // `Checks::code`: not blank, and letters, digits, `-`, `_` and `.` once trimmed.
    let code = format!("^[{BLANKS}]*[A-Za-z0-9_.-]+[{BLANKS}]*$");
    let codes = ["SkuFields", "CertificationFields"];
    let links = [
        ("NewSubscription", webhook_url_pattern()),
        ("SubscriptionPatch", webhook_url_pattern()),
        ("EvidenceLinkBody", evidence_url_pattern()),
        ("KitLink", kit_url_pattern()),
    ];
    for name in requests {
        let Some(properties) = doc["components"]["schemas"]
            .get_mut(name.as_str())
            .and_then(|s| s.get_mut("properties"))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        for (property, schema) in properties.iter_mut() {
            let string = schema["type"] == "string"
                || schema["type"]
                    .as_array()
                    .is_some_and(|ts| ts.iter().any(|t| t == "string"));
            if !string || schema.get("format").is_some() || schema.get("enum").is_some() {
                continue;
            }
            if property == "code" && codes.contains(&name.as_str()) {
                schema["pattern"] = json!(code);
            } else if property == "email" || property.ends_with("_email") {
                schema["pattern"] = json!(email_pattern());
            } else if property == "time_zone" {
                schema["pattern"] = json!(TIME_ZONE);
                schema["maxLength"] = json!(64);
            } else if property == "url"
                && let Some((_, pattern)) = links.iter().find(|(kind, _)| kind == name)
            {
                schema["pattern"] = json!(pattern);
            }
        }
    }
}

/// Request one-ofs whose Rust enum refuses unknown fields in each variant: an estimate's
/// line (tagged, `deny_unknown_fields`) and an override's scope (one key, the variant's).
const CLOSED_VARIANTS: [&str; 2] = ["LineInput", "OverrideScope"];

fn not_blank(schema: &mut Value) {
    schema["minLength"] = json!(1);
    schema["pattern"] = json!(NOT_BLANK);
}

/// A `…Patch` is merged into its `…Fields` and the result checked as the fields are, so
/// each of its properties takes what the same property of the fields takes (ranges,
/// patterns, amounts' signs), and null where the patch took null (left unchanged, or
/// cleared where the field is optional).
fn patches_as_their_fields(doc: &mut Value, requests: &BTreeSet<String>) {
    let schemas = doc["components"]["schemas"].clone();
    for name in requests {
        let Some(fields) = name
            .strip_suffix("Patch")
            .and_then(|base| schemas[format!("{base}Fields").as_str()]["properties"].as_object())
        else {
            continue;
        };
        let Some(properties) = doc["components"]["schemas"]
            .get_mut(name.as_str())
            .and_then(|s| s.get_mut("properties"))
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        for (property, schema) in properties.iter_mut() {
            let Some(field) = fields.get(property) else { continue };
            let mut stated = if takes_null(schema) {
                nullable(field)
            } else {
                field.clone()
            };
            if let (Some(own), Some(map)) = (schema.get("description").cloned(), stated.as_object_mut()) {
                map.entry("description").or_insert(own);
            }
            *schema = stated;
        }
    }
}

fn takes_null(schema: &Value) -> bool {
    schema["type"] == "null"
        || schema["type"]
            .as_array()
            .is_some_and(|ts| ts.iter().any(|t| t == "null"))
        || ["oneOf", "anyOf"]
            .iter()
            .any(|k| schema[*k].as_array().is_some_and(|vs| vs.iter().any(takes_null)))
}

/// The schema, or null.
fn nullable(schema: &Value) -> Value {
    if takes_null(schema) {
        return schema.clone();
    }
    let mut out = schema.clone();
    let enumerated = out.get("enum").is_some();
    match out.get_mut("type") {
        Some(Value::String(t)) if !enumerated => {
            let t = t.clone();
            out["type"] = json!([t, "null"]);
            out
        }
        Some(Value::Array(ts)) if !enumerated => {
            ts.push(json!("null"));
            out
        }
        _ => json!({"oneOf": [out, {"type": "null"}]}),
    }
}

/// An integer id (or a nullable one) is 1 or more.
fn bound_id(schema: &mut Value) {
    let integer = schema["type"] == "integer"
        || schema["type"]
            .as_array()
            .is_some_and(|ts| ts.iter().any(|t| t == "integer"));
    if integer {
        schema["minimum"] = json!(1);
    }
}

fn resolve<'a>(schema: &'a Value, schemas: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => resolve(&schemas[r.trim_start_matches("#/components/schemas/")], schemas),
        None => schema,
    }
}

/// Merges every `allOf` whose parts are plain objects (after `$ref`) into one object.
fn flatten_all_of(value: &mut Value, schemas: &Value) {
    match value {
        Value::Object(map) => {
            for v in map.values_mut() {
                flatten_all_of(v, schemas);
            }
            let Some(parts) = map.get("allOf").and_then(Value::as_array) else {
                return;
            };
            let mut properties = Map::new();
            let mut required: Vec<Value> = Vec::new();
            for part in parts {
                let mut part = resolve(part, schemas).clone();
                // A part may itself be a flattened record.
                flatten_all_of(&mut part, schemas);
                let plain = part["type"] == "object"
                    && ["allOf", "oneOf", "anyOf", "$ref"]
                        .iter()
                        .all(|k| part.get(*k).is_none())
                    && part
                        .get("additionalProperties")
                        .is_none_or(|a| a == &Value::Bool(false));
                if !plain {
                    return;
                }
                if let Some(p) = part["properties"].as_object() {
                    properties.extend(p.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
                for r in part["required"].as_array().into_iter().flatten() {
                    if !required.contains(r) {
                        required.push(r.clone());
                    }
                }
            }
            map.remove("allOf");
            map.insert("type".into(), json!("object"));
            map.insert("properties".into(), Value::Object(properties));
            if !required.is_empty() {
                map.insert("required".into(), Value::Array(required));
            }
            map.insert("additionalProperties".into(), Value::Bool(false));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| flatten_all_of(v, schemas)),
        _ => {}
    }
}

/// Every date, month and ISO week schema, wherever it is, says the bounds.
fn bound_values(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let string = map
                .get("type")
                .is_some_and(|t| t == "string" || t.as_array().is_some_and(|ts| ts.iter().any(|t| t == "string")));
            // A whole number is read into a Rust integer of the format's width.
            let (low, high) = match map.get("format").and_then(Value::as_str) {
                Some("int8") => (i64::from(i8::MIN), i64::from(i8::MAX)),
                Some("int16") => (i64::from(i16::MIN), i64::from(i16::MAX)),
                Some("int32") => (i64::from(i32::MIN), i64::from(i32::MAX)),
                Some("int64") => (i64::MIN, i64::MAX),
                Some("uint8") => (0, i64::from(u8::MAX)),
                Some("uint16") => (0, i64::from(u16::MAX)),
                Some("uint32") => (0, i64::from(u32::MAX)),
                _ => (0, -1),
            };
            if low <= high {
                map.entry("minimum").or_insert(json!(low));
                map.entry("maximum").or_insert(json!(high));
            }
            if string && map.get("format").is_some_and(|f| f == "date") {
                map.insert("pattern".into(), json!(date_pattern()));
            }
            match map.get("pattern").and_then(Value::as_str) {
                Some(r"^\d{4}-W\d{2}$") => {
                    map.insert("pattern".into(), json!(week_pattern()));
                }
                Some("^[0-9]{4}-(0[1-9]|1[0-2])$") => {
                    map.insert("pattern".into(), json!(month_pattern()));
                }
                _ => {}
            }
            map.values_mut().for_each(bound_values);
        }
        Value::Array(items) => items.iter_mut().for_each(bound_values),
        _ => {}
    }
}

fn bound_parameter(p: &mut Value) {
    let name = p["name"].as_str().unwrap_or("").to_string();
    let place = p["in"].as_str().unwrap_or("").to_string();
    let required = p["required"] == true;
    let Some(schema) = p.get_mut("schema").and_then(Value::as_object_mut) else {
        return;
    };
    let integer = schema.get("type").is_some_and(|t| t == "integer");
    let string = schema.get("type").is_some_and(|t| t == "string");
    let free = string && ["format", "pattern", "enum"].iter().all(|k| schema.get(*k).is_none());
    if integer && (name == "id" || name.ends_with("_id") || name == "person_id") {
        schema.insert("minimum".into(), json!(1));
    }
    match (place.as_str(), name.as_str()) {
        ("header", "If-Match") => {
            schema.insert("pattern".into(), json!(r#"^[ \t]*(\*|(W/)?"[0-9]{1,18}")?[ \t]*$"#));
        }
        ("header", "Idempotency-Key") => {
            schema.insert("pattern".into(), json!("^[ \t]*[!-~]([ -~]{0,253}[!-~])?[ \t]*$"));
        }
        (_, "week") if free => {
            schema.insert("pattern".into(), json!(week_pattern()));
        }
        (_, "month") if free => {
            schema.insert("pattern".into(), json!(month_pattern()));
        }
        (_, "quarter" | "closed_quarter") if free => {
            schema.insert("pattern".into(), json!(quarter_pattern()));
        }
        // A currency is parsed trimmed, as an ISO 4217 code.
        ("query", "currency") if free => {
            schema.insert("pattern".into(), json!(format!("^[{BLANKS}]*[A-Z]{{3}}[{BLANKS}]*$")));
        }
        // An uploaded file's name: a required text of at most 200 characters, without
        // folders (`/`, `\`) or control characters.
        ("query", "file_name") if free => {
            let other = r"/\\\u0000-\u001f\u007f-\u009f";
            schema.insert("maxLength".into(), json!(200));
            schema.insert(
                "pattern".into(),
                json!(format!("^[^{other}]*[^{other}{BLANKS}][^{other}]*$")),
            );
        }
        // A required text (a partner invoice's number) is not blank.
        ("query", _) if free && required => {
            schema.insert("minLength".into(), json!(1));
            schema.insert("pattern".into(), json!(NOT_BLANK));
        }
        _ => {}
    }
}

fn problem(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    })
}

/// Adds the problems an operation can answer with that it does not list yet.
fn document_problems(path: &str, op: &mut Value) {
    let public = op["security"]
        .as_array()
        .is_some_and(|s| s.iter().all(|r| r.as_object().is_some_and(Map::is_empty)));
    if public || !path.starts_with("/api/v1/") {
        return;
    }
    let has_params = op["parameters"].as_array().is_some_and(|p| !p.is_empty());
    let body = op.get("requestBody").is_some();
    // 404 everywhere: what the caller may not even see (a whole list included) is
    // answered as what does not exist.
    let mut add = vec![
        ("401", "No valid API token"),
        ("403", "The caller may not do this"),
        ("404", "No such object, or one the caller may not see"),
        ("503", "The request ran into the server's time limit"),
    ];
    if has_params || body {
        add.push(("422", "The input breaks a rule; `errors` names field and rule"));
        add.push(("400", "A header or the body cannot be read"));
    }
    if body {
        add.push(("413", "The body is too large"));
        add.push(("415", "The body is not sent in the media type the operation takes"));
    }
    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
        return;
    };
    for (status, description) in add {
        responses
            .entry(status.to_string())
            .or_insert_with(|| problem(description));
    }
}

/// For each operation (method and path as the router matched it), the query parameters
/// whose schema no empty value fits.
fn typed_parameters() -> &'static HashMap<(String, String), BTreeSet<String>> {
    static TYPED: OnceLock<HashMap<(String, String), BTreeSet<String>>> = OnceLock::new();
    TYPED.get_or_init(|| {
        let doc = super::openapi();
        let schemas = &doc["components"]["schemas"];
        let mut typed = HashMap::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                let names: BTreeSet<String> = op["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|p| p["in"] == "query")
                    .filter(|p| !empty_fits(resolve(&p["schema"], schemas)))
                    .filter_map(|p| p["name"].as_str().map(str::to_string))
                    .collect();
                if !names.is_empty() {
                    typed.insert((method.to_ascii_uppercase(), path.clone()), names);
                }
            }
        }
        typed
    })
}

/// Whether `""` is a value of the schema (a free string, without format or pattern).
fn empty_fits(schema: &Value) -> bool {
    let string = schema["type"] == "string"
        || schema["type"]
            .as_array()
            .is_some_and(|ts| ts.iter().any(|t| t == "string"));
    string
        && ["format", "pattern", "enum"].iter().all(|k| schema.get(*k).is_none())
        && schema["minLength"].as_u64().unwrap_or(0) == 0
}

/// Refuses an empty value for a query parameter the document types (422 naming it).
pub async fn typed_query(request: Request, next: Next) -> Response {
    let matched = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string());
    if let (Some(path), Some(query)) = (matched, request.uri().query()) {
        let key = (request.method().as_str().to_string(), path);
        if let Some(names) = typed_parameters().get(&key) {
            let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
            let errors: Vec<psops_core::FieldError> = pairs
                .iter()
                .filter(|(k, v)| v.trim().is_empty() && names.contains(k))
                .map(|(k, _)| {
                    psops_core::FieldError::new(
                        k,
                        Rule::Required,
                        format!("{k} is empty: leave the parameter out, or give it a value its schema takes"),
                    )
                })
                .collect();
            if !errors.is_empty() {
                return crate::problem::ApiError::from(Error::Invalid(errors)).into_response();
            }
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_week_pattern_has_week_53_only_where_psops_takes_it() {
        let pattern = week_pattern();
        let long = pattern
            .split(")|(")
            .find(|alt| alt.ends_with("5[0-3])") || alt.ends_with("5[0-3]))$"))
            .expect("a group of years with 53 weeks");
        assert!(long.contains("2026"), "{long}");
        assert!(!long.contains("2025"), "{long}");
        assert!(IsoWeek::from_str("2026-W53").is_ok());
        assert!(IsoWeek::from_str("2025-W53").is_err());
        assert!(!pattern.contains("1899") && !pattern.contains("2201"));
    }

    #[test]
    fn required_texts_of_requests_are_stated_non_blank() {
        let doc = crate::api::openapi();
        let schemas = &doc["components"]["schemas"];
        // Required in the fields, and so in the patch that is merged into them.
        for (schema, property) in [
            ("AccountFields", "name"),
            ("AccountPatch", "name"),
            ("NewTokenBody", "name"),
        ] {
            let p = &schemas[schema]["properties"][property];
            assert_eq!(p["minLength"], 1, "{schema}.{property}: {p}");
            assert_eq!(p["pattern"], NOT_BLANK, "{schema}.{property}: {p}");
        }
        // Optional texts may be blank; answers are not requests.
        assert!(
            schemas["AccountFields"]["properties"]["industry"]
                .get("pattern")
                .is_none()
        );
        assert!(schemas["Problem"]["properties"]["title"].get("pattern").is_none());
        // Schemas without properties (enums, newtypes) are left as they are.
        for (name, schema) in schemas.as_object().expect("schemas") {
            assert!(!schema.get("properties").is_some_and(Value::is_null), "{name}");
        }
        assert_eq!(schemas["EnrolmentFields"]["properties"]["class_id"]["minimum"], 1);
    }

    #[test]
    fn a_patch_takes_what_its_fields_take_or_null() {
        let doc = crate::api::openapi();
        let schemas = &doc["components"]["schemas"];
        let attempts = &schemas["CertificationPatch"]["properties"]["max_attempts"];
        assert_eq!(
            (attempts["minimum"].as_i64(), attempts["maximum"].as_i64()),
            (Some(1), Some(20)),
            "{attempts}"
        );
        assert!(takes_null(attempts), "{attempts}");
        // A `$ref` of the fields (the account's currency) becomes one-of it or null.
        let currency = &schemas["AccountPatch"]["properties"]["currency"];
        assert!(takes_null(currency), "{currency}");
        assert!(
            currency.to_string().contains("#/components/schemas/Currency"),
            "{currency}"
        );
        // An amount's sign, stated on the fields, holds in the patch too.
        let rate = &schemas["CostRatePatch"]["properties"]["rate"];
        assert!(rate.to_string().contains(r#""minimum":0"#), "{rate}");
        assert!(takes_null(rate), "{rate}");
    }

    #[test]
    fn amounts_minutes_and_shares_state_their_bounds() {
        let doc = crate::api::openapi();
        let schemas = &doc["components"]["schemas"];
        let least = |schema: &str, property: &str| {
            let p = &schemas[schema]["properties"][property];
            let money = p["properties"]["amount_minor"]["minimum"].as_i64();
            let nullable = p["oneOf"][0]["properties"]["amount_minor"]["minimum"].as_i64();
            money.or(nullable).or(p["minimum"].as_i64())
        };
        assert_eq!(least("CostRateFields", "rate"), Some(0));
        assert_eq!(least("PrimeSowFields", "funds"), Some(1));
        assert_eq!(least("MilestoneFields", "amount"), Some(0));
        assert_eq!(least("AssignmentFields", "minutes_per_week"), Some(1));
        let fte = &schemas["PersonFields"]["properties"]["fte"];
        let fte = if fte.get("$ref").is_some() {
            &schemas["Fte"]
        } else {
            fte
        };
        assert_eq!(fte["exclusiveMinimum"], 0.0, "{fte}");
        assert_eq!(fte["maximum"], 1.0, "{fte}");
        let steps = &schemas["SettingsPatch"]["properties"]["rounding_step_minutes"]["enum"];
        assert_eq!(steps, &json!([1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60, null]));
    }

    #[test]
    fn checked_texts_state_their_form() {
        let doc = crate::api::openapi();
        let schemas = &doc["components"]["schemas"];
        let pattern = |schema: &str, property: &str| schemas[schema]["properties"][property]["pattern"].clone();
        assert_eq!(pattern("PersonFields", "email"), json!(email_pattern()));
        assert_eq!(pattern("ContactPatch", "email"), json!(email_pattern()));
        assert_eq!(pattern("PersonFields", "time_zone"), json!(TIME_ZONE));
        assert_eq!(pattern("NewSubscription", "url"), json!(webhook_url_pattern()));
        assert_eq!(pattern("EvidenceLinkBody", "url"), json!(evidence_url_pattern()));
        assert_eq!(pattern("KitLink", "url"), json!(kit_url_pattern()));
        // An optional code is not blank when given; a list of texts has no blank item.
        assert_eq!(pattern("AccountFields", "code"), json!(NOT_BLANK));
        assert_eq!(
            schemas["SowFields"]["properties"]["out_of_scope"]["items"]["pattern"],
            NOT_BLANK
        );
        // Every time zone psops's own validator takes fits the pattern's alphabet.
        for tz in ["UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires", "Etc/GMT+5"] {
            assert!(psops_core::people::valid_time_zone(tz), "{tz}");
        }
        // The events a subscription asks for leave out ping.
        let events = &schemas["NewSubscription"]["properties"]["events"];
        assert_eq!(events["minItems"], 1);
        assert!(
            !events["items"]["enum"]
                .as_array()
                .expect("enum")
                .contains(&json!("ping"))
        );
    }

    #[test]
    fn records_are_one_object_naming_every_property() {
        let doc = crate::api::openapi();
        let account = &doc["components"]["schemas"]["Account"];
        assert!(account.get("allOf").is_none(), "{account}");
        assert_eq!(account["additionalProperties"], false);
        for name in ["id", "version", "created_at", "updated_at", "archived_at", "name"] {
            assert!(account["properties"].get(name).is_some(), "Account lacks {name}");
        }
        let fields = &doc["components"]["schemas"]["AccountFields"];
        assert!(fields["properties"].get("id").is_none());
    }
}
