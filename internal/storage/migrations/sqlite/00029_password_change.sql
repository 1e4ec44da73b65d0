-- +goose Up
-- An admin can require a user to choose a new password: until they do,
-- every page but the password change sends them to it, and the API
-- refuses their calls.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE users DROP COLUMN must_change_password;
