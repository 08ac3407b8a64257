-- Scoping (opportunities, each with its scoping record on the same row; estimates, one
-- row a version; SOWs, one row a revision, with their approval decisions), what a signed
-- SOW gives its project (milestones, resource requests, the delivery-kit checklist), and
-- the run ledger that lets one node of several run a scheduled job. Lists and the clocks'
-- events are JSON text, read and written whole with their record.

CREATE TABLE opportunities (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    name                  TEXT NOT NULL,
    account_id            BIGINT NOT NULL REFERENCES accounts (id),
    crm_id                TEXT,
    sales_owner           TEXT,
    engagement_manager_id BIGINT REFERENCES people (id),
    segment               TEXT NOT NULL,
    public_sector         BOOLEAN NOT NULL,
    stage                 TEXT,
    close_date            TEXT,
    currency              TEXT,
    amount_minor          BIGINT,
    ps_value_minor        BIGINT,
    edu_override_minor    BIGINT,
    em_confidence         TEXT,
    em_status             TEXT NOT NULL,
    pain_points           TEXT,
    constraints           TEXT,
    keep_open             BOOLEAN NOT NULL,
    state                 TEXT NOT NULL,
    held_from             TEXT,
    edu_value_minor       BIGINT,
    investment_minor      BIGINT,
    technical_architect_id BIGINT REFERENCES people (id),
    ta_status             TEXT NOT NULL,
    ta_needed_by          TEXT,
    events                TEXT NOT NULL,
    last_activity_at      TEXT NOT NULL,
    closed_quarter        TEXT,
    reason                TEXT,
    version               BIGINT NOT NULL DEFAULT 1,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    archived_at           TEXT
);
CREATE UNIQUE INDEX opportunities_crm_key ON opportunities (lower(crm_id));
CREATE INDEX opportunities_account ON opportunities (account_id);
CREATE INDEX opportunities_em ON opportunities (engagement_manager_id, state);
CREATE INDEX opportunities_state ON opportunities (state, last_activity_at);

CREATE TABLE estimates (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    opportunity_id BIGINT NOT NULL REFERENCES opportunities (id),
    number         BIGINT NOT NULL,
    status         TEXT NOT NULL,
    priced         TEXT NOT NULL,
    totals         TEXT NOT NULL,
    price_minor    BIGINT NOT NULL,
    ta_review      TEXT NOT NULL,
    ta_due_at      TEXT,
    ta_decided_by  BIGINT REFERENCES users (id),
    ta_reason      TEXT,
    title          TEXT,
    currency       TEXT NOT NULL,
    region         TEXT NOT NULL,
    price_date     TEXT NOT NULL,
    lines          TEXT NOT NULL,
    te_minor       BIGINT,
    discount_bp    BIGINT NOT NULL,
    notes          TEXT,
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    archived_at    TEXT
);
CREATE UNIQUE INDEX estimates_number_key ON estimates (opportunity_id, number);

CREATE TABLE sows (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    opportunity_id BIGINT NOT NULL REFERENCES opportunities (id),
    number         TEXT NOT NULL,
    revision       BIGINT NOT NULL,
    status         TEXT NOT NULL,
    totals         TEXT NOT NULL,
    resources      TEXT NOT NULL,
    round          BIGINT NOT NULL,
    chain          TEXT NOT NULL,
    waiting_for    BIGINT,
    signed_at      TEXT,
    signed_by      TEXT,
    project_id     BIGINT REFERENCES projects (id),
    estimate_id    BIGINT NOT NULL REFERENCES estimates (id),
    title          TEXT NOT NULL,
    scope          TEXT NOT NULL,
    activities     TEXT NOT NULL,
    billing_type   TEXT NOT NULL,
    billing_terms  TEXT NOT NULL,
    milestones     TEXT NOT NULL,
    passive_days   BIGINT NOT NULL,
    min_week_minutes BIGINT,
    start_date     TEXT NOT NULL,
    end_date       TEXT NOT NULL,
    expires_on     TEXT NOT NULL,
    delay_language TEXT,
    assumptions    TEXT NOT NULL,
    out_of_scope   TEXT NOT NULL,
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    archived_at    TEXT
);
CREATE UNIQUE INDEX sows_number_key ON sows (number, revision);
CREATE INDEX sows_opportunity ON sows (opportunity_id);
CREATE INDEX sows_waiting ON sows (waiting_for);

CREATE TABLE sow_decisions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    sow_id     BIGINT NOT NULL REFERENCES sows (id),
    round      BIGINT NOT NULL,
    step       BIGINT NOT NULL,
    step_name  TEXT NOT NULL,
    decided_by BIGINT NOT NULL REFERENCES users (id),
    decision   TEXT NOT NULL,
    reason     TEXT,
    decided_at TEXT NOT NULL
);
CREATE UNIQUE INDEX sow_decisions_step_key ON sow_decisions (sow_id, round, step);

CREATE TABLE milestones (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id   BIGINT NOT NULL REFERENCES projects (id),
    name         TEXT NOT NULL,
    due_date     TEXT,
    amount_minor BIGINT,
    currency     TEXT,
    status       TEXT NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    archived_at  TEXT
);
CREATE INDEX milestones_project ON milestones (project_id, due_date);

CREATE TABLE resource_requests (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id  BIGINT NOT NULL REFERENCES projects (id),
    role        TEXT NOT NULL,
    minutes     BIGINT NOT NULL,
    start_date  TEXT,
    end_date    TEXT,
    booking     TEXT NOT NULL,
    status      TEXT NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    archived_at TEXT
);
CREATE INDEX resource_requests_project ON resource_requests (project_id);

CREATE TABLE checklist_items (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id  BIGINT NOT NULL REFERENCES projects (id),
    position    BIGINT NOT NULL,
    item        TEXT NOT NULL,
    done        BOOLEAN NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    archived_at TEXT
);
CREATE INDEX checklist_items_project ON checklist_items (project_id, position);

-- Change control: change orders, descriptions of work, new SOWs, work at risk and work
-- exceptions, each decided by PS leadership; `applied` keeps what an approval did.
CREATE TABLE changes (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    status         TEXT NOT NULL,
    raised_by      BIGINT REFERENCES users (id),
    decided_by     BIGINT REFERENCES users (id),
    reason         TEXT,
    applied        TEXT,
    kind           TEXT NOT NULL,
    project_id     BIGINT REFERENCES projects (id),
    opportunity_id BIGINT REFERENCES opportunities (id),
    title          TEXT NOT NULL,
    description    TEXT,
    new_start_date TEXT,
    new_end_date   TEXT,
    add_budget_minor BIGINT,
    add_currency   TEXT,
    add_minutes    BIGINT,
    new_billing_type TEXT,
    add_milestones TEXT NOT NULL,
    move_milestones TEXT NOT NULL,
    cause          TEXT,
    starts_on      TEXT,
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    archived_at    TEXT
);
CREATE INDEX changes_project ON changes (project_id);
CREATE INDEX changes_opportunity ON changes (opportunity_id);

-- A scheduled job's last run: a node runs the job only if its conditional update of
-- the row wins, so several nodes sharing a database run it once per period.
CREATE TABLE job_runs (
    name   TEXT PRIMARY KEY,
    ran_at TEXT NOT NULL,
    node   TEXT NOT NULL
);
