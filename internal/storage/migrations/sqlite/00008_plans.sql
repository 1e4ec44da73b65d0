-- +goose Up
CREATE TABLE plans (
    id              INTEGER PRIMARY KEY,
    owner_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_by      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    customer_id     INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    contact_id      INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    title           TEXT NOT NULL,
    notes           TEXT NOT NULL DEFAULT '',
    due_at          TIMESTAMP NOT NULL,
    remind_minutes  INTEGER,
    recurrence      TEXT NOT NULL DEFAULT '',
    series_id       INTEGER,
    occurrence      INTEGER NOT NULL DEFAULT 1,
    status          TEXT NOT NULL CHECK (status IN ('open', 'done', 'cancelled', 'closed')),
    close_reason    TEXT NOT NULL DEFAULT '',
    record_id       INTEGER REFERENCES contact_records(id) ON DELETE SET NULL,
    completed_at    TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX plans_owner_idx ON plans (owner_id, status, due_at);
CREATE INDEX plans_customer_idx ON plans (customer_id, due_at);
CREATE UNIQUE INDEX plans_series_idx ON plans (series_id, occurrence);

CREATE TABLE plan_topics (
    plan_id  INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    topic_id INTEGER NOT NULL REFERENCES topics(id),
    PRIMARY KEY (plan_id, topic_id)
);

-- +goose Down
DROP TABLE plan_topics;
DROP TABLE plans;
