//! `psops partner-invoices import FILE --number … --month YYYY-MM [--currency USD]
//! [--received-on DAY]`: a partner's monthly invoice from its CSV (the header and columns
//! of `psops_core::partner_invoices::csv`; the partner is the one the file's `partner`
//! column names), received and reconciled, each line's outcome printed; and
//! `psops partner-invoices late [--on DAY]`: the partners late with an invoice.

use std::collections::HashSet;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use psops_core::finance::month::Month;
use psops_core::partner_invoices::reconcile::{outcome_word, signed};
use psops_core::partner_invoices::{PartnerInvoice, PartnerInvoiceFields, csv};
use psops_core::partners::{Partner, PartnerFilter};
use psops_core::store::Created;
use psops_core::store::prelude::*;
use psops_core::{Currency, Error};
use time::OffsetDateTime;

use crate::admin::cli_ctx;
use crate::cli::DbArgs;
use crate::config;

#[derive(Debug, Subcommand)]
pub enum PartnerInvoicesCommand {
    /// Receive a partner's monthly invoice from its CSV and print its reconciliation.
    Import(ImportArgs),
    /// The partners that owe an invoice for a month and sent none by the 15th of the next.
    Late(LateArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The CSV: `partner,po,from,to,consultant,project,hours,rate,total`.
    pub file: std::path::PathBuf,
    /// The partner's own invoice number.
    #[arg(long)]
    pub number: String,
    /// The month billed, YYYY-MM.
    #[arg(long)]
    pub month: String,
    /// The currency of the amounts.
    #[arg(long, default_value = "USD")]
    pub currency: String,
    /// The day it was received (YYYY-MM-DD); today when absent.
    #[arg(long)]
    pub received_on: Option<String>,
}

#[derive(Debug, Args)]
pub struct LateArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The day judged (YYYY-MM-DD); today when absent.
    #[arg(long)]
    pub on: Option<String>,
}

pub async fn run(cmd: PartnerInvoicesCommand) -> anyhow::Result<()> {
    match cmd {
        PartnerInvoicesCommand::Import(a) => {
            let db = config::open_db(&a.db.database_url).await?;
            let done = import(&db, &a).await;
            db.close().await;
            done
        }
        PartnerInvoicesCommand::Late(a) => {
            let db = config::open_db(&a.db.database_url).await?;
            let done = late(&db, &a).await;
            db.close().await;
            done
        }
    }
}

/// The broken rules of an invalid input, a line each, as the API names them.
fn said(e: Error) -> anyhow::Error {
    match e {
        Error::Invalid(v) => anyhow::anyhow!(
            "{}",
            v.iter()
                .map(|f| format!("{} ({}): {}", f.field, f.rule.code(), f.message))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        Error::Conflict(f) => anyhow::anyhow!("{} ({}): {}", f.field, f.rule.code(), f.message),
        other => other.into(),
    }
}

async fn import(db: &psops_store::Db, a: &ImportArgs) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&a.file).with_context(|| format!("reading {}", a.file.display()))?;
    let currency: Currency = a.currency.trim().parse().map_err(said)?;
    let month = Month::parse(&a.month, "month").map_err(said)?;
    let received_on = match &a.received_on {
        Some(d) => psops_core::dates::parse_date("received_on", d).map_err(said)?,
        None => OffsetDateTime::now_utc().date(),
    };
    let rows = csv::read(&text, currency).map_err(said)?;
    let names: HashSet<String> = rows.iter().map(|r| r.partner.trim().to_lowercase()).collect();
    let names: Vec<String> = names.into_iter().collect();
    let [name] = &names[..] else {
        bail!("every line must name the same partner");
    };
    let name = name.clone();
    let filter = PartnerFilter {
        q: Some(name.clone()),
        ..PartnerFilter::default()
    };
    let partners: Vec<Partner> = db.every(&filter).await?;
    let Some(partner) = partners
        .into_iter()
        .find(|p| p.fields.name.trim().to_lowercase() == name)
    else {
        bail!("no partner is named {name}");
    };
    let lines = db
        .partner_invoice_lines(partner.id, &rows, currency)
        .await
        .map_err(said)?;
    let fields = PartnerInvoiceFields {
        partner_id: partner.id,
        number: a.number.trim().to_string(),
        month,
        received_on,
        currency,
        lines,
        notes: None,
    };
    let inv: PartnerInvoice = match db.create(&cli_ctx(), fields).await.map_err(said)? {
        Created::New(v) => v,
        Created::Replayed(_) => bail!("the invoice was already received"),
    };
    let r = db.reconcile_partner_invoice(inv.id).await?;
    crate::stdout_line(format!(
        "received invoice {} of {} for {month} (id {}): billed {}, expected {}",
        inv.fields.number,
        partner.fields.name,
        inv.id,
        r.billed.written(),
        r.expected.written()
    ))?;
    for l in &r.lines {
        crate::stdout_line(format!(
            "line {}: {} {} (billed {} h {}, approved {} h {}){}",
            l.index + 1,
            outcome_word(l.outcome),
            signed(l.difference),
            l.billed_minutes.hours_text(),
            l.billed_total.written(),
            l.expected_minutes.hours_text(),
            l.expected_total.written(),
            l.why.as_deref().map(|w| format!(": {w}")).unwrap_or_default()
        ))?;
    }
    crate::stdout_line(if r.matched {
        "every line matches: it approves without a reason"
    } else {
        "it does not match: approving it needs a reason for the variance"
    })?;
    Ok(())
}

async fn late(db: &psops_store::Db, a: &LateArgs) -> anyhow::Result<()> {
    let on = match &a.on {
        Some(d) => psops_core::dates::parse_date("on", d).map_err(said)?,
        None => OffsetDateTime::now_utc().date(),
    };
    let late = db.late_partner_invoices(on, None).await?;
    if late.is_empty() {
        crate::stdout_line("no partner is late with an invoice")?;
    }
    for l in late {
        crate::stdout_line(format!(
            "{}\t{}\tdue by {}",
            l.partner_name,
            l.month,
            psops_core::dates::format_date(l.due_on)
        ))?;
    }
    Ok(())
}
