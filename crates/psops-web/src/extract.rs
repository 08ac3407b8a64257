//! Extractors that turn a request into what handlers need — a JSON body, an id from the
//! path, `If-Match`, the actor and their write context — and every way of getting those
//! wrong into a problem, never axum's plain-text rejection. Query strings are read in
//! [`crate::params`].

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use psops_core::Id;
use psops_core::auth::{Actor, UserId};
use psops_core::error::Thing;
use psops_core::policy::{Grant, Subject};
use psops_core::rule::Rule;
use psops_core::store::{IdempotencyKey, IfVersion, WriteCtx};
use psops_core::{Error, dates};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use utoipa::openapi::Required;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::{IntoParams, PartialSchema};

use crate::problem::{ApiError, ApiResult};
use crate::request_id::RequestId;

/// A JSON request body, kept raw as well for the idempotency fingerprint.
pub struct Json<T> {
    pub value: T,
    raw: Bytes,
}

fn is_json(headers: &HeaderMap) -> bool {
    let Some(ct) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> ApiResult<Self> {
        if !is_json(req.headers()) {
            return Err(ApiError::UnsupportedMediaType(
                "send the body as JSON with content-type: application/json".into(),
            ));
        }
        let subject = req.extensions().get::<Subject>().cloned();
        let path = req.uri().path().to_string();
        let create = req.method() == axum::http::Method::POST;
        let raw = Bytes::from_request(req, state).await.map_err(|r| {
            if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::bad_request("body", Rule::Readable, "the request body could not be read")
            }
        })?;
        let value = object_body(&raw).and_then(|()| parse_json(&raw)).map_err(|e| {
            // Permissions come before validation: a caller who may change nothing of this
            // kind hears that, not what is wrong with their body.
            match subject
                .as_ref()
                .map(|s| crate::authorize::may_write_some(s, &path, create))
            {
                Some(Err(refused)) => ApiError::Domain(refused),
                _ => e,
            }
        })?;
        Ok(Json { value, raw })
    }
}

/// Every JSON body the API takes is an object; serde would also read a struct from an
/// array of its fields in order (`[null, null]` as an empty patch), which no client means.
fn object_body(raw: &[u8]) -> ApiResult<()> {
    // An object starts with `{`: only other bodies are parsed here, to tell JSON that is
    // not an object (422) from JSON that is not JSON (400, said by the parse after).
    match raw.iter().find(|b| !b.is_ascii_whitespace()) {
        None | Some(b'{') => Ok(()),
        Some(_) if serde_json::from_slice::<serde::de::IgnoredAny>(raw).is_ok() => {
            Err(Error::invalid("body", Rule::Type, "the body must be a JSON object").into())
        }
        Some(_) => Ok(()),
    }
}

/// Parses a body, naming the field when serde knows which one is wrong: syntax errors
/// are 400, JSON that does not fit the schema is 422, and so is a date outside the
/// bounds psops works in.
pub fn parse_json<T: DeserializeOwned>(raw: &[u8]) -> ApiResult<T> {
    let mut de = serde_json::Deserializer::from_slice(raw);
    let (path, inner) = match serde_path_to_error::deserialize(&mut de) {
        Ok(v) => match de.end() {
            Ok(()) => return check_dates(raw).map(|()| v),
            Err(e) => (".".to_string(), e),
        },
        Err(err) => match whole_numbers_as_integers(raw, err.inner()) {
            Some(Ok(v)) => return check_dates(raw).map(|()| v),
            Some(Err(again)) => (again.path().to_string(), again.into_inner()),
            None => (err.path().to_string(), err.into_inner()),
        },
    };
    let message = without_position(&inner.to_string());
    if !inner.is_data() {
        return Err(ApiError::bad_request(
            "body",
            Rule::JsonSyntax,
            format!("the body is not valid JSON: {message}"),
        ));
    }
    let parent = if path == "." { "" } else { path.as_str() };
    let (field, rule) = match quoted_name(&message) {
        // serde_path_to_error already counts an unknown key as the last path segment.
        Some(name) if message.starts_with("unknown field") => {
            let field = if parent == name || parent.ends_with(&format!(".{name}")) {
                parent.to_string()
            } else {
                join(parent, name)
            };
            (field, Rule::UnknownField)
        }
        Some(name) if message.starts_with("missing field") => (join(parent, name), Rule::Required),
        _ if message.starts_with("unknown variant") => (field_or_body(parent), Rule::OneOf),
        _ if message.starts_with("invalid type") => (field_or_body(parent), Rule::Type),
        _ => (field_or_body(parent), Rule::InvalidValue),
    };
    Err(Error::invalid(field, rule, message).into())
}

