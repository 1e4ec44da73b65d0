-- +goose Up
-- A plan's reminder can also be e-mailed to its owner.
ALTER TABLE plans ADD COLUMN remind_email BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE plans DROP COLUMN remind_email;
