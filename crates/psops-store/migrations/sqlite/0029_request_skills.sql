-- The skills a resource request asks for, each with the least level that will do: a
-- JSON list ([{"skill": "Kubernetes", "min_level": 3}]), empty for a request that asks
-- for none. Finding candidates for the request reads it.
ALTER TABLE resource_requests ADD COLUMN required_skills TEXT NOT NULL DEFAULT '[]';
