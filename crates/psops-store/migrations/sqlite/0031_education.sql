-- Education services' foundation: learners (employees, partner consultants, customer
-- contacts), courses (a catalog SKU with its development state) and the people
-- certified to teach a course, which a class's trainer gate reads.

CREATE TABLE learners (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT NOT NULL,
    email        TEXT,
    organisation TEXT NOT NULL,
    person_id    BIGINT REFERENCES people (id),
    partner_id   BIGINT REFERENCES partners (id),
    account_id   BIGINT REFERENCES accounts (id),
    contact_id   BIGINT REFERENCES contacts (id),
    version      BIGINT NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    archived_at  TEXT
);
CREATE INDEX learners_name ON learners (LOWER(name));
CREATE INDEX learners_partner ON learners (partner_id);
CREATE INDEX learners_account ON learners (account_id);
CREATE INDEX learners_person ON learners (person_id);

CREATE TABLE courses (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    sku_id         BIGINT NOT NULL REFERENCES skus (id),
    name           TEXT NOT NULL,
    delivery       TEXT NOT NULL,
    state          TEXT NOT NULL,
    course_version TEXT NOT NULL,
    outline        TEXT,
    duration_days  BIGINT NOT NULL,
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    archived_at    TEXT
);
CREATE INDEX courses_name ON courses (LOWER(name));
CREATE INDEX courses_sku ON courses (sku_id);

CREATE TABLE course_trainers (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id    BIGINT NOT NULL REFERENCES people (id),
    course_id    BIGINT NOT NULL REFERENCES courses (id),
    path         TEXT NOT NULL,
    certified_on TEXT NOT NULL,
    expires_on   TEXT,
    version      BIGINT NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    archived_at  TEXT
);
CREATE INDEX course_trainers_person ON course_trainers (person_id, course_id);
CREATE INDEX course_trainers_course ON course_trainers (course_id, certified_on);
