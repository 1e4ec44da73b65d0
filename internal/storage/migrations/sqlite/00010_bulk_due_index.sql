-- +goose Up
-- Claims look for due pending recipients of one channel. A partial index
-- holds only pending rows, so a claim reads the rows it takes and no more
-- (the full work index made each claim walk every row already sent), and
-- marking a row sending or sent adds nothing to it.
CREATE INDEX bulk_recipients_due_idx ON bulk_recipients (bulk_send_id, channel, next_attempt_at, id) WHERE status = 'pending';
DROP INDEX bulk_recipients_work_idx;

-- +goose Down
CREATE INDEX bulk_recipients_work_idx ON bulk_recipients (bulk_send_id, channel, status, next_attempt_at, id);
DROP INDEX bulk_recipients_due_idx;
