//! The RAID item's form: a project's risk, action, issue or decision, made from the
//! project's RAID tab (`?project=12`) and shown there once saved. The impact areas are
//! written one a line (timeline, scope, quality, budget).

use axum::Router;
use psops_core::code::Code;
use psops_core::delivery::raid::{ImpactArea, RaidItem, RaidKind, RaidPriority, RaidStatus};
use psops_core::policy::Subject;
use psops_core::record::Entity;

use super::inputs::{Input, Kind, Lines};
use super::{Editable, routes as add};
use crate::AppState;
use crate::extract::parse_json;
use crate::problem::ApiResult;
use crate::ui::filters::{Pairs, options};

pub fn routes(r: Router<AppState>) -> Router<AppState> {
    add::<RaidItem>(r)
}

/// One impact area a line: `timeline`.
const IMPACTS: Lines = Lines {
    example: "timeline",
    read: |line| {
        let code = line.trim().to_lowercase();
        ImpactArea::from_code(&code)
            .map(|a| serde_json::json!(a.code()))
            .map_err(|_| format!("'{line}' is not an impact area: timeline, scope, quality or budget"))
    },
    write: |v| v.as_str().unwrap_or_default().to_string(),
};

pub(super) const RAID: &[Input] = &[
    Input::new("project_id", "Project", Kind::Ref(Entity::Project)).fixed(),
    Input::new("kind", "Kind", Kind::Choice(options::<RaidKind>)),
    Input::new("title", "Title", Kind::Text),
    Input::new("description", "Description", Kind::Notes).optional(),
    Input::new("priority", "Priority", Kind::Choice(options::<RaidPriority>)),
    Input::new("impacts", "Impact on", Kind::Lines(&IMPACTS))
        .optional()
        .hint("One a line: timeline, scope, quality, budget."),
    Input::new("owner_id", "Owner", Kind::Ref(Entity::Person)).optional(),
    Input::new("mitigation", "Mitigation", Kind::Notes).optional(),
    Input::new("due_date", "Due date", Kind::Date).optional(),
    Input::new("status", "Status", Kind::Choice(options::<RaidStatus>)),
    Input::new("escalated", "Escalated to the portfolio", Kind::Flag)
        .hint("Lifts the item into PS leadership's portfolio view; only an open item is escalated."),
];

impl Editable for RaidItem {
    const NOUN: &'static str = "RAID item";
    const PATH: &'static str = "/raid-items";
    const API: &'static str = "raid-items";
    const INPUTS: &'static [Input] = RAID;
    const CARRIED: &'static [&'static str] = &["project"];
    const WITHIN: Option<(&'static str, Entity)> = Some(("project", Entity::Project));

    fn shown_to(_s: &Subject) -> bool {
        true
    }
    fn name(&self) -> String {
        self.fields.title.clone()
    }
    fn home(&self) -> String {
        format!("/projects/{}/raid", self.fields.project_id)
    }
    fn new_from(raw: &[u8], _: &Pairs, _: &Subject) -> ApiResult<Self::New> {
        parse_json(raw)
    }
    fn starting(link: &Pairs) -> Vec<(&'static str, String)> {
        let mut v = vec![
            (
                "kind",
                link.get("kind")
                    .filter(|k| RaidKind::from_code(k).is_ok())
                    .unwrap_or("risk")
                    .to_string(),
            ),
            ("priority", RaidPriority::Medium.code().to_string()),
            ("status", RaidStatus::Open.code().to_string()),
        ];
        if let Some(p) = super::kinds::linked(link, "project") {
            v.push(("project_id", p.to_string()));
        }
        v
    }
    fn back(link: &Pairs) -> String {
        match super::kinds::linked(link, "project") {
            Some(p) => format!("/projects/{p}/raid"),
            None => "/projects".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::kinds::tests::{check, check_patch};
    use super::*;

    #[test]
    fn the_raid_form_has_exactly_the_apis_fields() {
        use psops_core::delivery::raid::{RaidItemFields, RaidItemPatch};
        check::<RaidItemFields>("raid item", RAID);
        check_patch::<RaidItemPatch>("raid item", RAID);
        let v = (IMPACTS.read)(" Budget ").unwrap();
        assert_eq!((IMPACTS.write)(&v), "budget");
        assert!((IMPACTS.read)("weather").is_err());
    }
}
