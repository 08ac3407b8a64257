//! The rule codes: the stable, machine-readable `rule` of every broken rule psops
//! reports — a [`FieldError`](crate::FieldError) of a 422 or 409, an import's
//! [`RowError`](crate::interchange::RowError) — one variant each, with when it applies.
//!
//! The code is the variant's name in snake_case unless a `serialize` says otherwise; it
//! is what the API answers and what clients match on, so a code never changes.

use serde::{Serialize, Serializer};

/// One rule a field or a row can break. See the module documentation.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[strum(serialize_all = "snake_case")]
pub enum Rule {
    /// A scoping move, SOW step or signature lacks a condition it needs (the field names it).
    Gate,
    /// A request for a technical architect gives less notice than the setting's business days.
    Notice,
    /// An estimate line asks for more than a SKU's bounds cover: the custom path applies.
    OutsideBounds,
    /// An estimate line sells more seats than the SKU's limit without enough add-on seats.
    Seats,
    /// A SKU that is always custom cannot go on an estimate as a SKU line.
    Custom,
    /// A CSAT survey's link was already used to answer it.
    SingleUse,
    /// A CSAT survey's link is past its expiry.
    Expired,
    /// A CSAT score is a whole number from 1 to 5.
    Score,
    /// An imported time row's project belongs to another account than the one the row names.
    AccountMismatch,
    /// An end date (or `to`, `effective_to`, `employment_end`) lies before its start.
    AfterStart,
    /// A time-off request is decided again after it was approved or rejected.
    AlreadyDecided,
    /// An imported row's person matches more than one person: give the e-mail or a mapping.
    AmbiguousPerson,
    /// An imported row's project name matches more than one project: give its code or a mapping.
    AmbiguousProject,
    /// The person or project is archived and takes no new time or assignments.
    Archived,
    /// An API token would expire more than 3,650 days (ten years) from now.
    #[strum(serialize = "at_most_3650_days")]
    AtMost3650Days,
    /// A share (a utilization target, a margin target) lies outside its basis-point range.
    BasisPoints,
    /// A value is not a yes/no: `true`/`false`, `1`/`0` (imports also take `yes`/`no`, `ja`/`nein`).
    Boolean,
    /// A line of a holiday CSV has not two or three columns (date, name, hours).
    Columns,
    /// An import with `create_missing` cannot create what a row needs: the row names too little.
    CreateMissing,
    /// A record of a CSV file is not valid CSV.
    Csv,
    /// An imported amount has no currency, or its currency column is not one.
    Currency,
    /// A cursor is not a `next_cursor` this list gave out.
    Cursor,
    /// A value is not a date (`YYYY-MM-DD`, or the format an import or calendar file uses).
    Date,
    /// A date lies outside 1900-01-01 to 2200-12-31, the days psops works in.
    DateBounds,
    /// One person's entries on one day would total more than 24 hours.
    DayLimit,
    /// An amount is not a decimal number with at most its currency's decimals.
    Decimal,
    /// A setting's rounding step does not divide an hour evenly.
    DividesHour,
    /// An import or mapping file names the same record (an e-mail, a source) twice.
    Duplicate,
    /// A holiday file lists the same date twice.
    DuplicateDate,
    /// A query parameter is given more than once.
    DuplicateParameter,
    /// A value is not a duration (`1:30`, `1.5` hours or `90m`, or the export's own form).
    Duration,
    /// A value is not an e-mail address like `name@example.com`.
    Email,
    /// A date lies outside the person's employment.
    Employment,
    /// A holiday file lists no holidays.
    Empty,
    /// `If-Match` is neither an ETag as read (`"3"`, `W/"3"`) nor `*`.
    Etag,
    /// Both ways of giving a period are used at once: `quarter` and `from`/`to`.
    Exclusive,
    /// An id, e-mail or code refers to no existing record.
    Exists,
    /// A value is not a fiscal quarter like `FY2027-Q1`.
    FiscalQuarter,
    /// A token's expiry does not lie in the future.
    Future,
    /// The header of a record import file cannot be read.
    Header,
    /// A holiday's hours are not more than 0 and at most 24.
    Hours,
    /// A query parameter is not an id (a whole number above 0).
    Id,
    /// `Idempotency-Key` is not 1 to 255 visible characters.
    IdempotencyKey,
    /// A value is not a whole number.
    Integer,
    /// The CLI could not do something for a reason other than a broken rule (the text says why).
    Internal,
    /// An internal project's billing type is not `non_billable`.
    InternalNonBillable,
    /// Time on an internal project or category is marked billable.
    InternalNotBillable,
    /// A record, file or form value could not be read or used, for a reason its text gives.
    Invalid,
    /// A timesheet step does not start from the entry's status (e.g. approving a draft).
    InvalidTransition,
    /// A value has the right type but is not one psops takes (the text says why).
    InvalidValue,
    /// A file could not be read.
    Io,
    /// A value is not an ISO 4217 currency code of three capital letters, like `USD`.
    Iso4217,
    /// A value is not an ISO week like `2026-W48`, or the year has no such week.
    IsoWeek,
    /// A body or file is not JSON (or not the content type `application/json`).
    Json,
    /// A body is not syntactically valid JSON.
    JsonSyntax,
    /// The change would leave no active administrator.
    LastAdmin,
    /// A token's name is not 1 to 200 characters.
    Length,
    /// A password and its confirmation differ.
    Matches,
    /// An exported duration is not a whole number of minutes.
    Minutes,
    /// A file's header lacks a column the format requires.
    MissingColumn,
    /// An imported amount is not a decimal amount like `12500.00`.
    Money,
    /// The fiscal year's start month is not a month number from 1 to 12.
    Month,
    /// Time on a project the person is not assigned to, while the setting requires one.
    NotAssigned,
    /// Only a draft entry changes: a submitted or approved one is read-only.
    NotDraft,
    /// A bulk load targets a database that already holds an organisation.
    NotEmpty,
    /// A budget is negative.
    NotNegative,
    /// Someone decides their own time-off request.
    NotOwn,
    /// Someone is made their own manager, or an administrator disables themself.
    NotSelf,
    /// Non-billable time on a customer project has no note that explains it.
    NoteRequiredNonBillable,
    /// A week has no submitted entries to approve here.
    NothingToApprove,
    /// A week has no submitted entries to reject here.
    NothingToReject,
    /// A week has no draft entries to submit.
    NothingToSubmit,
    /// A project has nothing to invoice through the day asked: no approved, billable,
    /// un-invoiced time, accepted milestone or fee part due.
    NothingToBill,
    /// A week has no submitted entries to withdraw.
    NothingToWithdraw,
    /// A value is not one of the codes its field takes (the text lists them).
    OneOf,
    /// A project names a partner but is not marked partner-delivered.
    PartnerWithoutFlag,
    /// A value is not a percentage like `70` or `55.5`.
    Percent,
    /// The date lies in a period finance has locked: no entry in it changes.
    PeriodLocked,
    /// The entry or milestone is billed on an issued invoice: it no longer changes until
    /// a credit note releases it.
    Invoiced,
    /// A number that must be above zero is not (e.g. an entry's minutes).
    Positive,
    /// A database URL that starts with `postgres://` does not parse.
    PostgresUrl,
    /// A date lies outside the project's start and end dates.
    ProjectDates,
    /// A money figure needs a rate (bill, cost or FX) that is not on record for its day.
    NoRate,
    /// Time on a non-billable project is marked billable.
    ProjectNotBillable,
    /// An entry names both a project and an internal category, or neither.
    ProjectOrCategory,
    /// A value is not a quarter like `2026-Q2`.
    Quarter,
    /// A query string does not parse.
    Query,
    /// A quoted field of a holiday CSV line is not closed on its line.
    Quotes,
    /// A number lies outside its allowed range (the text gives the range).
    Range,
    /// A request body could not be read.
    Readable,
    /// A calendar event repeats (`RRULE`): recurring events are not imported.
    Recurring,
    /// A required value is missing or blank.
    Required,
    /// An `Idempotency-Key` already used for a different request.
    Reused,
    /// Minutes are not a multiple of the organisation's rounding step.
    RoundingStep,
    /// A database URL starts with neither `sqlite://` nor `postgres://`.
    Scheme,
    /// A function's capacity override changes something other than that function's target.
    ScopeFunction,
    /// The CLI could not read its standard input.
    Stdin,
    /// Only an active SKU is quoted.
    NotActive,
    /// A rate period overlaps another period of the same rate.
    Overlap,
    /// A SKU has no list price on the day asked: price not set.
    PriceNotSet,
    /// A value is not a time of day like `09:30` or `01:30 PM`.
    Time,
    /// A value is not an IANA time zone such as `Europe/Berlin`.
    TimeZone,
    /// A text is longer than its field allows (or an event spans too many days).
    TooLong,
    /// A password is shorter than 12 characters.
    TooShort,
    /// A JSON value has the wrong type (e.g. text where a number belongs).
    Type,
    /// A field is required, or refused, or must differ from another, because of what
    /// another field of the same request says: a rejection needs a reason, a term's
    /// months go with a dedicated-term unit only, a public class names no account, `to`
    /// goes with `from` (the text names both fields). No JSON Schema of one field states it.
    DependsOn,
    /// A value its field takes, but not for this record's kind or the kind of the
    /// record it names: an onboarding item that is not on this type of partner's
    /// checklist, a person who is not of the learner's organisation (the text says which).
    NotForKind,
    /// A date lies before the class's last day: a class's roster is submitted at close.
    ClassDates,
    /// An amount is more than another record holds for it: an investment above the
    /// opportunity's PS value.
    Exceeds,
    /// A period given by two values (`from` and `to`, a first month and a count) is
    /// longer than the operation reports on, or runs past the last month psops works in;
    /// or a fiscal quarter reaches outside the dates psops works in with the
    /// organisation's fiscal year (the text gives the limit).
    Span,
    /// A value that must be unique (an e-mail, an account's name or code) is taken.
    Unique,
    /// An imported record names an account that does not exist.
    UnknownAccount,
    /// A JSON body has a field the object does not take.
    UnknownField,
    /// A time file matches no known export format.
    UnknownFormat,
    /// An imported person names a manager who does not exist.
    UnknownManager,
    /// A query has a parameter the operation does not take.
    UnknownParameter,
    /// An imported record names a partner organisation that does not exist.
    UnknownPartner,
    /// An imported record names a person who does not exist.
    UnknownPerson,
    /// A resource request asks for a skill nobody's skills matrix names.
    UnknownSkill,
    /// An imported time row names an account psops does not know (one `create_missing` may create).
    UnmatchedAccount,
    /// An imported time row names a person psops does not know (one `create_missing` may create).
    UnmatchedPerson,
    /// An imported time row names a project psops does not know (one `create_missing` may create).
    UnmatchedProject,
    /// A calendar file's `BEGIN:VEVENT` has no `END:VEVENT`.
    Unterminated,
    /// A file or record is not UTF-8 text.
    Utf8,
    /// A value is not a weekday name such as `friday`.
    Weekday,
    /// Holidays, PTO and other days off together exceed the working year.
    WithinYear,
    /// A milestone's acceptance is final: an accepted milestone is not requested,
    /// accepted or reopened again.
    AlreadyAccepted,
    /// A milestone accepted without an acceptance request sent needs evidence (a link or
    /// a file) in the same action.
    EvidenceRequired,
    /// A sign-off is dated before the acceptance request it answers was sent.
    BeforeRequest,
    /// A file is larger than its field allows.
    FileTooLarge,
    /// An acceptance request goes to a contact without an e-mail address.
    NoEmail,
    /// A project has one weekly health report per ISO week: a second filing for the week
    /// is refused (the week's report is changed instead, with its history audited).
    OneReportPerWeek,
    /// A health dimension (schedule, scope, budget) that is not on track needs its why.
    WhyRequired,
    /// A health report's summary is two or three lines at most.
    SummaryLines,
    /// A weekly health report is filed only for an active project.
    ProjectNotActive,
    /// A partner moves to active (or unticks an item while active) with its onboarding
    /// checklist incomplete; the message names the open items.
    OnboardingIncomplete,
    /// A partner's access, buddy or timesheet training is ticked before all its
    /// paperwork (agreements, supplier record) is.
    PaperworkFirst,
    /// A partner consultant is assigned to customer work before they are vetted; the
    /// message names what they lack.
    NotVetted,
    /// A vetting review's reviewer is not one of the company's own people, or an
    /// interviewer's function does not interview the consultant's track.
    Reviewer,
    /// A work authorization's hourly rate for a role is above its prime partner SOW's rate
    /// for that role, or the prime SOW has no rate for it (the message names the role and
    /// the ceiling).
    RateCeiling,
    /// A work authorization commits more than its prime partner SOW's uncommitted funds,
    /// or a prime SOW's funds would no longer cover what is committed.
    PartnerFunds,
    /// A work authorization's dates lie outside its prime partner SOW's dates.
    WithinPrimeSow,
    /// A partner consultant logs time on a project their organisation holds no work
    /// authorization for, or on a day outside every such authorization's dates.
    NoAuthorization,
    /// A partner invoice line's total is not its hours × its rate rounded to the cent.
    LineTotal,
    /// A partner invoice line's dates lie outside the month the invoice bills.
    WithinMonth,
    /// A partner invoice that does not match the approved hours at the authorised rate
    /// is approved without a reason for accepting the variance.
    VarianceReason,
    /// A class is scheduled for a course that is not in production (the message names
    /// the course and its state).
    NotInProduction,
    /// A class's trainer holds no certification for its course current on every day of
    /// the class (the message names the trainer and the course).
    NotCertified,
    /// A registration would take a class past its seats: the 12 a class includes plus the
    /// add-on seats sold on the order.
    ClassFull,
    /// A learner starts an attempt at a certification after using every attempt it allows
    /// since their last pass.
    MaxAttempts,
    /// A learner retakes a certification before its retake wait after the failed
    /// assessment has passed (the message gives the first possible day).
    RetakeWait,
    /// A learner starts an attempt while their last one still awaits its lab assessment.
    AttemptOpen,
    /// A learner starts an attempt at a certification they hold in force.
    AlreadyCertified,
    /// A lab assessment is recorded for an attempt whose written assessment did not pass.
    WrittenFirst,
    /// A lab assessment's grader is not one of the company's PS engineers or technical
    /// architects, or is the learner.
    LabGrader,
    /// A lab assessment is passed with a rubric score below the certification's lab pass mark.
    BelowPassMark,
    /// A certificate is revoked a second time.
    AlreadyRevoked,
    /// A trainer is certified for a course before their certification path is complete
    /// (the message names what is missing).
    TrainerPath,
}

