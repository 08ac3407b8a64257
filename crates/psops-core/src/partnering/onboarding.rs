//! A partner organisation's status and its onboarding checklist.
//!
//! A partner moves prospect → onboarding → active, may be suspended and reinstated, and
//! ends; an ended partner that comes back starts onboarding again. It becomes active only
//! when every item of its type's checklist is ticked. A subcontracted partner (staff
//! augmentation, project-based) first signs the paperwork — subcontracting agreement,
//! data-processing agreement, supplier record — and only then gets access, a buddy and
//! timesheet training. A direct partner sells to the customer itself: no subcontract
//! and no supplier record (the company never pays it); it signs the partner agreement
//! that sets how both work at a shared customer and, since its people use the company's
//! systems, a data-processing agreement, and then gets access and a buddy. It logs no
//! time with the company, so it takes no timesheet training.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use crate::auth::UserId;
use crate::code::Code;
use crate::partners::{Partner, PartnerId, PartnerType};
use crate::rule::Rule;
use crate::store::{IfVersion, WriteCtx};
use crate::{Error, Result};

/// Where a partner organisation stands with the company.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum PartnerStatus {
    /// Being talked to; nothing signed.
    Prospect,
    /// Working through the checklist.
    Onboarding,
    /// Checklist complete: its vetted consultants take customer work.
    Active,
    /// Paused (a lapsed agreement, a dispute); reinstated when its checklist is complete.
    Suspended,
    /// No longer a partner; kept for history.
    Ended,
}

impl Code for PartnerStatus {
    const FIELD: &'static str = "to";
}

impl PartnerStatus {
    /// The statuses a partner may move to from this one.
    pub fn next(self) -> &'static [PartnerStatus] {
        use PartnerStatus::*;
        match self {
            Prospect => &[Onboarding, Ended],
            Onboarding => &[Active, Ended],
            Active => &[Suspended, Ended],
            Suspended => &[Active, Ended],
            Ended => &[Onboarding],
        }
    }
}

/// One item of an onboarding checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum OnboardingItem {
    SubcontractingAgreement,
    /// A direct partner's agreement: how both work at a shared customer (no subcontract).
    PartnerAgreement,
    DataProcessingAgreement,
    SupplierRecord,
    /// Accounts on the company's systems.
    SystemAccess,
    /// An internal buddy the partner's people turn to.
    Buddy,
    TimesheetTraining,
}

impl Code for OnboardingItem {
    const FIELD: &'static str = "item";
}

const SUBCONTRACTED: &[OnboardingItem] = &[
    OnboardingItem::SubcontractingAgreement,
    OnboardingItem::DataProcessingAgreement,
    OnboardingItem::SupplierRecord,
    OnboardingItem::SystemAccess,
    OnboardingItem::Buddy,
    OnboardingItem::TimesheetTraining,
];

const DIRECT: &[OnboardingItem] = &[
    OnboardingItem::PartnerAgreement,
    OnboardingItem::DataProcessingAgreement,
    OnboardingItem::SystemAccess,
    OnboardingItem::Buddy,
];

impl OnboardingItem {
    /// Signed paperwork, which comes before anything the company gives the partner.
    pub fn is_paperwork(self) -> bool {
        matches!(
            self,
            OnboardingItem::SubcontractingAgreement
                | OnboardingItem::PartnerAgreement
                | OnboardingItem::DataProcessingAgreement
                | OnboardingItem::SupplierRecord
        )
    }

    pub fn label(self) -> &'static str {
        match self {
            OnboardingItem::SubcontractingAgreement => "Subcontracting agreement",
            OnboardingItem::PartnerAgreement => "Partner agreement",
            OnboardingItem::DataProcessingAgreement => "Data-processing agreement",
            OnboardingItem::SupplierRecord => "Supplier record",
            OnboardingItem::SystemAccess => "System access",
            OnboardingItem::Buddy => "Buddy",
            OnboardingItem::TimesheetTraining => "Timesheet training",
        }
    }
}

