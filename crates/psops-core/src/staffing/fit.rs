//! How well one person fits one resource request: the hard checks that rule them in or
//! out, then a score in [0, 1] from weighted parts, each with the words that explain it.
//! Parts that do not apply to the request (no desired skills, no time zone) drop out and
//! the others' weights are scaled up, so a score always spans the whole range.

use serde::Serialize;
use time::Date;
use utoipa::ToSchema;

use super::availability::WeekLoad;
use super::zones;
use crate::dates::DateRange;
use crate::people::PersonId;
use crate::plan::RequiredSkill;

/// What fitting reads of a person whatever the request: kept once per person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub person_id: PersonId,
    pub name: String,
    pub region: String,
    pub time_zone: String,
    pub employment_start: Date,
    pub employment_end: Option<Date>,
    /// Lower-cased skill, level, whether they want to grow in it.
    pub skills: Vec<(String, i64, bool)>,
    /// Lower-cased certification code, issued, expires.
    pub certifications: Vec<(String, Date, Option<Date>)>,
    /// Their billable utilization target, in basis points; 0 for someone without one (a
    /// partner's consultant).
    pub target_bp: i64,
}

/// A person as fitting reads them for one request: their profile, and their weeks and
/// history as they bear on it. Borrowed, so thousands of pairs cost no copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Person<'a> {
    pub profile: &'a Profile,
    /// Their function fits the request's role (the same, or a partner consultant vetted
    /// on the role's track): the caller knows the vetting settings.
    pub role_fits: bool,
    /// Their weeks over the request's weeks, in order.
    pub weeks: &'a [WeekLoad],
    /// Minutes of billable projects already booked to them over the request's weeks.
    pub billable_booked: i64,
    /// Already assigned to the request's project.
    pub on_project: bool,
    /// Assigned before to another project of the request's account.
    pub on_account: bool,
}

/// What the request asks, as fitting reads it.
#[derive(Debug, Clone)]
pub struct Ask<'a> {
    pub span: DateRange,
    /// Its load in each of the weeks the people's `weeks` cover.
    pub load: Vec<i64>,
    /// Its project is billable: taking it moves billable utilization.
    pub billable: bool,
    pub required_skills: &'a [RequiredSkill],
    pub desired_skills: &'a [RequiredSkill],
    pub certifications: &'a [String],
    pub region: Option<&'a str>,
    pub time_zone: Option<&'a str>,
    pub max_hours_apart: Option<i64>,
}

impl Ask<'_> {
    pub fn minutes(&self) -> i64 {
        self.load.iter().sum()
    }
}

/// One hard check, passed or not, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = FitCheck)]
pub struct Check {
    /// `role`, `skill`, `certification`, `region`, `time_zone`, `employed` or `capacity`.
    pub check: &'static str,
    pub passed: bool,
    /// E.g. "Kubernetes 4 (3+ asked)", "no free hours in the week of 2026-03-09".
    pub detail: String,
}

/// One weighted part of the score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(as = FitPart)]
pub struct Part {
    /// `skills`, `desired_skills`, `time_zone`, `continuity`, `availability`,
    /// `utilization`, `growth` or `tenure`.
    pub part: &'static str,
    /// Its share of the score in basis points, after parts that do not apply dropped out.
    pub weight_bp: i64,
    /// The part's own score, 0 to 1000.
    pub score_milli: i64,
    pub detail: String,
}

impl Part {
    /// What it adds to the score, in millionths.
    pub fn weighted(&self) -> i64 {
        self.weight_bp * self.score_milli / 10
    }
}

/// A person's fit to a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Fit {
    /// The score, 0 to 1000 (thousandths of 1).
    pub score_milli: i64,
    pub parts: Vec<Part>,
    /// Billable utilization over the request's dates before and after taking it, and
    /// their target, in basis points (none when they have no capacity then).
    pub utilization_before_bp: Option<i64>,
    pub utilization_after_bp: Option<i64>,
    pub target_bp: i64,
    /// E.g. "62 % → 71 % vs 70 % target".
    pub effect: String,
}

/// The weights of the parts, in basis points of 10,000, before dropping those that do
/// not apply. Skills matter most; then whether the person is free and whether the work
/// moves them toward their target.
pub const WEIGHTS: [(&str, i64); 8] = [
    ("skills", 3_000),
    ("desired_skills", 1_000),
    ("time_zone", 1_000),
    ("continuity", 1_000),
    ("availability", 1_500),
    ("utilization", 1_500),
    ("growth", 500),
    ("tenure", 500),
];

