-- A count of changes to prime SOWs and work authorizations, so a prime SOW's funds are
-- kept until one of them (or the time, people, assignments or settings they are read
-- from) changes, rather than until any commit.
INSERT INTO change_counts (kind, n) VALUES ('partner_funds', 0);
CREATE TRIGGER prime_sows_funds_insert AFTER INSERT ON prime_sows BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'partner_funds'; END;
CREATE TRIGGER prime_sows_funds_update AFTER UPDATE ON prime_sows BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'partner_funds'; END;
CREATE TRIGGER prime_sows_funds_delete AFTER DELETE ON prime_sows BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'partner_funds'; END;
CREATE TRIGGER work_authorizations_funds_insert AFTER INSERT ON work_authorizations BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'partner_funds'; END;
CREATE TRIGGER work_authorizations_funds_update AFTER UPDATE ON work_authorizations BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'partner_funds'; END;
CREATE TRIGGER work_authorizations_funds_delete AFTER DELETE ON work_authorizations BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'partner_funds'; END;
