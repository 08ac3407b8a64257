//! Rendering: one template environment for the process, and the error page every UI
//! failure becomes (never a stack trace, never a bare status).

use std::sync::OnceLock;

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use minijinja::Environment;
use psops_core::{Error, FieldError};
use serde::Serialize;

const TEMPLATES: &[(&str, &str)] = &[
    ("approvals.html", include_str!("../../templates/approvals.html")),
    ("approval_week.html", include_str!("../../templates/approval_week.html")),
    ("base.html", include_str!("../../templates/base.html")),
    ("class.html", include_str!("../../templates/class.html")),
    (
        "education_report.html",
        include_str!("../../templates/education_report.html"),
    ),
    ("verify.html", include_str!("../../templates/verify.html")),
    (
        "certifications.html",
        include_str!("../../templates/certifications.html"),
    ),
    ("certification.html", include_str!("../../templates/certification.html")),
    (
        "certification_rows.html",
        include_str!("../../templates/certification_rows.html"),
    ),
    (
        "learner_certifications.html",
        include_str!("../../templates/learner_certifications.html"),
    ),
    ("trainer_path.html", include_str!("../../templates/trainer_path.html")),
    ("table_head.html", include_str!("../../templates/table_head.html")),
    ("table_pager.html", include_str!("../../templates/table_pager.html")),
    ("partner_funds.html", include_str!("../../templates/partner_funds.html")),
    (
        "partner_invoices.html",
        include_str!("../../templates/partner_invoices.html"),
    ),
    (
        "partner_invoice.html",
        include_str!("../../templates/partner_invoice.html"),
    ),
    (
        "partner_report.html",
        include_str!("../../templates/partner_report.html"),
    ),
    (
        "training_partners.html",
        include_str!("../../templates/training_partners.html"),
    ),
    (
        "partner_funds_bar.html",
        include_str!("../../templates/partner_funds_bar.html"),
    ),
    ("partner_fund.html", include_str!("../../templates/partner_fund.html")),
    ("past_end.html", include_str!("../../templates/past_end.html")),
    ("error.html", include_str!("../../templates/error.html")),
    ("edit.html", include_str!("../../templates/edit.html")),
    ("form_inputs.html", include_str!("../../templates/form_inputs.html")),
    ("directory.html", include_str!("../../templates/directory.html")),
    (
        "directory_results.html",
        include_str!("../../templates/directory_results.html"),
    ),
    ("record.html", include_str!("../../templates/record.html")),
    ("list.html", include_str!("../../templates/list.html")),
    ("list_results.html", include_str!("../../templates/list_results.html")),
    ("offering.html", include_str!("../../templates/offering.html")),
    ("sku_request.html", include_str!("../../templates/sku_request.html")),
    ("scoping_board.html", include_str!("../../templates/scoping_board.html")),
    ("opportunity.html", include_str!("../../templates/opportunity.html")),
    ("estimate_edit.html", include_str!("../../templates/estimate_edit.html")),
    (
        "estimate_totals.html",
        include_str!("../../templates/estimate_totals.html"),
    ),
    ("estimate.html", include_str!("../../templates/estimate.html")),
    ("change.html", include_str!("../../templates/change.html")),
    ("escalation.html", include_str!("../../templates/escalation.html")),
    ("partner.html", include_str!("../../templates/partner.html")),
    (
        "project_escalations.html",
        include_str!("../../templates/project_escalations.html"),
    ),
    (
        "project_health.html",
        include_str!("../../templates/project_health.html"),
    ),
    ("sow.html", include_str!("../../templates/sow.html")),
    ("scoping_inbox.html", include_str!("../../templates/scoping_inbox.html")),
    (
        "scoping_report.html",
        include_str!("../../templates/scoping_report.html"),
    ),
    ("rates.html", include_str!("../../templates/rates.html")),
    ("my_time_off.html", include_str!("../../templates/my_time_off.html")),
    ("outbox.html", include_str!("../../templates/outbox.html")),
    ("invoices.html", include_str!("../../templates/invoices.html")),
    ("invoice.html", include_str!("../../templates/invoice.html")),
    ("invoice_print.html", include_str!("../../templates/invoice_print.html")),
    (
        "finance_periods.html",
        include_str!("../../templates/finance_periods.html"),
    ),
    ("home.html", include_str!("../../templates/home.html")),
    ("people.html", include_str!("../../templates/people.html")),
    (
        "people_results.html",
        include_str!("../../templates/people_results.html"),
    ),
    ("person.html", include_str!("../../templates/person.html")),
    (
        "person_profile.html",
        include_str!("../../templates/person_profile.html"),
    ),
    ("project.html", include_str!("../../templates/project.html")),
    ("project_tabs.html", include_str!("../../templates/project_tabs.html")),
    ("forecast.html", include_str!("../../templates/forecast.html")),
    ("portfolio.html", include_str!("../../templates/portfolio.html")),
    ("staffing.html", include_str!("../../templates/staffing.html")),
    (
        "staffing_request.html",
        include_str!("../../templates/staffing_request.html"),
    ),
    ("staffing_plan.html", include_str!("../../templates/staffing_plan.html")),
    (
        "staffing_requests.html",
        include_str!("../../templates/staffing_requests.html"),
    ),
    (
        "staffing_forecast.html",
        include_str!("../../templates/staffing_forecast.html"),
    ),
    (
        "person_bookings.html",
        include_str!("../../templates/person_bookings.html"),
    ),
    ("finance.html", include_str!("../../templates/finance.html")),
    (
        "finance_margin.html",
        include_str!("../../templates/finance_margin.html"),
    ),
    ("finance_tabs.html", include_str!("../../templates/finance_tabs.html")),
    ("finance_span.html", include_str!("../../templates/finance_span.html")),
    ("finance_lines.html", include_str!("../../templates/finance_lines.html")),
    ("project_money.html", include_str!("../../templates/project_money.html")),
    ("csat_report.html", include_str!("../../templates/csat_report.html")),
    ("milestones.html", include_str!("../../templates/milestones.html")),
    ("closure.html", include_str!("../../templates/closure.html")),
    ("survey.html", include_str!("../../templates/survey.html")),
    ("projects.html", include_str!("../../templates/projects.html")),
    (
        "projects_results.html",
        include_str!("../../templates/projects_results.html"),
    ),
    ("compliance.html", include_str!("../../templates/compliance.html")),
    (
        "compliance_results.html",
        include_str!("../../templates/compliance_results.html"),
    ),
    ("utilization.html", include_str!("../../templates/utilization.html")),
    (
        "utilization_results.html",
        include_str!("../../templates/utilization_results.html"),
    ),
    (
        "my_utilization.html",
        include_str!("../../templates/my_utilization.html"),
    ),
    ("admin.html", include_str!("../../templates/admin.html")),
    ("admin_audit.html", include_str!("../../templates/admin_audit.html")),
    (
        "admin_audit_results.html",
        include_str!("../../templates/admin_audit_results.html"),
    ),
    (
        "admin_calendar.html",
        include_str!("../../templates/admin_calendar.html"),
    ),
    (
        "admin_calendars.html",
        include_str!("../../templates/admin_calendars.html"),
    ),
    (
        "admin_capacity.html",
        include_str!("../../templates/admin_capacity.html"),
    ),
    (
        "admin_time_off.html",
        include_str!("../../templates/admin_time_off.html"),
    ),
    ("admin_users.html", include_str!("../../templates/admin_users.html")),
    ("tokens.html", include_str!("../../templates/tokens.html")),
    ("setup.html", include_str!("../../templates/setup.html")),
    ("problems.html", include_str!("../../templates/problems.html")),
    ("sign_in.html", include_str!("../../templates/sign_in.html")),
    ("week.html", include_str!("../../templates/week.html")),
    ("week_row.html", include_str!("../../templates/week_row.html")),
];

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.add_filter("sentence", sentence);
        env.add_filter("grouped", grouped);
        env.add_filter("person", person);
        env.add_filter("label", |code: String| super::filters::label(&code));
        env.add_filter("field", |name: String| super::filters::field(&name));
        for (name, source) in TEMPLATES {
            // The templates are part of the binary; a broken one fails the test suite.
            if let Err(e) = env.add_template(name, source) {
                tracing::error!(template = name, error = %e, "template does not compile");
            }
        }
        env
    })
}

