//! Regional holiday calendars and their holidays in SQL. One calendar per region (without
//! regard to case); one holiday per calendar and date; bulk adds are all or nothing.

use async_trait::async_trait;
use psops_core::audit::AuditAction;
use psops_core::calendars::{
    CalendarFields, HolidayCalendar, HolidayCalendarId, HolidayId, HolidayRecord, validate_holiday,
};
use psops_core::capacity::Holiday;
use psops_core::dates::DateRange;
use psops_core::record::Entity;
use psops_core::store::{CalendarStore, IfVersion, WriteCtx};
use psops_core::{Error, Minutes, Result};

use crate::Db;
use crate::common::{Exec, check_version};
use crate::db::{Row, Tx, now, on_unique, sql};

const CALENDAR_COLUMNS: &str = "id, name, region, version, created_at, updated_at";
const HOLIDAY_COLUMNS: &str = "id, calendar_id, holiday_date, name, minutes";
const DUPLICATE_REGION: &str = "the region already has a holiday calendar";
const DUPLICATE_DATE: &str = "the calendar already has a holiday on this date";

fn read_calendar(r: &Row) -> Result<HolidayCalendar> {
    Ok(HolidayCalendar {
        id: r.id("id")?,
        fields: CalendarFields {
            name: r.get("name")?,
            region: r.get("region")?,
        },
        version: r.get("version")?,
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
    })
}

pub(crate) fn read_holiday(r: &Row) -> Result<HolidayRecord> {
    Ok(HolidayRecord {
        id: r.id("id")?,
        calendar_id: r.id("calendar_id")?,
        holiday: Holiday {
            date: r.get("holiday_date")?,
            minutes: r.get::<Option<i64>>("minutes")?.map(Minutes),
            name: r.get("name")?,
        },
    })
}

async fn get_calendar<E: Exec>(e: &mut E, id: HolidayCalendarId, lock: &str) -> Result<HolidayCalendar> {
    let q = sql(format!(
        "SELECT {CALENDAR_COLUMNS} FROM holiday_calendars WHERE id = $1{lock}"
    ))
    .bind(id);
    let rows = e.all(q).await?;
    rows.first()
        .map(read_calendar)
        .unwrap_or_else(|| Err(Error::not_found(Entity::HolidayCalendar, id)))
}

async fn get_holiday(tx: &mut Tx, id: HolidayId) -> Result<HolidayRecord> {
    let q = sql(format!(
        "SELECT {HOLIDAY_COLUMNS} FROM holidays WHERE id = $1{}",
        tx.for_update()
    ))
    .bind(id);
    tx.optional(q)
        .await?
        .map(|r| read_holiday(&r))
        .unwrap_or_else(|| Err(Error::not_found(Entity::Holiday, id)))
}

fn trimmed(f: &CalendarFields) -> CalendarFields {
    CalendarFields {
        name: f.name.trim().to_string(),
        region: f.region.trim().to_string(),
    }
}

#[async_trait]
impl CalendarStore for Db {
    async fn create_calendar(&self, ctx: &WriteCtx, new: CalendarFields) -> Result<HolidayCalendar> {
        new.validate()?;
        let f = trimmed(&new);
        let mut tx = self.pools.begin().await?;
        let t = now();
        let q = sql(format!(
            "INSERT INTO holiday_calendars (name, region, created_at, updated_at) VALUES ($1, $2, $3, $3) \
             RETURNING {CALENDAR_COLUMNS}"
        ))
        .bind(f.name)
        .bind(f.region)
        .bind(t);
        let row = tx.one(q).await.map_err(on_unique("region", DUPLICATE_REGION))?;
        let cal = read_calendar(&row)?;
        let action = AuditAction::Create;
        crate::audit::record(
            &mut tx,
            ctx,
            Entity::HolidayCalendar,
            cal.id.get(),
            action,
            None,
            Some(&cal),
        )
        .await?;
        tx.commit().await?;
        Ok(cal)
    }

    async fn calendar(&self, id: HolidayCalendarId) -> Result<HolidayCalendar> {
        get_calendar(&mut &self.pools, id, "").await
    }

