-- A count that every change to the day rollup moves, in the same transaction (the store
-- moves it wherever it writes that rollup: the entry writes and the bulk load). Every
-- change to a time entry's minutes changes a day's rollup row (the finest: a move from
-- Monday to Tuesday leaves the week's row as it was), so the count moves exactly when
-- the worked and billable minutes that utilization reports read can have changed.
-- Those reports are kept until it (or the capacity count) moves, instead of until any
-- commit at all: a new account no longer makes everyone's quarter be read again. Moved
-- once a transaction, not by a trigger on each row, which made a bulk load a third
-- slower.
INSERT INTO change_counts (kind, n) VALUES ('rollup', 0);
