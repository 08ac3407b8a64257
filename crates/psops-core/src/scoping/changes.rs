//! Change control: one record kind for every case the handbook names — a change order
//! (new dates, scope within budget, or more money), a description of work (scope detail
//! with budget, duration, finances and legal terms untouched), a new SOW for different
//! work, work at risk (committing dates or staff before the opportunity is won) and a work
//! exception (exceeding the budget, with its cause). Each is drafted, submitted and
//! decided by PS leadership — never by whoever raised it — and an approved change is
//! applied in the same transaction: budgets, dates and milestones amended (the project's
//! audit trail keeps every version), or the opportunity or project it calls for made.

use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use super::opportunities::OpportunityId;
use super::sows::MilestoneTerm;
use crate::auth::UserId;
use crate::code::Code;
use crate::id::Id;
use crate::meta::Meta;
use crate::patch::{double_option, set};
use crate::plan::MilestoneId;
use crate::projects::{BillingType, ProjectId};
use crate::rule::Rule;
use crate::validate::Checks;
use crate::{Error, Minutes, Money, Result};

pub type ChangeId = Id<Change>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum ChangeKind {
    ChangeOrder,
    DescriptionOfWork,
    NewSow,
    WorkAtRisk,
    WorkException,
}

impl Code for ChangeKind {
    const FIELD: &'static str = "kind";
}

impl ChangeKind {
    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::ChangeOrder => "Change order",
            ChangeKind::DescriptionOfWork => "Description of work",
            ChangeKind::NewSow => "New SOW",
            ChangeKind::WorkAtRisk => "Work at risk",
            ChangeKind::WorkException => "Work exception",
        }
    }
}

/// Why a budget is exceeded (handbook).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Cause {
    Product,
    Ps,
    Scoping,
    Time,
}

impl Code for Cause {
    const FIELD: &'static str = "cause";
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum ChangeStatus {
    Draft,
    Submitted,
    Approved,
    Rejected,
}

impl Code for ChangeStatus {
    const FIELD: &'static str = "status";
}

/// A milestone whose due date a change moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneMove {
    #[schema(value_type = i64)]
    pub milestone_id: MilestoneId,
    pub due: Date,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeFields {
    pub kind: ChangeKind,
    /// The project changed (a change order, description of work, work exception), or the
    /// one a new SOW follows from.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub project_id: Option<ProjectId>,
    /// The opportunity work at risk starts for, or the one a change order's money and a
    /// new SOW come from.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub opportunity_id: Option<OpportunityId>,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub new_start_date: Option<Date>,
    #[serde(default)]
    pub new_end_date: Option<Date>,
    /// Money added.
    #[serde(default)]
    #[schema(schema_with = crate::money::schema::not_negative_or_null)]
    pub add_budget: Option<Money>,
    /// Hours added, in minutes.
    #[serde(default)]
    #[schema(value_type = Option<i64>, minimum = 0)]
    pub add_minutes: Option<Minutes>,
    /// A switch between time and materials and fixed fee.
    #[serde(default)]
    pub new_billing_type: Option<BillingType>,
    /// Milestones added.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub add_milestones: Vec<MilestoneTerm>,
    /// Milestones whose due dates move.
    #[serde(default)]
    pub move_milestones: Vec<MilestoneMove>,
    /// Why a work exception exceeds the budget.
    #[serde(default)]
    pub cause: Option<Cause>,
    /// When work at risk starts (dates or staff committed).
    #[serde(default)]
    pub starts_on: Option<Date>,
}

impl ChangeFields {
    fn amends_money(&self) -> bool {
        self.add_budget.is_some_and(|m| m.amount_minor != 0) || self.add_minutes.is_some_and(|m| m.get() != 0)
    }

    fn amends_terms(&self) -> bool {
        self.new_start_date.is_some() || self.new_end_date.is_some() || self.new_billing_type.is_some()
    }

