-- Partner organisations get a status, moved by dated, audited actions. Partners that
-- existed before already worked with the company: they start active; a new partner
-- starts as a prospect (the store sets it).
ALTER TABLE partners ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
ALTER TABLE partners ADD COLUMN status_since TEXT;

-- A partner's onboarding checklist: one row per ticked item, with the day it was done
-- and the user who ticked it. Unticking deletes the row (the audit log keeps it).
CREATE TABLE partner_onboarding (
    partner_id BIGINT NOT NULL REFERENCES partners (id),
    item       TEXT NOT NULL,
    done_on    TEXT NOT NULL,
    ticked_by  BIGINT REFERENCES users (id),
    ticked_at  TEXT NOT NULL,
    PRIMARY KEY (partner_id, item)
);

-- The people the company deals with at a partner.
CREATE TABLE partner_contacts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    partner_id  BIGINT NOT NULL REFERENCES partners (id),
    name        TEXT NOT NULL,
    email       TEXT,
    phone       TEXT,
    role        TEXT,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    archived_at TEXT
);
CREATE INDEX partner_contacts_partner ON partner_contacts (partner_id);

-- Every person's skills (1 to 5), one live line per skill.
CREATE TABLE person_skills (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id   BIGINT NOT NULL REFERENCES people (id),
    skill       TEXT NOT NULL,
    level       BIGINT NOT NULL CHECK (level BETWEEN 1 AND 5),
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    archived_at TEXT
);
CREATE UNIQUE INDEX person_skills_live ON person_skills (person_id, LOWER(skill)) WHERE archived_at IS NULL;

-- Every person's certifications, with issue and expiry.
CREATE TABLE person_certifications (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id   BIGINT NOT NULL REFERENCES people (id),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    issued_on   TEXT NOT NULL,
    expires_on  TEXT,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    archived_at TEXT
);
CREATE INDEX person_certifications_person ON person_certifications (person_id);

-- The company's vetting reviews of a consultant: the soft-skills video and interviews.
CREATE TABLE vetting_reviews (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id   BIGINT NOT NULL REFERENCES people (id),
    step        TEXT NOT NULL,
    reviewer_id BIGINT NOT NULL REFERENCES people (id),
    held_on     TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    notes       TEXT,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    archived_at TEXT
);
CREATE INDEX vetting_reviews_person ON vetting_reviews (person_id, held_on);
