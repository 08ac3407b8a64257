//! What each demo opportunity becomes, decided up front from the seed: its customer,
//! segment, sales owner, CRM id, size and close date, and the point in scoping it stops
//! at. Pure: `scoping` then walks every deal there through the real store calls, so the
//! gates, clocks and audit trail are the ones a user would leave behind.

use time::{Date, Duration};

use psops_core::accounts::AccountId;
use psops_core::bulk::OrgRecords;
use psops_core::people::{Function, PersonId};
use psops_core::scoping::opportunities::{EmStatus, OpportunityFields, Segment};
use psops_core::scoping::states::ScopingState;
use psops_core::{Currency, Id, Money};

use crate::names::{self, REGIONS};
use crate::rng::Rng;

/// Opportunities per person: ~200 at the default 60 people, a year of pipeline for four
/// engagement managers.
const PER_TEN_PEOPLE: usize = 33;
pub(crate) const MIN_DEALS: usize = 40;
/// Every deal is written through the gated store calls, one transaction each; this many
/// keeps `psops demo` at 5,000 people within a few per cent of its time without them.
pub(crate) const MAX_DEALS: usize = 1_500;

/// Where a SOW's story stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SowEnd {
    NotDrafted,
    Draft,
    AtRdm,
    RejectedByRdm,
    AtRevenue,
    AtFinance,
    RejectedByFinance,
    AtDirector,
    AtLegal,
    AtSignatory,
    /// Every step approved, waiting for the customer's signature.
    Approved,
    /// Approved, but its expiry passed unsigned.
    Expired,
    Signed,
    /// Rejected once, revised into revision 2, then approved and signed.
    RevisedSigned,
}

impl SowEnd {
    /// The scoping state the record ends in.
    pub fn state(self) -> ScopingState {
        use SowEnd::*;
        match self {
            NotDrafted | Draft | AtRdm | RejectedByRdm => ScopingState::SowWip,
            AtRevenue | AtFinance | RejectedByFinance | AtDirector => ScopingState::ReadyForApproval,
            AtLegal | AtSignatory | Approved | Expired => ScopingState::Approved,
            Signed | RevisedSigned => ScopingState::ClosedWon,
        }
    }

    /// Finance sits only on a chain whose margin or discount needs it.
    pub fn needs_finance(self) -> bool {
        matches!(self, SowEnd::AtFinance | SowEnd::RejectedByFinance)
    }
}

/// Where a deal stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Goal {
    Open,
    Discovery,
    /// At strawman WIP, with a first draft estimate or none yet.
    Strawman {
        drafted: bool,
    },
    /// Estimate shared; the TA's review of a big one waiting or given.
    Feedback {
        review: Review,
    },
    Sow(SowEnd),
    /// Put on hold from the state given.
    Hold(ScopingState),
    /// Closed lost from the state given.
    Lost(ScopingState),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Review {
    /// Not sent to the TA yet (or not needed).
    NotSent,
    Waiting,
    Approved,
}

impl Goal {
    /// The furthest working state the walk passes through.
    pub fn reach(self) -> ScopingState {
        match self {
            Goal::Open => ScopingState::Open,
            Goal::Discovery => ScopingState::AwaitingDiscovery,
            Goal::Strawman { .. } => ScopingState::StrawmanWip,
            Goal::Feedback { .. } => ScopingState::EstimateFeedback,
            Goal::Sow(_) => ScopingState::SowWip,
            Goal::Hold(s) | Goal::Lost(s) => s,
        }
    }

    /// The state the record ends in.
    pub fn state(self) -> ScopingState {
        match self {
            Goal::Sow(end) => end.state(),
            Goal::Hold(_) => ScopingState::OnHold,
            Goal::Lost(_) => ScopingState::ClosedLost,
            g => g.reach(),
        }
    }
}

/// One opportunity to make.
#[derive(Debug, Clone)]
pub(crate) struct Deal {
    pub fields: OpportunityFields,
    /// Index into `REGIONS`: the customer's region, currency and rate card.
    pub region: usize,
    pub goal: Goal,
    /// The technical architect it can call on, and whether they are engaged at discovery
    /// (else only when an estimate goes over the TA threshold) and have assisted.
    pub architect: PersonId,
    pub ta_early: bool,
    pub ta_assisted: bool,
    /// Estimate versions (1–3), the last the one that counts.
    pub versions: u8,
    /// Services price aimed at, in whole US dollars.
    pub size_usd: i64,
    pub discount_bp: i64,
    /// A deep discount on custom hours only: a margin under target that brings finance
    /// onto the SOW's chain.
    pub thin: bool,
    /// Fixed fee by milestones, else time and materials billed monthly.
    pub fixed_fee: bool,
    /// A quote from the estimate overwrites PS value and sets edu value.
    pub quote: bool,
    /// Part of PS value approved as an investment.
    pub invest: bool,
    /// Who signs for the customer.
    pub signer: String,
    /// Its own stream, for the lines of its estimates.
    pub stream: u64,
}

