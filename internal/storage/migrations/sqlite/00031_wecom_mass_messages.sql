-- +goose Up
-- A bulk send's WeCom part goes out as customer mass-message tasks
-- (客户群发): one task per sending member, holding the customers that
-- member follows. WeCom sends nothing until the member confirms the task
-- in the WeCom client, so a recipient handed to a task stays "sending",
-- its task named, until polling learns what became of it.
ALTER TABLE bulk_sends ADD COLUMN wecom_text TEXT NOT NULL DEFAULT '';
ALTER TABLE bulk_sends ADD COLUMN wecom_attachments TEXT NOT NULL DEFAULT '[]';

CREATE TABLE wecom_tasks (
    id           INTEGER PRIMARY KEY,
    bulk_send_id BIGINT NOT NULL REFERENCES bulk_sends(id) ON DELETE CASCADE,
    sender       TEXT NOT NULL,
    msgid        TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL CHECK (state IN ('creating', 'waiting', 'sent', 'cancelled', 'expired', 'failed', 'unknown')),
    receivers    INTEGER NOT NULL DEFAULT 0,
    detail       TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    deadline     TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX wecom_tasks_send_idx ON wecom_tasks (bulk_send_id, state);

-- Reminders sent to a send's waiting members: WeCom allows three a day.
CREATE TABLE wecom_reminders (
    id           INTEGER PRIMARY KEY,
    bulk_send_id BIGINT NOT NULL REFERENCES bulk_sends(id) ON DELETE CASCADE,
    user_id      BIGINT REFERENCES users(id) ON DELETE SET NULL,
    reminded_at  TIMESTAMP NOT NULL
);
CREATE INDEX wecom_reminders_send_idx ON wecom_reminders (bulk_send_id, reminded_at);

-- The task a WeCom recipient was handed to. No index names a column a
-- claim changes, so claims still update rows in place; settled WeCom rows
-- are found by their WeChat identity, for the monthly receive limit.
ALTER TABLE bulk_recipients ADD COLUMN wecom_task_id BIGINT;
CREATE INDEX bulk_recipients_wecom_task_idx ON bulk_recipients (wecom_task_id) WHERE wecom_task_id IS NOT NULL;
CREATE INDEX bulk_recipients_wecom_sent_idx ON bulk_recipients (address) WHERE channel = 'wecom' AND settled;

-- +goose Down
DROP INDEX bulk_recipients_wecom_sent_idx;
DROP INDEX bulk_recipients_wecom_task_idx;
ALTER TABLE bulk_recipients DROP COLUMN wecom_task_id;
DROP TABLE wecom_reminders;
DROP TABLE wecom_tasks;
ALTER TABLE bulk_sends DROP COLUMN wecom_attachments;
ALTER TABLE bulk_sends DROP COLUMN wecom_text;
