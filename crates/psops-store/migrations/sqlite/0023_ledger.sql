-- The ledger: revenue and cost recognised per project, month and basis, each line with
-- the rows it was computed from (time entries, milestones, training deliveries) so every
-- amount traces back and `psops verify` can prove it adds up. Amounts are kept in the
-- project's currency and in the reporting currency (converted per source row at the FX
-- rate of its day). Lines of a closed month are frozen: recognition never rewrites them.
CREATE TABLE ledger_lines (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id         BIGINT NOT NULL REFERENCES projects (id),
    month              TEXT NOT NULL,
    kind               TEXT NOT NULL,
    basis              TEXT NOT NULL,
    amount_minor       BIGINT NOT NULL,
    currency           TEXT NOT NULL,
    reporting_minor    BIGINT NOT NULL,
    reporting_currency TEXT NOT NULL,
    minutes            BIGINT NOT NULL,
    frozen             BOOLEAN NOT NULL DEFAULT 0,
    computed_at        TEXT NOT NULL
);
CREATE INDEX ledger_lines_month ON ledger_lines (month, kind, project_id);
CREATE INDEX ledger_lines_project ON ledger_lines (project_id, month);

CREATE TABLE ledger_sources (
    line_id         BIGINT NOT NULL REFERENCES ledger_lines (id),
    source          TEXT NOT NULL,
    source_id       BIGINT NOT NULL,
    minutes         BIGINT,
    rate_minor      BIGINT,
    amount_minor    BIGINT NOT NULL,
    reporting_minor BIGINT NOT NULL
);
CREATE INDEX ledger_sources_line ON ledger_sources (line_id);
CREATE INDEX ledger_sources_source ON ledger_sources (source, source_id);

-- How a project's fixed fee is recognised: by milestone (the default) or by percent
-- complete. One row per project once finance sets it.
CREATE TABLE project_finance (
    project_id     BIGINT PRIMARY KEY REFERENCES projects (id),
    revenue_method TEXT NOT NULL,
    version        BIGINT NOT NULL DEFAULT 1,
    updated_at     TEXT NOT NULL
);

-- A delivered training class as money sees it: its fee is recognised once the class is
-- complete and its roster received (education's classes write these).
CREATE TABLE trainings (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id         BIGINT NOT NULL REFERENCES projects (id),
    title              TEXT NOT NULL,
    amount_minor       BIGINT NOT NULL,
    currency           TEXT NOT NULL,
    completed_on       TEXT,
    roster_received_on TEXT,
    version            BIGINT NOT NULL DEFAULT 1,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    archived_at        TEXT
);
CREATE INDEX trainings_project ON trainings (project_id);

-- Months finance closed. Closing locks the month's time (a locked period) and freezes its
-- ledger lines; reopening needs a reason, removes the lock and unfreezes them. Every
-- close and reopen is a row, so the history stays.
CREATE TABLE period_closes (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    month            TEXT NOT NULL,
    locked_period_id BIGINT,
    closed_by        BIGINT REFERENCES users (id),
    closed_at        TEXT NOT NULL,
    reopened_by      BIGINT REFERENCES users (id),
    reopened_at      TEXT,
    reopen_reason    TEXT
);
CREATE INDEX period_closes_month ON period_closes (month, id);

-- Counts the money reports are kept under: `ledger` moves when recognition rewrites the
-- ledger (recognition moves it itself, once per run, rather than a trigger once per
-- line) and when a month is closed or reopened; `money_tags` when what the reports group
-- projects by changes (accounts, SOWs, the catalog) — projects and people have counts of
-- their own.
INSERT INTO change_counts (kind, n) VALUES ('ledger', 0);
INSERT INTO change_counts (kind, n) VALUES ('money_tags', 0);
CREATE TRIGGER period_closes_count_insert AFTER INSERT ON period_closes BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'ledger'; END;
CREATE TRIGGER period_closes_count_update AFTER UPDATE ON period_closes BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'ledger'; END;
CREATE TRIGGER period_closes_count_delete AFTER DELETE ON period_closes BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'ledger'; END;
CREATE TRIGGER accounts_tags_insert AFTER INSERT ON accounts BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'money_tags'; END;
CREATE TRIGGER accounts_tags_update AFTER UPDATE ON accounts BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'money_tags'; END;
CREATE TRIGGER accounts_tags_delete AFTER DELETE ON accounts BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'money_tags'; END;
CREATE TRIGGER sows_tags_insert AFTER INSERT ON sows BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'money_tags'; END;
CREATE TRIGGER sows_tags_update AFTER UPDATE ON sows BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'money_tags'; END;
CREATE TRIGGER sows_tags_delete AFTER DELETE ON sows BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'money_tags'; END;
CREATE TRIGGER skus_tags_insert AFTER INSERT ON skus BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'money_tags'; END;
CREATE TRIGGER skus_tags_update AFTER UPDATE ON skus BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'money_tags'; END;
CREATE TRIGGER skus_tags_delete AFTER DELETE ON skus BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'money_tags'; END;
CREATE TRIGGER offerings_tags_insert AFTER INSERT ON offerings BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'money_tags'; END;
CREATE TRIGGER offerings_tags_update AFTER UPDATE ON offerings BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'money_tags'; END;
CREATE TRIGGER offerings_tags_delete AFTER DELETE ON offerings BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'money_tags'; END;
CREATE TRIGGER offering_types_tags_insert AFTER INSERT ON offering_types BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'money_tags'; END;
CREATE TRIGGER offering_types_tags_update AFTER UPDATE ON offering_types BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'money_tags'; END;
CREATE TRIGGER offering_types_tags_delete AFTER DELETE ON offering_types BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'money_tags'; END;