/// The checklist of a partner type, in the order it is worked through.
pub fn checklist(t: PartnerType) -> &'static [OnboardingItem] {
    match t {
        PartnerType::StaffAugmentation | PartnerType::ProjectBasedSubcontract => SUBCONTRACTED,
        PartnerType::Direct => DIRECT,
    }
}

/// The items of the type's checklist not yet ticked, in checklist order.
pub fn missing(t: PartnerType, ticked: &[OnboardingItem]) -> Vec<OnboardingItem> {
    checklist(t).iter().copied().filter(|i| !ticked.contains(i)).collect()
}

fn names(items: &[OnboardingItem]) -> String {
    items.iter().map(|i| i.code()).collect::<Vec<_>>().join(", ")
}

/// Whether a partner may move from `from` to `to`, with the checklist items still
/// `open`: along the edges of [`PartnerStatus::next`], and to active only when nothing
/// is open (the refusal names what is).
pub fn check_move(from: PartnerStatus, to: PartnerStatus, open: &[OnboardingItem]) -> Result<()> {
    if !from.next().contains(&to) {
        let allowed: Vec<&str> = from.next().iter().map(|s| s.code()).collect();
        return Err(Error::conflict(
            "to",
            Rule::InvalidTransition,
            format!(
                "a partner cannot move from {} to {}; from {} it moves to {}",
                from.code(),
                to.code(),
                from.code(),
                allowed.join(" or ")
            ),
        ));
    }
    if to == PartnerStatus::Active && !open.is_empty() {
        return Err(Error::conflict(
            "to",
            Rule::OnboardingIncomplete,
            format!(
                "the partner becomes active only when its onboarding checklist is complete; still open: {}",
                names(open)
            ),
        ));
    }
    Ok(())
}

/// Whether an item may be ticked: it must be on the type's checklist, the partner must
/// not have ended, and access, buddy and training wait for all the paperwork.
pub fn check_tick(
    t: PartnerType,
    status: PartnerStatus,
    item: OnboardingItem,
    ticked: &[OnboardingItem],
) -> Result<()> {
    if !checklist(t).contains(&item) {
        return Err(Error::invalid(
            "item",
            Rule::NotForKind,
            format!(
                "{} is not on a {} partner's checklist, which is: {}",
                item.code(),
                t.code(),
                names(checklist(t))
            ),
        ));
    }
    if status == PartnerStatus::Ended {
        return Err(Error::conflict(
            "item",
            Rule::NotActive,
            "the partner has ended: its checklist no longer changes",
        ));
    }
    let paperwork: Vec<OnboardingItem> = missing(t, ticked).into_iter().filter(|i| i.is_paperwork()).collect();
    if !item.is_paperwork() && !paperwork.is_empty() {
        return Err(Error::conflict(
            "item",
            Rule::PaperworkFirst,
            format!(
                "{} waits until the paperwork is done; still open: {}",
                item.code(),
                names(&paperwork)
            ),
        ));
    }
    Ok(())
}

/// Whether an item may be unticked: never on an active partner, which stays complete
/// (suspend it first), nor on an ended one.
pub fn check_untick(status: PartnerStatus) -> Result<()> {
    match status {
        PartnerStatus::Active => Err(Error::conflict(
            "item",
            Rule::OnboardingIncomplete,
            "an active partner's checklist stays complete: suspend the partner before unticking an item",
        )),
        PartnerStatus::Ended => Err(Error::conflict(
            "item",
            Rule::NotActive,
            "the partner has ended: its checklist no longer changes",
        )),
        _ => Ok(()),
    }
}

/// A status move: where to, and the day it takes effect (today when absent).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerMove {
    pub to: PartnerStatus,
    #[serde(default)]
    pub on: Option<Date>,
}