/// JSON has one kind of number, and JSON Schema's `integer` is any number without a
/// fraction, `3.0` included; serde reads `3.0` as a float and refuses it for an integer
/// field. When that is why a body was refused, it is read again with every number that
/// is a whole number as written (`3.0`, `3e2`, `-1.50e1`) spelled as an integer, so what
/// the document calls an integer is taken in either spelling. The text is rewritten,
/// not the float: a float cannot tell `-9223372036854775809` from `i64::MIN`. A fraction
/// (`3.5`) or a number beyond the integer's width is still refused, naming the field.
/// `None` when the refusal had another cause or no number was rewritten.
fn whole_numbers_as_integers<T: DeserializeOwned>(
    raw: &[u8],
    refusal: &serde_json::Error,
) -> Option<Result<T, serde_path_to_error::Error<serde_json::Error>>> {
    if !refusal.to_string().starts_with("invalid type: floating point") {
        return None;
    }
    let text = std::str::from_utf8(raw).ok()?;
    let rewritten = integers_spelled_plainly(text)?;
    let mut de = serde_json::Deserializer::from_str(&rewritten);
    Some(serde_path_to_error::deserialize(&mut de))
}

/// The JSON text with each number outside strings that is whole as written spelled as
/// an integer; `None` when there was none.
fn integers_spelled_plainly(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut i, mut copied, mut changed) = (0, 0, false);
    let mut in_string = false;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        if b == b'"' {
            in_string = true;
            i += 1;
            continue;
        }
        if b != b'-' && !b.is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        while i < bytes.len() && matches!(bytes[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-') {
            i += 1;
        }
        if let Some(integer) = whole(&text[start..i]) {
            out.push_str(&text[copied..start]);
            out.push_str(&integer);
            copied = i;
            changed = true;
        }
    }
    out.push_str(&text[copied..]);
    changed.then_some(out)
}

/// A JSON number with a fraction or an exponent that is nonetheless whole, as an
/// integer's digits (at most 20 of them, past which no integer field reaches).
fn whole(number: &str) -> Option<String> {
    let (negative, unsigned) = match number.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, number),
    };
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.strip_prefix('+').unwrap_or(e).parse::<i32>().ok()?),
        None => (unsigned, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if frac.is_empty() && exponent == 0 {
        return None; // already an integer
    }
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = format!("{int}{frac}");
    let significant = digits.trim_start_matches('0');
    let trailing = significant.len() - significant.trim_end_matches('0').len();
    // The number is `significant × 10^scale`.
    let scale = i64::from(exponent) - frac.len() as i64;
    if significant.is_empty() {
        return Some("0".into());
    }
    if scale + (trailing as i64) < 0 {
        return None; // a fraction remains
    }
    let kept = (significant.len() as i64 + scale).max(0);
    if kept > 20 {
        return None;
    }
    let mut integer = significant.trim_end_matches('0').to_string();
    let zeros = (scale + trailing as i64) as usize;
    integer.push_str(&"0".repeat(zeros));
    Some(if negative { format!("-{integer}") } else { integer })
}

/// Every date (`YYYY-MM-DD`) and date-time (RFC 3339) in a body must lie between
/// `dates::EARLIEST` and `dates::LATEST`. Checked here, where every JSON body is parsed,
/// so no record kind or action can take a date psops cannot compute with.
fn check_dates(raw: &[u8]) -> ApiResult<()> {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(raw) else {
        return Ok(());
    };
    let mut errors = Vec::new();
    out_of_bounds_dates(&value, "", &mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Invalid(errors).into())
    }
}

