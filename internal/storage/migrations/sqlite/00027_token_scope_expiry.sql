-- +goose Up
-- API tokens end: each has a scope (read, contact or admin) and an expiry
-- (NULL: never, which only admins may choose); the address of its latest
-- use is kept beside the time.
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'contact'
    CHECK (scope IN ('read', 'contact', 'admin'));
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP;
ALTER TABLE api_tokens ADD COLUMN last_used_ip TEXT NOT NULL DEFAULT '';
CREATE INDEX api_tokens_expires_idx ON api_tokens (expires_at);

-- Tokens issued before keep what their owner could do with them, and end
-- 90 days from now, as new ones do by default (in the form the driver
-- writes times: UTC with its offset).
UPDATE api_tokens SET scope = 'admin' WHERE user_id IN (SELECT id FROM users WHERE role = 'admin');
UPDATE api_tokens SET expires_at = strftime('%Y-%m-%d %H:%M:%f+00:00', 'now', '+90 days');

-- A disabled user holds no session and no token, so enabling them again
-- brings back neither.
DELETE FROM api_tokens WHERE user_id IN (SELECT id FROM users WHERE active = FALSE);
DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE active = FALSE);

-- +goose Down
DROP INDEX api_tokens_expires_idx;
ALTER TABLE api_tokens DROP COLUMN last_used_ip;
ALTER TABLE api_tokens DROP COLUMN expires_at;
ALTER TABLE api_tokens DROP COLUMN scope;
