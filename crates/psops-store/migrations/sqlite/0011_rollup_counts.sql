-- A count that every change to the day rollup moves, in the same transaction. Every
-- change to a time entry's minutes changes a day's rollup row (the finest: a move from
-- Monday to Tuesday leaves the week's row as it was), so the count moves
-- exactly when the worked and billable minutes that utilization reports read can have
-- changed. Those reports are kept until it (or the capacity count) moves, instead of
-- until any commit at all: a new account no longer makes everyone's quarter be read
-- again. On SQLite one row, moved by row triggers (writes are one at a time anyway).
INSERT INTO change_counts (kind, n) VALUES ('rollup', 0);

CREATE TRIGGER time_rollup_day_count_insert AFTER INSERT ON time_rollup_day BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'rollup'; END;
CREATE TRIGGER time_rollup_day_count_update AFTER UPDATE ON time_rollup_day BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'rollup'; END;
CREATE TRIGGER time_rollup_day_count_delete AFTER DELETE ON time_rollup_day BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'rollup'; END;
