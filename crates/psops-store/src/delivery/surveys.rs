//! CSAT surveys in SQL: sending one (its link's token hashed, its message queued in the
//! same transaction), the public answer (once, before the link expires, audited as the
//! customer contact) and the CSAT figures by quarter, offering, PM, region and partner.

use std::collections::BTreeMap;

use async_trait::async_trait;
use psops_core::audit::AuditAction;
use psops_core::catalog::offerings::Offering;
use psops_core::catalog::skus::Sku;
use psops_core::code::Code;
use psops_core::delivery::surveys::{
    self as s, CsatBy, CsatRow, CsatTally, Opened, SentSurvey, Survey, SurveyAnswer, SurveyId, SurveyRequest,
    SurveyStore,
};
use psops_core::error::Thing;
use psops_core::notify::{Notice, NoticeKind};
use psops_core::projects::{ProjectId, ProjectType};
use psops_core::record::Entity;
use psops_core::rule::Rule;
use psops_core::scoping::estimates::Estimate;
use psops_core::scoping::pricing::LineInput;
use psops_core::store::{OrgStore as _, WriteCtx};
use psops_core::{Error, Result};
use time::{Date, OffsetDateTime};

use crate::Db;
use crate::db::{Row, Tx, sql};
use crate::delivery::links::{self, Linked};
use crate::record::table;

const COLUMNS: &str = "id, project_id, contact_id, to_name, to_email, offering, sent_by, sent_at, expires_at, \
                       answered_at, score, comment, version";

fn read(r: &Row) -> Result<Survey> {
    Ok(Survey {
        id: r.id("id")?,
        project_id: r.opt_id("project_id")?,
        contact_id: r.id("contact_id")?,
        to_name: r.get("to_name")?,
        to_email: r.get("to_email")?,
        offering: r.get("offering")?,
        sent_by: r.opt_id("sent_by")?,
        sent_at: r.get("sent_at")?,
        expires_at: r.get("expires_at")?,
        answered_at: r.get("answered_at")?,
        score: r.get("score")?,
        comment: r.get("comment")?,
        version: r.get("version")?,
    })
}

fn not_found(id: i64) -> Error {
    Error::not_found(Thing::Entity(Entity::Survey), id)
}

/// What was delivered: the offerings of the SOW the project was signed from (in the
/// order its estimate sells them), or the project type when no SOW made it.
async fn offering_of(tx: &mut Tx, project: ProjectId, project_type: ProjectType) -> Result<String> {
    let row = tx
        .optional(
            sql("SELECT estimate_id FROM sows WHERE project_id = $1 AND archived_at IS NULL ORDER BY id DESC LIMIT 1")
                .bind(project),
        )
        .await?;
    let mut names: Vec<String> = Vec::new();
    if let Some(row) = row {
        let estimate: i64 = row.get("estimate_id")?;
        let e = table::<Estimate>().get(tx, estimate, "").await?;
        for l in &e.fields.lines {
            let LineInput::Sku { sku_id, .. } = l else { continue };
            let sku = table::<Sku>().get(tx, sku_id.get(), "").await?;
            let offering = table::<Offering>().get(tx, sku.fields.offering_id.get(), "").await?;
            if !names.contains(&offering.fields.name) {
                names.push(offering.fields.name);
            }
        }
    }
    Ok(if names.is_empty() {
        let kind = project_type.code();
        let mut chars = kind.chars();
        let first = chars.next().map(|c| c.to_ascii_uppercase()).unwrap_or_default();
        format!("{first}{} (no SOW)", chars.as_str())
    } else {
        names.join(" + ")
    })
}

impl Linked for Survey {
    const TABLE: &'static str = "surveys";
    const COLUMNS: &'static str = COLUMNS;
    const ALSO: &'static str = ", version = version + 1, updated_at = $1";
    const ENTITY: Entity = Entity::Survey;

    fn read(r: &Row) -> Result<Survey> {
        read(r)
    }
    fn id(&self) -> i64 {
        self.id.get()
    }
    fn answered_at(&self) -> Option<OffsetDateTime> {
        self.answered_at
    }
    fn expires_at(&self) -> OffsetDateTime {
        self.expires_at
    }
    fn via(&self) -> String {
        format!("survey:contact:{}", self.contact_id)
    }
}

