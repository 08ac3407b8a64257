-- Whether a person is on a project is asked on every read of the project (the access
-- check): with only the project's index, that walked all of a large project's
-- assignments. The index on both columns answers it at once and serves the project's
-- own lists as the old one did.
DROP INDEX assignments_project;
CREATE INDEX assignments_project ON assignments (project_id, person_id);

-- A count of changes to assignments, by triggers like the projects count's: a large
-- project's staffing, and lists cut by who is assigned, are kept until it moves rather
-- than until any commit (a time entry).
INSERT INTO change_counts (kind, n) VALUES ('assignments', 0);
CREATE TRIGGER assignments_count_insert AFTER INSERT ON assignments BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'assignments'; END;
CREATE TRIGGER assignments_count_update AFTER UPDATE ON assignments BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'assignments'; END;
CREATE TRIGGER assignments_count_delete AFTER DELETE ON assignments BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'assignments'; END;

-- A whole-organisation report reads a quarter's time off for everyone: by date, from
-- the index alone, rather than one seek per person (9 ms at 5,000 people, now 3).
DROP INDEX time_off_date;
CREATE INDEX time_off_date ON time_off (off_date, status, person_id, minutes, kind);

-- A count of changes to people alone (the capacity count also moves with holidays,
-- time off, settings and rules): the people a whole-organisation report covers are
-- kept until it moves, so a holiday added costs the capacities, not reading everyone.
INSERT INTO change_counts (kind, n) VALUES ('people', 0);
CREATE TRIGGER people_count_insert AFTER INSERT ON people BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'people'; END;
CREATE TRIGGER people_count_update AFTER UPDATE ON people BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'people'; END;
CREATE TRIGGER people_count_delete AFTER DELETE ON people BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'people'; END;
