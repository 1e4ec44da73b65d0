-- +goose Up
-- The level filter offers the levels customers have: read from this index
-- a level at a time (CustomerLevels), not by reading every customer.
CREATE INDEX customers_level_idx ON customers (level);

-- +goose Down
DROP INDEX customers_level_idx;