fn level_of(p: &Person<'_>, skill: &str) -> Option<(i64, bool)> {
    // Kept lower-cased (as SQL's LOWER does, ASCII only): compared without allocating.
    let key = skill.trim();
    p.profile
        .skills
        .iter()
        .find(|(k, _, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, l, g)| (*l, *g))
}

fn percent(bp: i64) -> String {
    format!("{} %", (bp + 50).div_euclid(100))
}

/// Their level in a required skill, and whether it is enough.
fn skill_met(p: &Person<'_>, s: &RequiredSkill) -> (Option<i64>, bool) {
    let level = level_of(p, &s.skill).map(|(l, _)| l);
    (level, level.is_some_and(|l| l >= s.min_level))
}

/// Whether they hold the certification, issued by the start and valid through the end.
fn certified(p: &Person<'_>, code: &str, span: DateRange) -> bool {
    let key = code.trim();
    p.profile.certifications.iter().any(|(c, issued, expires)| {
        c.eq_ignore_ascii_case(key) && *issued <= span.start && expires.is_none_or(|e| e >= span.end)
    })
}

fn in_region(p: &Person<'_>, region: &str) -> bool {
    p.profile.region.trim().eq_ignore_ascii_case(region.trim())
}

/// Minutes between their clock and the request's zone, and whether that is close enough.
fn near(p: &Person<'_>, zone: &str, max_hours: i64, on: Date) -> (Option<i64>, bool) {
    let apart = zones::apart_minutes(&p.profile.time_zone, zone, on);
    (apart, apart.is_some_and(|m| m <= max_hours * 60))
}

fn employed(p: &Person<'_>, span: DateRange) -> bool {
    p.profile.employment_start <= span.start && p.profile.employment_end.is_none_or(|e| e >= span.end)
}

/// The first week (of the request's) whose hard bookings leave too little room.
fn short_week(p: &Person<'_>, a: &Ask<'_>) -> Option<usize> {
    p.weeks
        .iter()
        .zip(&a.load)
        .position(|(w, need)| *need > 0 && w.free_of_hard() < *need)
}

/// The first check the person fails, or none when they may take the request — what
/// [`checks`] says, without the words, for the many people a plan weighs.
pub fn first_failure(p: &Person<'_>, a: &Ask<'_>) -> Option<&'static str> {
    if !p.role_fits {
        return Some("role");
    }
    if a.required_skills.iter().any(|s| !skill_met(p, s).1) {
        return Some("skill");
    }
    if a.certifications.iter().any(|c| !certified(p, c, a.span)) {
        return Some("certification");
    }
    if a.region.is_some_and(|r| !in_region(p, r)) {
        return Some("region");
    }
    if let (Some(tz), Some(max)) = (a.time_zone, a.max_hours_apart)
        && !near(p, tz, max, a.span.start).1
    {
        return Some("time_zone");
    }
    if !employed(p, a.span) {
        return Some("employed");
    }
    short_week(p, a).map(|_| "capacity")
}

/// Every hard check, in a fixed order, in words; the person may take the request when
/// all pass.
pub fn checks(p: &Person<'_>, a: &Ask<'_>) -> Vec<Check> {
    let mut out = vec![Check {
        check: "role",
        passed: p.role_fits,
        detail: if p.role_fits {
            "their function fits the role"
        } else {
            "another function"
        }
        .into(),
    }];
    for s in a.required_skills {
        let (level, passed) = skill_met(p, s);
        out.push(Check {
            check: "skill",
            passed,
            detail: match level {
                Some(l) => format!("{} {l} ({}+ asked)", s.skill.trim(), s.min_level),
                None => format!("no {} ({}+ asked)", s.skill.trim(), s.min_level),
            },
        });
    }
    for code in a.certifications {
        let valid = certified(p, code, a.span);
        let key = code.trim();
        let latest = p
            .profile
            .certifications
            .iter()
            .filter(|(c, _, _)| c.eq_ignore_ascii_case(key))
            .max_by_key(|(_, _, e)| e.unwrap_or(Date::MAX));
        let detail = match (valid, latest) {
            (true, _) => format!("{key} valid through {}", a.span.end),
            (false, Some((_, _, Some(e)))) if *e < a.span.end => format!("{key} expires {e}, before the work ends"),
            (false, Some((_, issued, _))) => format!("{key} issued {issued}, after the work starts"),
            (false, None) => format!("no {key} certification"),
        };
        out.push(Check {
            check: "certification",
            passed: valid,
            detail,
        });
    }
    if let Some(r) = a.region {
        let passed = in_region(p, r);
        out.push(Check {
            check: "region",
            passed,
            detail: if passed {
                format!("in {}", p.profile.region)
            } else {
                format!("in {}, not {}", p.profile.region, r.trim())
            },
        });
    }
    if let (Some(tz), Some(max)) = (a.time_zone, a.max_hours_apart) {
        let (apart, passed) = near(p, tz, max, a.span.start);
        out.push(Check {
            check: "time_zone",
            passed,
            detail: match apart {
                Some(m) => format!(
                    "{} is {} from {tz} ({max} h at most)",
                    p.profile.time_zone,
                    hours_text(m)
                ),
                None => format!("{}: time zone not known", p.profile.time_zone),
            },
        });
    }
    let passed = employed(p, a.span);
    out.push(Check {
        check: "employed",
        passed,
        detail: if passed {
            "employed throughout".into()
        } else {
            match p.profile.employment_end {
                Some(e) if e < a.span.end => format!("leaves on {e}"),
                _ => format!("starts on {}", p.profile.employment_start),
            }
        },
    });
    let short = short_week(p, a);
    out.push(Check {
        check: "capacity",
        passed: short.is_none(),
        detail: match short {
            None => "hard bookings leave room every week".into(),
            Some(i) => {
                let w = &p.weeks[i];
                format!(
                    "week {} of the work: {} free of hard bookings, {} needed",
                    i + 1,
                    hours_text(w.free_of_hard().max(0)),
                    hours_text(a.load[i])
                )
            }
        },
    });
    out
}

