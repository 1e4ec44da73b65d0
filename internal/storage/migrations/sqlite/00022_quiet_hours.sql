-- +goose Up
-- A recipient held for its send's quiet hours stays pending with
-- next_attempt_at at the window's opening; held_until marks it as held
-- (and until when) for the counts and lists. A claim clears it.
ALTER TABLE bulk_recipients ADD COLUMN held_until TIMESTAMP;

-- +goose Down
ALTER TABLE bulk_recipients DROP COLUMN held_until;
