"""psops's own check for schemathesis, loaded by .ci/schemathesis (SCHEMATHESIS_HOOKS).

`positive_data_acceptance` runs with 422 among the statuses it accepts (see
.ci/schemathesis.toml): psops answers 422 for rules of its domain that no JSON Schema can
state — an id that names no record, a step the record's state does not allow, two fields
that must agree, the content of an uploaded file. This check takes that allowance back
for every other rule: a schema-valid request refused with 422 must name only such rules.
Any other rule (a range, a length, a pattern, a date's bounds) is one the document should
state, and fails the run naming the field and the rule.
"""

import json

import schemathesis

# Rules that depend on other records, on the record's state, on several fields at once
# or on a file's content: beyond what an OpenAPI document describes.
BEYOND_THE_SCHEMA = {
    # Another record: it must exist, be visible, be active or match this one.
    "exists",
    "archived",
    "account_mismatch",
    "unknown_account",
    "unknown_manager",
    "unknown_partner",
    "unknown_person",
    "unknown_skill",
    "not_assigned",
    "not_active",
    "project_not_active",
    "project_not_billable",
    "partner_without_flag",
    "price_not_set",
    "no_rate",
    "no_authorization",
    "partner_funds",
    "within_prime_sow",
    "rate_ceiling",
    # An estimate line against its SKU: always custom, its bounds, its seat limit.
    "custom",
    "outside_bounds",
    "seats",
    "not_vetted",
    "not_certified",
    "not_in_production",
    "trainer_path",
    "onboarding_incomplete",
    "paperwork_first",
    "reviewer",
    "lab_grader",
    "class_full",
    "scope_function",
    "currency",
    "employment",
    "project_dates",
    "class_dates",
    "period_locked",
    "invoiced",
    "nothing_to_bill",
    "unique",
    "duplicate",
    "duplicate_date",
    "overlap",
    "last_admin",
    "not_self",
    "not_own",
    "no_email",
    "exceeds",
    "not_for_kind",
    # A setting of the organisation: a technical architect's notice in business days,
    # the rounding step time is entered in.
    "notice",
    "rounding_step",
    # The record's state: this step is not open to it now.
    "invalid_transition",
    "already_decided",
    "already_accepted",
    "already_certified",
    "already_revoked",
    "attempt_open",
    "max_attempts",
    "retake_wait",
    "written_first",
    "not_draft",
    "gate",
    "evidence_required",
    "nothing_to_submit",
    "nothing_to_approve",
    "nothing_to_reject",
    "nothing_to_withdraw",
    "one_report_per_week",
    "below_pass_mark",
    "idempotency_key",
    # An Idempotency-Key already used for another request (schemathesis reuses its
    # examples' keys across bodies).
    "reused",
    # Several fields together: one is required, refused or must differ because of
    # another (`depends_on`), a period given by two values is too long (`span`).
    "depends_on",
    "span",
    "after_start",
    "before_request",
    "exclusive",
    "matches",
    "within_month",
    "within_year",
    "line_total",
    "variance_reason",
    "why_required",
    "note_required_non_billable",
    "project_or_category",
    "internal_non_billable",
    "internal_not_billable",
    "summary_lines",
    "day_limit",
    # The clock: a day or time judged against now (a token expires after it, a month is
    # closed once it is over).
    "future",
    # A value only psops issues: a page's `next_cursor`.
    "cursor",
    # A file's or a CSV's content.
    "csv",
    "header",
    "columns",
    "missing_column",
    "empty",
    "unterminated",
    "quotes",
}


def _rules(response):
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    if body.get("type") == "urn:psops:problem:import-rows":
        # The rows of an uploaded CSV: content, not the document's to describe.
        return None
    return {e.get("rule") for e in body.get("errors") or [] if isinstance(e, dict)}, body


@schemathesis.check
def rules_the_document_could_state(ctx, response, case):
    """A schema-valid request refused with 422 names only rules beyond the schema."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    found = _rules(response)
    if not found:
        return None
    rules, body = found
    stated = sorted(str(r) for r in rules if r not in BEYOND_THE_SCHEMA)
    if stated:
        fields = ", ".join(
            f"{e.get('field')}: {e.get('rule')}" for e in body.get("errors") or [] if e.get("rule") in stated
        )
        raise AssertionError(
            f"Schema-valid request refused for a rule the document could state ({fields}); "
            "state it in the document (a range, a length, a pattern) or accept the request"
        )
    return None
