-- The catalog (offering types, offerings, SKUs and their prices, bundles, new-SKU
-- requests and their decisions) and rates (rate cards, project overrides, cost rates,
-- FX). Lists inside a record (a kit's links, a checklist, an effort template, bounds)
-- are JSON text: they are read and written whole with their record.

CREATE TABLE offering_types (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    category    TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    archived_at TEXT
);
CREATE UNIQUE INDEX offering_types_name_key ON offering_types (lower(category), lower(name));

CREATE TABLE offerings (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    type_id     BIGINT NOT NULL REFERENCES offering_types (id),
    name        TEXT NOT NULL,
    maturity    TEXT NOT NULL,
    description TEXT,
    kit_links   TEXT NOT NULL,
    checklist   TEXT NOT NULL,
    effort      TEXT NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    archived_at TEXT
);
CREATE UNIQUE INDEX offerings_name_key ON offerings (type_id, lower(name));

CREATE TABLE skus (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    offering_id   BIGINT NOT NULL REFERENCES offerings (id),
    code          TEXT NOT NULL,
    name          TEXT NOT NULL,
    unit          TEXT NOT NULL,
    block_minutes BIGINT,
    term_months   BIGINT,
    currency      TEXT NOT NULL,
    seat_limit    BIGINT,
    addon_sku_id  BIGINT REFERENCES skus (id),
    bounds        TEXT NOT NULL,
    bounds_note   TEXT,
    always_custom BOOLEAN NOT NULL,
    standard_sow  BOOLEAN NOT NULL,
    te_separate   BOOLEAN NOT NULL,
    channel       TEXT NOT NULL,
    status        TEXT NOT NULL,
    version       BIGINT NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    archived_at   TEXT
);
CREATE UNIQUE INDEX skus_code_key ON skus (lower(code));
CREATE INDEX skus_offering ON skus (offering_id);

CREATE TABLE sku_prices (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    sku_id         BIGINT NOT NULL REFERENCES skus (id),
    effective_from TEXT NOT NULL,
    price_minor    BIGINT NOT NULL,
    currency       TEXT NOT NULL,
    note           TEXT,
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    archived_at    TEXT
);
CREATE UNIQUE INDEX sku_prices_from_key ON sku_prices (sku_id, effective_from);

CREATE TABLE bundles (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT NOT NULL,
    description  TEXT,
    offering_ids TEXT NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    archived_at  TEXT
);
CREATE UNIQUE INDEX bundles_name_key ON bundles (lower(name));

CREATE TABLE sku_requests (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    status            TEXT NOT NULL,
    requested_by      BIGINT REFERENCES users (id),
    round             BIGINT NOT NULL,
    chain             TEXT NOT NULL,
    sku_id            BIGINT REFERENCES skus (id),
    waiting_for       BIGINT REFERENCES users (id),
    offering_id       BIGINT NOT NULL REFERENCES offerings (id),
    name              TEXT NOT NULL,
    unit              TEXT NOT NULL,
    block_minutes     BIGINT,
    term_months       BIGINT,
    channel           TEXT NOT NULL,
    list_price_minor  BIGINT,
    minutes           BIGINT NOT NULL,
    hourly_cost_minor BIGINT NOT NULL,
    currency          TEXT NOT NULL,
    te_assumption     TEXT,
    assumptions       TEXT,
    specimen_sow      TEXT,
    version           BIGINT NOT NULL DEFAULT 1,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    archived_at       TEXT
);
CREATE INDEX sku_requests_status ON sku_requests (status);
CREATE INDEX sku_requests_waiting ON sku_requests (waiting_for);

CREATE TABLE sku_request_decisions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id   BIGINT NOT NULL REFERENCES sku_requests (id),
    round        BIGINT NOT NULL,
    step         BIGINT NOT NULL,
    step_name    TEXT NOT NULL,
    decided_by   BIGINT NOT NULL REFERENCES users (id),
    decision     TEXT NOT NULL,
    reason       TEXT,
    decided_at   TEXT NOT NULL
);
CREATE UNIQUE INDEX sku_request_decisions_step_key ON sku_request_decisions (request_id, round, step);

CREATE TABLE role_rates (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    kind           TEXT NOT NULL,
    role           TEXT NOT NULL,
    region         TEXT NOT NULL,
    rate_minor     BIGINT NOT NULL,
    currency       TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    effective_to   TEXT,
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    archived_at    TEXT
);
CREATE INDEX role_rates_card ON role_rates (kind, role, lower(region), currency, effective_from);

CREATE TABLE project_rates (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id     BIGINT NOT NULL REFERENCES projects (id),
    role           TEXT NOT NULL,
    rate_minor     BIGINT NOT NULL,
    currency       TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    effective_to   TEXT,
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    archived_at    TEXT
);
CREATE INDEX project_rates_project ON project_rates (project_id, role, effective_from);

CREATE TABLE cost_rates (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id      BIGINT NOT NULL REFERENCES people (id),
    rate_minor     BIGINT NOT NULL,
    currency       TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    effective_to   TEXT,
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    archived_at    TEXT
);
CREATE INDEX cost_rates_person ON cost_rates (person_id, effective_from);

CREATE TABLE fx_rates (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    currency    TEXT NOT NULL,
    quote       TEXT NOT NULL,
    date        TEXT NOT NULL,
    rate_nanos  BIGINT NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    archived_at TEXT
);
CREATE UNIQUE INDEX fx_rates_day_key ON fx_rates (currency, quote, date);
