-- Prime partner SOWs (a partner's funds and hourly rates by role) and the work
-- authorizations that draw on them project by project. Rates by role are a JSON list
-- ([{"role": "engineer", "rate": {...}}]); money is minor units with its currency (an
-- authorization's committed amount and expenses cap share one currency, the prime SOW's).
CREATE TABLE prime_sows (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    partner_id   BIGINT NOT NULL REFERENCES partners (id),
    name         TEXT NOT NULL,
    funds_minor  BIGINT NOT NULL,
    currency     TEXT NOT NULL,
    rates        TEXT NOT NULL,
    start_date   TEXT NOT NULL,
    end_date     TEXT NOT NULL,
    status       TEXT NOT NULL,
    notes        TEXT,
    version      BIGINT NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    archived_at  TEXT
);
CREATE UNIQUE INDEX prime_sows_name_key ON prime_sows (lower(name));
CREATE INDEX prime_sows_partner ON prime_sows (partner_id, id);

CREATE TABLE work_authorizations (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    prime_sow_id         BIGINT NOT NULL REFERENCES prime_sows (id),
    project_id           BIGINT NOT NULL REFERENCES projects (id),
    name                 TEXT NOT NULL,
    scope                TEXT NOT NULL,
    requirements         TEXT,
    background_checks_on TEXT,
    rates                TEXT NOT NULL,
    billing_terms        TEXT,
    start_date           TEXT NOT NULL,
    end_date             TEXT NOT NULL,
    expenses_allowed     BOOLEAN NOT NULL,
    expenses_cap_minor   BIGINT,
    committed_minor      BIGINT NOT NULL,
    currency             TEXT NOT NULL,
    version              BIGINT NOT NULL DEFAULT 1,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    archived_at          TEXT
);
CREATE UNIQUE INDEX work_authorizations_name_key ON work_authorizations (lower(name));
CREATE INDEX work_authorizations_sow ON work_authorizations (prime_sow_id, id);
-- A partner consultant's time entry looks up their organisation's authorizations on
-- the entry's project.
CREATE INDEX work_authorizations_project ON work_authorizations (project_id, prime_sow_id);

-- What a partner consultant costs follows the authorizations: the money reports move
-- with them as with what they group projects by.
CREATE TRIGGER work_authorizations_tags_insert AFTER INSERT ON work_authorizations BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'money_tags'; END;
CREATE TRIGGER work_authorizations_tags_update AFTER UPDATE ON work_authorizations BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'money_tags'; END;
CREATE TRIGGER work_authorizations_tags_delete AFTER DELETE ON work_authorizations BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'money_tags'; END;
