//! Query parameters: extractors that read the query string strictly (an unknown
//! parameter is an error), and typed conversion into core filter values that collects
//! every bad parameter into one 422 naming each of them.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use psops_core::code::Code;
use psops_core::page::PageRequest;
use psops_core::rule::Rule;
use psops_core::{Error, FieldError, Id};
use serde::de::DeserializeOwned;
use time::Date;

use crate::extract::quoted_name;
use crate::problem::{ApiError, ApiResult};

/// Paging, taken by every list: the OpenAPI description of what [`ListQuery`] reads.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct PageParams {
    /// The `next_cursor` of the previous page; absent for the first page.
    cursor: Option<String>,
    /// Items per page, 1 to 500; 50 when absent.
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u32>,
}

/// Query parameters into a struct of `Option<String>`s with `deny_unknown_fields`;
/// typed conversion happens in [`Params`], which names the parameter.
pub struct Query<T>(pub T);

fn query_error(e: serde_urlencoded::de::Error) -> ApiError {
    let message = e.to_string();
    let name = quoted_name(&message).unwrap_or("query").to_string();
    let rule = if message.starts_with("unknown field") {
        Rule::UnknownParameter
    } else if message.starts_with("duplicate field") {
        Rule::DuplicateParameter
    } else {
        Rule::Query
    };
    Error::invalid(name, rule, format!("bad query string: {message}")).into()
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> ApiResult<Self> {
        let q = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str(q).map(Query).map_err(query_error)
    }
}

/// The query of a list: its filters, plus `cursor` and `limit` which every list takes.
pub struct ListQuery<T> {
    filter: T,
    cursor: Option<String>,
    limit: Option<String>,
}

impl<T> ListQuery<T> {
    /// The raw filters, a [`Params`] to convert them with (already holding any paging
    /// error), and the page asked for.
    pub fn split(self) -> (T, Params, PageRequest) {
        let mut params = Params::new();
        let page = params.page(self.cursor, self.limit);
        (self.filter, params, page)
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ListQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> ApiResult<Self> {
        let q = parts.uri.query().unwrap_or("");
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(q).map_err(query_error)?;
        let (mut cursor, mut limit) = (None, None);
        let mut rest = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            match k.as_str() {
                "cursor" => cursor = Some(v),
                "limit" => limit = Some(v),
                _ => rest.push((k, v)),
            }
        }
        let rest = serde_urlencoded::to_string(&rest).unwrap_or_default();
        let filter = serde_urlencoded::from_str(&rest).map_err(query_error)?;
        Ok(ListQuery { filter, cursor, limit })
    }
}

/// Typed conversion of query (or form) values, collecting every bad one as a
/// [`FieldError`] named after its parameter: the one parser of parameters, for the API
/// (where the errors become one 422) and the pages (where they are shown above the
/// results). Blank means absent everywhere.
#[derive(Debug, Default)]
pub struct Params {
    errors: Vec<FieldError>,
}

impl Params {
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps a converted value, or records its errors under the parameter's name.
    pub fn keep<T>(&mut self, name: &str, value: psops_core::Result<T>) -> Option<T> {
        match value {
            Ok(v) => Some(v),
            Err(Error::Invalid(errors)) => {
                self.errors.extend(errors.into_iter().map(|e| FieldError {
                    field: name.to_string(),
                    ..e
                }));
                None
            }
            Err(other) => {
                self.errors
                    .push(FieldError::new(name, Rule::InvalidValue, other.to_string()));
                None
            }
        }
    }

