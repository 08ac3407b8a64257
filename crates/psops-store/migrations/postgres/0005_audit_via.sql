-- What made a change when no user did: `cli:<operating-system user>` for the command line.
ALTER TABLE audit_log ADD COLUMN via TEXT;
