-- Whether a person is on a project is asked on every read of the project (the access
-- check): with only the project's index, that walked all of a large project's
-- assignments. The index on both columns answers it at once and serves the project's
-- own lists as the old one did.
DROP INDEX assignments_project;
CREATE INDEX assignments_project ON assignments (project_id, person_id);

-- A count of changes to assignments, by a trigger like the projects count's: a large
-- project's staffing, and lists cut by who is assigned, are kept until it moves rather
-- than until any commit (a time entry).
INSERT INTO change_counts (kind, n) VALUES ('assignments', 0);
CREATE TRIGGER assignments_count AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON assignments FOR EACH STATEMENT EXECUTE FUNCTION change_counts_move('assignments');

-- A whole-organisation report reads a quarter's time off for everyone: by date, from
-- the index alone, rather than one seek per person.
DROP INDEX time_off_date;
CREATE INDEX time_off_date ON time_off (off_date) INCLUDE (status, person_id, minutes, kind);

-- A count of changes to people alone (the capacity count also moves with holidays,
-- time off, settings and rules): the people a whole-organisation report covers are
-- kept until it moves, so a holiday added costs the capacities, not reading everyone.
INSERT INTO change_counts (kind, n) VALUES ('people', 0);
CREATE TRIGGER people_count AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON people FOR EACH STATEMENT EXECUTE FUNCTION change_counts_move('people');
