-- A count of changes to prime SOWs and work authorizations, so a prime SOW's funds are
-- kept until one of them (or the time, people, assignments or settings they are read
-- from) changes, rather than until any commit.
INSERT INTO change_counts (kind, n) VALUES ('partner_funds', 0);
CREATE TRIGGER prime_sows_funds_count AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON prime_sows FOR EACH STATEMENT EXECUTE FUNCTION change_counts_move('partner_funds');
CREATE TRIGGER work_authorizations_funds_count AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON work_authorizations FOR EACH STATEMENT EXECUTE FUNCTION change_counts_move('partner_funds');
