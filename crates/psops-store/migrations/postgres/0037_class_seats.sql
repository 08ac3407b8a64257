-- A public class's seat price, and the customer's project that bought a seat: at close
-- each such project earns its seats at the class's seat price as training revenue.

ALTER TABLE training_classes ADD COLUMN seat_price_minor BIGINT;
ALTER TABLE training_classes ADD COLUMN seat_price_currency TEXT;
ALTER TABLE enrolments ADD COLUMN project_id BIGINT REFERENCES projects (id);
CREATE INDEX enrolments_project ON enrolments (project_id) WHERE project_id IS NOT NULL;
