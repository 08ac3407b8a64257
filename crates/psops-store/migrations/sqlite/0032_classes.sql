-- Classes (a course on dates with a certified trainer, seats and its workflow steps),
-- enrolments (a learner on a class, with the days attended) and the training surveys a
-- completed class sends its attending learners. Only the SHA-256 of a survey link's
-- token is kept.

CREATE TABLE training_classes (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    status              TEXT NOT NULL,
    roster_submitted_on TEXT,
    training_id         BIGINT REFERENCES trainings (id),
    steps_done          TEXT NOT NULL,
    course_id           BIGINT NOT NULL REFERENCES courses (id),
    trainer_id          BIGINT NOT NULL REFERENCES people (id),
    start_date          TEXT NOT NULL,
    end_date            TEXT NOT NULL,
    time_zone           TEXT NOT NULL,
    delivery            TEXT NOT NULL,
    location            TEXT,
    audience            TEXT NOT NULL,
    account_id          BIGINT REFERENCES accounts (id),
    project_id          BIGINT REFERENCES projects (id),
    fee_minor           BIGINT,
    fee_currency        TEXT,
    addon_seats         BIGINT NOT NULL,
    version             BIGINT NOT NULL DEFAULT 1,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    archived_at         TEXT
);
CREATE INDEX training_classes_start ON training_classes (start_date, id);
CREATE INDEX training_classes_trainer ON training_classes (trainer_id, start_date);
CREATE INDEX training_classes_course ON training_classes (course_id, start_date);
CREATE INDEX training_classes_project ON training_classes (project_id);

CREATE TABLE enrolments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    attended    TEXT NOT NULL,
    class_id    BIGINT NOT NULL REFERENCES training_classes (id),
    learner_id  BIGINT NOT NULL REFERENCES learners (id),
    status      TEXT NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    archived_at TEXT
);
CREATE INDEX enrolments_class ON enrolments (class_id, status);
CREATE INDEX enrolments_learner ON enrolments (learner_id);

CREATE TABLE class_surveys (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    class_id      BIGINT NOT NULL REFERENCES training_classes (id),
    enrolment_id  BIGINT NOT NULL REFERENCES enrolments (id),
    to_name       TEXT NOT NULL,
    to_email      TEXT NOT NULL,
    token_hash    TEXT NOT NULL,
    sent_by       BIGINT REFERENCES users (id),
    sent_at       TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    answered_at   TEXT,
    score         BIGINT CHECK (score BETWEEN 1 AND 5),
    comment       TEXT,
    CHECK ((answered_at IS NULL) = (score IS NULL))
);
CREATE UNIQUE INDEX class_surveys_token_key ON class_surveys (token_hash);
CREATE UNIQUE INDEX class_surveys_enrolment ON class_surveys (enrolment_id);
CREATE INDEX class_surveys_class ON class_surveys (class_id);
