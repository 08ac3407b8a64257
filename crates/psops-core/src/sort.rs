//! Lists as people read them: sorted by one of their columns either way, in numbered
//! pages with a total. (The API's lists page by cursor in id order instead; see `page`.)
//!
//! Each record kind names the columns it sorts by as a closed vocabulary, so a bad `sort`
//! parameter is reported like any other unknown code, naming the field and every choice.

use serde::Serialize;

use crate::code::Code;

/// Rows on one page of a list a person reads.
pub const PAGE_ROWS: u32 = 50;

/// Which way a column sorts.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    utoipa::ToSchema,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Direction {
    #[default]
    Asc,
    Desc,
}

impl Code for Direction {
    const FIELD: &'static str = "dir";
}

impl Direction {
    pub fn flipped(self) -> Self {
        match self {
            Direction::Asc => Direction::Desc,
            Direction::Desc => Direction::Asc,
        }
    }
}

/// A column a list sorts by: a code with a default (the list's natural order).
pub trait SortKey: Code + Default + Send + Sync + std::fmt::Debug {}
impl<T: Code + Default + Send + Sync + std::fmt::Debug> SortKey for T {}

/// One numbered page of a list sorted by `key`; `page` counts from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sorted<K> {
    pub key: K,
    pub direction: Direction,
    pub page: u32,
    pub size: u32,
}

impl<K: Default> Default for Sorted<K> {
    fn default() -> Self {
        Self {
            key: K::default(),
            direction: Direction::Asc,
            page: 1,
            size: PAGE_ROWS,
        }
    }
}

impl<K> Sorted<K> {
    /// Rows before this page.
    pub fn offset(&self) -> u64 {
        u64::from(self.page.max(1) - 1) * u64::from(self.size)
    }
}

/// One page of rows and how many rows the whole list has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numbered<T> {
    pub items: Vec<T>,
    pub total: u64,
}

impl<T> Numbered<T> {
    /// Cuts one page out of rows already sorted in memory (reports computed whole).
    pub fn cut<K>(rows: Vec<T>, at: &Sorted<K>) -> Self {
        let total = rows.len() as u64;
        let skip = usize::try_from(at.offset()).unwrap_or(usize::MAX);
        let items = rows.into_iter().skip(skip).take(at.size as usize).collect();
        Self { items, total }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Numbered<U> {
        Numbered {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
        }
    }
}

/// Declares a kind's sort columns: a `Code` enum whose first variant is the default.
#[macro_export]
macro_rules! sort_columns {
    ($(#[$doc:meta])* $name:ident { $first:ident $(, $rest:ident)* $(,)? }) => {
        $(#[$doc])*
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            Default,
            serde::Serialize,
            strum::IntoStaticStr,
            strum::EnumString,
            strum::VariantArray,
        )]
        #[serde(rename_all = "snake_case")]
        #[strum(serialize_all = "snake_case")]
        pub enum $name {
            #[default]
            $first,
            $($rest,)*
        }

        impl $crate::code::Code for $name {
            const FIELD: &'static str = "sort";
        }
    };
}

sort_columns!(
    /// Lists of named records that have no columns of their own to sort by yet.
    ByName { Name }
);

#[cfg(test)]
mod tests {
    use super::*;

    sort_columns!(
        /// A test vocabulary.
        Cols { Name, Start }
    );

    #[test]
    fn pages_count_from_one_and_cut_in_memory() {
        let at = Sorted {
            key: Cols::Name,
            direction: Direction::Asc,
            page: 2,
            size: 3,
        };
        assert_eq!(at.offset(), 3);
        let page = Numbered::cut((1..=8).collect(), &at);
        assert_eq!(page.items, vec![4, 5, 6]);
        assert_eq!(page.total, 8);
        let past = Numbered::cut(vec![1, 2], &at);
        assert!(past.items.is_empty());
        assert_eq!(past.total, 2);
    }

    #[test]
    fn unknown_columns_name_the_sort_field() {
        assert_eq!(Cols::default(), Cols::Name);
        assert_eq!(Cols::from_code("start").unwrap(), Cols::Start);
        let err = Cols::from_code("salary").unwrap_err().to_string();
        assert!(err.contains("sort must be one of: name, start"), "{err}");
        assert_eq!(Direction::from_code("desc").unwrap().flipped(), Direction::Asc);
        assert!(Direction::from_code("down").unwrap_err().to_string().contains("dir"));
    }
}