    /// Records a broken rule that no conversion here checks (`to` before `from`).
    pub fn add(&mut self, field: &str, rule: Rule, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, rule, message));
    }

    /// Free text, trimmed; blank means absent.
    pub fn text(&mut self, value: Option<impl AsRef<str>>) -> Option<String> {
        value.map(|v| v.as_ref().trim().to_string()).filter(|v| !v.is_empty())
    }

    pub fn code<T: Code>(&mut self, name: &str, value: Option<impl AsRef<str>>) -> Option<T> {
        let v = self.text(value)?;
        self.keep(name, T::from_code(&v))
    }

    /// An id: a whole number above zero (no object has id 0 or below, so such a filter is
    /// a mistake, not an empty result).
    pub fn id<T>(&mut self, name: &str, value: Option<impl AsRef<str>>) -> Option<Id<T>> {
        let v = self.text(value)?;
        let parsed = match v.parse::<i64>() {
            Ok(n) if n > 0 => Ok(Id::new(n)),
            _ => Err(Error::invalid(
                name,
                Rule::Id,
                format!("{name} must be an id (a whole number above 0), got '{v}'"),
            )),
        };
        self.keep(name, parsed)
    }

    pub fn date(&mut self, name: &str, value: Option<impl AsRef<str>>) -> Option<Date> {
        let v = self.text(value)?;
        self.keep(name, psops_core::dates::parse_date(name, &v))
    }

    pub fn flag(&mut self, name: &str, value: Option<impl AsRef<str>>) -> Option<bool> {
        let v = self.text(value)?;
        let parsed = match v.as_str() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(Error::invalid(
                name,
                Rule::Boolean,
                format!("{name} must be true or false, got '{v}'"),
            )),
        };
        self.keep(name, parsed)
    }

    /// `cursor` and `limit` as the API takes them (50 a page when `limit` is absent).
    pub fn page(&mut self, cursor: Option<String>, limit: Option<String>) -> PageRequest {
        let limit = self.text(limit).and_then(|l| {
            let parsed = l
                .parse::<u32>()
                .map_err(|_| Error::invalid("limit", Rule::Range, format!("limit must be a whole number, got '{l}'")));
            self.keep("limit", parsed)
        });
        self.cursor(cursor, limit, PageRequest::default().limit)
    }

    /// `cursor` for a list of `size` rows a page, as the pages show them.
    pub fn page_of(&mut self, cursor: Option<&str>, size: u32) -> PageRequest {
        self.cursor(cursor, Some(size), size)
    }

    /// A cursor that is not ours is an error, and the list starts from the first page.
    fn cursor(&mut self, cursor: Option<impl AsRef<str>>, limit: Option<u32>, fallback: u32) -> PageRequest {
        let cursor = self.text(cursor);
        match PageRequest::parse(cursor.as_deref(), limit) {
            Ok(p) => p,
            Err(e) => {
                let field = match &e {
                    Error::Invalid(errors) => errors
                        .first()
                        .map(|f| f.field.clone())
                        .unwrap_or_else(|| "cursor".into()),
                    _ => "cursor".into(),
                };
                self.keep::<()>(&field, Err(e));
                PageRequest {
                    after: None,
                    limit: fallback,
                }
            }
        }
    }

    /// Every bad parameter so far.
    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    pub fn into_errors(self) -> Vec<FieldError> {
        self.errors
    }

    /// Fails with every bad parameter at once.
    pub fn finish(self) -> ApiResult<()> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(self.errors).into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use psops_core::people::Function;

    #[test]
    fn converts_or_names_every_bad_parameter() {
        let mut p = Params::new();
        let f: Option<Function> = p.code("function", Some("engineer"));
        assert_eq!(f, Some(Function::Engineer));
        assert_eq!(p.flag("archived", Some("true")), Some(true));
        assert_eq!(p.text(Some("  ")), None);
        assert!(p.errors.is_empty());
        let _: Option<Function> = p.code("function", Some("wizard"));
        let _: Option<Id<()>> = p.id("manager_id", Some("x"));
        let _: Option<Id<()>> = p.id("partner_id", Some("0"));
        p.date("from", Some("2026-13-01"));
        p.flag("archived", Some("maybe"));
        p.page(Some("garbage".into()), Some("0".into()));
        let fields: Vec<(String, Rule)> = p.errors.iter().map(|e| (e.field.clone(), e.rule)).collect();
        let names: Vec<&str> = fields.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            names,
            ["function", "manager_id", "partner_id", "from", "archived", "cursor"]
        );
        assert_eq!(fields[0].1, Rule::OneOf);
        assert_eq!(fields[2].1, Rule::Id, "no object has id 0");
        assert_eq!(p.id::<()>("x", Some(" 7 ")), Some(Id::new(7)));
        assert!(p.finish().is_err());
    }
}
