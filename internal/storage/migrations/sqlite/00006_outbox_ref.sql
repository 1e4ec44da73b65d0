-- +goose Up
-- A ref names one message: the outbox keeps a re-sent ref once, like a
-- provider honouring idempotency, so a message re-sent after a crash is
-- never shown twice.
CREATE UNIQUE INDEX outbox_messages_ref_idx ON outbox_messages (ref) WHERE ref <> '';

-- +goose Down
DROP INDEX outbox_messages_ref_idx;
