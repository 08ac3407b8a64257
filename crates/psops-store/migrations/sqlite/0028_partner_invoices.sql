-- Partner invoices: a partner's monthly invoice with its lines (a JSON list of
-- {po, from_date, to_date, person_id, project_id, minutes, rate, total}; money in minor
-- units of the invoice's currency), its status and how it was decided. The month is
-- kept as its first day.
CREATE TABLE partner_invoices (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    partner_id         BIGINT NOT NULL REFERENCES partners (id),
    number             TEXT NOT NULL,
    month              TEXT NOT NULL,
    received_on        TEXT NOT NULL,
    currency           TEXT NOT NULL,
    lines              TEXT NOT NULL,
    notes              TEXT,
    status             TEXT NOT NULL,
    variance_minor     BIGINT,
    reason             TEXT,
    decided_by         BIGINT REFERENCES users (id),
    decided_at         TEXT,
    version            BIGINT NOT NULL DEFAULT 1,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    archived_at        TEXT
);
-- One live invoice per partner and month: a rejected or withdrawn (archived) one frees
-- the month for a corrected invoice.
CREATE UNIQUE INDEX partner_invoices_month_key ON partner_invoices (partner_id, month)
    WHERE archived_at IS NULL AND status <> 'rejected';
CREATE INDEX partner_invoices_number ON partner_invoices (partner_id, lower(number));
CREATE INDEX partner_invoices_month ON partner_invoices (month, partner_id);
