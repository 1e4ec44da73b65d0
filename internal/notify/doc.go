// Package notify is the in-app notification centre (IM notifications): it
// stores a user's notifications, counts and marks them read, pushes them
// live to the user's open pages, and forwards them to WeCom, DingTalk or
// Feishu group bots.
//
// Live push works across every serve process sharing one database. Each
// process keeps only its own subscribers in memory; the database carries
// the news between processes. On PostgreSQL a trigger announces every new
// notification (and every "marked read") with NOTIFY, and Run keeps a
// dedicated connection LISTENing, reconnecting with backoff and catching up
// on what it missed. On SQLite, which one process serves, a notification is
// handed to local subscribers as it is written, and Run also polls the
// table by id every second so notifications written by another process
// (the CLI, a second store) still arrive.
//
// Forwarding to group bots runs on a small bounded pool of workers: a slow
// or failing bot is logged and never delays nor fails the in-app
// notification.
package notify
