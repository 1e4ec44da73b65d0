-- +goose Up
-- A claimed recipient is marked handed just before its message goes to
-- the provider (for SMTP: one message per connection at a time), and
-- settled as soon as the provider answers. A process that stops leaves
-- unknown only the rows handed and not yet settled: the others of its
-- claim go back to pending and are sent.
ALTER TABLE bulk_recipients ADD COLUMN handed BOOLEAN NOT NULL DEFAULT FALSE;
-- Rows being sent by a version that did not mark them may be with the
-- provider already.
UPDATE bulk_recipients SET handed = TRUE WHERE status = 'sending';

-- +goose Down
ALTER TABLE bulk_recipients DROP COLUMN handed;