fn hours_text(minutes: i64) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    if m == 0 {
        format!("{h} h")
    } else {
        format!("{h} h {m:02}")
    }
}

/// Words only when asked for: the batch plan scores millions of pairs and explains a few.
macro_rules! say {
    ($words:expr, $($arg:tt)*) => {
        if $words { format!($($arg)*) } else { String::new() }
    };
}

/// The person's fit: the score's parts, weighted and explained. It does not check: call
/// [`checks`].
pub fn fit(p: &Person<'_>, a: &Ask<'_>, today: Date) -> Fit {
    measure(p, a, today, true)
}

/// The fit's score alone (0 to 1000), as [`fit`] computes it, without the words.
pub fn score(p: &Person<'_>, a: &Ask<'_>, today: Date) -> i64 {
    measure(p, a, today, false).score_milli
}

fn measure(p: &Person<'_>, a: &Ask<'_>, today: Date, words: bool) -> Fit {
    let mut parts: Vec<(&'static str, i64, String)> = Vec::new();
    if !a.required_skills.is_empty() {
        let mut sum = 0;
        let mut said = Vec::new();
        for s in a.required_skills {
            let level = level_of(p, &s.skill).map_or(0, |(l, _)| l);
            sum += if level < s.min_level {
                0
            } else if s.min_level >= 5 {
                1_000
            } else {
                600 + 400 * (level - s.min_level) / (5 - s.min_level)
            };
            if words {
                said.push(format!("{} {level} ({}+)", s.skill.trim(), s.min_level));
            }
        }
        parts.push(("skills", sum / a.required_skills.len() as i64, said.join(", ")));
    }
    if !a.desired_skills.is_empty() {
        let mut sum = 0;
        let mut has = 0;
        for s in a.desired_skills {
            let level = level_of(p, &s.skill).map_or(0, |(l, _)| l);
            if level >= s.min_level {
                has += 1;
                sum += 1_000;
            } else {
                sum += 500 * level / s.min_level;
            }
        }
        let n = a.desired_skills.len() as i64;
        parts.push((
            "desired_skills",
            sum / n,
            say!(words, "{has} of {n} desired skills at the level hoped for"),
        ));
    }
    if let Some(tz) = a.time_zone
        && let Some(shared) = zones::shared_minutes(&p.profile.time_zone, tz, a.span.start)
    {
        parts.push((
            "time_zone",
            shared * 1_000 / zones::WORKDAY_MINUTES,
            say!(words, "{} of the working day shared with {tz}", hours_text(shared)),
        ));
    }
    parts.push(match (p.on_project, p.on_account) {
        (true, _) => ("continuity", 1_000, say!(words, "already on this project")),
        (false, true) => ("continuity", 700, say!(words, "has worked for this account")),
        _ => ("continuity", 0, say!(words, "new to this account")),
    });
    let (mut covered, mut weeks) = (0, 0);
    for (w, need) in p.weeks.iter().zip(&a.load) {
        if *need > 0 {
            weeks += 1;
            // Free room as a share of the need, worked only in the part of the week the
            // calendar leaves: time off makes someone less available even when unbooked.
            covered += w.worked((w.free().max(0) * 1_000 / need).min(1_000));
        }
    }
    if weeks > 0 {
        let score = covered / weeks;
        let detail = if score == 1_000 {
            say!(words, "free for all of it, soft bookings counted")
        } else {
            say!(
                words,
                "{} % of the hours free once soft bookings and time off count",
                score / 10
            )
        };
        parts.push(("availability", score, detail));
    }
    let capacity: i64 = p.weeks.iter().map(|w| w.capacity).sum();
    let before = crate::ratio::basis_points(p.billable_booked, capacity);
    let after = crate::ratio::basis_points(p.billable_booked + if a.billable { a.minutes() } else { 0 }, capacity);
    let target_bp = p.profile.target_bp;
    let effect = match (before, after) {
        (Some(b), Some(x)) if target_bp > 0 => {
            say!(
                words,
                "{} → {} vs {} target",
                percent(b),
                percent(x),
                percent(target_bp)
            )
        }
        (Some(b), Some(x)) => say!(words, "{} → {} (no billable target)", percent(b), percent(x)),
        _ => say!(words, "no capacity over the dates"),
    };
    // Someone without a target (a partner's consultant) is not moved toward one.
    if let Some(x) = after
        && target_bp > 0
    {
        let score = (1_000 - (x - target_bp).abs() * 1_000 / target_bp).max(0);
        parts.push(("utilization", score, effect.clone()));
    }
    let asked: Vec<&RequiredSkill> = a.required_skills.iter().chain(a.desired_skills).collect();
    if !asked.is_empty() {
        let grows = asked.iter().find(|s| level_of(p, &s.skill).is_some_and(|(_, g)| g));
        parts.push(match grows {
            Some(s) => ("growth", 1_000, say!(words, "wants to grow in {}", s.skill.trim())),
            None => ("growth", 0, say!(words, "no growth area in the work")),
        });
    }
    let days = (today - p.profile.employment_start).whole_days().max(0);
    parts.push((
        "tenure",
        (days * 1_000 / (5 * 365)).min(1_000),
        say!(words, "{:.1} years with the company", days as f64 / 365.25),
    ));

    let total: i64 = parts
        .iter()
        .map(|(n, _, _)| WEIGHTS.iter().find(|(w, _)| w == n).map_or(0, |(_, v)| *v))
        .sum();
    let mut scored: Vec<Part> = parts
        .into_iter()
        .map(|(name, score, detail)| {
            let raw = WEIGHTS.iter().find(|(w, _)| *w == name).map_or(0, |(_, v)| *v);
            Part {
                part: name,
                weight_bp: if total > 0 { raw * 10_000 / total } else { 0 },
                score_milli: score.clamp(0, 1_000),
                detail,
            }
        })
        .collect();
    // Weights rounded down may not sum to 10,000: the largest part takes the remainder.
    let spare = 10_000 - scored.iter().map(|p| p.weight_bp).sum::<i64>();
    if let Some(top) = scored.iter_mut().max_by_key(|p| p.weight_bp) {
        top.weight_bp += spare;
    }
    let score_milli = (scored.iter().map(Part::weighted).sum::<i64>() + 500) / 1_000;
    Fit {
        score_milli: score_milli.clamp(0, 1_000),
        parts: scored,
        utilization_before_bp: before,
        utilization_after_bp: after,
        target_bp,
        effect,
    }
}

/// Why `lower` ranks below `upper`: the parts where it loses most, in words, e.g.
/// "0.71 vs 0.84: availability 0.50 vs 1.00; time zone 0.63 vs 1.00".
pub fn behind(lower: &Fit, upper: &Fit, upper_name: &str) -> String {
    let mut losses: Vec<(i64, String)> = lower
        .parts
        .iter()
        .filter_map(|l| {
            let u = upper.parts.iter().find(|u| u.part == l.part)?;
            let loss = u.weighted() - l.weighted();
            (loss > 0).then(|| {
                (
                    loss,
                    format!(
                        "{} {:.2} vs {:.2}",
                        l.part.replace('_', " "),
                        l.score_milli as f64 / 1_000.0,
                        u.score_milli as f64 / 1_000.0
                    ),
                )
            })
        })
        .collect();
    losses.sort_by_key(|l| std::cmp::Reverse(l.0));
    let why: Vec<String> = losses.into_iter().take(3).map(|(_, w)| w).collect();
    let head = format!(
        "below {upper_name} ({:.2} vs {:.2})",
        lower.score_milli as f64 / 1_000.0,
        upper.score_milli as f64 / 1_000.0
    );
    if why.is_empty() {
        format!("{head}: tied on every part, then by name")
    } else {
        format!("{head}: {}", why.join("; "))
    }
}

#[cfg(test)]
#[path = "fit_tests.rs"]
mod tests;