fn out_of_bounds_dates(value: &serde_json::Value, path: &str, errors: &mut Vec<psops_core::FieldError>) {
    use serde_json::Value;
    match value {
        Value::String(text) => {
            if date_in(text).is_some_and(|d| !dates::in_bounds(d))
                && let Error::Invalid(mut e) = dates::out_of_bounds(&field_or_body(path))
            {
                errors.append(&mut e);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                out_of_bounds_dates(item, &format!("{path}[{i}]"), errors);
            }
        }
        Value::Object(fields) => {
            for (name, item) in fields {
                out_of_bounds_dates(item, &join(path, name), errors);
            }
        }
        _ => {}
    }
}

/// The day a string names, when it is a date or an RFC 3339 date-time.
fn date_in(text: &str) -> Option<time::Date> {
    time::Date::parse(text, dates::ISO_DATE).ok().or_else(|| {
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
            .ok()
            .map(|t| t.date())
    })
}

fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

fn field_or_body(path: &str) -> String {
    if path.is_empty() {
        "body".into()
    } else {
        path.to_string()
    }
}

/// serde's messages name fields in backticks: "unknown field `x`, expected …".
pub fn quoted_name(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(&message[start..start + len])
}

fn without_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// The id in a `/{id}` path; one that is not a number names no object, hence 404.
pub struct IdPath<T>(pub Id<T>);

impl<S: Send + Sync, T> FromRequestParts<S> for IdPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> ApiResult<Self> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::NoRoute)?;
        raw.parse::<i64>()
            .map(|n| IdPath(Id::new(n)))
            .map_err(|_| Error::not_found(Thing::Object, raw).into())
    }
}

/// `If-Match`: `"N"`, `W/"N"` or `*`. Absent, empty (the empty list RFC 9110 lets a
/// field carry) or `*` means "whatever is stored".
pub struct IfMatch(pub IfVersion);

pub fn parse_if_match(value: Option<&str>) -> ApiResult<IfVersion> {
    let Some(v) = value.map(str::trim) else {
        return Ok(None);
    };
    if v == "*" || v.is_empty() {
        return Ok(None);
    }
    let tag = v.strip_prefix("W/").unwrap_or(v);
    tag.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .and_then(|n| n.parse::<i64>().ok())
        .filter(|n| *n >= 0)
        .map(Some)
        .ok_or_else(bad_if_match)
}

fn bad_if_match() -> ApiError {
    ApiError::bad_request(
        "If-Match",
        Rule::Etag,
        "If-Match must be the ETag of the object as read, such as \"3\", or *",
    )
}

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> ApiResult<Self> {
        let value = match parts.headers.get(header::IF_MATCH) {
            None => None,
            Some(v) => Some(v.to_str().map_err(|_| bad_if_match())?),
        };
        parse_if_match(value).map(IfMatch)
    }
}

/// The caller as the authorization policy sees them.
pub struct Caller(pub Subject);

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> ApiResult<Self> {
        parts
            .extensions
            .get::<Subject>()
            .cloned()
            .map(Caller)
            .ok_or(ApiError::Domain(Error::Unauthorized))
    }
}

/// The authenticated caller, put in the request by [`crate::bearer::authenticate`].
pub struct Authenticated(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> ApiResult<Self> {
        parts
            .extensions
            .get::<Actor>()
            .cloned()
            .map(Authenticated)
            .ok_or(ApiError::Domain(Error::Unauthorized))
    }
}

pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// Who writes under which request, for the audit trail, plus the `Idempotency-Key` a
/// create may carry.
pub struct Writer {
    pub subject: Subject,
    user_id: UserId,
    request_id: Option<String>,
    idempotency_key: Option<String>,
    request_line: String,
}

impl Writer {
    /// The context of a write the policy allowed (see `authorize::allow`).
    pub fn ctx(&self, grant: Grant) -> WriteCtx {
        WriteCtx::granted(grant, self.user_id, self.request_id.clone())
    }

    /// The context of a create: with an idempotency key, the request's fingerprint is
    /// the SHA-256 of method, path and body, so the same key with another body is refused.
    pub fn for_create<T>(self, body: &Json<T>, grant: Grant) -> WriteCtx {
        let mut ctx = self.ctx(grant);
        ctx.idempotency = self.idempotency_key.map(|key| {
            let mut h = Sha256::new();
            h.update(self.request_line.as_bytes());
            h.update(&body.raw);
            IdempotencyKey {
                key,
                fingerprint: hex::encode(h.finalize()),
            }
        });
        ctx
    }
}

