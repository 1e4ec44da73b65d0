-- +goose Up
-- A recipient row is updated twice on its way through a send: the claim
-- (pending → sending) and the settle (→ sent or failed). While the status
-- was part of two indexes (the status index and the predicate of the due
-- index), every update wrote a new copy of the row into another page and
-- an entry into each of the table's indexes. Now no index names the
-- status: rows not yet settled are found through "settled", which the
-- claim does not change, so PostgreSQL updates the claimed row in place
-- (a heap-only tuple: no index entry at all), in the room fillfactor
-- leaves on each page. The settle changes "settled" and writes its index
-- entries as before. The CHECK keeps "settled" and the status in step.
-- Fillfactor applies to pages written from now on, which is where the
-- rows of every send accepted from now on go.
ALTER TABLE bulk_recipients ADD COLUMN settled BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE bulk_recipients SET settled = TRUE WHERE status IN ('sent', 'failed', 'skipped');
ALTER TABLE bulk_recipients ADD CONSTRAINT bulk_recipients_settled_check
    CHECK (settled = (status IN ('sent', 'failed', 'skipped')));
ALTER TABLE bulk_recipients SET (fillfactor = 50);
-- Due rows of a channel, for claims (which skip the rows being sent).
CREATE INDEX bulk_recipients_open_idx ON bulk_recipients (bulk_send_id, channel, next_attempt_at, id) WHERE NOT settled;
-- A send's rows in id order, for its recipient lists (filtered by status).
CREATE INDEX bulk_recipients_send_idx ON bulk_recipients (bulk_send_id, id);
DROP INDEX bulk_recipients_due_idx;
DROP INDEX bulk_recipients_status_idx;

-- +goose Down
CREATE INDEX bulk_recipients_status_idx ON bulk_recipients (bulk_send_id, status, id);
CREATE INDEX bulk_recipients_due_idx ON bulk_recipients (bulk_send_id, channel, next_attempt_at, id) WHERE status = 'pending';
DROP INDEX bulk_recipients_send_idx;
DROP INDEX bulk_recipients_open_idx;
ALTER TABLE bulk_recipients RESET (fillfactor);
ALTER TABLE bulk_recipients DROP CONSTRAINT bulk_recipients_settled_check;
ALTER TABLE bulk_recipients DROP COLUMN settled;