/// A rule's message as a sentence people read: a capital first letter and a full stop.
/// The store's messages start with the field's name in lower case (`email must be …`),
/// which suits the API's problem documents; a page shows the field's label beside it.
pub fn sentence(text: String) -> String {
    let text = text.trim();
    let mut out = super::charts::capitalised(text);
    if !out.is_empty() && !out.ends_with(['.', '!', '?', ')']) {
        out.push('.');
    }
    out
}

/// A person's name as a table shows it: people who share a name are named with their
/// e-mail (`Ann Lee (ann.lee2@x.example)`), which goes on a line of its own under the
/// name so that one long address does not widen the whole column.
pub fn person(name: String) -> minijinja::Value {
    let html = match twin(&name) {
        Some((name, email)) => format!(
            "{} <span class=\"twin\">{}</span>",
            minijinja::HtmlEscape(name),
            minijinja::HtmlEscape(email)
        ),
        None => minijinja::HtmlEscape(&name).to_string(),
    };
    minijinja::Value::from_safe_string(html)
}

/// A shared name's two parts, `Ann Lee (ann.lee2@x.example)` → (`Ann Lee`,
/// `ann.lee2@x.example`); `None` for a name nobody shares (or a nickname in brackets).
pub fn twin(label: &str) -> Option<(&str, &str)> {
    label
        .strip_suffix(')')
        .and_then(|rest| rest.rsplit_once(" ("))
        .filter(|(_, email)| email.contains('@') && !email.contains(['(', ')']))
}

