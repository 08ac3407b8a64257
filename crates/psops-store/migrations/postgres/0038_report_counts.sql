-- Counts of changes to partners and their consultants' vetting, to surveys, to the
-- education records and to partner invoices, so the partner and education reports and
-- the pages of partner invoices are kept until something they read changes rather than
-- until any commit.
INSERT INTO change_counts (kind, n) VALUES ('partners', 0);
INSERT INTO change_counts (kind, n) VALUES ('surveys', 0);
INSERT INTO change_counts (kind, n) VALUES ('education', 0);
INSERT INTO change_counts (kind, n) VALUES ('partner_invoices', 0);
CREATE TRIGGER partners_partners_count AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON partners FOR EACH STATEMENT EXECUTE FUNCTION change_counts_move('partners');
CREATE TRIGGER partner_onboarding_partners_count AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON partner_onboarding FOR EACH STATEMENT EXECUTE FUNCTION change_counts_move('partners');
CREATE TRIGGER person_skills_partners_count AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON person_skills FOR EACH STATEMENT EXECUTE FUNCTION change_counts_move('partners');
CREATE TRIGGER person_certifications_partners_count AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON person_certifications FOR EACH STATEMENT EXECUTE FUNCTION change_counts_move('partners');
CREATE TRIGGER vetting_reviews_partners_count AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON vetting_reviews FOR EACH STATEMENT EXECUTE FUNCTION change_counts_move('partners');
CREATE TRIGGER surveys_surveys_count AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON surveys FOR EACH STATEMENT EXECUTE FUNCTION change_counts_move('surveys');
CREATE TRIGGER learners_education_count AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON learners FOR EACH STATEMENT EXECUTE FUNCTION change_counts_move('education');
CREATE TRIGGER courses_education_count AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON courses FOR EACH STATEMENT EXECUTE FUNCTION change_counts_move('education');
CREATE TRIGGER course_trainers_education_count AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON course_trainers FOR EACH STATEMENT EXECUTE FUNCTION change_counts_move('education');
CREATE TRIGGER training_classes_education_count AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON training_classes FOR EACH STATEMENT EXECUTE FUNCTION change_counts_move('education');
CREATE TRIGGER enrolments_education_count AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON enrolments FOR EACH STATEMENT EXECUTE FUNCTION change_counts_move('education');
CREATE TRIGGER class_surveys_education_count AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON class_surveys FOR EACH STATEMENT EXECUTE FUNCTION change_counts_move('education');
CREATE TRIGGER partner_invoices_count AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON partner_invoices FOR EACH STATEMENT EXECUTE FUNCTION change_counts_move('partner_invoices');

-- The partner ledger: each ledger line's sources summed per partner consultant, written
-- with the line by recognition and deleted with it, so the partner report reads a few
-- rows per consultant and month rather than every source of their time entries. Filled
-- here from the ledger as it stands.
CREATE TABLE partner_ledger (
    line_id         BIGINT NOT NULL,
    month           DATE NOT NULL,
    person_id       BIGINT NOT NULL,
    reporting_minor BIGINT NOT NULL,
    minutes         BIGINT NOT NULL
);
CREATE INDEX partner_ledger_person ON partner_ledger (person_id, month);
CREATE INDEX partner_ledger_line ON partner_ledger (line_id);
INSERT INTO partner_ledger (line_id, month, person_id, reporting_minor, minutes)
SELECT s.line_id, l.month, t.person_id, CAST(SUM(s.reporting_minor) AS BIGINT), CAST(COALESCE(SUM(s.minutes), 0) AS BIGINT)
FROM people p JOIN time_entries t ON t.person_id = p.id
JOIN ledger_sources s ON s.source = 'time_entry' AND s.source_id = t.id
JOIN ledger_lines l ON l.id = s.line_id
WHERE p.partner_id IS NOT NULL
GROUP BY s.line_id, l.month, t.person_id;
