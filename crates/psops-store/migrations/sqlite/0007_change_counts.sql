-- A count that every change to what capacity is computed from moves, in the same
-- transaction: people (employment, FTE, region, function), holiday calendars and
-- holidays, time off, the settings and the capacity policy's overrides. Reports keep
-- everyone's computed capacity until it moves, so time entries, which change all day,
-- do not make them compute it again. Triggers, so that no write path can forget it.
CREATE TABLE change_counts (
    kind TEXT PRIMARY KEY,
    n    INTEGER NOT NULL
);
INSERT INTO change_counts (kind, n) VALUES ('capacity', 0);

CREATE TRIGGER people_capacity_insert AFTER INSERT ON people BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'capacity'; END;
CREATE TRIGGER people_capacity_update AFTER UPDATE ON people BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'capacity'; END;
CREATE TRIGGER people_capacity_delete AFTER DELETE ON people BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'capacity'; END;
CREATE TRIGGER holiday_calendars_capacity_insert AFTER INSERT ON holiday_calendars BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'capacity'; END;
CREATE TRIGGER holiday_calendars_capacity_update AFTER UPDATE ON holiday_calendars BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'capacity'; END;
CREATE TRIGGER holiday_calendars_capacity_delete AFTER DELETE ON holiday_calendars BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'capacity'; END;
CREATE TRIGGER holidays_capacity_insert AFTER INSERT ON holidays BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'capacity'; END;
CREATE TRIGGER holidays_capacity_update AFTER UPDATE ON holidays BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'capacity'; END;
CREATE TRIGGER holidays_capacity_delete AFTER DELETE ON holidays BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'capacity'; END;
CREATE TRIGGER time_off_capacity_insert AFTER INSERT ON time_off BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'capacity'; END;
CREATE TRIGGER time_off_capacity_update AFTER UPDATE ON time_off BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'capacity'; END;
CREATE TRIGGER time_off_capacity_delete AFTER DELETE ON time_off BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'capacity'; END;
CREATE TRIGGER settings_capacity_insert AFTER INSERT ON settings BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'capacity'; END;
CREATE TRIGGER settings_capacity_update AFTER UPDATE ON settings BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'capacity'; END;
CREATE TRIGGER settings_capacity_delete AFTER DELETE ON settings BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'capacity'; END;
CREATE TRIGGER policy_overrides_capacity_insert AFTER INSERT ON policy_overrides BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'capacity'; END;
CREATE TRIGGER policy_overrides_capacity_update AFTER UPDATE ON policy_overrides BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'capacity'; END;
CREATE TRIGGER policy_overrides_capacity_delete AFTER DELETE ON policy_overrides BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'capacity'; END;
