-- Trainer candidates' certification paths, one per person, course and path: the dated
-- checklist items, the credentials and the recorded deliveries with their scores (a
-- JSON list, read and written whole with the path; each score names its respondent's
-- organisation so the trainer's own organisation's surveys can be left out).

CREATE TABLE trainer_candidacies (
    id                         INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id                  BIGINT NOT NULL REFERENCES people (id),
    course_id                  BIGINT NOT NULL REFERENCES courses (id),
    path                       TEXT NOT NULL,
    started_on                 TEXT NOT NULL,
    resources_reviewed_on      TEXT,
    shadowed_trainer_id        BIGINT REFERENCES people (id),
    shadowed_on                TEXT,
    ttt_session_on             TEXT,
    dry_run_on                 TEXT,
    dry_run_minutes            BIGINT,
    training_experience_months BIGINT,
    educator_certificate       TEXT,
    vendor_trainer_credential  TEXT,
    deliveries                 TEXT NOT NULL,
    notes                      TEXT,
    version                    BIGINT NOT NULL DEFAULT 1,
    created_at                 TEXT NOT NULL,
    updated_at                 TEXT NOT NULL,
    archived_at                TEXT
);
CREATE UNIQUE INDEX trainer_candidacies_live ON trainer_candidacies (person_id, course_id, path)
    WHERE archived_at IS NULL;
CREATE INDEX trainer_candidacies_course ON trainer_candidacies (course_id);
