-- Whose worked minutes each move of the rollup count changed: a row per person and
-- move, with the first and last day number the move touched (person 0: everyone, a bulk
-- load). A report kept at an older count reads the moves since and reads again only
-- those people's minutes, instead of everyone's. `n` is the count after the move; the
-- oldest rows are deleted as the count moves on, and a reader that finds a move missing
-- reads everything again.
CREATE TABLE rollup_log (
    shard     INTEGER NOT NULL,
    n         INTEGER NOT NULL,
    person_id INTEGER NOT NULL,
    first_day INTEGER NOT NULL,
    last_day  INTEGER NOT NULL,
    PRIMARY KEY (shard, n, person_id)
) WITHOUT ROWID;
