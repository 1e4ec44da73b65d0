-- +goose Up
-- When every SMS receipt of a finished bulk send had come in (or its
-- wait had run out): the operator is told once, then.
ALTER TABLE bulk_sends ADD COLUMN receipts_settled_at TIMESTAMPTZ;

-- +goose Down
ALTER TABLE bulk_sends DROP COLUMN receipts_settled_at;
