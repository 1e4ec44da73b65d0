package model

import (
	"encoding/json"
	"time"
)

// Notification kinds.
const (
	NotifyBulkFinished  = "bulk_finished"
	NotifyBulkCancelled = "bulk_cancelled"
	NotifyBulkReceipts  = "bulk_receipts"
	NotifyBulkPaused    = "bulk_paused"
	// NotifyBulkApproval asks an approver to decide on a bulk send;
	// NotifyBulkDecided tells its operator the outcome.
	NotifyBulkApproval = "bulk_approval"
	NotifyBulkDecided  = "bulk_decided"
	// NotifyWeComTask asks a member to confirm a WeCom mass-message task.
	NotifyWeComTask = "wecom_task"
	// NotifyWeComUnsent tells a rep that their WeCom message of a single
	// contact ended without going (not confirmed in time, no longer a
	// friend…).
	NotifyWeComUnsent  = "wecom_unsent"
	NotifyPlanReminder = "plan_reminder"
	// NotifyPlanReassign tells a team's manager that a plan fell due whose
	// owner can no longer carry it out.
	NotifyPlanReassign = "plan_reassign"
	NotifySystem       = "system"
)

// Notification is one message of a user's in-app notification centre. Its
// title and body are rendered in the user's language when it is created;
// Data repeats the facts behind them (counts, ids) as JSON for clients that
// render their own.
type Notification struct {
	ID     int64  `json:"id"`
	UserID int64  `json:"user_id"`
	Kind   string `json:"kind"`
	Title  string `json:"title"`
	Body   string `json:"body"`
	// Link is a relative URL in the web UI ("/bulk/12"), or empty.
	Link string          `json:"link"`
	Data json.RawMessage `json:"data"`
	// DedupeKey, when set, makes a second notification with the same key
	// for the same user a no-op (a retried job notifies once).
	DedupeKey string     `json:"-"`
	ReadAt    *time.Time `json:"read_at"`
	CreatedAt time.Time  `json:"created_at"`
}

// Group-bot providers a notification can be forwarded to.
const (
	BotWeCom    = "wecom"
	BotDingTalk = "dingtalk"
	BotFeishu   = "feishu"
)

// BotWebhook is a group-bot webhook notifications are forwarded to: a
// user's own, or the admin-wide one (UserID nil) that receives everyone's.
// URL (which holds the bot's access key) and Secret are stored sealed and
// never shown back.
type BotWebhook struct {
	ID        int64     `json:"id"`
	UserID    *int64    `json:"user_id"`
	Provider  string    `json:"provider"`
	URL       string    `json:"-"`
	Secret    string    `json:"-"`
	Enabled   bool      `json:"enabled"`
	UpdatedAt time.Time `json:"updated_at"`
}