    pub fn validate(&self) -> Result<()> {
        use ChangeKind as K;
        let mut c = Checks::new();
        c.text(&self.title, "title", 200)
            .optional_text(self.description.as_deref(), "description", 20_000);
        if let (Some(s), Some(e)) = (self.new_start_date, self.new_end_date) {
            c.check(
                e >= s,
                "new_end_date",
                Rule::AfterStart,
                "new_end_date must be on or after new_start_date",
            );
        }
        if let Some(m) = self.add_budget {
            c.check(
                m.amount_minor >= 0,
                "add_budget",
                Rule::NotNegative,
                "add_budget must not be negative",
            );
        }
        if let Some(m) = self.add_minutes {
            c.check(
                m.get() >= 0,
                "add_minutes",
                Rule::NotNegative,
                "add_minutes must not be negative",
            );
        }
        crate::catalog::each(&mut c, &self.add_milestones, "add_milestones", 50, |c, m, at| {
            c.text(&m.name, &format!("{at}.name"), 200);
        });
        let needs = |c: &mut Checks, ok: bool, field: &str, why: &str| {
            c.check(ok, field, Rule::DependsOn, format!("{field} is required: {why}"));
        };
        match self.kind {
            K::ChangeOrder => {
                needs(
                    &mut c,
                    self.project_id.is_some(),
                    "project_id",
                    "a change order changes a project",
                );
                c.check(
                    self.amends_money()
                        || self.amends_terms()
                        || !self.add_milestones.is_empty()
                        || !self.move_milestones.is_empty()
                        || self.description.as_deref().is_some_and(|d| !d.trim().is_empty()),
                    "kind",
                    Rule::DependsOn,
                    "a change order changes dates, money, billing, milestones or describes the scope change",
                );
            }
            K::DescriptionOfWork => {
                needs(
                    &mut c,
                    self.project_id.is_some(),
                    "project_id",
                    "a description of work details a project's scope",
                );
                needs(
                    &mut c,
                    self.description.as_deref().is_some_and(|d| !d.trim().is_empty()),
                    "description",
                    "a description of work describes the work",
                );
                c.check(
                    !self.amends_money() && !self.amends_terms() && self.add_milestones.is_empty() && self.move_milestones.is_empty(),
                    "kind",
                    Rule::Exclusive,
                    "a description of work leaves budget, duration, finances and legal terms untouched: use a change order",
                );
            }
            K::NewSow => {
                needs(
                    &mut c,
                    self.project_id.is_some() || self.opportunity_id.is_some(),
                    "project_id",
                    "a new SOW follows from a project or an opportunity",
                );
            }
            K::WorkAtRisk => {
                needs(
                    &mut c,
                    self.opportunity_id.is_some(),
                    "opportunity_id",
                    "work at risk starts for an opportunity",
                );
                needs(
                    &mut c,
                    self.starts_on.is_some(),
                    "starts_on",
                    "say when dates or staff are committed",
                );
            }
            K::WorkException => {
                needs(
                    &mut c,
                    self.project_id.is_some(),
                    "project_id",
                    "a work exception exceeds a project's budget",
                );
                needs(
                    &mut c,
                    self.cause.is_some(),
                    "cause",
                    "a work exception has a cause: product, ps, scoping or time",
                );
                needs(
                    &mut c,
                    self.amends_money(),
                    "add_minutes",
                    "a work exception adds hours or money",
                );
            }
        }
        c.check(
            self.kind == K::WorkException || self.cause.is_none(),
            "cause",
            Rule::Exclusive,
            "only a work exception has a cause",
        );
        c.into_result()
    }
}

/// What approving a change did, kept with it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Applied {
    /// The project's dates, billing type, budget and hours before and after.
    #[serde(default)]
    pub before: Option<Terms>,
    #[serde(default)]
    pub after: Option<Terms>,
    /// The opportunity it opened (a change order's money, a new SOW).
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub opportunity_id: Option<OpportunityId>,
    /// The project it made (work at risk).
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub project_id: Option<ProjectId>,
    /// Milestones it added.
    #[serde(default)]
    #[schema(value_type = Vec<i64>)]
    pub milestones: Vec<MilestoneId>,
}

/// A project's terms a change may amend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Terms {
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub billing_type: BillingType,
    pub budget: Option<Money>,
    pub budget_minutes: Option<Minutes>,
}

