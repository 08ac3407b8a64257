//! `/api/v1/imports/opportunities`: opportunities from a CRM's CSV export, through a column
//! mapping, matched by CRM id (importing the same export again changes nothing); all or
//! nothing, with a row report; ops and administrators import.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use psops_core::error::Thing;
use psops_core::imports::ImportReport;
use psops_core::imports::records::RecordBatch;
use psops_core::policy::{Action, Resource};
use psops_core::scoping::crm::{Mapping, read_opportunities};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::authorize::{Fixed, allow};
use crate::extract::{Json as Body, Writer};
use crate::problem::{ApiResult, Problem};

/// What `Mapping::parse` takes: a key is one of the fields in any case, blanks around
/// it aside, and a column is not blank.
fn mapping_schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    let any_case = |field: &str| -> String {
        field
            .chars()
            .map(|c| {
                if c.is_ascii_alphabetic() {
                    format!("[{}{}]", c.to_ascii_uppercase(), c)
                } else {
                    c.to_string()
                }
            })
            .collect()
    };
    let fields: Vec<String> = psops_core::scoping::crm::FIELDS.iter().map(|f| any_case(f)).collect();
    let blanks = super::exact::BLANKS;
    let schema = serde_json::json!({
        "type": "object",
        "propertyNames": {"type": "string", "pattern": format!("^[{blanks}]*({})[{blanks}]*$", fields.join("|"))},
        "additionalProperties": {"type": "string", "minLength": 1, "pattern": super::exact::NOT_BLANK},
    });
    serde_json::from_value(schema).unwrap_or_else(|_| <BTreeMap<String, String> as utoipa::PartialSchema>::schema())
}

/// A CRM export and how its columns map.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct CrmImport {
    /// The export as CSV text (UTF-8, one header row).
    csv: String,
    /// psops field → the CRM's column, e.g. `{"crm_id": "Opportunity ID"}`. Fields:
    /// crm_id, name, account, segment, currency, sales_owner, stage,
    /// engagement_manager_email, public_sector, close_date, amount, ps_value, edu_value;
    /// one not mapped is looked for under its own name.
    #[serde(default)]
    #[schema(schema_with = mapping_schema)]
    mapping: BTreeMap<String, String>,
    /// Check every row and answer the report; write nothing.
    #[serde(default)]
    dry_run: bool,
}

/// Import opportunities from a CRM export: new CRM ids open opportunities (the
/// territory's engagement manager when none is named), known ones are updated when a
/// field differs and skipped otherwise; a row with PS and edu value is a quote. Any bad
/// row and nothing is written (422 with the report)
#[utoipa::path(post, path = "/api/v1/imports/opportunities", tag = "scoping",
    request_body = CrmImport,
    responses(
        (status = 200, body = ImportReport, description = "Imported, or checked in a dry run"),
        (status = 422, body = Problem, content_type = "application/problem+json",
            description = "A bad mapping, or rows that break rules; nothing was written"),
        (status = 403, body = Problem, content_type = "application/problem+json",
            description = "Only admin and ops import")))]
async fn import_opportunities(State(st): State<AppState>, w: Writer, body: Body<CrmImport>) -> ApiResult<Response> {
    let grant = allow(
        &st,
        &w.subject,
        Action::Update,
        &Fixed(Resource::Settings, Thing::Import),
    )
    .await?;
    let b = body.value;
    let mapping = Mapping::parse(b.mapping.iter().map(|(f, c)| (f.as_str(), c.as_str())))?;
    let currency = st.store.settings().await?.default_currency;
    let report = match read_opportunities(b.csv.as_bytes(), &mapping, currency) {
        Ok(rows) => {
            st.store
                .import_records(&w.ctx(grant), RecordBatch::Opportunities(rows), b.dry_run)
                .await?
        }
        Err(errors) => {
            let mut report = ImportReport::new("opportunities", None, b.dry_run);
            let mut by_line: BTreeMap<u64, Vec<_>> = BTreeMap::new();
            for e in errors {
                by_line.entry(e.line).or_default().push(e);
            }
            report.rows_read = by_line.len() as u64;
            for (_, e) in by_line {
                report.fail(e);
            }
            report
        }
    };
    if !report.ok() {
        return Ok(super::interchange::refused(report));
    }
    Ok(Json(report).into_response())
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(import_opportunities))
}
