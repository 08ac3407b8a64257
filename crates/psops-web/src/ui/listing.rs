//! One paged, sortable list page with filters (`list.html`), for the lists whose rows are
//! plain cells: the catalog's offerings, types, bundles and SKU requests, and the rates'
//! histories, cost rates and FX rates. Each row becomes a block of labelled cells on a
//! phone (`table.stack`), so no list scrolls sideways.

use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use psops_core::FieldError;
use serde::Serialize;

use super::filters::is_htmx;
use super::layout::Frame;
use super::render::{UiError, render};
use super::table::{Column, Pager};

/// One cell: text, a link, a status pill or several links.
#[derive(Debug, Default, Serialize)]
pub struct Cell {
    pub text: String,
    pub href: Option<String>,
    /// What a screen reader hears for a link whose text is short ("Edit").
    pub aria: Option<String>,
    /// The status code a pill is coloured by.
    pub pill: Option<String>,
    pub links: Vec<(String, String)>,
    pub num: bool,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            ..Default::default()
        }
    }

    pub fn num(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            num: true,
            ..Default::default()
        }
    }

    pub fn link(text: impl Into<String>, href: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            href: Some(href.into()),
            ..Default::default()
        }
    }

    /// A link, or the bare text when there is nowhere to go.
    pub fn maybe_link(text: impl Into<String>, href: Option<String>) -> Cell {
        Cell {
            text: text.into(),
            href,
            ..Default::default()
        }
    }

    pub fn pill(text: impl Into<String>, code: &str) -> Cell {
        Cell {
            text: text.into(),
            pill: Some(code.to_string()),
            ..Default::default()
        }
    }

    pub fn links(links: Vec<(String, String)>) -> Cell {
        Cell {
            links,
            ..Default::default()
        }
    }

    /// An "Edit" link naming what it edits for screen readers.
    pub fn edit(href: Option<String>, what: &str) -> Cell {
        match href {
            Some(href) => Cell {
                text: "Edit".into(),
                href: Some(href),
                aria: Some(format!("Edit {what}")),
                ..Default::default()
            },
            None => Cell::default(),
        }
    }
}

/// A filter of the list's form.
#[derive(Debug, Serialize)]
pub struct Filter {
    pub name: &'static str,
    pub label: &'static str,
    /// `select`, `date` or `text`.
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<(String, String)>,
    /// The label of a select's empty choice; none when it always has a value.
    pub any: Option<&'static str>,
    pub placeholder: &'static str,
}

impl Filter {
    pub fn select(name: &'static str, label: &'static str, value: String, options: Vec<(String, String)>) -> Filter {
        Filter {
            name,
            label,
            kind: "select",
            value,
            options,
            any: Some("Any"),
            placeholder: "",
        }
    }

    pub fn text(name: &'static str, label: &'static str, value: String, placeholder: &'static str) -> Filter {
        Filter {
            name,
            label,
            kind: "text",
            value,
            options: Vec::new(),
            any: None,
            placeholder,
        }
    }

    pub fn date(name: &'static str, label: &'static str, value: String) -> Filter {
        Filter {
            name,
            label,
            kind: "date",
            value,
            options: Vec::new(),
            any: None,
            placeholder: "",
        }
    }
}

/// A page of a section (the catalog's offerings, types, bundles, requests).
#[derive(Debug, Serialize)]
pub struct Tab {
    pub href: String,
    pub label: &'static str,
    pub current: bool,
}

pub fn tabs(all: Vec<(&'static str, &'static str)>, here: &str) -> Vec<Tab> {
    all.into_iter()
        .map(|(href, label)| Tab {
            href: href.to_string(),
            label,
            current: href == here,
        })
        .collect()
}

#[derive(Debug, Serialize)]
pub struct ListView {
    #[serde(flatten)]
    pub frame: Frame,
    pub title: String,
    /// The section the tabs belong to, for screen readers.
    pub section: &'static str,
    pub path: String,
    pub clear: String,
    pub back: Option<(String, String)>,
    pub actions: Vec<(String, &'static str)>,
    pub tabs: Vec<Tab>,
    /// A line above the list: its text, a link and the link's words.
    pub notice: Option<(String, String, String)>,
    pub intro: Option<String>,
    pub filters: Vec<Filter>,
    pub has_search: bool,
    pub hidden: Vec<(&'static str, String)>,
    pub table_id: &'static str,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    pub pager: Pager,
    pub errors: Vec<FieldError>,
    pub empty: String,
    pub saved: bool,
}

impl ListView {
    /// The whole page, or only the results when htmx asks.
    pub fn respond(mut self, headers: &HeaderMap) -> Result<Response, UiError> {
        self.has_search = self.filters.iter().any(|f| f.name == "q");
        let name = if is_htmx(headers) {
            "list_results.html"
        } else {
            "list.html"
        };
        Ok(render(name, self)?.into_response())
    }
}

/// A blank view of `path` titled `title`: the caller fills in the rest.
pub fn view(frame: Frame, title: impl Into<String>, path: impl Into<String>, pager: Pager) -> ListView {
    let path = path.into();
    ListView {
        frame,
        title: title.into(),
        section: "",
        clear: path.clone(),
        path,
        back: None,
        actions: Vec::new(),
        tabs: Vec::new(),
        notice: None,
        intro: None,
        filters: Vec::new(),
        has_search: false,
        hidden: Vec::new(),
        table_id: "list-table",
        columns: Vec::new(),
        rows: Vec::new(),
        pager,
        errors: Vec::new(),
        empty: "Nothing here yet.".into(),
        saved: false,
    }
}