impl Terms {
    /// The terms after the change. Money added to a budget in another currency is refused.
    pub fn amended(&self, f: &ChangeFields, add_money: bool) -> Result<Terms> {
        let mut t = self.clone();
        t.start_date = f.new_start_date.or(t.start_date);
        t.end_date = f.new_end_date.or(t.end_date);
        t.billing_type = f.new_billing_type.unwrap_or(t.billing_type);
        if let (Some(s), Some(e)) = (t.start_date, t.end_date)
            && e < s
        {
            return Err(Error::invalid(
                "new_end_date",
                Rule::AfterStart,
                "the project would end before it starts",
            ));
        }
        if add_money {
            if let Some(m) = f.add_budget.filter(|m| m.amount_minor != 0) {
                t.budget = Some(match t.budget {
                    None => m,
                    Some(b) => b.checked_add(m).ok_or_else(|| {
                        Error::invalid(
                            "add_budget",
                            Rule::Currency,
                            format!("add_budget must be in the project budget's currency, {}", b.currency),
                        )
                    })?,
                });
            }
            if let Some(m) = f.add_minutes.filter(|m| m.get() != 0) {
                t.budget_minutes = Some(Minutes(t.budget_minutes.map_or(0, |b| b.get()) + m.get()));
            }
        }
        Ok(t)
    }
}

/// A new change: its fields and who raised it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChange {
    pub raised_by: Option<UserId>,
    pub fields: ChangeFields,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Change {
    pub id: ChangeId,
    #[serde(flatten)]
    pub fields: ChangeFields,
    pub status: ChangeStatus,
    #[schema(value_type = Option<i64>)]
    pub raised_by: Option<UserId>,
    #[schema(value_type = Option<i64>)]
    pub decided_by: Option<UserId>,
    pub reason: Option<String>,
    pub applied: Option<Applied>,
    #[serde(flatten)]
    pub meta: Meta,
}

impl Change {
    pub fn editable(&self) -> Result<()> {
        if self.status != ChangeStatus::Draft {
            return Err(Error::conflict(
                "status",
                Rule::NotDraft,
                format!("change {} is {}: only a draft changes", self.id, self.status.code()),
            ));
        }
        Ok(())
    }
}

/// Whether `actor` may decide `c` now: submitted, and never by whoever raised it.
pub fn check_decision(c: &Change, actor: UserId, approve: bool, reason: Option<&str>) -> Result<()> {
    if c.status != ChangeStatus::Submitted {
        return Err(Error::invalid(
            "status",
            Rule::InvalidTransition,
            format!(
                "change {} is {}: only a submitted change is decided",
                c.id,
                c.status.code()
            ),
        ));
    }
    if c.raised_by == Some(actor) {
        return Err(Error::Forbidden(
            "whoever raised a change does not decide it: approval is a second person's check".into(),
        ));
    }
    if !approve && reason.is_none_or(|r| r.trim().is_empty()) {
        return Err(Error::invalid("reason", Rule::DependsOn, "a rejection needs a reason"));
    }
    Ok(())
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePatch {
    pub title: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Date>)]
    pub new_start_date: Option<Option<Date>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Date>)]
    pub new_end_date: Option<Option<Date>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Money>)]
    pub add_budget: Option<Option<Money>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Minutes>)]
    pub add_minutes: Option<Option<Minutes>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<BillingType>)]
    pub new_billing_type: Option<Option<BillingType>>,
    pub add_milestones: Option<Vec<MilestoneTerm>>,
    pub move_milestones: Option<Vec<MilestoneMove>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Cause>)]
    pub cause: Option<Option<Cause>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Date>)]
    pub starts_on: Option<Option<Date>>,
}

impl ChangePatch {
    pub fn apply(self, mut f: ChangeFields) -> ChangeFields {
        set(&mut f.title, self.title);
        set(&mut f.description, self.description);
        set(&mut f.new_start_date, self.new_start_date);
        set(&mut f.new_end_date, self.new_end_date);
        set(&mut f.add_budget, self.add_budget);
        set(&mut f.add_minutes, self.add_minutes);
        set(&mut f.new_billing_type, self.new_billing_type);
        set(&mut f.add_milestones, self.add_milestones);
        set(&mut f.move_milestones, self.move_milestones);
        set(&mut f.cause, self.cause);
        set(&mut f.starts_on, self.starts_on);
        f
    }
}

#[derive(Debug, Clone, Default)]
pub struct ChangeFilter {
    pub project_id: Option<ProjectId>,
    pub opportunity_id: Option<OpportunityId>,
    pub kind: Option<ChangeKind>,
    pub status: Option<ChangeStatus>,
    pub archived: Option<bool>,
}

crate::sort_columns!(
    /// The columns a list of changes sorts by.
    ChangeSort { Updated, Kind, Status }
);

