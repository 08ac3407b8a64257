-- People are looked up by name: the pickers, and telling apart people who share one
-- (their label adds the e-mail).
CREATE INDEX people_name ON people (name);
-- A person's page names the users who sign in as them.
CREATE INDEX users_person ON users (person_id);
