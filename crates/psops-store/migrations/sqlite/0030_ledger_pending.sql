-- The closed months' approved entries a recognition run must still read: those whose
-- cost, or revenue when they earn by the hour, is in no frozen line (work at risk whose
-- SOW is not signed, time without a rate). Every other entry of a closed month is final,
-- so a run reads the open months' time and these, not the whole history. Kept by each
-- close (and by a reopen, for entries recognised late into the reopened month).
CREATE TABLE ledger_pending (
    entry_id BIGINT PRIMARY KEY
);

-- Closed months that already exist: every entry in them that might be unsettled (the
-- next close keeps only those that are).
INSERT INTO ledger_pending (entry_id)
SELECT e.id FROM time_entries e
JOIN period_closes c ON c.reopened_at IS NULL
    AND e.entry_date >= c.month AND e.entry_date < date(c.month, '+1 month')
WHERE e.status = 'approved' AND e.project_id IS NOT NULL AND (
    NOT EXISTS (SELECT 1 FROM ledger_sources s JOIN ledger_lines l ON l.id = s.line_id
                WHERE s.source = 'time_entry' AND s.source_id = e.id AND l.frozen AND l.kind = 'cost')
    OR (e.billable AND NOT EXISTS (SELECT 1 FROM ledger_sources s JOIN ledger_lines l ON l.id = s.line_id
                WHERE s.source = 'time_entry' AND s.source_id = e.id AND l.frozen AND l.kind = 'revenue')));