/// The scripted deals every demo holds, whatever its size, so each state, SOW step and
/// special case appears at least once.
const SCRIPTED: [Goal; 26] = [
    Goal::Open,
    Goal::Discovery,
    Goal::Strawman { drafted: true },
    Goal::Feedback {
        review: Review::Waiting,
    },
    Goal::Feedback {
        review: Review::Approved,
    },
    Goal::Sow(SowEnd::NotDrafted),
    Goal::Sow(SowEnd::Draft),
    Goal::Sow(SowEnd::AtRdm),
    Goal::Sow(SowEnd::RejectedByRdm),
    Goal::Sow(SowEnd::AtRevenue),
    Goal::Sow(SowEnd::AtFinance),
    Goal::Sow(SowEnd::RejectedByFinance),
    Goal::Sow(SowEnd::AtDirector),
    Goal::Sow(SowEnd::AtLegal),
    Goal::Sow(SowEnd::AtSignatory),
    Goal::Sow(SowEnd::Approved),
    Goal::Sow(SowEnd::Expired),
    Goal::Hold(ScopingState::StrawmanWip),
    Goal::Hold(ScopingState::EstimateFeedback),
    Goal::Sow(SowEnd::Signed),
    Goal::Sow(SowEnd::Signed),
    Goal::Sow(SowEnd::RevisedSigned),
    Goal::Lost(ScopingState::Open),
    Goal::Lost(ScopingState::EstimateFeedback),
    Goal::Lost(ScopingState::SowWip),
    Goal::Sow(SowEnd::Signed),
];

/// The rest, by weight (of 100): a pipeline where a fifth has closed won and as many lost.
fn weighted(rng: &mut Rng) -> Goal {
    use ScopingState as S;
    match rng.below(100) {
        0..7 => Goal::Open,
        7..15 => Goal::Discovery,
        15..25 => Goal::Strawman {
            drafted: rng.chance(60),
        },
        25..36 => Goal::Feedback {
            review: *rng.pick(&[Review::NotSent, Review::NotSent, Review::Waiting, Review::Approved]),
        },
        36..42 => Goal::Sow(*rng.pick(&[SowEnd::NotDrafted, SowEnd::Draft, SowEnd::AtRdm, SowEnd::RejectedByRdm])),
        42..47 => Goal::Sow(*rng.pick(&[SowEnd::AtRevenue, SowEnd::AtDirector, SowEnd::AtDirector])),
        47..51 => Goal::Sow(*rng.pick(&[SowEnd::AtLegal, SowEnd::AtSignatory, SowEnd::Approved])),
        51..57 => Goal::Hold(*rng.pick(&[S::AwaitingDiscovery, S::StrawmanWip, S::EstimateFeedback, S::SowWip])),
        57..78 => Goal::Sow(if rng.chance(15) {
            SowEnd::RevisedSigned
        } else {
            SowEnd::Signed
        }),
        _ => Goal::Lost(*rng.pick(&[
            S::Open,
            S::AwaitingDiscovery,
            S::StrawmanWip,
            S::EstimateFeedback,
            S::SowWip,
        ])),
    }
}

/// How many deals a demo of `people` holds.
pub(crate) fn count(people: usize) -> usize {
    (people * PER_TEN_PEOPLE / 10).clamp(MIN_DEALS, MAX_DEALS)
}

/// The sales segments of a region, in `REGIONS` order.
pub(crate) fn segments(region: usize) -> &'static [Segment] {
    match region {
        0 => &[
            Segment::EntEast,
            Segment::EntWest,
            Segment::MmEast,
            Segment::MmWest,
            Segment::Smb,
        ],
        1 => &[Segment::EntEmea, Segment::MmEmea],
        _ => &[Segment::EntApac, Segment::MmApac],
    }
}

pub(crate) fn region_of(code: &str) -> usize {
    REGIONS.iter().position(|r| r.code == code).unwrap_or(0)
}

/// Local units per 100 US dollars in a region (as the demo's rate cards convert).
pub(crate) fn local_factor(region: usize) -> i64 {
    [100, 92, 152][region.min(2)]
}

