package model

import "time"

// Bulk send statuses.
const (
	BulkScheduled = "scheduled"
	BulkRunning   = "running"
	BulkDone      = "done"
	BulkCancelled = "cancelled"
	// BulkPaused: nothing more goes out until the operator resumes or
	// cancels it.
	BulkPaused = "paused"
	// BulkAwaitingApproval: too large or too costly to go without a
	// manager's or admin's approval, which it waits for.
	BulkAwaitingApproval = "awaiting_approval"
	// BulkRejected: an approver refused it; BulkExpired: nobody approved
	// it in time. Neither sent anything.
	BulkRejected = "rejected"
	BulkExpired  = "expired"
)

// Approval states of a bulk send ("" when it needed none).
const (
	ApprovalWaiting  = "waiting"
	ApprovalApproved = "approved"
	ApprovalRejected = "rejected"
	ApprovalExpired  = "expired"
)

// Why a bulk send needs approval.
const (
	ApprovalNeedMessages = "messages" // more messages than the limit
	ApprovalNeedCost     = "cost"     // costs more than the limit
	ApprovalNeedBudget   = "budget"   // takes the team over its monthly budget
)

// Approval is the approval (审批) a bulk send needed: its state, the limit
// it crossed, and who decided when, with their comment.
type Approval struct {
	State   string     `json:"state"`
	Need    string     `json:"need"`
	By      *int64     `json:"by,omitempty"`
	ByName  string     `json:"by_name,omitempty"`
	At      *time.Time `json:"at,omitempty"`
	Comment string     `json:"comment,omitempty"`
}

// Why a bulk send was paused.
const (
	PauseManual      = "manual"       // its operator or an admin paused it
	PauseCanary      = "canary"       // too many of its first messages failed
	PauseFailureRate = "failure_rate" // too many of its latest messages failed
	PauseProvider    = "provider"     // the provider refused the account (balance, signature, template)
)

// Pause says why and when a send was paused.
type Pause struct {
	Reason string `json:"reason"`
	// Detail is the dominant failure reason of an automatic pause (a
	// provider reason such as invalid_mobile or quota_exceeded).
	Detail string `json:"detail,omitempty"`
	// FailedPercent is the failure rate that paused it.
	FailedPercent int       `json:"failed_percent,omitempty"`
	At            time.Time `json:"at"`
	By            *int64    `json:"by,omitempty"` // nil: paused by itself
}

// Recipient statuses: pending → sending → sent | failed | skipped.
const (
	RecipientPending = "pending"
	RecipientSending = "sending"
	RecipientSent    = "sent"
	RecipientFailed  = "failed"
	RecipientSkipped = "skipped"
	// RecipientHeld filters the pending recipients held for quiet hours.
	RecipientHeld = "held"
	// RecipientAwaiting filters the pending WeCom recipients waiting for
	// their sender to confirm.
	RecipientAwaiting = "awaiting"
)

// Reasons a recipient is skipped or failed besides a provider's own.
const (
	SkipDoNotContact = "do_not_contact"
	SkipOptedOut     = "opted_out"
	SkipNoAddress    = "no_address"
	SkipDuplicate    = "duplicate"
	SkipCancelled    = "cancelled"
	// SkipTemplateUnavailable: the send's SMS template was no longer
	// approved when its turn came.
	SkipTemplateUnavailable = "template_unavailable"
	// SkipFrequencyCap: the contact already had as many messages of the
	// kind on the channel as a frequency cap allows.
	SkipFrequencyCap = "frequency_capped"
	// SkipNoPermission: when the send went, its operator could no longer
	// see the contact's customer (a relation removed, a team changed).
	SkipNoPermission = "no_permission"
	// SkipRejected, SkipApprovalExpired: the send needed approval and was
	// refused, or not approved in time.
	SkipRejected        = "approval_rejected"
	SkipApprovalExpired = "approval_expired"
	FailOutcomeUnknown  = "outcome_unknown"
)

