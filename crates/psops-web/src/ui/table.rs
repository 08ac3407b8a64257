//! Tables people read: a header whose columns sort the list (server-side, either way) and
//! numbered pages with a total. The query string carries `sort`, `dir` and `page` beside
//! the list's filters, so every view is a link that can be shared or bookmarked.

use std::cmp::Ordering;

use psops_core::code::Code;
use psops_core::rule::Rule;
use psops_core::sort::{Direction, PAGE_ROWS, SortKey, Sorted};
use serde::Serialize;

use super::filters::Pairs;
use crate::params::Params;

/// The last page number a link may ask for; past it the page is empty anyway, and the
/// bound keeps the offset arithmetic far from overflow.
const MAX_PAGE: u32 = 1_000_000;

/// One header cell: its label, and the link that sorts by it when it sorts.
#[derive(Debug, Clone, Serialize)]
pub struct Column {
    pub label: &'static str,
    /// Numbers are right-aligned.
    pub num: bool,
    /// Left out on screens narrower than a laptop's (kept in the CSV).
    pub extra: bool,
    pub href: Option<String>,
    /// `ascending` / `descending` on the column the list is sorted by.
    pub aria_sort: Option<&'static str>,
}

/// Where a page sits in the list: "51–100 of 4,980", with links either way.
#[derive(Debug, Clone, Serialize)]
pub struct Pager {
    pub total: u64,
    pub from: u64,
    pub to: u64,
    pub page: u32,
    pub pages: u64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

/// A column of a table: its label, the key it sorts by (none: it does not sort) and
/// whether it holds numbers.
pub struct Col<K> {
    pub label: &'static str,
    pub key: Option<K>,
    pub num: bool,
    /// See [`Column::extra`].
    pub extra: bool,
}

pub fn col<K>(label: &'static str, key: K) -> Col<K> {
    Col {
        label,
        key: Some(key),
        num: false,
        extra: false,
    }
}

pub fn num<K>(label: &'static str, key: K) -> Col<K> {
    Col {
        label,
        key: Some(key),
        num: true,
        extra: false,
    }
}

/// Reads `sort`, `dir` and `page`; a bad one is a field error and its default is used.
pub fn read<K: SortKey>(e: &mut Params, p: &Pairs) -> Sorted<K> {
    let page = match p.get("page") {
        None => 1,
        Some(text) => match text.parse::<u32>() {
            Ok(n) if (1..=MAX_PAGE).contains(&n) => n,
            _ => {
                e.add(
                    "page",
                    Rule::Range,
                    format!("page must be a whole number from 1 to {MAX_PAGE}, got '{text}'"),
                );
                1
            }
        },
    };
    Sorted {
        key: e.code::<K>("sort", p.get("sort")).unwrap_or_default(),
        direction: e.code::<Direction>("dir", p.get("dir")).unwrap_or_default(),
        page,
        size: PAGE_ROWS,
    }
}

/// `path?<filters>&<extra>`: a link to the same list with some parameters replaced.
fn link(path: &str, p: &Pairs, drop: &[&str], extra: &[(&str, String)]) -> String {
    let rest = p.encoded_without(drop);
    let extra = serde_urlencoded::to_string(extra).unwrap_or_default();
    let query: Vec<&str> = [rest.as_str(), extra.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

/// Tabs that set one parameter of a list (`view`, `group`: the code's field) to each of
/// `choices`, keeping the other filters and going back to the first page.
pub fn choice_tabs<C: Code + PartialEq + Copy>(
    path: &str,
    p: &Pairs,
    choices: &[(C, &'static str)],
    current: C,
) -> Vec<super::listing::Tab> {
    choices
        .iter()
        .map(|&(c, label)| super::listing::Tab {
            href: link(
                path,
                p,
                &[C::FIELD, "page", "offset"],
                &[(C::FIELD, c.code().to_string())],
            ),
            label,
            current: c == current,
        })
        .collect()
}

/// The header of a table sorted as `at`: clicking the sorted column flips its direction,
/// clicking another sorts by it ascending; either goes back to the first page.
pub fn head<K: SortKey>(path: &str, p: &Pairs, at: &Sorted<K>, cols: Vec<Col<K>>) -> Vec<Column> {
    cols.into_iter()
        .map(|c| {
            let Some(key) = c.key else {
                return Column {
                    label: c.label,
                    num: c.num,
                    extra: c.extra,
                    href: None,
                    aria_sort: None,
                };
            };
            let current = key.code() == at.key.code();
            let dir = if current {
                at.direction.flipped()
            } else {
                Direction::Asc
            };
            let href = link(
                path,
                p,
                &["sort", "dir", "page", "cursor"],
                &[("sort", key.code().to_string()), ("dir", dir.code().to_string())],
            );
            Column {
                label: c.label,
                num: c.num,
                extra: c.extra,
                href: Some(href),
                aria_sort: current.then_some(match at.direction {
                    Direction::Asc => "ascending",
                    Direction::Desc => "descending",
                }),
            }
        })
        .collect()
}

/// The pager of a list of `total` rows shown as `at`.
pub fn pager<K>(path: &str, p: &Pairs, at: &Sorted<K>, total: u64) -> Pager {
    let size = u64::from(at.size.max(1));
    let pages = total.div_ceil(size).max(1);
    // A page past the end holds no rows: "0–0 of 440", with a link back to the last page.
    let past = at.offset() >= total;
    let from = if past { 0 } else { at.offset() + 1 };
    let to = if past { 0 } else { (at.offset() + size).min(total) };
    let to_page = |n: u64| link(path, p, &["page", "cursor"], &[("page", n.to_string())]);
    let page = u64::from(at.page);
    Pager {
        total,
        from,
        to,
        page: at.page,
        pages,
        prev: (page > 1).then(|| to_page((page - 1).min(pages))),
        next: (page < pages).then(|| to_page(page + 1)),
    }
}

/// Orders rows computed whole (reports) by a figure, absent figures last whichever way,
/// ties and figure-less columns by label, case-blind. Keys are computed once a row.
pub fn order<T>(rows: Vec<T>, dir: Direction, key: impl Fn(&T) -> (Option<i64>, &str)) -> Vec<T> {
    let flip = |o: Ordering| match dir {
        Direction::Asc => o,
        Direction::Desc => o.reverse(),
    };
    let mut keyed: Vec<((Option<i64>, String), T)> = rows
        .into_iter()
        .map(|r| {
            let (figure, label) = key(&r);
            ((figure, label.to_lowercase()), r)
        })
        .collect();
    keyed.sort_by(|((fa, la), _), ((fb, lb), _)| {
        let by_figure = match (fa, fb) {
            (Some(a), Some(b)) => flip(a.cmp(b)),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        by_figure.then_with(|| flip(la.cmp(lb)))
    });
    keyed.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use psops_core::people::PersonSort;

    fn pairs(list: &[(&str, &str)]) -> Pairs {
        Pairs(list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn header_links_flip_the_sorted_column_and_keep_the_filters() {
        let p = pairs(&[("function", "engineer"), ("sort", "name"), ("page", "3")]);
        let mut e = Params::new();
        let at = read::<PersonSort>(&mut e, &p);
        assert!(e.errors().is_empty());
        let cols = head(
            "/people",
            &p,
            &at,
            vec![
                col("Name", PersonSort::Name),
                num("FTE", PersonSort::Fte),
                Col {
                    label: "Note",
                    key: None,
                    num: false,
                    extra: false,
                },
            ],
        );
        assert_eq!(
            cols[0].href.as_deref(),
            Some("/people?function=engineer&sort=name&dir=desc")
        );
        assert_eq!(cols[0].aria_sort, Some("ascending"));
        assert_eq!(
            cols[1].href.as_deref(),
            Some("/people?function=engineer&sort=fte&dir=asc")
        );
        assert!(cols[1].num && cols[1].aria_sort.is_none());
        assert!(cols[2].href.is_none());
    }

    #[test]
    fn pager_counts_rows_and_links_either_way() {
        let p = pairs(&[("q", "ann"), ("page", "2")]);
        let mut e = Params::new();
        let at = read::<PersonSort>(&mut e, &p);
        let pg = pager("/people", &p, &at, 120);
        assert_eq!((pg.from, pg.to, pg.pages), (51, 100, 3));
        assert_eq!(pg.prev.as_deref(), Some("/people?q=ann&page=1"));
        assert_eq!(pg.next.as_deref(), Some("/people?q=ann&page=3"));
        let empty = pager("/people", &pairs(&[]), &Sorted::<PersonSort>::default(), 0);
        assert_eq!((empty.from, empty.to, empty.pages), (0, 0, 1));
        assert!(empty.prev.is_none() && empty.next.is_none());
        let past = pager("/people", &p, &Sorted::<PersonSort> { page: 99, ..at }, 120);
        assert_eq!((past.from, past.to, past.pages), (0, 0, 3));
        assert_eq!(past.prev.as_deref(), Some("/people?q=ann&page=3"));
        assert!(past.next.is_none());
    }

    #[test]
    fn rows_in_memory_sort_either_way_with_blanks_last() {
        let rows = vec![(Some(5), "b"), (None, "z"), (Some(9), "a"), (Some(5), "A2")];
        fn key<'a>(r: &'a (Option<i64>, &'static str)) -> (Option<i64>, &'a str) {
            (r.0, r.1)
        }
        let up: Vec<&str> = order(rows.clone(), Direction::Asc, key).iter().map(|r| r.1).collect();
        assert_eq!(up, ["A2", "b", "a", "z"]);
        let down: Vec<&str> = order(rows, Direction::Desc, key).iter().map(|r| r.1).collect();
        assert_eq!(down, ["a", "b", "A2", "z"]);
    }

    #[test]
    fn bad_sort_dir_and_page_are_field_errors() {
        let p = pairs(&[("sort", "salary"), ("dir", "up"), ("page", "0")]);
        let mut e = Params::new();
        let at = read::<PersonSort>(&mut e, &p);
        assert_eq!(at, Sorted::default());
        let fields: Vec<&str> = e.errors().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["page", "sort", "dir"]);
        assert!(e.errors()[1].message.contains("sort must be one of: name, email"));
    }
}
