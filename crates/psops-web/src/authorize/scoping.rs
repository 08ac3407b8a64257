//! How the policy sees opportunities, their estimates and SOWs (as the opportunity: its
//! engagement manager, technical architect and SOW approvers), and a project's plan (as
//! the project).

use psops_core::Result;
use psops_core::error::Thing;
use psops_core::plan::{
    ChecklistItem, ChecklistItemFields, ChecklistItemPatch, Milestone, MilestoneFields, MilestonePatch,
    ResourceRequest, ResourceRequestFields, ResourceRequestPatch,
};
use psops_core::policy::{Action, Grant, Resource, Subject};
use psops_core::projects::ProjectId;
use psops_core::record::Entity;
use psops_core::scoping::estimates::{Estimate, EstimateFields, EstimatePatch};
use psops_core::scoping::opportunities::{Opportunity, OpportunityFields, OpportunityId, OpportunityPatch};
use psops_core::scoping::sows::{Sow, SowFilter, SowPatch};
use psops_core::store::{RecordStore, Records as _};

use super::{Guarded, GuardedUpdate, allow, project};
use crate::AppState;

/// Whether the subject decides a step of a live SOW of the opportunity.
async fn decides(st: &AppState, s: &Subject, id: OpportunityId) -> Result<bool> {
    let filter = SowFilter {
        opportunity_id: Some(id),
        ..Default::default()
    };
    let sows = st.store.every(&filter).await?;
    Ok(sows.iter().any(|sow| approves(sow, s)))
}

fn approves(sow: &Sow, s: &Subject) -> bool {
    sow.chain.iter().any(|step| step.approver == Some(s.user_id))
}

fn of(o: &Opportunity, subject_decides: bool) -> Resource {
    Resource::Opportunity {
        engagement_manager: o.fields.engagement_manager_id,
        technical_architect: o.technical_architect_id,
        subject_decides,
    }
}

/// The opportunity's resource, or none when it does not exist (the store refuses).
pub async fn opportunity(st: &AppState, s: &Subject, id: OpportunityId) -> Result<Option<Resource>> {
    match RecordStore::<Opportunity>::get(&*st.store, id).await {
        Ok(o) => Ok(Some(of(&o, decides(st, s, id).await?))),
        Err(psops_core::Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

impl Guarded for Opportunity {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Opportunity), self.id.to_string())
    }
    async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
        Ok(Some(of(self, decides(st, s, self.id).await?)))
    }
}

impl Guarded for OpportunityFields {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Opportunity), String::new())
    }
    async fn resource(&self, _: &AppState, _: &Subject) -> Result<Option<Resource>> {
        Ok(Some(Resource::Opportunity {
            engagement_manager: self.engagement_manager_id,
            technical_architect: None,
            subject_decides: false,
        }))
    }
}

impl GuardedUpdate<OpportunityPatch> for Opportunity {
    async fn allow_update(&self, st: &AppState, s: &Subject, _: &OpportunityPatch) -> Result<Grant> {
        allow(st, s, Action::Update, self).await
    }
}

impl Guarded for Estimate {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Estimate), self.id.to_string())
    }
    async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
        opportunity(st, s, self.fields.opportunity_id).await
    }
}

impl Guarded for EstimateFields {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Estimate), String::new())
    }
    async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
        opportunity(st, s, self.opportunity_id).await
    }
}

impl GuardedUpdate<EstimatePatch> for Estimate {
    async fn allow_update(&self, st: &AppState, s: &Subject, _: &EstimatePatch) -> Result<Grant> {
        allow(st, s, Action::Update, self).await
    }
}

impl Guarded for Sow {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Sow), self.id.to_string())
    }
    async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
        opportunity(st, s, self.opportunity_id).await
    }
}

impl GuardedUpdate<SowPatch> for Sow {
    async fn allow_update(&self, st: &AppState, s: &Subject, _: &SowPatch) -> Result<Grant> {
        allow(st, s, Action::Update, self).await
    }
}

/// A project's plan is guarded as the project.
macro_rules! of_project {
    ($($record:ty, $fields:ty, $patch:ty => $entity:ident;)*) => {$(
        impl Guarded for $record {
            fn label(&self) -> (Thing, String) {
                (Thing::Entity(Entity::$entity), self.id.to_string())
            }
            async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
                self.fields.resource(st, s).await
            }
        }
        impl Guarded for $fields {
            fn label(&self) -> (Thing, String) {
                (Thing::Entity(Entity::$entity), String::new())
            }
            async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
                plan_of(st, s, self.project_id).await
            }
        }
        impl GuardedUpdate<$patch> for $record {
            async fn allow_update(&self, st: &AppState, s: &Subject, _: &$patch) -> Result<Grant> {
                allow(st, s, Action::Update, self).await
            }
        }
    )*};
}

async fn plan_of(st: &AppState, s: &Subject, id: ProjectId) -> Result<Option<Resource>> {
    Ok(project(st, s, id).await?.map(Resource::Plan))
}

of_project! {
    Milestone, MilestoneFields, MilestonePatch => Milestone;
    ResourceRequest, ResourceRequestFields, ResourceRequestPatch => ResourceRequest;
    ChecklistItem, ChecklistItemFields, ChecklistItemPatch => ChecklistItem;
    psops_core::delivery::health::HealthReport, psops_core::delivery::health::HealthReportFields,
    psops_core::delivery::health::HealthReportPatch => HealthReport;
    psops_core::delivery::raid::RaidItem, psops_core::delivery::raid::RaidItemFields,
    psops_core::delivery::raid::RaidItemPatch => RaidItem;
}

/// A change as its project and its opportunity's engagement manager see it.
async fn change_of(
    st: &AppState,
    s: &Subject,
    f: &psops_core::scoping::changes::ChangeFields,
    raised_by: Option<psops_core::auth::UserId>,
) -> Result<Option<Resource>> {
    let project = match f.project_id {
        Some(p) => project(st, s, p).await?,
        None => None,
    };
    let engagement_manager = match f.opportunity_id {
        Some(o) => match RecordStore::<Opportunity>::get(&*st.store, o).await {
            Ok(o) => o.fields.engagement_manager_id,
            Err(psops_core::Error::NotFound { .. }) => None,
            Err(e) => return Err(e),
        },
        None => None,
    };
    Ok(Some(Resource::Change {
        project,
        engagement_manager,
        raised_by,
    }))
}

impl Guarded for psops_core::scoping::changes::Change {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Change), self.id.to_string())
    }
    async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
        change_of(st, s, &self.fields, self.raised_by).await
    }
}

impl Guarded for psops_core::scoping::changes::NewChange {
    fn label(&self) -> (Thing, String) {
        (Thing::Entity(Entity::Change), String::new())
    }
    async fn resource(&self, st: &AppState, s: &Subject) -> Result<Option<Resource>> {
        change_of(st, s, &self.fields, self.raised_by).await
    }
}

impl GuardedUpdate<psops_core::scoping::changes::ChangePatch> for psops_core::scoping::changes::Change {
    async fn allow_update(
        &self,
        st: &AppState,
        s: &Subject,
        _: &psops_core::scoping::changes::ChangePatch,
    ) -> Result<Grant> {
        allow(st, s, Action::Update, self).await
    }
}