    async fn update_calendar(
        &self,
        ctx: &WriteCtx,
        id: HolidayCalendarId,
        v: IfVersion,
        fields: CalendarFields,
    ) -> Result<HolidayCalendar> {
        fields.validate()?;
        let f = trimmed(&fields);
        let mut tx = self.pools.begin().await?;
        let lock = tx.for_update();
        let before = get_calendar(&mut tx, id, lock).await?;
        check_version(before.version, v)?;
        let q = sql(format!(
            "UPDATE holiday_calendars SET name = $2, region = $3, version = version + 1, updated_at = $4 \
             WHERE id = $1 RETURNING {CALENDAR_COLUMNS}"
        ))
        .bind(id)
        .bind(f.name)
        .bind(f.region)
        .bind(now());
        let row = tx.one(q).await.map_err(on_unique("region", DUPLICATE_REGION))?;
        let after = read_calendar(&row)?;
        let action = AuditAction::Update;
        crate::audit::record(
            &mut tx,
            ctx,
            Entity::HolidayCalendar,
            id.get(),
            action,
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn delete_calendar(&self, ctx: &WriteCtx, id: HolidayCalendarId) -> Result<()> {
        let mut tx = self.pools.begin().await?;
        let lock = tx.for_update();
        let before = get_calendar(&mut tx, id, lock).await?;
        tx.execute(sql("DELETE FROM holidays WHERE calendar_id = $1").bind(id))
            .await?;
        tx.execute(sql("DELETE FROM holiday_calendars WHERE id = $1").bind(id))
            .await?;
        crate::audit::deleted(&mut tx, ctx, Entity::HolidayCalendar, id.get(), &before).await?;
        tx.commit().await
    }

    async fn list_calendars(&self) -> Result<Vec<HolidayCalendar>> {
        let q = sql(format!(
            "SELECT {CALENDAR_COLUMNS} FROM holiday_calendars ORDER BY lower(region), id"
        ));
        self.pools.all(q).await?.iter().map(read_calendar).collect()
    }

    async fn add_holidays(
        &self,
        ctx: &WriteCtx,
        calendar: HolidayCalendarId,
        holidays: Vec<Holiday>,
    ) -> Result<Vec<HolidayRecord>> {
        let mut errors = Vec::new();
        for (i, h) in holidays.iter().enumerate() {
            if let Err(Error::Invalid(e)) = validate_holiday(h, &format!("holidays[{i}].")) {
                errors.extend(e);
            }
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        let mut tx = self.pools.begin().await?;
        let lock = tx.for_update();
        get_calendar(&mut tx, calendar, lock).await?;
        let mut out = Vec::with_capacity(holidays.len());
        for chunk in holidays.chunks(500) {
            let mut q = sql("INSERT INTO holidays (calendar_id, holiday_date, name, minutes) VALUES ");
            for (i, h) in chunk.iter().enumerate() {
                q.push(if i == 0 { "(" } else { ", (" });
                q.push_bind(calendar).push(", ").push_bind(h.date).push(", ");
                q.push_bind(h.name.trim())
                    .push(", ")
                    .push_bind(h.minutes.map(Minutes::get))
                    .push(")");
            }
            q.push(&format!(" RETURNING {HOLIDAY_COLUMNS}"));
            let rows = tx.all(q).await.map_err(on_unique("date", DUPLICATE_DATE))?;
            for r in &rows {
                out.push(read_holiday(r)?);
            }
        }
        out.sort_by_key(|h| h.holiday.date);
        let action = AuditAction::Create;
        for h in &out {
            crate::audit::record(&mut tx, ctx, Entity::Holiday, h.id.get(), action, None, Some(h)).await?;
        }
        tx.commit().await?;
        Ok(out)
    }

    async fn update_holiday(&self, ctx: &WriteCtx, id: HolidayId, holiday: Holiday) -> Result<HolidayRecord> {
        validate_holiday(&holiday, "")?;
        let mut tx = self.pools.begin().await?;
        let before = get_holiday(&mut tx, id).await?;
        let q = sql(format!(
            "UPDATE holidays SET holiday_date = $2, name = $3, minutes = $4 WHERE id = $1 RETURNING {HOLIDAY_COLUMNS}"
        ))
        .bind(id)
        .bind(holiday.date)
        .bind(holiday.name.trim())
        .bind(holiday.minutes.map(Minutes::get));
        let row = tx.one(q).await.map_err(on_unique("date", DUPLICATE_DATE))?;
        let after = read_holiday(&row)?;
        let action = AuditAction::Update;
        crate::audit::record(
            &mut tx,
            ctx,
            Entity::Holiday,
            id.get(),
            action,
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn delete_holiday(&self, ctx: &WriteCtx, id: HolidayId) -> Result<()> {
        let mut tx = self.pools.begin().await?;
        let before = get_holiday(&mut tx, id).await?;
        tx.execute(sql("DELETE FROM holidays WHERE id = $1").bind(id)).await?;
        crate::audit::deleted(&mut tx, ctx, Entity::Holiday, id.get(), &before).await?;
        tx.commit().await
    }

    async fn list_holidays(&self, calendar: HolidayCalendarId, range: Option<DateRange>) -> Result<Vec<HolidayRecord>> {
        get_calendar(&mut &self.pools, calendar, "").await?;
        let mut q = sql(format!("SELECT {HOLIDAY_COLUMNS} FROM holidays WHERE calendar_id = $1")).bind(calendar);
        if let Some(r) = range {
            q.push(" AND holiday_date >= ").push_bind(r.start);
            q.push(" AND holiday_date <= ").push_bind(r.end);
        }
        q.push(" ORDER BY holiday_date");
        self.pools.all(q).await?.iter().map(read_holiday).collect()
    }
}