/// A figure with its thousands grouped, as people read large numbers: `1315.50` →
/// `1,315.50`, `10000.00 USD` → `10,000.00 USD`, `1059:30` → `1,059:30`. Text that is
/// not a figure (a date, an ISO week, a name) is left as it is.
pub fn grouped(value: minijinja::Value) -> String {
    let text = match value.as_str() {
        Some(s) => s.to_string(),
        None if value.is_undefined() || value.is_none() => String::new(),
        None => value.to_string(),
    };
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &text[digits..];
    let figure = digits > 3 && !text.contains('-') && (rest.is_empty() || rest.starts_with(['.', ':', ' ']));
    if !figure {
        return text;
    }
    let whole = &text[..digits];
    let mut out = String::with_capacity(text.len() + digits / 3);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (digits - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out.push_str(rest);
    out
}

/// Renders a template with a context.
pub fn render(name: &str, ctx: impl Serialize) -> Result<Html<String>, UiError> {
    let template = env()
        .get_template(name)
        .map_err(|e| UiError::internal(format!("template {name}: {e}")))?;
    template
        .render(ctx)
        .map(Html)
        .map_err(|e| UiError::internal(format!("rendering {name}: {e}")))
}

/// A failure shown to a person as a page.
#[derive(Debug)]
pub struct UiError {
    pub status: StatusCode,
    pub title: &'static str,
    pub detail: String,
    pub errors: Vec<FieldError>,
}

impl UiError {
    pub fn new(status: StatusCode, title: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            title,
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error in the UI");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            "psops could not finish this. It is logged; try again.",
        )
    }
}

impl From<Error> for UiError {
    fn from(e: Error) -> Self {
        match e {
            Error::Invalid(errors) => UiError {
                errors,
                ..UiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Please check your input",
                    "Some values break a rule.",
                )
            },
            Error::NotFound { .. } => UiError::new(StatusCode::NOT_FOUND, "Not found", "There is nothing here."),
            Error::Conflict(f) => UiError {
                errors: vec![f],
                ..UiError::new(StatusCode::CONFLICT, "Conflict", "This clashes with what is stored.")
            },
            Error::PreconditionFailed { .. } => UiError::new(
                StatusCode::PRECONDITION_FAILED,
                "Changed meanwhile",
                "Someone changed this; reload and retry.",
            ),
            Error::Forbidden(why) => UiError::new(StatusCode::FORBIDDEN, "Not allowed", why),
            Error::Unauthorized => UiError::new(StatusCode::UNAUTHORIZED, "Please sign in", "Sign in to continue."),
            Error::Internal(cause) => UiError::internal(cause),
        }
    }
}