impl Rule {
    /// The stable code, e.g. `not_draft`.
    pub fn code(self) -> &'static str {
        self.into()
    }

    /// An imported row names a record psops does not know, which `create_missing` may
    /// create.
    pub fn is_unmatched(self) -> bool {
        matches!(
            self,
            Rule::UnmatchedAccount | Rule::UnmatchedPerson | Rule::UnmatchedProject
        )
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// As its code: the JSON of a broken rule holds the code, a string.
impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::str::FromStr;
    use strum::VariantArray;

    fn snake_case(code: &str) -> bool {
        !code.is_empty()
            && code
                .split('_')
                .all(|word| !word.is_empty() && word.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
            && code.starts_with(|c: char| c.is_ascii_lowercase())
    }

    #[test]
    fn every_code_is_unique_and_snake_case() {
        let mut seen = BTreeSet::new();
        for rule in Rule::VARIANTS {
            let code = rule.code();
            assert!(
                snake_case(code),
                "{rule:?} has the code '{code}', which is not snake_case"
            );
            assert!(seen.insert(code), "two rules share the code '{code}'");
            assert_eq!(Rule::from_str(code), Ok(*rule), "'{code}' does not read back");
        }
        assert!(!snake_case("at_most3650_Days") && !snake_case("trailing_") && !snake_case("9lives"));
    }

    #[test]
    fn a_rule_serializes_and_displays_as_its_code() {
        assert_eq!(serde_json::to_value(Rule::NotDraft).unwrap(), "not_draft");
        assert_eq!(Rule::AtMost3650Days.to_string(), "at_most_3650_days");
        assert_eq!(Rule::Iso4217.code(), "iso4217");
        assert_eq!(Rule::Utf8.code(), "utf8");
    }
}