fn active(records: &OrgRecords, f: Function, end: Date) -> Vec<(i64, usize)> {
    records
        .people
        .iter()
        .filter(|p| p.fields.function == f && p.fields.employment_end.is_none_or(|e| e > end))
        .filter(|p| p.fields.employment_start <= end)
        .map(|p| (p.id, region_of(&p.fields.region)))
        .collect()
}

/// The engagement managers who cover the territories, one per segment, from the
/// segment's region where the demo has one there; the demo's first (signed-in) EM first.
pub(crate) fn territories(records: &OrgRecords, end: Date) -> Vec<(Segment, PersonId)> {
    let ems = active(records, Function::EngagementManager, end);
    let pool = if ems.is_empty() {
        active(records, Function::ProgramManager, end)
    } else {
        ems
    };
    if pool.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut turn = 0;
    for region in 0..REGIONS.len() {
        let local: Vec<i64> = pool.iter().filter(|(_, r)| *r == region).map(|(id, _)| *id).collect();
        for s in segments(region) {
            let id = if local.is_empty() {
                pool[turn % pool.len()].0
            } else {
                local[turn % local.len()]
            };
            turn += 1;
            out.push((*s, Id::new(id)));
        }
    }
    out
}

const PAINS: &[&str] = &[
    "Releases take two weeks of manual steps; audit findings on change control",
    "Three CI systems after an acquisition; nobody owns the pipelines",
    "Security scanning happens after release; a pen test flagged secrets in repositories",
    "Self-managed instance on an unsupported version; upgrades keep failing",
    "Developers wait days for environments; onboarding takes a month",
];
const CONSTRAINTS: &[&str] = &[
    "Must stay on-premises; change freeze in the last two weeks of the quarter",
    "Only remote delivery; customer staff available two days a week",
    "Regulated: all access through the customer's jump hosts, background checks needed",
    "Hard deadline: the legacy licence expires at the end of the fiscal year",
    "Air-gapped network; packages mirrored by the customer",
];
const CONFIDENCE: &[&str] = &[
    "High: champion is the VP Engineering, budget approved",
    "Medium: budget expected next quarter, procurement not engaged yet",
    "Low: competing with a partner quote",
    "Medium: scope still moving, technical win likely",
];
const WORK: &[&str] = &[
    "GitLab migration",
    "CI/CD modernisation",
    "Platform implementation",
    "DevSecOps enablement",
    "Health check and upgrade",
    "Developer training programme",
    "Dedicated engineer",
    "Jira and Jenkins integration",
    "HA/DR architecture",
];

fn stage(goal: Goal) -> &'static str {
    match goal.state() {
        ScopingState::Open | ScopingState::AwaitingDiscovery => "Qualify",
        ScopingState::StrawmanWip => "Discovery",
        ScopingState::EstimateFeedback => "Solution",
        ScopingState::SowWip | ScopingState::ReadyForApproval => "Proposal",
        ScopingState::Approved => "Negotiation",
        ScopingState::OnHold => "Discovery",
        ScopingState::ClosedWon => "Closed Won",
        ScopingState::ClosedLost => "Closed Lost",
    }
}

/// A PS value a lead would believe for the segment, in whole US dollars.
fn size_for(segment: Segment, rng: &mut Rng) -> i64 {
    let (lo, hi) = match segment {
        Segment::Smb => (12, 40),
        Segment::MmEast | Segment::MmWest | Segment::MmEmea | Segment::MmApac => (25, 90),
        _ => (45, 260),
    };
    rng.between(lo, hi) * 1_000
}