#[derive(Serialize)]
struct ErrorPage<'a> {
    title: &'a str,
    detail: &'a str,
    errors: &'a [FieldError],
    #[serde(flatten)]
    frame: Option<super::layout::Frame>,
}

/// What an error page said, kept on its response so [`framed`] can draw it again inside
/// the signed-in layout.
#[derive(Clone)]
pub struct Shown {
    title: &'static str,
    detail: String,
    errors: Vec<FieldError>,
}

fn error_page(status: StatusCode, shown: &Shown, frame: Option<super::layout::Frame>) -> Response {
    let ctx = ErrorPage {
        title: shown.title,
        detail: &shown.detail,
        errors: &shown.errors,
        frame,
    };
    match render("error.html", ctx) {
        Ok(html) => (status, html).into_response(),
        Err(_) => (status, shown.detail.clone()).into_response(),
    }
}

impl IntoResponse for UiError {
    fn into_response(self) -> Response {
        let shown = Shown {
            title: self.title,
            detail: self.detail,
            errors: self.errors,
        };
        let mut res = error_page(self.status, &shown, None);
        res.extensions_mut().insert(shown);
        res
    }
}

/// Draws an error page again inside the normal layout — navigation, who is signed in —
/// when the request came from a signed-in session, so an error is never a dead end.
pub async fn framed(
    axum::extract::State(st): axum::extract::State<crate::AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    // Only the cookie is kept: the session is read again only for an error page.
    let cookie = req.headers().get(axum::http::header::COOKIE).cloned();
    let dates = req
        .headers()
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(super::locale::Dates::of)
        .unwrap_or_default();
    let res = dates.scope(next.run(req)).await;
    let (Some(shown), Some(cookie)) = (res.extensions().get::<Shown>().cloned(), cookie) else {
        return res;
    };
    let mut headers = axum::http::HeaderMap::new();
    headers.insert(axum::http::header::COOKIE, cookie);
    let Ok(Some(me)) = super::session::current(&st, &headers).await else {
        return res;
    };
    let Ok(s) = super::filters::subject(&st, &me).await else {
        return res;
    };
    let status = res.status();
    let mut again = error_page(status, &shown, Some(super::layout::frame(&me, &s)));
    for (name, value) in res.headers() {
        if name != axum::http::header::CONTENT_LENGTH && name != axum::http::header::CONTENT_TYPE {
            again.headers_mut().insert(name.clone(), value.clone());
        }
    }
    again
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_group_their_thousands() {
        let g = |s: &str| grouped(minijinja::Value::from(s));
        assert_eq!(g("1315.50"), "1,315.50");
        assert_eq!(g("10000.00 USD"), "10,000.00 USD");
        assert_eq!(g("1059:30"), "1,059:30");
        assert_eq!(g("1234567"), "1,234,567");
        assert_eq!(g("315.50"), "315.50");
        assert_eq!(grouped(minijinja::Value::from(12345)), "12,345");
        for kept in ["2026-W48", "2026-11-30", "70.0 %", "—", "", "Ada"] {
            assert_eq!(g(kept), kept);
        }
    }

    #[test]
    fn twins_show_their_email_under_the_name() {
        let p = |s: &str| person(s.to_string()).to_string();
        assert_eq!(
            p("Ann Lee (ann.lee2@x.example)"),
            "Ann Lee <span class=\"twin\">ann.lee2@x.example</span>"
        );
        assert_eq!(p("Ann (Annie) Lee"), "Ann (Annie) Lee", "a nickname is not an e-mail");
        assert_eq!(p("O'Brien <b>"), "O&#x27;Brien &lt;b&gt;");
    }

    #[test]
    fn messages_read_as_sentences() {
        assert_eq!(
            sentence("email must be an e-mail address".into()),
            "Email must be an e-mail address."
        );
        assert_eq!(sentence("Done.".into()), "Done.");
        assert_eq!(sentence(String::new()), "");
    }

    #[test]
    fn every_template_compiles() {
        for (name, _) in TEMPLATES {
            assert!(env().get_template(name).is_ok(), "{name} does not compile");
        }
    }
}
