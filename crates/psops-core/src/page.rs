//! Cursor pagination: lists are ordered by id and a page ends with the cursor of the next.

use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{Error, Result};
use crate::rule::Rule;

pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// Return objects with an id greater than this one.
    pub after: Option<i64>,
    pub limit: u32,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            after: None,
            limit: DEFAULT_LIMIT,
        }
    }
}

impl PageRequest {
    /// Reads the API's `cursor` and `limit` parameters.
    pub fn parse(cursor: Option<&str>, limit: Option<u32>) -> Result<Self> {
        let after = match cursor.filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => Some(decode_cursor(c).ok_or_else(|| {
                Error::invalid(
                    "cursor",
                    Rule::Cursor,
                    "cursor must be a value returned as next_cursor by this list",
                )
            })?),
        };
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if limit == 0 || limit > MAX_LIMIT {
            return Err(Error::invalid(
                "limit",
                Rule::Range,
                format!("limit must be between 1 and {MAX_LIMIT}"),
            ));
        }
        Ok(Self { after, limit })
    }
}

/// Cursors are opaque to clients; today they carry the last id seen.
pub fn encode_cursor(last_id: i64) -> String {
    format!("i{last_id}")
}

fn decode_cursor(c: &str) -> Option<i64> {
    c.strip_prefix('i')?.parse().ok().filter(|n: &i64| *n >= 0)
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Every item of a list read page by page (`MAX_LIMIT` a page) through `read`, for a
/// caller that needs all of them (a week's entries, every request waiting).
pub async fn every<T, F, Fut>(mut read: F) -> Result<Vec<T>>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: std::future::Future<Output = Result<Page<T>>>,
{
    let mut all = Vec::new();
    let mut page = PageRequest::parse(None, Some(MAX_LIMIT))?;
    loop {
        let got = read(page).await?;
        all.extend(got.items);
        match got.next_cursor {
            Some(c) => page = PageRequest::parse(Some(&c), Some(MAX_LIMIT))?,
            None => return Ok(all),
        }
    }
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows fetched in id order: the extra row only
    /// tells that another page exists.
    pub fn from_rows(mut rows: Vec<T>, limit: u32, id_of: impl Fn(&T) -> i64) -> Self {
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next_cursor = if more {
            rows.last().map(|r| encode_cursor(id_of(r)))
        } else {
            None
        };
        Self {
            items: rows,
            next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trip_and_limits() {
        let p = PageRequest::parse(Some(&encode_cursor(41)), Some(10)).unwrap();
        assert_eq!(p.after, Some(41));
        assert!(PageRequest::parse(Some("garbage"), None).is_err());
        assert!(PageRequest::parse(None, Some(0)).is_err());
        assert!(PageRequest::parse(None, Some(MAX_LIMIT + 1)).is_err());
    }

    #[test]
    fn extra_row_means_another_page() {
        let page = Page::from_rows(vec![1, 2, 3], 2, |x| *x);
        assert_eq!(page.items, vec![1, 2]);
        assert_eq!(page.next_cursor.as_deref(), Some("i2"));
        let last = Page::from_rows(vec![1, 2], 2, |x| *x);
        assert_eq!(last.next_cursor, None);
    }
}
