-- A partner enrolled as a training service partner, delivering the company's courses:
-- the day it enrolled, from whose quarter its compliance is judged.

ALTER TABLE partners ADD COLUMN training_since DATE;
CREATE INDEX partners_training ON partners (training_since) WHERE training_since IS NOT NULL;