#[async_trait]
impl SurveyStore for Db {
    async fn send_survey(
        &self,
        ctx: &WriteCtx,
        request: SurveyRequest,
        base: &str,
        now: OffsetDateTime,
    ) -> Result<SentSurvey> {
        let mut tx = self.pools.begin().await?;
        let settings = crate::org::load(&mut tx).await?;
        let lock = tx.for_update();
        let project = tx
            .optional(
                sql(format!(
                    "SELECT name, account_id, project_type FROM projects WHERE id = $1{lock}"
                ))
                .bind(request.project_id),
            )
            .await?
            .ok_or_else(|| Error::not_found(Thing::Entity(Entity::Project), request.project_id))?;
        let project_name: String = project.get("name")?;
        let account: Option<i64> = project.get("account_id")?;
        let project_type: ProjectType = project.code("project_type")?;
        let Some(account) = account else {
            return Err(Error::invalid(
                "project_id",
                Rule::Gate,
                "an internal project has no customer to survey",
            ));
        };
        let contact = tx
            .optional(
                sql("SELECT name, email FROM contacts WHERE id = $1 AND account_id = $2 AND archived_at IS NULL")
                    .bind(request.contact_id)
                    .bind(account),
            )
            .await?
            .ok_or_else(|| {
                Error::invalid(
                    "contact_id",
                    Rule::AccountMismatch,
                    format!(
                        "contact_id {} is not a live contact of the project's account",
                        request.contact_id
                    ),
                )
            })?;
        let to_name: String = contact.get("name")?;
        let to_email: Option<String> = contact.get("email")?;
        let Some(to_email) = to_email.filter(|e| !e.trim().is_empty()) else {
            return Err(Error::invalid(
                "contact_id",
                Rule::NoEmail,
                format!("{to_name} has no e-mail address to send the survey to"),
            ));
        };
        // One survey per project: another only once the last one expired unanswered.
        let live = tx
            .optional(
                sql("SELECT id, answered_at, expires_at FROM surveys WHERE project_id = $1 \
                     AND (answered_at IS NOT NULL OR expires_at > $2) ORDER BY id DESC LIMIT 1")
                .bind(request.project_id)
                .bind(now),
            )
            .await?;
        if let Some(live) = live {
            let answered: Option<OffsetDateTime> = live.get("answered_at")?;
            let id: i64 = live.get("id")?;
            let message = match answered {
                Some(_) => format!("the project's CSAT survey {id} is already answered"),
                None => format!("the project's CSAT survey {id} is still open; send another once it expires"),
            };
            return Err(Error::conflict("project_id", Rule::Duplicate, message));
        }
        let offering = offering_of(&mut tx, request.project_id, project_type).await?;
        let (token, hash) = s::new_token()?;
        let expires_at = now + time::Duration::days(settings.surveys.link_days);
        let row = tx
            .one(
                sql(format!(
                    "INSERT INTO surveys (project_id, contact_id, to_name, to_email, offering, token_hash, sent_by, \
                     sent_at, expires_at, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $8) RETURNING {COLUMNS}"
                ))
                .bind(request.project_id)
                .bind(request.contact_id)
                .bind(to_name.trim())
                .bind(to_email.trim())
                .bind(offering)
                .bind(hash)
                .bind(ctx.user_id)
                .bind(now)
                .bind(expires_at),
            )
            .await?;
        let survey = read(&row)?;
        crate::audit::record(
            &mut tx,
            ctx,
            Entity::Survey,
            survey.id.get(),
            AuditAction::Create,
            None,
            Some(&survey),
        )
        .await?;
        let link = s::link(base, &token);
        let (subject, body) = s::message(&survey.to_name, &project_name, &link, expires_at);
        crate::outbox::queue(
            &mut tx,
            &Notice {
                kind: NoticeKind::Survey,
                to_email: survey.to_email.clone(),
                to_name: survey.to_name.clone(),
                subject,
                body,
                project_id: Some(request.project_id),
                about: Some(format!("survey:{}", survey.id)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(SentSurvey { survey, token, link })
    }

    async fn survey(&self, id: SurveyId) -> Result<Survey> {
        let row = self
            .pools
            .optional(sql(format!("SELECT {COLUMNS} FROM surveys WHERE id = $1")).bind(id))
            .await?
            .ok_or_else(|| not_found(id.get()))?;
        read(&row)
    }

    async fn surveys_of(&self, project: ProjectId) -> Result<Vec<Survey>> {
        self.pools
            .all(
                sql(format!(
                    "SELECT {COLUMNS} FROM surveys WHERE project_id = $1 ORDER BY id DESC"
                ))
                .bind(project),
            )
            .await?
            .iter()
            .map(read)
            .collect()
    }

    async fn open_survey(&self, token: &str, now: OffsetDateTime) -> Result<Opened> {
        let mut tx = self.pools.begin().await?;
        let Some(survey) = links::by_token::<Survey>(&mut tx, token, false).await? else {
            return Ok(Opened::Unknown);
        };
        Ok(match survey.state(now) {
            s::SurveyState::Answered => Opened::Answered,
            s::SurveyState::Expired => Opened::Expired,
            s::SurveyState::Sent => {
                let name = match survey.project_id {
                    Some(p) => tx
                        .one(sql("SELECT name FROM projects WHERE id = $1").bind(p))
                        .await?
                        .get("name")?,
                    None => String::new(),
                };
                Opened::Open {
                    survey: Box::new(survey),
                    project_name: name,
                }
            }
        })
    }

    async fn answer_survey(
        &self,
        token: &str,
        answer: SurveyAnswer,
        request_id: Option<String>,
        now: OffsetDateTime,
    ) -> Result<Survey> {
        links::answer(self, token, answer, request_id, now).await
    }

    async fn csat_report(&self, by: CsatBy) -> Result<Vec<CsatRow>> {
        let settings = self.settings().await?;
        let fiscal = settings.fiscal_calendar();
        let rows = self
            .pools
            .all(sql("SELECT s.sent_at, s.score, s.offering, pm.name AS pm, a.region, \
                 CASE WHEN p.partner_delivered THEN pa.name END AS partner \
                 FROM surveys s JOIN projects p ON p.id = s.project_id \
                 LEFT JOIN people pm ON pm.id = p.project_manager_id \
                 LEFT JOIN accounts a ON a.id = p.account_id \
                 LEFT JOIN partners pa ON pa.id = p.partner_id"))
            .await?;
        let mut groups: BTreeMap<String, CsatTally> = BTreeMap::new();
        for r in rows {
            let sent_at: OffsetDateTime = r.get("sent_at")?;
            let score: Option<i64> = r.get("score")?;
            let group = match by {
                CsatBy::Quarter => Some(fiscal.quarter_of(sent_at.date()).label()),
                CsatBy::Offering => Some(r.get("offering")?),
                CsatBy::Pm => Some(r.get::<Option<String>>("pm")?.unwrap_or_else(|| "(no PM)".into())),
                CsatBy::Region => Some(
                    r.get::<Option<String>>("region")?
                        .filter(|x| !x.trim().is_empty())
                        .unwrap_or_else(|| "(no region)".into()),
                ),
                CsatBy::Partner => r.get::<Option<String>>("partner")?,
            };
            let Some(group) = group else { continue };
            groups.entry(group).or_default().add(tally_of(score));
        }
        let mut out: Vec<CsatRow> = groups.into_iter().map(|(g, t)| CsatRow::new(g, t)).collect();
        if by == CsatBy::Quarter {
            // Newest quarter first.
            out.reverse();
        }
        Ok(out)
    }

    async fn project_csat(&self, project: ProjectId) -> Result<CsatTally> {
        tally(
            &self.pools,
            sql("SELECT score FROM surveys WHERE project_id = $1").bind(project),
        )
        .await
    }

    async fn quarter_csat(&self, day: Date) -> Result<CsatTally> {
        let settings = self.settings().await?;
        let fiscal = settings.fiscal_calendar();
        let range = fiscal.quarter_range(fiscal.quarter_of(day));
        let from = range.start.midnight().assume_utc();
        let to = range.end.next_day().unwrap_or(range.end).midnight().assume_utc();
        tally(
            &self.pools,
            sql("SELECT score FROM surveys WHERE sent_at >= $1 AND sent_at < $2")
                .bind(from)
                .bind(to),
        )
        .await
    }
}

fn tally_of(score: Option<i64>) -> CsatTally {
    CsatTally {
        sent: 1,
        answered: i64::from(score.is_some()),
        satisfied: i64::from(score.is_some_and(s::satisfied)),
    }
}

async fn tally(pools: &crate::db::Pools, q: crate::db::Sql) -> Result<CsatTally> {
    let mut t = CsatTally::default();
    for r in pools.all(q).await? {
        t.add(tally_of(r.get("score")?));
    }
    Ok(t)
}
