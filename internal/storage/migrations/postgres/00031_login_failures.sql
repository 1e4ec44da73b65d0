-- +goose Up
-- Failed logins are counted per (username, client address), so failures
-- from one place never refuse a right password from another; the lock
-- of a whole username or address goes. A pair's streak sets how long its
-- next attempt must wait (retry_at); total and the times stay for the
-- admins' list of failed logins.
DROP TABLE login_attempts;
CREATE TABLE login_failures (
    username        TEXT NOT NULL,
    ip              TEXT NOT NULL,
    streak          INTEGER NOT NULL,
    total           INTEGER NOT NULL,
    first_failed_at TIMESTAMPTZ NOT NULL,
    last_failed_at  TIMESTAMPTZ NOT NULL,
    retry_at        TIMESTAMPTZ,
    succeeded_at    TIMESTAMPTZ,
    PRIMARY KEY (username, ip)
);
CREATE INDEX login_failures_ip ON login_failures (ip, last_failed_at);
CREATE INDEX login_failures_last ON login_failures (last_failed_at);

-- +goose Down
DROP TABLE login_failures;
CREATE TABLE login_attempts (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,
    locked_until TIMESTAMPTZ
);
