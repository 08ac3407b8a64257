-- Invoices and credit notes. A draft has no number; issuing one takes the next number of
-- its kind's counter in the same transaction (so numbers have no gaps) and writes a lock
-- for every time entry, milestone and fee part it bills: the lock's primary key is what
-- keeps two invoices from billing the same thing. A credit note reverses an issued
-- invoice and deletes its locks so the work can be billed again; nothing issued is ever
-- deleted or changed.
CREATE TABLE invoices (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    number             TEXT,
    kind               TEXT NOT NULL,
    status             TEXT NOT NULL,
    project_id         BIGINT NOT NULL REFERENCES projects (id),
    account_id         BIGINT REFERENCES accounts (id),
    currency           TEXT NOT NULL,
    invoice_date       TEXT NOT NULL,
    due_date           TEXT NOT NULL,
    period_from        TEXT,
    period_to          TEXT NOT NULL,
    billing_terms      TEXT,
    credits_invoice_id BIGINT REFERENCES invoices (id),
    total_minor        BIGINT NOT NULL,
    note               TEXT,
    reason             TEXT,
    issued_by          BIGINT REFERENCES users (id),
    issued_at          TEXT,
    version            BIGINT NOT NULL DEFAULT 1,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE UNIQUE INDEX invoices_number ON invoices (number);
CREATE UNIQUE INDEX invoices_credits ON invoices (credits_invoice_id);
CREATE INDEX invoices_project ON invoices (project_id, id);
CREATE INDEX invoices_date ON invoices (invoice_date, id);

CREATE TABLE invoice_lines (
    invoice_id          BIGINT NOT NULL REFERENCES invoices (id),
    position            BIGINT NOT NULL,
    kind                TEXT NOT NULL,
    description         TEXT NOT NULL,
    time_entry_id       BIGINT,
    milestone_id        BIGINT,
    fee_part            TEXT,
    minutes             BIGINT,
    rate_minor          BIGINT,
    quantity_hundredths BIGINT NOT NULL,
    amount_minor        BIGINT NOT NULL,
    PRIMARY KEY (invoice_id, position)
);
CREATE INDEX invoice_lines_entry ON invoice_lines (time_entry_id);

CREATE TABLE invoice_locks (
    source     TEXT NOT NULL,
    source_id  BIGINT NOT NULL,
    invoice_id BIGINT NOT NULL REFERENCES invoices (id),
    PRIMARY KEY (source, source_id)
);
CREATE INDEX invoice_locks_invoice ON invoice_locks (invoice_id);

-- The last number issued of each kind (psops keeps one organisation per database).
CREATE TABLE invoice_counters (
    kind TEXT PRIMARY KEY,
    last BIGINT NOT NULL
);
INSERT INTO invoice_counters (kind, last) VALUES ('invoice', 0), ('credit_note', 0);
