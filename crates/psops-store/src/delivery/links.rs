//! A survey answered through a single-use link, whichever table keeps it (a project's
//! surveys, a training class's): found by its token's hash, answered once before it
//! expires in one transaction, audited as the one who answered. The rules are
//! `psops_core::delivery::surveys`'s; each table says only where its rows are.

use psops_core::audit::AuditAction;
use psops_core::delivery::surveys::{self as s, SurveyAnswer};
use psops_core::error::Thing;
use psops_core::record::Entity;
use psops_core::store::WriteCtx;
use psops_core::webhooks::EventKind;
use psops_core::{Error, Result};
use serde::Serialize;
use time::OffsetDateTime;

use crate::Db;
use crate::db::{Row, Tx, sql};

/// A table of survey links.
pub(crate) trait Linked: Serialize + Sized + Send {
    const TABLE: &'static str;
    /// What a row is read from, as `read` expects it.
    const COLUMNS: &'static str;
    /// What an answer sets besides `answered_at`, `score` and `comment` (`$1` is now).
    const ALSO: &'static str;
    const ENTITY: Entity;
    fn read(r: &Row) -> Result<Self>;
    fn id(&self) -> i64;
    fn answered_at(&self) -> Option<OffsetDateTime>;
    fn expires_at(&self) -> OffsetDateTime;
    /// Who answers, as the audit log names them (`survey:contact:7`).
    fn via(&self) -> String;
}

/// What an unknown token answers: not found, like any missing record.
pub(crate) fn unknown<L: Linked>() -> Error {
    Error::not_found(Thing::Entity(L::ENTITY), "")
}

/// The survey a token opens, none for a token that is not one; locked for the
/// transaction's write when `lock`.
pub(crate) async fn by_token<L: Linked>(tx: &mut Tx, token: &str, lock: bool) -> Result<Option<L>> {
    if !s::plausible_token(token) {
        return Ok(None);
    }
    let lock = if lock { tx.for_update() } else { "" };
    tx.optional(
        sql(format!(
            "SELECT {} FROM {} WHERE token_hash = $1{lock}",
            L::COLUMNS,
            L::TABLE
        ))
        .bind(s::token_hash(token)),
    )
    .await?
    .map(|r| L::read(&r))
    .transpose()
}

/// Answers the survey a token opens, once, before its link expires.
pub(crate) async fn answer<L: Linked>(
    db: &Db,
    token: &str,
    answer: SurveyAnswer,
    request_id: Option<String>,
    now: OffsetDateTime,
) -> Result<L> {
    if !s::plausible_token(token) {
        return Err(unknown::<L>());
    }
    answer.validate()?;
    let mut tx = db.pools.begin().await?;
    let before: L = by_token(&mut tx, token, true).await?.ok_or_else(unknown::<L>)?;
    s::check_answerable(before.answered_at(), before.expires_at(), now)?;
    // The answered_at IS NULL condition makes a second answer racing this one update
    // nothing (SQLite serialises writers; PostgreSQL holds the row).
    let row = tx
        .optional(
            sql(format!(
                "UPDATE {} SET answered_at = $1, score = $2, comment = $3{} WHERE id = $4 AND answered_at IS NULL \
                 RETURNING {}",
                L::TABLE,
                L::ALSO,
                L::COLUMNS
            ))
            .bind(now)
            .bind(answer.score)
            .bind(answer.kept_comment())
            .bind(before.id()),
        )
        .await?
        .ok_or_else(s::already_answered)?;
    let after = L::read(&row)?;
    let mut ctx = WriteCtx::trusted();
    ctx.via = Some(after.via());
    ctx.request_id = request_id;
    crate::audit::record(
        &mut tx,
        &ctx,
        L::ENTITY,
        after.id(),
        AuditAction::Update,
        Some(&before),
        Some(&after),
    )
    .await?;
    // A customer's CSAT answer is an event; a training class's survey is not (yet).
    if L::ENTITY == Entity::Survey {
        crate::webhooks::emit(&mut tx, EventKind::SurveyAnswered, &after).await?;
    }
    tx.commit().await?;
    Ok(after)
}