/// Ticking an item: the day it was done (today when absent).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Tick {
    #[serde(default)]
    pub done_on: Option<Date>,
}

/// One item of a partner's checklist and, when ticked, when and by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct OnboardingLine {
    pub item: OnboardingItem,
    pub label: String,
    pub done_on: Option<Date>,
    pub ticked_by: Option<UserId>,
    /// The name of the user who ticked it.
    pub ticked_by_name: Option<String>,
}

/// A partner's onboarding: its status, the checklist of its type, what is still open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Onboarding {
    pub partner_id: PartnerId,
    pub partner_type: PartnerType,
    pub status: PartnerStatus,
    pub status_since: Option<Date>,
    pub items: Vec<OnboardingLine>,
    /// Items not yet ticked, in checklist order.
    pub open: Vec<OnboardingItem>,
    pub complete: bool,
}

#[async_trait]
pub trait OnboardingStore {
    /// Moves the partner's status, dated, under [`check_move`].
    async fn move_partner(
        &self,
        ctx: &WriteCtx,
        id: PartnerId,
        v: IfVersion,
        m: PartnerMove,
        today: Date,
    ) -> Result<Partner>;
    async fn onboarding(&self, id: PartnerId) -> Result<Onboarding>;
    /// Ticks an item (again: moves its date) under [`check_tick`].
    async fn tick(&self, ctx: &WriteCtx, id: PartnerId, item: OnboardingItem, done_on: Date) -> Result<Onboarding>;
    /// Unticks an item under [`check_untick`]; unticking an open item changes nothing.
    async fn untick(&self, ctx: &WriteCtx, id: PartnerId, item: OnboardingItem) -> Result<Onboarding>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use OnboardingItem::*;
    use PartnerStatus::*;

    #[test]
    fn a_direct_partner_signs_no_subcontract() {
        let direct = checklist(PartnerType::Direct);
        assert!(!direct.contains(&SubcontractingAgreement));
        assert!(!direct.contains(&SupplierRecord));
        assert!(checklist(PartnerType::StaffAugmentation).contains(&SubcontractingAgreement));
        assert_eq!(checklist(PartnerType::ProjectBasedSubcontract).len(), 6);
    }

    #[test]
    fn active_needs_a_complete_checklist_and_names_what_is_open() {
        let open = missing(PartnerType::StaffAugmentation, &[SubcontractingAgreement]);
        let err = check_move(Onboarding, Active, &open).unwrap_err().to_string();
        assert!(
            err.contains("data_processing_agreement") && err.contains("timesheet_training"),
            "{err}"
        );
        assert!(check_move(Onboarding, Active, &[]).is_ok());
        assert!(check_move(Suspended, Active, &[]).is_ok());
    }

    #[test]
    fn moves_follow_the_edges() {
        assert!(check_move(Prospect, Active, &[]).is_err());
        assert!(check_move(Prospect, Onboarding, &[]).is_ok());
        assert!(check_move(Active, Suspended, &[]).is_ok());
        assert!(check_move(Ended, Active, &[]).is_err());
        assert!(check_move(Ended, Onboarding, &[]).is_ok());
    }

    #[test]
    fn access_waits_for_the_paperwork() {
        let t = PartnerType::StaffAugmentation;
        let err = check_tick(t, Onboarding, SystemAccess, &[SubcontractingAgreement])
            .unwrap_err()
            .to_string();
        assert!(err.contains("supplier_record"), "{err}");
        let paper = [SubcontractingAgreement, DataProcessingAgreement, SupplierRecord];
        assert!(check_tick(t, Onboarding, SystemAccess, &paper).is_ok());
        assert!(check_tick(PartnerType::Direct, Onboarding, SupplierRecord, &[]).is_err());
        assert!(check_tick(t, Ended, SupplierRecord, &[]).is_err());
        assert!(check_untick(Active).is_err());
        assert!(check_untick(Suspended).is_ok());
    }
}
