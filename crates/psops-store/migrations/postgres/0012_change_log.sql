-- Whom each move of a count in change_counts concerned: a row per person and move, with
-- the first and last day number it touched (person 0: everyone, a bulk load). `kind`
-- is the count's and `n` its value after the move. The store writes it where it moves
-- the rollup count (entry writes, imports) and after each write to time off; a report
-- kept at older counts reads the moves since and computes again only those people's
-- figures. The writer holds the count's row lock until it commits, so one count's moves
-- commit in the order of `n`, and a reader that has seen a count has every move up to
-- it. A move without a row (a holiday, a person changed, a bulk load of time off) makes
-- the reader compute everything again, as does a move whose row was deleted: the
-- oldest rows are deleted as the counts move on.
CREATE TABLE change_log (
    kind      TEXT   NOT NULL,
    n         BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    first_day BIGINT NOT NULL,
    last_day  BIGINT NOT NULL,
    PRIMARY KEY (kind, n, person_id)
);

-- A count of changes to timesheets (submissions, approvals, rejections), moved by the
-- store in each transaction that writes them: compliance is kept until it, the worked
-- minutes of its week or people change.
INSERT INTO change_counts (kind, n) VALUES ('timesheets', 0);

-- A count of changes to projects, by a trigger like the capacity count's: the approvals
-- queue, whose scopes read projects' managers and partners, is kept until it, the
-- timesheets' or the capacity count moves.
INSERT INTO change_counts (kind, n) VALUES ('projects', 0);
-- One trigger function for counts from here on: the count to move is the trigger's
-- argument.
CREATE FUNCTION change_counts_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE change_counts SET n = n + 1 WHERE kind = TG_ARGV[0];
    RETURN NULL;
END
$$;
CREATE TRIGGER projects_count AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON projects FOR EACH STATEMENT EXECUTE FUNCTION change_counts_move('projects');
