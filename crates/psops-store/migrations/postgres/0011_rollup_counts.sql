-- A count that every change to the day rollup moves, in the same transaction. Every
-- change to a time entry's minutes changes a day's rollup row (the finest: a move from
-- Monday to Tuesday leaves the week's row as it was), so the count moves
-- exactly when the worked and billable minutes that utilization reports read can have
-- changed. Those reports are kept until it (or the capacity count) moves, instead of
-- until any commit at all: a new account no longer makes everyone's quarter be read
-- again. Writers run side by side here, so the count is 32 rows, one chosen by the
-- session; a reader adds them up. One row would make every entry write wait for the
-- one before it to commit.
INSERT INTO change_counts (kind, n) SELECT 'rollup:' || s, 0 FROM generate_series(0, 31) AS s;

CREATE FUNCTION change_counts_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE kind = 'rollup:' || (pg_backend_pid() % 32);
    RETURN NULL;
END
$$;

CREATE TRIGGER time_rollup_day_count AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON time_rollup_day FOR EACH STATEMENT EXECUTE FUNCTION change_counts_rollup();