// Reasons a WeCom recipient is skipped.
const (
	// SkipNoWeCom: the contact has no WeChat identity known to WeCom.
	SkipNoWeCom = "no_wecom"
	// SkipWeComNotFollowed: no member follows the contact's WeChat.
	SkipWeComNotFollowed = "wecom_not_followed"
	// SkipWeComNotFriend: the contact is no longer the sender's friend.
	SkipWeComNotFriend = "wecom_not_friend"
	// SkipWeComMonthlyLimit: the contact has had as many mass messages
	// this month as WeCom lets a customer receive.
	SkipWeComMonthlyLimit = "wecom_monthly_limit"
	// SkipWeComNotConfirmed: the sender did not confirm the task in the
	// WeCom client in time.
	SkipWeComNotConfirmed = "wecom_not_confirmed"
	// SkipWeComNotConnected: WeCom was not connected when the send's
	// turn came.
	SkipWeComNotConnected = "wecom_not_connected"
	// FailWeComRefused: WeCom refused to create the sender's task.
	FailWeComRefused = "wecom_refused"
	// FailWeComTaskGone: WeCom no longer knows the sender's task; nothing
	// of it was sent.
	FailWeComTaskGone = "wecom_task_gone"
)

// BulkSend is one bulk contact (批量联系): content sent to many contacts.
type BulkSend struct {
	ID        int64   `json:"id"`
	UserID    *int64  `json:"user_id"`
	UserName  string  `json:"user_name"`
	UserEmail string  `json:"-"` // for {{user.email}}
	Title     string  `json:"title"`
	Summary   string  `json:"summary"`
	TopicIDs  []int64 `json:"topic_ids"`
	SMSText   string  `json:"sms_text"`
	// SMSTemplateID names the approved template of a send on a template
	// channel; SMSText then holds its content, for the lists, and
	// SMSParams the values the rep filled.
	SMSTemplateID *int64            `json:"sms_template_id,omitempty"`
	SMSParams     map[string]string `json:"sms_params,omitempty"`
	// Marketing marks a promotional send.
	Marketing    bool   `json:"marketing"`
	EmailSubject string `json:"email_subject"`
	EmailBody    string `json:"email_body"`
	// WeComText and WeComAttachments are the customer mass message
	// (客户群发) of the send's WeCom part.
	WeComText        string            `json:"wecom_text"`
	WeComAttachments []WeComAttachment `json:"wecom_attachments"`
	Selection        string            `json:"selection"` // JSON of the recipient selection, for the record
	Status           string            `json:"status"`
	ScheduledAt      time.Time         `json:"scheduled_at"`
	StartedAt        *time.Time        `json:"started_at"`
	FinishedAt       *time.Time        `json:"finished_at"`
	CreatedAt        time.Time         `json:"created_at"`
	Counts           Counts            `json:"counts"`
	// CanarySize recipients are sent first, alone; the rest follow once
	// CanaryPassedAt is set. Zero: no canary.
	CanarySize     int        `json:"canary_size"`
	CanaryLastID   int64      `json:"-"`
	CanaryPassedAt *time.Time `json:"canary_passed_at"`
	// Pause is set while the send is paused (and kept after it resumed,
	// as the last pause).
	Pause *Pause `json:"pause"`
	// Approval is set when the send needed approval.
	Approval *Approval `json:"approval"`
	// EstimatedMessages and EstimatedCost are what the dry run said when
	// it was accepted: the messages to send and what they cost.
	EstimatedMessages int   `json:"estimated_messages"`
	EstimatedCost     Money `json:"estimated_cost"`
}

// InCanary reports whether the send still waits for its canary.
func (b *BulkSend) InCanary() bool { return b.CanarySize > 0 && b.CanaryPassedAt == nil }

// Channels lists the channels the send uses.
func (b *BulkSend) Channels() []string {
	var out []string
	if b.SMSText != "" {
		out = append(out, ChannelSMS)
	}
	if b.EmailSubject != "" || b.EmailBody != "" {
		out = append(out, ChannelEmail)
	}
	// WeCom comes last: its recipients, stored last, never fall in the
	// canary (a person confirms them, there is no provider to test).
	if b.WeComText != "" || len(b.WeComAttachments) > 0 {
		out = append(out, ChannelWeCom)
	}
	return out
}