impl crate::record::Record for Change {
    const ENTITY: crate::record::Entity = crate::record::Entity::Change;
    type New = NewChange;
    type Fields = ChangeFields;
    type Patch = ChangePatch;
    type Filter = ChangeFilter;
    type Sort = ChangeSort;
    fn id(&self) -> ChangeId {
        self.id
    }
    fn meta(&self) -> &Meta {
        &self.meta
    }
    fn fields(&self) -> &ChangeFields {
        &self.fields
    }
    fn validate(fields: &ChangeFields) -> Result<()> {
        fields.validate()
    }
    fn patched(&self, patch: ChangePatch) -> ChangeFields {
        patch.apply(self.fields.clone())
    }
}

impl crate::record::NewRecord for NewChange {
    type Record = Change;
    fn fields(&self) -> &ChangeFields {
        &self.fields
    }
}

impl crate::record::ListFilter for ChangeFilter {
    type Record = Change;
    fn archived(&self) -> Option<bool> {
        self.archived
    }
}

/// Work exceptions of one cause, for the report by cause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ExceptionTotal {
    pub cause: Cause,
    /// Approved work exceptions.
    pub count: i64,
    /// Hours added, in minutes.
    pub minutes: Minutes,
    /// Money added, by currency.
    pub money: Vec<Money>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;

    fn fields(kind: ChangeKind) -> ChangeFields {
        ChangeFields {
            kind,
            project_id: Some(Id::new(1)),
            opportunity_id: None,
            title: "Extend".into(),
            description: None,
            new_start_date: None,
            new_end_date: None,
            add_budget: None,
            add_minutes: None,
            new_billing_type: None,
            add_milestones: vec![],
            move_milestones: vec![],
            cause: None,
            starts_on: None,
        }
    }

    fn rules(f: &ChangeFields) -> Vec<(String, Rule)> {
        match f.validate() {
            Ok(()) => vec![],
            Err(Error::Invalid(e)) => e.into_iter().map(|e| (e.field, e.rule)).collect(),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn each_kind_names_what_it_needs() {
        assert_eq!(
            rules(&fields(ChangeKind::ChangeOrder)),
            [("kind".into(), Rule::DependsOn)]
        );
        let mut dow = fields(ChangeKind::DescriptionOfWork);
        dow.description = Some("Detail the consulting block".into());
        assert!(rules(&dow).is_empty());
        dow.new_end_date = Some(time::macros::date!(2027 - 01 - 01));
        assert_eq!(rules(&dow), [("kind".into(), Rule::Exclusive)]);
        let mut ex = fields(ChangeKind::WorkException);
        assert_eq!(
            rules(&ex),
            [
                ("cause".into(), Rule::DependsOn),
                ("add_minutes".into(), Rule::DependsOn)
            ]
        );
        ex.cause = Some(Cause::Scoping);
        ex.add_minutes = Some(Minutes(600));
        assert!(rules(&ex).is_empty());
        let mut risk = fields(ChangeKind::WorkAtRisk);
        risk.project_id = None;
        assert_eq!(
            rules(&risk),
            [
                ("opportunity_id".into(), Rule::DependsOn),
                ("starts_on".into(), Rule::DependsOn)
            ]
        );
    }

    #[test]
    fn terms_take_the_changes() {
        let t = Terms {
            start_date: Some(time::macros::date!(2027 - 01 - 01)),
            end_date: Some(time::macros::date!(2027 - 03 - 31)),
            billing_type: BillingType::FixedFee,
            budget: Some(Money::new(1_000_000, Currency::USD)),
            budget_minutes: Some(Minutes(6_000)),
        };
        let mut f = fields(ChangeKind::WorkException);
        f.add_budget = Some(Money::new(250_000, Currency::USD));
        f.add_minutes = Some(Minutes(600));
        f.new_end_date = Some(time::macros::date!(2027 - 05 - 31));
        let after = t.amended(&f, true).unwrap();
        assert_eq!(after.budget, Some(Money::new(1_250_000, Currency::USD)));
        assert_eq!(after.budget_minutes, Some(Minutes(6_600)));
        assert_eq!(t.amended(&f, false).unwrap().budget, t.budget);
        f.add_budget = Some(Money::new(1, "EUR".parse().unwrap()));
        assert!(t.amended(&f, true).is_err());
        f.add_budget = None;
        f.new_end_date = Some(time::macros::date!(2026 - 01 - 01));
        assert!(t.amended(&f, true).is_err());
    }
}
