-- +goose Up
-- PostgreSQL adds a trigram index for keyword search here; SQLite searches
-- by scanning. The migration exists so both dialects share version numbers.
SELECT 1;

-- +goose Down
SELECT 1;
