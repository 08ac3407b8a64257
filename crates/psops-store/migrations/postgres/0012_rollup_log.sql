-- Whose worked minutes each move of the rollup count changed: a row per person and
-- move, with the first and last day number the move touched (person 0: everyone, a bulk
-- load). A report kept at an older count reads the moves since and reads again only
-- those people's minutes, instead of everyone's. `shard` is which of the 32 count rows
-- moved and `n` its value after the move: the writer holds that row's lock until it
-- commits, so a shard's moves commit in the order of `n`, and a reader that has seen a
-- count has every move up to it. The oldest rows are deleted as the counts move on,
-- and a reader that finds a move missing reads everything again.
CREATE TABLE rollup_log (
    shard     BIGINT  NOT NULL,
    n         BIGINT  NOT NULL,
    person_id BIGINT  NOT NULL,
    first_day BIGINT  NOT NULL,
    last_day  BIGINT  NOT NULL,
    PRIMARY KEY (shard, n, person_id)
);
