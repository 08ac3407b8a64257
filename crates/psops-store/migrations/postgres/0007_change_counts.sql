-- A count that every change to what capacity is computed from moves, in the same
-- transaction: people (employment, FTE, region, function), holiday calendars and
-- holidays, time off, the settings and the capacity policy's overrides. Reports keep
-- everyone's computed capacity until it moves, so time entries, which change all day,
-- do not make them compute it again. Triggers, so that no write path can forget it;
-- once a statement, so a bulk load moves it once per statement, not per row.
CREATE TABLE change_counts (
    kind TEXT PRIMARY KEY,
    n    BIGINT NOT NULL
);
INSERT INTO change_counts (kind, n) VALUES ('capacity', 0);

CREATE FUNCTION change_counts_capacity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE kind = 'capacity';
    RETURN NULL;
END
$$;

CREATE TRIGGER people_capacity AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON people FOR EACH STATEMENT EXECUTE FUNCTION change_counts_capacity();
CREATE TRIGGER holiday_calendars_capacity AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON holiday_calendars FOR EACH STATEMENT EXECUTE FUNCTION change_counts_capacity();
CREATE TRIGGER holidays_capacity AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON holidays FOR EACH STATEMENT EXECUTE FUNCTION change_counts_capacity();
CREATE TRIGGER time_off_capacity AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON time_off FOR EACH STATEMENT EXECUTE FUNCTION change_counts_capacity();
CREATE TRIGGER settings_capacity AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON settings FOR EACH STATEMENT EXECUTE FUNCTION change_counts_capacity();
CREATE TRIGGER policy_overrides_capacity AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON policy_overrides FOR EACH STATEMENT EXECUTE FUNCTION change_counts_capacity();
