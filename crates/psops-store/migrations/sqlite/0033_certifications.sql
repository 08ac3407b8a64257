-- Technical certifications: what each asks (pass marks, attempts, retake wait, validity),
-- learners' attempts at them (a written, then a lab assessment) and the certificates a
-- passed attempt issues. A certificate's number is random (the public page looks it up),
-- so it has a unique index of its own.

CREATE TABLE certifications (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    code              TEXT NOT NULL,
    name              TEXT NOT NULL,
    course_id         BIGINT REFERENCES courses (id),
    written_pass_mark BIGINT NOT NULL,
    lab_pass_mark     BIGINT NOT NULL,
    max_attempts      BIGINT,
    retake_wait_days  BIGINT,
    validity_months   BIGINT NOT NULL,
    description       TEXT,
    version           BIGINT NOT NULL DEFAULT 1,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    archived_at       TEXT
);
CREATE UNIQUE INDEX certifications_code ON certifications (LOWER(code));
CREATE INDEX certifications_course ON certifications (course_id);

CREATE TABLE certification_attempts (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    certification_id  BIGINT NOT NULL REFERENCES certifications (id),
    learner_id        BIGINT NOT NULL REFERENCES learners (id),
    number            BIGINT NOT NULL,
    status            TEXT NOT NULL,
    written_on        TEXT NOT NULL,
    written_score     BIGINT NOT NULL,
    written_pass_mark BIGINT NOT NULL,
    lab_on            TEXT,
    lab_grader_id     BIGINT REFERENCES people (id),
    lab_score         BIGINT,
    lab_pass_mark     BIGINT,
    lab_comments      TEXT,
    version           BIGINT NOT NULL DEFAULT 1,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    archived_at       TEXT
);
CREATE INDEX certification_attempts_learner ON certification_attempts (learner_id, certification_id);
CREATE INDEX certification_attempts_certification ON certification_attempts (certification_id, status);

CREATE TABLE certificates (
    id                       INTEGER PRIMARY KEY AUTOINCREMENT,
    number                   TEXT NOT NULL,
    certification_id         BIGINT NOT NULL REFERENCES certifications (id),
    learner_id               BIGINT NOT NULL REFERENCES learners (id),
    attempt_id               BIGINT NOT NULL REFERENCES certification_attempts (id),
    issued_on                TEXT NOT NULL,
    expires_on               TEXT NOT NULL,
    revoked_on               TEXT,
    revoked_reason           TEXT,
    person_certification_id  BIGINT REFERENCES person_certifications (id),
    version                  BIGINT NOT NULL DEFAULT 1,
    created_at               TEXT NOT NULL,
    updated_at               TEXT NOT NULL,
    archived_at              TEXT
);
CREATE UNIQUE INDEX certificates_number ON certificates (number);
CREATE UNIQUE INDEX certificates_attempt ON certificates (attempt_id);
CREATE INDEX certificates_learner ON certificates (learner_id, certification_id);
CREATE INDEX certificates_expiry ON certificates (expires_on);
