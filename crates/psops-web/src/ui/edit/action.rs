//! Action forms on a record's page — a written assessment on a certification, a lab to
//! grade, a revocation — drawn and read with the record forms' inputs: the posted form
//! becomes the action's API body through the same parsing, and each refusal is told at
//! its input with the rule's message.

use psops_core::FieldError;
use psops_core::policy::Subject;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::inputs::{self, Input, Shown};
use super::{as_posted, at_line, belongs, posted_body, read};
use crate::AppState;
use crate::extract::parse_json;
use crate::ui::filters::Pairs;
use crate::ui::render::UiError;

/// An action form as the page draws it: its inputs, each with its own errors, and the
/// errors that belong to none of them.
#[derive(Debug, Serialize)]
pub struct ActionForm {
    pub inputs: Vec<Shown>,
    pub errors: Vec<FieldError>,
}

impl ActionForm {
    /// A form not yet posted, holding the `starting` values.
    pub fn fresh(list: &[Input], starting: &[(&str, String)]) -> Self {
        let inputs = list
            .iter()
            .map(|i| {
                let value = starting
                    .iter()
                    .find(|(n, _)| *n == i.name)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                inputs::shown(i, value, String::new())
            })
            .collect();
        ActionForm {
            inputs,
            errors: Vec::new(),
        }
    }

    /// The form as it was posted, with what was refused told at its inputs.
    pub fn refused(list: &[Input], p: &Pairs, errors: Vec<FieldError>) -> Self {
        let mut inputs = as_posted(list, p);
        let mut rest = Vec::new();
        for e in errors {
            match inputs.iter_mut().find(|i| belongs(i.name, &e.field)) {
                Some(input) => input.errors.push(at_line(input.name, &e)),
                None => rest.push(e),
            }
        }
        ActionForm { inputs, errors: rest }
    }
}

/// The action's API body the posted form stands for, or every field it gets wrong.
pub async fn body<T: DeserializeOwned>(
    st: &AppState,
    s: &Subject,
    list: &[Input],
    p: &Pairs,
) -> Result<Result<T, Vec<FieldError>>, UiError> {
    let (json, mut errors) = posted_body(st, s, list, p, false).await?;
    let value = read(list, json, &mut errors, |raw| parse_json::<T>(raw))?;
    Ok(match value {
        Some(v) if errors.is_empty() => Ok(v),
        _ => Err(errors),
    })
}
