-- Staffing: what a resource request asks beyond its role and hours, and who holds it.
--
-- person_id: who the request is booked to. A soft request held by someone is a soft
-- booking (it counts against their availability apart from hard bookings); a hard
-- request is filled by an assignment to that person, made in the same transaction.
-- minutes_per_week: the weekly load, when the work is not spread evenly over the dates.
-- priority: 1 (most urgent) to 5; the optimizer weighs fit by it.
-- desired_skills: skills that help but are not required (same JSON shape as
-- required_skills). certifications: names of certifications that must be valid through
-- the request's end. region, time_zone, max_hours_apart: where the work can be done
-- from — the people's region, and at most so many hours from the customer's time zone.
ALTER TABLE resource_requests ADD COLUMN person_id BIGINT REFERENCES people (id);
ALTER TABLE resource_requests ADD COLUMN minutes_per_week BIGINT;
ALTER TABLE resource_requests ADD COLUMN priority BIGINT NOT NULL DEFAULT 3;
ALTER TABLE resource_requests ADD COLUMN desired_skills TEXT NOT NULL DEFAULT '[]';
ALTER TABLE resource_requests ADD COLUMN certifications TEXT NOT NULL DEFAULT '[]';
ALTER TABLE resource_requests ADD COLUMN region TEXT;
ALTER TABLE resource_requests ADD COLUMN time_zone TEXT;
ALTER TABLE resource_requests ADD COLUMN max_hours_apart BIGINT;
CREATE INDEX resource_requests_person ON resource_requests (person_id);
CREATE INDEX resource_requests_status ON resource_requests (status, start_date);

-- A skill the person wants to grow in: staffing prefers them for work that needs it.
ALTER TABLE person_skills ADD COLUMN growth BOOLEAN NOT NULL DEFAULT FALSE;
