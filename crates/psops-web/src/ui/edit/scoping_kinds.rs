//! The opportunity's form: the fields an engagement manager keeps. The scoping state,
//! edu value, investment, technical architect and clocks change only through their own
//! actions on the opportunity's page, so they are no inputs here — as the API's body has
//! no such fields. Saving goes through the store's own actions: a new opportunity opens
//! its scoping record with its territory's engagement manager, a change counts as
//! activity for the idle sweep.

use axum::Router;
use psops_core::Id;
use psops_core::policy::Subject;
use psops_core::record::Entity;
use psops_core::scoping::opportunities::{EmStatus, Opportunity, Segment};
use psops_core::store::{Created, IfVersion, Pending, RecordStore, Store, WriteCtx};

use super::inputs::{Input, Kind};
use super::{Editable, routes as add};
use crate::AppState;
use crate::extract::parse_json;
use crate::problem::ApiResult;
use crate::ui::filters::{Pairs, options};

pub fn routes(r: Router<AppState>) -> Router<AppState> {
    add::<Opportunity>(r)
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
}
