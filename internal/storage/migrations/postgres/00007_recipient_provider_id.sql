-- +goose Up
-- A recipient's provider message id lives on its contact record only;
-- keeping a copy on the recipient row cost a per-row update.
ALTER TABLE bulk_recipients DROP COLUMN provider_message_id;

-- +goose Down
ALTER TABLE bulk_recipients ADD COLUMN provider_message_id TEXT NOT NULL DEFAULT '';
