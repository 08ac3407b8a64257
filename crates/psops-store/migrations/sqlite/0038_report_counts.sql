-- Counts of changes to partners and their consultants' vetting, to surveys, to the
-- education records and to partner invoices, so the partner and education reports and
-- the pages of partner invoices are kept until something they read changes rather than
-- until any commit.
INSERT INTO change_counts (kind, n) VALUES ('partners', 0);
INSERT INTO change_counts (kind, n) VALUES ('surveys', 0);
INSERT INTO change_counts (kind, n) VALUES ('education', 0);
INSERT INTO change_counts (kind, n) VALUES ('partner_invoices', 0);
CREATE TRIGGER partners_partners_count_insert AFTER INSERT ON partners BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'partners'; END;
CREATE TRIGGER partners_partners_count_update AFTER UPDATE ON partners BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'partners'; END;
CREATE TRIGGER partners_partners_count_delete AFTER DELETE ON partners BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'partners'; END;
CREATE TRIGGER partner_onboarding_partners_count_insert AFTER INSERT ON partner_onboarding BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'partners'; END;
CREATE TRIGGER partner_onboarding_partners_count_update AFTER UPDATE ON partner_onboarding BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'partners'; END;
CREATE TRIGGER partner_onboarding_partners_count_delete AFTER DELETE ON partner_onboarding BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'partners'; END;
CREATE TRIGGER person_skills_partners_count_insert AFTER INSERT ON person_skills BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'partners'; END;
CREATE TRIGGER person_skills_partners_count_update AFTER UPDATE ON person_skills BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'partners'; END;
CREATE TRIGGER person_skills_partners_count_delete AFTER DELETE ON person_skills BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'partners'; END;
CREATE TRIGGER person_certifications_partners_count_insert AFTER INSERT ON person_certifications BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'partners'; END;
CREATE TRIGGER person_certifications_partners_count_update AFTER UPDATE ON person_certifications BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'partners'; END;
CREATE TRIGGER person_certifications_partners_count_delete AFTER DELETE ON person_certifications BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'partners'; END;
CREATE TRIGGER vetting_reviews_partners_count_insert AFTER INSERT ON vetting_reviews BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'partners'; END;
CREATE TRIGGER vetting_reviews_partners_count_update AFTER UPDATE ON vetting_reviews BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'partners'; END;
CREATE TRIGGER vetting_reviews_partners_count_delete AFTER DELETE ON vetting_reviews BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'partners'; END;
CREATE TRIGGER surveys_surveys_count_insert AFTER INSERT ON surveys BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'surveys'; END;
CREATE TRIGGER surveys_surveys_count_update AFTER UPDATE ON surveys BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'surveys'; END;
CREATE TRIGGER surveys_surveys_count_delete AFTER DELETE ON surveys BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'surveys'; END;
CREATE TRIGGER learners_education_count_insert AFTER INSERT ON learners BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'education'; END;
CREATE TRIGGER learners_education_count_update AFTER UPDATE ON learners BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'education'; END;
CREATE TRIGGER learners_education_count_delete AFTER DELETE ON learners BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'education'; END;
CREATE TRIGGER courses_education_count_insert AFTER INSERT ON courses BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'education'; END;
CREATE TRIGGER courses_education_count_update AFTER UPDATE ON courses BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'education'; END;
CREATE TRIGGER courses_education_count_delete AFTER DELETE ON courses BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'education'; END;
CREATE TRIGGER course_trainers_education_count_insert AFTER INSERT ON course_trainers BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'education'; END;
CREATE TRIGGER course_trainers_education_count_update AFTER UPDATE ON course_trainers BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'education'; END;
CREATE TRIGGER course_trainers_education_count_delete AFTER DELETE ON course_trainers BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'education'; END;
CREATE TRIGGER training_classes_education_count_insert AFTER INSERT ON training_classes BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'education'; END;
CREATE TRIGGER training_classes_education_count_update AFTER UPDATE ON training_classes BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'education'; END;
CREATE TRIGGER training_classes_education_count_delete AFTER DELETE ON training_classes BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'education'; END;
CREATE TRIGGER enrolments_education_count_insert AFTER INSERT ON enrolments BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'education'; END;
CREATE TRIGGER enrolments_education_count_update AFTER UPDATE ON enrolments BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'education'; END;
CREATE TRIGGER enrolments_education_count_delete AFTER DELETE ON enrolments BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'education'; END;
CREATE TRIGGER class_surveys_education_count_insert AFTER INSERT ON class_surveys BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'education'; END;
CREATE TRIGGER class_surveys_education_count_update AFTER UPDATE ON class_surveys BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'education'; END;
CREATE TRIGGER class_surveys_education_count_delete AFTER DELETE ON class_surveys BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'education'; END;
CREATE TRIGGER partner_invoices_count_insert AFTER INSERT ON partner_invoices BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'partner_invoices'; END;
CREATE TRIGGER partner_invoices_count_update AFTER UPDATE ON partner_invoices BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'partner_invoices'; END;
CREATE TRIGGER partner_invoices_count_delete AFTER DELETE ON partner_invoices BEGIN UPDATE change_counts SET n = n + 1 WHERE kind = 'partner_invoices'; END;

-- The partner ledger: each ledger line's sources summed per partner consultant, written
-- with the line by recognition and deleted with it, so the partner report reads a few
-- rows per consultant and month rather than every source of their time entries. Filled
-- here from the ledger as it stands.
CREATE TABLE partner_ledger (
    line_id         BIGINT NOT NULL,
    month           TEXT NOT NULL,
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
