//! Win rate = closed won ÷ (closed won + closed lost), by engagement manager, segment
//! or the fiscal quarter the record closed in.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::opportunities::Segment;
use crate::code::Code;
use crate::people::PersonId;

/// Closed records of one engagement manager, segment and quarter, as the store counts them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WinCount {
    pub engagement_manager_id: Option<PersonId>,
    pub segment: Segment,
    pub quarter: String,
    pub won: i64,
    pub lost: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum WinBy {
    EngagementManager,
    Segment,
    Quarter,
}

impl Code for WinBy {
    const FIELD: &'static str = "by";
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct WinRate {
    /// The engagement manager's id, the segment's code or the quarter, as text; empty
    /// for records without an engagement manager.
    pub key: String,
    pub won: i64,
    pub lost: i64,
    /// Won ÷ (won + lost) in basis points; none when nothing closed.
    pub rate_bp: Option<i64>,
}

/// The win rate of each group, in key order, and of all of them together last (key
/// `total`).
pub fn win_rates(counts: &[WinCount], by: WinBy) -> Vec<WinRate> {
    let mut groups: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for c in counts {
        let key = match by {
            WinBy::EngagementManager => c.engagement_manager_id.map(|p| p.to_string()).unwrap_or_default(),
            WinBy::Segment => c.segment.code().to_string(),
            WinBy::Quarter => c.quarter.clone(),
        };
        let g = groups.entry(key).or_default();
        g.0 += c.won;
        g.1 += c.lost;
    }
    let (won, lost) = groups.values().fold((0, 0), |(w, l), g| (w + g.0, l + g.1));
    groups
        .into_iter()
        .chain(std::iter::once(("total".to_string(), (won, lost))))
        .map(|(key, (won, lost))| WinRate {
            key,
            won,
            lost,
            rate_bp: (won + lost > 0).then(|| (won * 10_000 * 2 + (won + lost)) / ((won + lost) * 2)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn win_rate_is_won_over_closed() {
        let c = |em: i64, seg, q: &str, won, lost| WinCount {
            engagement_manager_id: Some(PersonId::new(em)),
            segment: seg,
            quarter: q.into(),
            won,
            lost,
        };
        let counts = [
            c(1, Segment::Smb, "FY2026 Q1", 2, 1),
            c(1, Segment::EntEmea, "FY2026 Q2", 1, 3),
            c(2, Segment::Smb, "FY2026 Q2", 0, 0),
        ];
        let by_em = win_rates(&counts, WinBy::EngagementManager);
        assert_eq!(by_em[0].key, "1");
        assert_eq!((by_em[0].won, by_em[0].lost, by_em[0].rate_bp), (3, 4, Some(4_286)));
        assert_eq!(by_em[1].rate_bp, None);
        assert_eq!(by_em.last().unwrap().key, "total");
        let by_q = win_rates(&counts, WinBy::Quarter);
        assert_eq!(by_q[0].rate_bp, Some(6_667));
        assert_eq!(by_q[1].rate_bp, Some(2_500));
    }
}
