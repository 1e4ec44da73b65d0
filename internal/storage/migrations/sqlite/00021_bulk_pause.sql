-- +goose Up
-- A bulk send may be paused, by its operator or by itself when its
-- canary or its rolling failure rate says the messages are failing:
-- why, with the dominant failure reason and rate, when and by whom. A
-- paused send stays "running", with paused_at set, until it is resumed.
-- The first canary_size recipients (up to id canary_last_id) go first,
-- alone; the rest wait until they pass.
ALTER TABLE bulk_sends ADD COLUMN canary_size INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bulk_sends ADD COLUMN canary_last_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bulk_sends ADD COLUMN canary_passed_at TIMESTAMP;
ALTER TABLE bulk_sends ADD COLUMN paused_at TIMESTAMP;
ALTER TABLE bulk_sends ADD COLUMN pause_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE bulk_sends ADD COLUMN pause_detail TEXT NOT NULL DEFAULT '';
ALTER TABLE bulk_sends ADD COLUMN pause_failed_percent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bulk_sends ADD COLUMN paused_by INTEGER;

-- +goose Down
ALTER TABLE bulk_sends DROP COLUMN paused_by;
ALTER TABLE bulk_sends DROP COLUMN pause_failed_percent;
ALTER TABLE bulk_sends DROP COLUMN pause_detail;
ALTER TABLE bulk_sends DROP COLUMN pause_reason;
ALTER TABLE bulk_sends DROP COLUMN paused_at;
ALTER TABLE bulk_sends DROP COLUMN canary_passed_at;
ALTER TABLE bulk_sends DROP COLUMN canary_last_id;
ALTER TABLE bulk_sends DROP COLUMN canary_size;