fn idempotency_key(headers: &HeaderMap) -> ApiResult<Option<String>> {
    let Some(v) = headers.get(IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    v.to_str()
        .ok()
        .map(str::trim)
        .filter(|k| (1..=255).contains(&k.len()))
        .map(|k| Some(k.to_string()))
        .ok_or_else(|| {
            ApiError::bad_request(
                "Idempotency-Key",
                Rule::IdempotencyKey,
                "Idempotency-Key must be 1 to 255 visible characters, e.g. a UUID",
            )
        })
}

impl<S: Send + Sync> FromRequestParts<S> for Writer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> ApiResult<Self> {
        let Authenticated(actor) = Authenticated::from_request_parts(parts, state).await?;
        let Caller(subject) = Caller::from_request_parts(parts, state).await?;
        let request_id = parts.extensions.get::<RequestId>().map(|r| r.0.clone());
        Ok(Writer {
            subject,
            user_id: actor.user.id,
            request_id,
            idempotency_key: idempotency_key(&parts.headers)?,
            request_line: format!("{}\n{}\n", parts.method, parts.uri.path()),
        })
    }
}

/// A change to one stored object: its id, the version the caller saw, and the context.
pub struct Change<T> {
    pub subject: Subject,
    pub id: Id<T>,
    pub if_version: IfVersion,
    writer: Writer,
}

impl<T> Change<T> {
    /// The context of a change the policy allowed.
    pub fn ctx(&self, grant: Grant) -> WriteCtx {
        self.writer.ctx(grant)
    }
}

impl<S: Send + Sync, T> FromRequestParts<S> for Change<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> ApiResult<Self> {
        let writer = Writer::from_request_parts(parts, state).await?;
        let IdPath(id) = IdPath::from_request_parts(parts, state).await?;
        let IfMatch(if_version) = IfMatch::from_request_parts(parts, state).await?;
        Ok(Change {
            subject: writer.subject.clone(),
            id,
            if_version,
            writer,
        })
    }
}

fn header_param(name: &str, description: &str) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .schema(Some(String::schema()))
        .description(Some(description))
        .build()
}

fn id_param() -> Parameter {
    ParameterBuilder::new()
        .name("id")
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .schema(Some(i64::schema()))
        .build()
}

impl<T> IntoParams for IdPath<T> {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![id_param()]
    }
}

impl<T> IntoParams for Change<T> {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![
            id_param(),
            header_param(
                "If-Match",
                "The ETag of the object as read (\"3\" or W/\"3\"); a stale one is refused \
                 with 412. Without it the last write wins.",
            ),
        ]
    }
}

/// The headers of a create, for the OpenAPI document.
pub struct CreateHeaders;

