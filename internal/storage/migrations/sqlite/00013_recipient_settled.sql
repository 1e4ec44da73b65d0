-- +goose Up
-- Rows not yet settled (pending or sending) are found through "settled"
-- instead of the status (see the PostgreSQL migration of the same name):
-- no index names the status, so a claim, which changes no indexed column
-- (status, holder, attempts, time), touches no index.
ALTER TABLE bulk_recipients ADD COLUMN settled INTEGER NOT NULL DEFAULT 0;
UPDATE bulk_recipients SET settled = 1 WHERE status IN ('sent', 'failed', 'skipped');
CREATE INDEX bulk_recipients_open_idx ON bulk_recipients (bulk_send_id, channel, next_attempt_at, id) WHERE NOT settled;
CREATE INDEX bulk_recipients_send_idx ON bulk_recipients (bulk_send_id, id);
DROP INDEX bulk_recipients_due_idx;
DROP INDEX bulk_recipients_status_idx;

-- +goose Down
CREATE INDEX bulk_recipients_status_idx ON bulk_recipients (bulk_send_id, status, id);
CREATE INDEX bulk_recipients_due_idx ON bulk_recipients (bulk_send_id, channel, next_attempt_at, id) WHERE status = 'pending';
DROP INDEX bulk_recipients_send_idx;
DROP INDEX bulk_recipients_open_idx;
ALTER TABLE bulk_recipients DROP COLUMN settled;