/// Every deal of the demo, the scripted ones first.
pub(crate) fn deals(records: &OrgRecords, end: Date, seed: u64, people: usize) -> Vec<Deal> {
    let mut rng = Rng::derive(seed, 71);
    let ems = active(records, Function::EngagementManager, end);
    let tas = active(records, Function::TechnicalArchitect, end);
    if records.accounts.is_empty() || tas.is_empty() {
        return Vec::new();
    }
    let owners: Vec<String> = (0..(people / 20).clamp(6, 120))
        .map(|_| format!("{} {}", rng.pick(names::FIRST_NAMES), rng.pick(names::LAST_NAMES)))
        .collect();
    let n = count(people);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let goal = SCRIPTED.get(i).copied().unwrap_or_else(|| weighted(&mut rng));
        let account = &records.accounts[rng.below(records.accounts.len() as u64) as usize];
        let region = region_of(account.fields.region.as_deref().unwrap_or("AMER"));
        let segment = *rng.pick(segments(region));
        let industry = account.fields.industry.as_deref().unwrap_or("");
        let public_sector = match industry {
            "Education" | "Utilities" => rng.chance(80),
            "Healthcare" | "Transportation" => rng.chance(25),
            _ => rng.chance(4),
        };
        // Half name their own EM from the region's bench; the rest go to the territory's.
        let local: Vec<i64> = ems.iter().filter(|(_, r)| *r == region).map(|(id, _)| *id).collect();
        let em = (!local.is_empty() && rng.chance(50)).then(|| Id::new(*rng.pick(&local)));
        let local_tas: Vec<i64> = tas.iter().filter(|(_, r)| *r == region).map(|(id, _)| *id).collect();
        let architect = Id::new(if local_tas.is_empty() {
            rng.pick(&tas).0
        } else {
            *rng.pick(&local_tas)
        });
        let currency: Currency = REGIONS[region].currency.parse().unwrap_or(Currency::USD);
        let factor = local_factor(region);
        let money = |usd: i64| Money::new(usd * factor, currency);
        let thin = matches!(goal, Goal::Sow(e) if e.needs_finance())
            || (goal.reach() >= ScopingState::EstimateFeedback && rng.chance(4));
        let mut size_usd = size_for(segment, &mut rng);
        // The scripted TA cases are big enough for the TA threshold.
        if matches!(goal, Goal::Feedback { review } if review != Review::NotSent) && size_usd < 70_000 {
            size_usd += 70_000;
        }
        let closed = goal.state().is_closed();
        let close_date = if closed {
            end - Duration::days(rng.between(3, 300))
        } else {
            end + Duration::days(rng.between(10, 150))
        };
        let work = *rng.pick(WORK);
        let name = format!("{} — {work}", account.fields.name);
        let contact = records
            .contacts
            .iter()
            .find(|c| c.fields.account_id.get() == account.id)
            .map_or_else(|| "Procurement".to_string(), |c| c.fields.fields.name.clone());
        let fields = OpportunityFields {
            name,
            account_id: AccountId::new(account.id),
            crm_id: Some(format!("006D{:06}{:05X}", i + 1, rng.below(0x10_0000))),
            sales_owner: Some(rng.pick(&owners).clone()),
            engagement_manager_id: em,
            segment,
            public_sector,
            stage: Some(stage(goal).into()),
            close_date: Some(close_date),
            currency,
            amount: Some(money(size_usd * rng.between(3, 8))),
            ps_value: Some(money(size_usd)),
            edu_value_override: rng.chance(20).then(|| money(size_usd / 10 / 1_000 * 1_000)),
            em_confidence: (goal.reach() >= ScopingState::AwaitingDiscovery).then(|| rng.pick(CONFIDENCE).to_string()),
            em_status: if rng.chance(40) {
                EmStatus::Waiting
            } else {
                EmStatus::ToDo
            },
            pain_points: (goal.reach() >= ScopingState::AwaitingDiscovery).then(|| rng.pick(PAINS).to_string()),
            constraints: (goal.reach() >= ScopingState::AwaitingDiscovery).then(|| rng.pick(CONSTRAINTS).to_string()),
            keep_open: goal == Goal::Hold(ScopingState::SowWip),
        };
        out.push(Deal {
            fields,
            region,
            goal,
            architect,
            ta_early: goal.reach() >= ScopingState::AwaitingDiscovery && rng.chance(25),
            ta_assisted: rng.chance(60),
            versions: match rng.below(10) {
                0..6 => 1,
                6..9 => 2,
                _ => 3,
            },
            size_usd,
            discount_bp: if thin {
                rng.between(9, 10) * 500
            } else {
                match segment {
                    Segment::Smb => 0,
                    Segment::EntApac | Segment::EntEast | Segment::EntWest | Segment::EntEmea => {
                        *rng.pick(&[0, 500, 800, 1_000, 1_000, 1_500])
                    }
                    _ => *rng.pick(&[0, 0, 500, 1_000]),
                }
            },
            thin,
            // The scripted wins bill by milestones, so their projects start with them.
            fixed_fee: (i < SCRIPTED.len() && goal.state() == ScopingState::ClosedWon) || rng.chance(65),
            quote: goal.reach() >= ScopingState::EstimateFeedback && rng.chance(35),
            invest: false,
            signer: contact,
            stream: rng.next_u64(),
        });
    }
    // A couple of strategic deals still in flight are quoted and carry an investment.
    for d in out
        .iter_mut()
        .filter(|d| d.goal.reach() >= ScopingState::EstimateFeedback && !d.goal.state().is_closed())
        .take(2)
    {
        d.quote = true;
        d.invest = true;
    }
    out
}