impl IntoParams for CreateHeaders {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![header_param(
            "Idempotency-Key",
            "Makes a retried create safe: the same key and body return the first response \
             (with Idempotent-Replayed: true) and write nothing; the same key with another \
             body is refused with 422.",
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        inner: Option<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        minutes: i64,
    }

    fn rule_of(raw: &str) -> (u16, String, Rule) {
        let p = parse_json::<Body>(raw.as_bytes()).unwrap_err().to_problem();
        (p.status, p.errors[0].field.clone(), p.errors[0].rule)
    }

    #[test]
    fn body_errors_name_the_field() {
        assert_eq!(
            rule_of(r#"{"name":"a","nme":1}"#),
            (422, "nme".into(), Rule::UnknownField)
        );
        assert_eq!(rule_of(r#"{}"#), (422, "name".into(), Rule::Required));
        assert_eq!(rule_of(r#"{"name":1}"#), (422, "name".into(), Rule::Type));
        assert_eq!(
            rule_of(r#"{"name":"a","inner":{"minutes":"x"}}"#),
            (422, "inner.minutes".into(), Rule::Type)
        );
        assert_eq!(
            rule_of(r#"{"name":"a","inner":{}}"#),
            (422, "inner.minutes".into(), Rule::Required)
        );
        assert_eq!(
            rule_of(r#"{"name":"a","inner":{"minutes":1,"x":2}}"#),
            (422, "inner.x".into(), Rule::UnknownField)
        );
        assert_eq!(rule_of(r#"{"name":"#), (400, "body".into(), Rule::JsonSyntax));
        assert_eq!(
            rule_of(r#"{"name":"a"} trailing"#),
            (400, "body".into(), Rule::JsonSyntax)
        );
        assert!(parse_json::<Body>(br#"{"name":"a"}"#).is_ok());
    }

    #[test]
    fn whole_numbers_are_integers_in_either_spelling() {
        for raw in [
            r#"{"name":"a","inner":{"minutes":90.0}}"#,
            r#"{"name":"a","inner":{"minutes":9e1}}"#,
            r#"{"inner":{"minutes":90.0},"name":"a"}"#,
        ] {
            let body = parse_json::<Body>(raw.as_bytes()).expect(raw);
            assert_eq!(body.inner.map(|i| i.minutes), Some(90), "{raw}");
        }
        // A fraction is still no whole number, and the field is still named.
        assert_eq!(
            rule_of(r#"{"name":"a","inner":{"minutes":90.5}}"#),
            (422, "inner.minutes".into(), Rule::Type)
        );
        // Beyond the integer's width it stays refused, however it is written: a float
        // would make -2^63 - 1 into i64::MIN.
        for beyond in ["1e19", "-9223372036854775809", "-9223372036854775809.0", "1e21"] {
            let raw = format!(r#"{{"name":"a","inner":{{"minutes":{beyond}}}}}"#);
            assert_eq!(rule_of(&raw).0, 422, "{beyond}");
            assert_eq!(rule_of(&raw).1, "inner.minutes", "{beyond}");
        }
        assert_eq!(whole("-1.50e1").as_deref(), Some("-15"));
        assert_eq!(whole("2.50e-1"), None);
        assert_eq!(whole("0.0").as_deref(), Some("0"));
        assert_eq!(whole("12"), None);
        // Numbers inside strings are left as they are.
        assert_eq!(
            integers_spelled_plainly(r#"{"a":"1.0","b":2.0,"c":"x\"3.0"}"#).as_deref(),
            Some(r#"{"a":"1.0","b":2,"c":"x\"3.0"}"#)
        );
        // The second reading refuses what the first would have: an unknown field, a key twice.
        assert_eq!(
            rule_of(r#"{"name":"a","inner":{"minutes":1.0,"x":2}}"#),
            (422, "inner.x".into(), Rule::UnknownField)
        );
        assert_eq!(rule_of(r#"{"name":"a","name":"b","inner":{"minutes":1.0}}"#).0, 422);
    }

    #[test]
    fn dates_outside_the_bounds_are_refused_wherever_they_are() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Dated {
            date: time::Date,
            more: Vec<Option<String>>,
        }
        let ok = br#"{"date":"2200-12-31","more":["1900-01-01","2026-01-01T00:00:00Z",null]}"#;
        assert!(parse_json::<Dated>(ok).is_ok());
        let p = parse_json::<Dated>(br#"{"date":"9999-12-31","more":[]}"#)
            .unwrap_err()
            .to_problem();
        assert_eq!(
            (p.status, p.errors[0].field.as_str(), p.errors[0].rule),
            (422, "date", Rule::DateBounds)
        );
        let p = parse_json::<Dated>(br#"{"date":"2026-01-01","more":["x","1899-12-31T23:59:59Z"]}"#)
            .unwrap_err()
            .to_problem();
        assert_eq!(p.errors[0].field, "more[1]");
    }

    #[test]
    fn if_match_forms() {
        assert_eq!(parse_if_match(None).ok(), Some(None));
        assert_eq!(parse_if_match(Some("*")).ok(), Some(None));
        assert_eq!(parse_if_match(Some("")).ok(), Some(None));
        assert_eq!(parse_if_match(Some("\"3\"")).ok(), Some(Some(3)));
        assert_eq!(parse_if_match(Some("W/\"12\"")).ok(), Some(Some(12)));
        for bad in ["3", "\"x\"", "\"-1\"", "\"1\", \"2\""] {
            assert!(parse_if_match(Some(bad)).is_err(), "{bad}");
        }
    }
}
