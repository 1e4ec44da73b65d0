-- +goose Up
-- A single contact sent inside its recipient's quiet hours keeps the
-- rep's reason for sending anyway ('' when it was not in quiet hours).
ALTER TABLE contact_records ADD COLUMN quiet_override TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE contact_records DROP COLUMN quiet_override;