// WeComAttachment is a link card or a picture sent with a WeCom mass
// message.
type WeComAttachment struct {
	Kind  string `json:"kind"` // link or image
	Title string `json:"title,omitempty"`
	URL   string `json:"url"` // the link, or the picture's address
	Desc  string `json:"desc,omitempty"`
	// PicURL is the link card's picture.
	PicURL string `json:"pic_url,omitempty"`
}

// Kinds of WeCom attachment.
const (
	WeComLink  = "link"
	WeComImage = "image"
)

// Counts are a bulk send's recipients by status.
type Counts struct {
	Total   int `json:"total"`
	Pending int `json:"pending"` // includes sending
	Sent    int `json:"sent"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
	// Unknown of the failed were interrupted while a provider that cannot
	// be asked again had them: they may have arrived (outcome_unknown).
	Unknown int `json:"unknown"`
	// Held of the pending wait for their quiet hours to end; HeldUntil is
	// the earliest end.
	Held      int        `json:"held"`
	HeldUntil *time.Time `json:"held_until"`
	// Awaiting of the pending are WeCom messages waiting for their sender
	// to confirm them in the WeCom client.
	Awaiting int `json:"awaiting"`
	// Of the sent: reported delivered, reported undelivered, no receipt
	// within the provider's retention, and still awaiting a receipt (sent
	// through a provider that sends receipts).
	Delivered       int `json:"delivered"`
	Undelivered     int `json:"undelivered"`
	NoReceipt       int `json:"no_receipt"`
	AwaitingReceipt int `json:"awaiting_receipt"`
}

// AddDelivery counts n sent recipients by their delivery state; provider
// tells whether an empty state awaits a receipt.
func (c *Counts) AddDelivery(delivery, provider string, n int) {
	switch delivery {
	case DeliveryDelivered:
		c.Delivered += n
	case DeliveryUndelivered:
		c.Undelivered += n
	case DeliveryNoReceipt:
		c.NoReceipt += n
	case "":
		for _, p := range ReceiptProviders {
			if p == provider {
				c.AwaitingReceipt += n
			}
		}
	}
}

// Retryable is how many of the failed a retry sends again unless asked
// to include those whose outcome is unknown.
func (c Counts) Retryable() int { return c.Failed - c.Unknown }

// Add counts n recipients of status.
func (c *Counts) Add(status string, n int) {
	c.Total += n
	switch status {
	case RecipientPending, RecipientSending:
		c.Pending += n
	case RecipientSent:
		c.Sent += n
	case RecipientFailed:
		c.Failed += n
	case RecipientSkipped:
		c.Skipped += n
	}
}

// BulkRecipient is one contact on one channel of a bulk send.
type BulkRecipient struct {
	ID                int64  `json:"id"`
	BulkSendID        int64  `json:"bulk_send_id"`
	ContactID         *int64 `json:"contact_id"`
	ContactName       string `json:"contact_name"`
	ContactTitle      string `json:"-"`
	ContactMobile     string `json:"-"`
	ContactEmail      string `json:"-"`
	CustomerID        *int64 `json:"customer_id"`
	CustomerName      string `json:"customer_name"`
	CustomerCode      string `json:"-"`
	Channel           string `json:"channel"`
	Address           string `json:"address"`
	Status            string `json:"status"`
	Reason            string `json:"reason"`
	Detail            string `json:"detail"`
	Attempts          int    `json:"attempts"`
	Provider          string `json:"provider"`
	ProviderMessageID string `json:"provider_message_id"`
	// Delivery is a sent recipient's delivery state (empty: awaiting a
	// receipt, or none expected); DeliveryCode the provider's code of an
	// undelivered one and DeliveryReason what it means.
	Delivery       string    `json:"delivery"`
	DeliveryCode   string    `json:"delivery_code"`
	DeliveryReason string    `json:"delivery_reason"`
	RecordID       *int64    `json:"record_id"`
	UpdatedAt      time.Time `json:"updated_at"`
	// HeldUntil is, for a pending recipient held for quiet hours, when
	// it goes out.
	HeldUntil *time.Time `json:"held_until"`
	// Barred is, for a claimed row, why it may no longer be sent
	// (SkipOptedOut, SkipDoNotContact): the contact opted out, or the
	// customer was marked do-not-contact, after the send was accepted.
	Barred string `json:"-"`
}
