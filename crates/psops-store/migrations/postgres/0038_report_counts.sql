-- Counts of changes to partners and their consultants' vetting, to surveys and to the
-- education records, so the partner and education reports are kept until something they
-- read changes rather than until any commit.
INSERT INTO change_counts (kind, n) VALUES ('partners', 0);
INSERT INTO change_counts (kind, n) VALUES ('surveys', 0);
INSERT INTO change_counts (kind, n) VALUES ('education', 0);
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
