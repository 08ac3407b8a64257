//! The opportunity's form: the fields an engagement manager keeps. The scoping state,
//! edu value, investment, technical architect and clocks change only through their own
//! actions on the opportunity's page, so they are no inputs here — as the API's body has
//! no such fields. Saving goes through the store's own actions: a new opportunity opens
//! its scoping record with its territory's engagement manager, a change counts as
//! activity for the idle sweep.

use axum::Router;
use psops_core::Id;
use psops_core::policy::Subject;
use psops_core::projects::BillingType;
use psops_core::record::Entity;
use psops_core::scoping::changes::{Cause, Change, ChangeKind, NewChange};
use psops_core::scoping::opportunities::{EmStatus, Opportunity, Segment};
use psops_core::store::{Created, IfVersion, Pending, RecordStore, Store, WriteCtx};

use super::inputs::{Input, Kind, Lines};
use super::{Editable, routes as add};
use crate::AppState;
use crate::extract::parse_json;
use crate::problem::ApiResult;
use crate::ui::filters::{Pairs, options};

pub fn routes(r: Router<AppState>) -> Router<AppState> {
    add::<Change>(add::<Opportunity>(r))
}

/// A milestone a change moves: `its number | the new due date`.
const MOVE: Lines = Lines {
    example: "42 | 2027-02-26",
    read: |line| {
        let (id, due) = line
            .split_once('|')
            .ok_or("write the milestone's number, a bar and its new due date")?;
        let id: i64 = id
            .trim()
            .parse()
            .map_err(|_| format!("'{}' is not a milestone's number", id.trim()))?;
        let due = psops_core::dates::parse_date("due", due.trim())
            .map_err(|_| format!("'{}' is not a date such as 2027-02-26", due.trim()))?;
        Ok(serde_json::json!({"milestone_id": id, "due": psops_core::dates::format_date(due)}))
    },
    write: |v| format!("{} | {}", v["milestone_id"], v["due"].as_str().unwrap_or_default()),
};

pub(super) const CHANGE: &[Input] = &[
    Input::new("kind", "Kind", Kind::Choice(options::<ChangeKind>)).fixed(),
    Input::new("project_id", "Project", Kind::Ref(Entity::Project))
        .optional()
        .fixed()
        .hint("The project changed; a new SOW may follow from one."),
    Input::new("opportunity_id", "Opportunity number", Kind::Whole)
        .optional()
        .fixed()
        .hint("Work at risk starts for it; a change order's money and a new SOW take its account, segment and EM."),
    Input::new("title", "Title", Kind::Text),
    Input::new("description", "Description", Kind::Notes)
        .optional()
        .hint("What changes and why; a description of work details the work here."),
    Input::new("new_start_date", "New start date", Kind::Date).optional(),
    Input::new("new_end_date", "New end date", Kind::Date).optional(),
    Input::new("add_budget", "Money added", Kind::Money).optional(),
    Input::new("add_minutes", "Hours added", Kind::Hours).optional(),
    Input::new(
        "new_billing_type",
        "Switch billing to",
        Kind::Choice(options::<BillingType>),
    )
    .optional(),
    Input::new(
        "add_milestones",
        "Milestones added",
        Kind::Lines(&crate::ui::scoping_sow::MILESTONE),
    )
    .optional(),
    Input::new("move_milestones", "Milestones moved", Kind::Lines(&MOVE)).optional(),
    Input::new("cause", "Cause", Kind::Choice(options::<Cause>))
        .optional()
        .hint("A work exception's: product, PS, scoping or time."),
    Input::new("starts_on", "Work starts on", Kind::Date)
        .optional()
        .hint("Work at risk: when dates or staff are committed."),
];

impl Editable for Change {
    const NOUN: &'static str = "change";
    const PATH: &'static str = "/scoping/changes";
    const API: &'static str = "changes";
    const INPUTS: &'static [Input] = CHANGE;
    const CARRIED: &'static [&'static str] = &["project", "opportunity", "kind"];

    fn shown_to(s: &Subject) -> bool {
        !s.is_partner()
    }
    fn name(&self) -> String {
        format!("{}: {}", self.fields.kind.label(), self.fields.title)
    }
    fn home(&self) -> String {
        format!("/scoping/changes/{}", self.id)
    }
    fn new_from(raw: &[u8], _: &Pairs, s: &Subject) -> ApiResult<Self::New> {
        Ok(NewChange {
            raised_by: Some(s.user_id),
            fields: parse_json(raw)?,
        })
    }
    fn starting(link: &Pairs) -> Vec<(&'static str, String)> {
        let mut v = vec![(
            "kind",
            link.get("kind")
                .filter(|k| k.parse::<ChangeKind>().is_ok())
                .unwrap_or("change_order")
                .to_string(),
        )];
        if let Some(p) = super::kinds::linked(link, "project") {
            v.push(("project_id", p.to_string()));
        }
        if let Some(o) = super::kinds::linked(link, "opportunity") {
            v.push(("opportunity_id", o.to_string()));
        }
        v
    }
    fn back(link: &Pairs) -> String {
        match (
            super::kinds::linked(link, "project"),
            super::kinds::linked(link, "opportunity"),
        ) {
            (Some(p), _) => format!("/projects/{p}"),
            (None, Some(o)) => format!("/scoping/opportunities/{o}"),
            _ => "/scoping".into(),
        }
    }
}

