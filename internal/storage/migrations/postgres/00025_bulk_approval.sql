-- +goose Up
-- A bulk send over the approval limits waits, stored as scheduled with
-- approval 'waiting', until a manager or admin approves it ('approved':
-- it starts at its time) or rejects it ('rejected', stored cancelled);
-- one left waiting too long past its time expires ('expired', stored
-- cancelled). approval_need says which limit it crossed.
ALTER TABLE bulk_sends ADD COLUMN approval TEXT NOT NULL DEFAULT ''
    CHECK (approval IN ('', 'waiting', 'approved', 'rejected', 'expired'));
ALTER TABLE bulk_sends ADD COLUMN approval_need TEXT NOT NULL DEFAULT '';
ALTER TABLE bulk_sends ADD COLUMN approval_by BIGINT REFERENCES users(id) ON DELETE SET NULL;
ALTER TABLE bulk_sends ADD COLUMN approval_at TIMESTAMPTZ;
ALTER TABLE bulk_sends ADD COLUMN approval_comment TEXT NOT NULL DEFAULT '';
-- What the dry run said when it was accepted: the messages to send
-- (frequency caps deducted) and their cost, in yuan millionths.
ALTER TABLE bulk_sends ADD COLUMN estimated_messages INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bulk_sends ADD COLUMN estimated_cost BIGINT NOT NULL DEFAULT 0;
CREATE INDEX bulk_sends_waiting_idx ON bulk_sends (scheduled_at) WHERE approval = 'waiting';

-- +goose Down
DROP INDEX bulk_sends_waiting_idx;
ALTER TABLE bulk_sends DROP COLUMN estimated_cost;
ALTER TABLE bulk_sends DROP COLUMN estimated_messages;
ALTER TABLE bulk_sends DROP COLUMN approval_comment;
ALTER TABLE bulk_sends DROP COLUMN approval_at;
ALTER TABLE bulk_sends DROP COLUMN approval_by;
ALTER TABLE bulk_sends DROP COLUMN approval_need;
ALTER TABLE bulk_sends DROP COLUMN approval;
