-- +goose Up
-- A team's monthly budget for bulk sends, in yuan millionths (0: none).
-- A send that would take the team's sends of the month over it waits for
-- approval.
ALTER TABLE teams ADD COLUMN monthly_budget BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE teams DROP COLUMN monthly_budget;