/// Segments as the handbook spells them.
fn segments() -> Vec<(&'static str, String)> {
    use psops_core::code::Code;
    Segment::ALL.iter().map(|s| (s.code(), s.label().to_string())).collect()
}

pub(super) const OPPORTUNITY: &[Input] = &[
    Input::new("name", "Name", Kind::Text),
    Input::new("account_id", "Account", Kind::Ref(Entity::Account)),
    Input::new("segment", "Segment", Kind::Choice(segments))
        .hint("The sales territory; it picks the engagement manager when none is named."),
    Input::new("engagement_manager_id", "Engagement manager", Kind::Ref(Entity::Person))
        .optional()
        .hint("Empty: the one covering the segment's territory."),
    Input::new("crm_id", "CRM id", Kind::Text)
        .optional()
        .hint("Unique; what a CRM import matches on."),
    Input::new("sales_owner", "Sales owner", Kind::Text).optional(),
    Input::new("stage", "Sales stage", Kind::Text)
        .optional()
        .hint("As the CRM has it."),
    Input::new("close_date", "Close date", Kind::Date).optional(),
    Input::new("currency", "Currency", Kind::Currency).hint("Of every amount of the opportunity, e.g. USD."),
    Input::new("amount", "Opportunity amount", Kind::Money).optional(),
    Input::new("ps_value", "PS value", Kind::Money)
        .optional()
        .hint("Your forecast; each quote overwrites it."),
    Input::new("edu_value_override", "Edu value forecast", Kind::Money)
        .optional()
        .hint("An early forecast; the next quote discards it."),
    Input::new("public_sector", "Public sector", Kind::Flag),
    Input::new("em_status", "Whose move", Kind::Choice(options::<EmStatus>)),
    Input::new("em_confidence", "Confidence", Kind::Notes).optional(),
    Input::new("pain_points", "Pain points", Kind::Notes)
        .optional()
        .hint("Needed before a technical architect is engaged."),
    Input::new("constraints", "Constraints", Kind::Notes)
        .optional()
        .hint("Technical or organisational; needed before a technical architect is engaged."),
    Input::new("keep_open", "Keep open however long it sleeps", Kind::Flag),
];

impl Editable for Opportunity {
    const NOUN: &'static str = "opportunity";
    const PATH: &'static str = "/scoping/opportunities";
    const API: &'static str = "opportunities";
    const INPUTS: &'static [Input] = OPPORTUNITY;

    fn shown_to(s: &Subject) -> bool {
        !s.is_partner()
    }
    fn name(&self) -> String {
        self.fields.name.clone()
    }
    fn home(&self) -> String {
        format!("/scoping/opportunities/{}", self.id)
    }
    fn new_from(raw: &[u8], _: &Pairs, _: &Subject) -> ApiResult<Self::New> {
        parse_json(raw)
    }
    fn starting(link: &Pairs) -> Vec<(&'static str, String)> {
        use psops_core::code::Code;
        let mut v = vec![
            ("currency", "USD".to_string()),
            ("em_status", EmStatus::ToDo.code().to_string()),
        ];
        if let Some(a) = super::kinds::linked(link, "account") {
            v.push(("account_id", a.to_string()));
        }
        v
    }
    fn back(_: &Pairs) -> String {
        "/scoping".into()
    }
    fn save_new<'a>(st: &'a AppState, ctx: &'a WriteCtx, new: Self::New) -> Pending<'a, Created<Self>>
    where
        dyn Store: RecordStore<Self>,
    {
        Box::pin(st.store.open_opportunity(ctx, new))
    }
    fn save_change<'a>(
        st: &'a AppState,
        ctx: &'a WriteCtx,
        id: Id<Self>,
        v: IfVersion,
        patch: Self::Patch,
    ) -> Pending<'a, Self>
    where
        dyn Store: RecordStore<Self>,
    {
        Box::pin(st.store.update_opportunity(ctx, id, v, patch))
    }
}

#[cfg(test)]
mod tests {
    use super::super::kinds::tests::{check, check_patch};
    use super::*;

    #[test]
    fn the_opportunity_form_has_exactly_the_apis_fields() {
        use psops_core::scoping::opportunities::{OpportunityFields, OpportunityPatch};
        check::<OpportunityFields>("opportunity", OPPORTUNITY);
        check_patch::<OpportunityPatch>("opportunity", OPPORTUNITY);
    }

    #[test]
    fn the_change_form_has_exactly_the_apis_fields() {
        use psops_core::scoping::changes::{ChangeFields, ChangePatch};
        check::<ChangeFields>("change", CHANGE);
        check_patch::<ChangePatch>("change", CHANGE);
        let m = (MOVE.read)("42 | 2027-02-26").unwrap();
        assert_eq!((MOVE.read)(&(MOVE.write)(&m)).unwrap(), m);
        assert!((MOVE.read)("x | 2027-02-26").is_err());
    }
}
