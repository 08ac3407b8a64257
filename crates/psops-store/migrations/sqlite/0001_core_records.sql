-- Core records: settings, partners, accounts and contacts, people, projects,
-- assignments, time entries, users, API tokens and idempotency keys.
-- Dates are TEXT 'YYYY-MM-DD', timestamps RFC 3339 TEXT in UTC, booleans 0/1.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE partners (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT NOT NULL,
    partner_type TEXT NOT NULL,
    region       TEXT,
    notes        TEXT,
    version      BIGINT NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    archived_at  TEXT
);
CREATE UNIQUE INDEX partners_name_key ON partners (lower(name));

CREATE TABLE accounts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    code        TEXT,
    region      TEXT,
    industry    TEXT,
    currency    TEXT,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    archived_at TEXT
);
CREATE UNIQUE INDEX accounts_name_key ON accounts (lower(name));
CREATE UNIQUE INDEX accounts_code_key ON accounts (lower(code));

CREATE TABLE contacts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  BIGINT NOT NULL REFERENCES accounts (id),
    name        TEXT NOT NULL,
    email       TEXT,
    title       TEXT,
    phone       TEXT,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    archived_at TEXT
);
CREATE INDEX contacts_account ON contacts (account_id);

CREATE TABLE people (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    name             TEXT NOT NULL,
    email            TEXT NOT NULL,
    function         TEXT NOT NULL,
    region           TEXT NOT NULL,
    time_zone        TEXT NOT NULL,
    fte_bp           BIGINT NOT NULL CHECK (fte_bp > 0 AND fte_bp <= 10000),
    employment_start TEXT NOT NULL,
    employment_end   TEXT,
    manager_id       BIGINT REFERENCES people (id),
    partner_id       BIGINT REFERENCES partners (id),
    version          BIGINT NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    archived_at      TEXT
);
CREATE UNIQUE INDEX people_email_key ON people (lower(email));
CREATE INDEX people_manager ON people (manager_id);
CREATE INDEX people_partner ON people (partner_id);

CREATE TABLE projects (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    name                TEXT NOT NULL,
    code                TEXT,
    account_id          BIGINT REFERENCES accounts (id),
    project_type        TEXT NOT NULL,
    billing_type        TEXT NOT NULL,
    status              TEXT NOT NULL,
    start_date          TEXT,
    end_date            TEXT,
    project_manager_id  BIGINT REFERENCES people (id),
    budget_minutes      BIGINT,
    budget_amount_minor BIGINT,
    budget_currency     TEXT,
    partner_delivered   BOOLEAN NOT NULL DEFAULT 0,
    partner_id          BIGINT REFERENCES partners (id),
    version             BIGINT NOT NULL DEFAULT 1,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    archived_at         TEXT
);
CREATE UNIQUE INDEX projects_code_key ON projects (lower(code));
CREATE INDEX projects_account ON projects (account_id);
CREATE INDEX projects_manager ON projects (project_manager_id);
CREATE INDEX projects_partner ON projects (partner_id);

CREATE TABLE assignments (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id        BIGINT NOT NULL REFERENCES people (id),
    project_id       BIGINT NOT NULL REFERENCES projects (id),
    role             TEXT NOT NULL,
    start_date       TEXT NOT NULL,
    end_date         TEXT,
    minutes_per_week BIGINT NOT NULL,
    version          BIGINT NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    archived_at      TEXT
);
CREATE INDEX assignments_person ON assignments (person_id);
CREATE INDEX assignments_project ON assignments (project_id);

CREATE TABLE time_entries (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id  BIGINT NOT NULL REFERENCES people (id),
    project_id BIGINT REFERENCES projects (id),
    category   TEXT,
    entry_date TEXT NOT NULL,
    minutes    BIGINT NOT NULL CHECK (minutes > 0),
    billable   BOOLEAN NOT NULL,
    note       TEXT,
    status     TEXT NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((project_id IS NULL) <> (category IS NULL))
);
CREATE INDEX time_entries_person_date ON time_entries (person_id, entry_date);
CREATE INDEX time_entries_project_date ON time_entries (project_id, entry_date);
CREATE INDEX time_entries_date ON time_entries (entry_date);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL,
    name          TEXT NOT NULL,
    password_hash TEXT,
    roles         TEXT NOT NULL,
    person_id     BIGINT REFERENCES people (id),
    created_at    TEXT NOT NULL,
    disabled_at   TEXT
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      BIGINT NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    scope        TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    expires_at   TEXT,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE idempotency_keys (
    user_id     BIGINT NOT NULL,
    idem_key    TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    resource    TEXT NOT NULL,
    response    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);
