//! The handbook's capacity table — item, formula with the policy's numbers, value — for any policy.

use serde::Serialize;
use utoipa::ToSchema;

use super::CapacityRules;
use crate::Minutes;
use crate::people::Function;

/// One row of the handbook's capacity table for a policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct HandbookRow {
    /// Stable machine key, e.g. `available` or `quarterly_target:technical_architect`.
    pub key: String,
    pub item: String,
    /// The formula with this policy's numbers, e.g. `11 holidays × 8 h`.
    pub formula: String,
    pub minutes: Minutes,
    /// Hours for display, trailing zeros trimmed: `296.8`.
    pub hours: String,
}

impl CapacityRules {
    /// The handbook's capacity table for this policy, in the handbook's order. Functions sharing the
    /// handbook's target groups share a row while their targets agree; any other function
    /// with a target gets its own row.
    pub fn handbook_table(&self) -> Vec<HandbookRow> {
        let day = hours(self.day_minutes);
        let row = |key: &str, item: &str, formula: String, minutes: i64| HandbookRow {
            key: key.into(),
            item: item.into(),
            formula,
            minutes: Minutes(minutes),
            hours: hours(minutes),
        };
        let mut rows = vec![
            row(
                "holiday",
                "holiday hours",
                format!("{} holidays × {day} h", self.holiday_days),
                self.holiday_minutes(),
            ),
            row(
                "pto_ff",
                "PTO + friends-and-family hours",
                format!(
                    "({} PTO + {} F&F days) × {day} h",
                    self.pto_days, self.friends_family_days
                ),
                self.pto_ff_minutes(),
            ),
            row(
                "summit",
                "summit / SKO hours",
                format!("{} days × {day} h", self.summit_days),
                self.summit_minutes(),
            ),
            row(
                "non_working",
                "non-working hours",
                "holiday + PTO/F&F + summit".into(),
                self.non_working_minutes(),
            ),
            row(
                "total_weekday",
                "total weekday hours",
                format!("{day} h × {} days × {} weeks", self.week_days, self.weeks_per_year),
                self.total_weekday_minutes(),
            ),
            row(
                "available",
                "available hours",
                "total weekday − non-working".into(),
                self.available_minutes(),
            ),
            row(
                "quarterly",
                "quarterly hour total",
                "available ÷ 4".into(),
                self.quarterly_minutes(),
            ),
        ];
        for group in self.target_groups() {
            let bp = self.billable_target_bp(group[0]);
            let codes: Vec<&str> = group.iter().map(crate::code::Code::code).collect();
            let names: Vec<String> = codes.iter().map(|c| c.replace('_', " ")).collect();
            rows.push(row(
                &format!("quarterly_target:{}", codes.join(",")),
                &format!("{} quarterly target", names.join(" / ")),
                format!("quarterly × {}", fraction(bp)),
                self.quarterly_target_minutes(group[0]),
            ));
        }
        rows
    }

    fn target_groups(&self) -> Vec<Vec<Function>> {
        use Function::*;
        let handbook: [&[Function]; 3] = [
            &[ProjectManager, ProgramManager, Engineer],
            &[TechnicalArchitect],
            &[Trainer],
        ];
        let mut groups = Vec::new();
        for g in handbook {
            let bp = self.billable_target_bp(g[0]);
            if g.iter().all(|f| self.billable_target_bp(*f) == bp) {
                groups.push(g.to_vec());
            } else {
                groups.extend(g.iter().map(|f| vec![*f]));
            }
        }
        let listed: Vec<Function> = groups.iter().flatten().copied().collect();
        for f in <Function as crate::code::Code>::ALL {
            if !listed.contains(f) && self.billable_target_bp(*f) > 0 {
                groups.push(vec![*f]);
            }
        }
        groups
    }
}

/// Minutes as hours with at most two decimals and no trailing zeros: 17808 → `296.8`.
fn hours(minutes: i64) -> String {
    let text = Minutes(minutes).hours_text();
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Basis points as a decimal fraction with at least two places: 7000 → `0.70`.
fn fraction(bp: i64) -> String {
    let sign = if bp < 0 { "-" } else { "" };
    let bp = bp.unsigned_abs();
    let mut decimals = format!("{:04}", bp % 10_000);
    while decimals.len() > 2 && decimals.ends_with('0') {
        decimals.pop();
    }
    format!("{sign}{}.{decimals}", bp / 10_000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Function::*;

    #[test]
    fn the_handbook_table_reads_like_spec_section_2() {
        let table: Vec<(String, String, String)> = CapacityRules::handbook()
            .handbook_table()
            .into_iter()
            .map(|r| (r.item, r.formula, r.hours))
            .collect();
        let expect = [
            ("holiday hours", "11 holidays × 8 h", "88"),
            ("PTO + friends-and-family hours", "(28 PTO + 4 F&F days) × 8 h", "256"),
            ("summit / SKO hours", "5 days × 8 h", "40"),
            ("non-working hours", "holiday + PTO/F&F + summit", "384"),
            ("total weekday hours", "8 h × 5 days × 52 weeks", "2080"),
            ("available hours", "total weekday − non-working", "1696"),
            ("quarterly hour total", "available ÷ 4", "424"),
            (
                "project manager / program manager / engineer quarterly target",
                "quarterly × 0.70",
                "296.8",
            ),
            ("technical architect quarterly target", "quarterly × 0.55", "233.2"),
            ("trainer quarterly target", "quarterly × 0.55", "233.2"),
        ];
        let expect: Vec<(String, String, String)> = expect
            .iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
            .collect();
        assert_eq!(table, expect);
    }

    #[test]
    fn a_changed_policy_changes_the_table() {
        let mut p = CapacityRules::handbook();
        p.holiday_days = 10;
        p.day_minutes = 450; // 7.5 h
        p.billable_targets.set(Engineer, 6000);
        p.billable_targets.set(Ops, 2500);
        p.billable_targets.set(Trainer, 5555);
        let table = p.handbook_table();
        let keys: Vec<&str> = table.iter().map(|r| r.key.as_str()).collect();
        // The engineer no longer shares the managers' target, so the group splits.
        assert_eq!(
            &keys[7..],
            [
                "quarterly_target:project_manager",
                "quarterly_target:program_manager",
                "quarterly_target:engineer",
                "quarterly_target:technical_architect",
                "quarterly_target:trainer",
                "quarterly_target:ops",
            ]
        );
        assert_eq!(table[0].formula, "10 holidays × 7.5 h");
        assert_eq!(table[0].hours, "75");
        assert_eq!(table[4].formula, "7.5 h × 5 days × 52 weeks");
        assert_eq!(table[9].formula, "quarterly × 0.60");
        assert_eq!(table[11].formula, "quarterly × 0.5555");
        assert_eq!(table[12].formula, "quarterly × 0.25");
        for r in &table {
            assert_eq!(r.hours, hours(r.minutes.get()), "{}", r.key);
        }
        // 7.5 h × 5 × 52 = 1950 h; − (10 + 28 + 4 + 5) × 7.5 h = 1597.5 h; ÷ 4 = 399.375 h.
        assert_eq!(table[6].minutes, Minutes(23_963)); // 23962.5 rounds half up
        assert_eq!(table[6].hours, "399.38");
    }

    #[test]
    fn numbers_print_without_noise() {
        assert_eq!(fraction(5555), "0.5555");
        assert_eq!(fraction(10_000), "1.00");
        assert_eq!(fraction(500), "0.05");
        assert_eq!(hours(17_808), "296.8");
        assert_eq!(hours(124_800), "2080");
        assert_eq!(hours(20), "0.33");
    }
}
