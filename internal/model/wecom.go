package model

import "time"

// How a WeCom identity was matched to a user or a contact.
const (
	WeComMatchedByHand        = "hand"
	WeComMatchedByMobile      = "mobile"
	WeComMatchedByEmail       = "email"
	WeComMatchedByRemarkPhone = "remark_mobile"
	// WeComNotACustomer marks an external contact an admin reviewed and
	// found to be no contact of ours: it leaves the review list.
	WeComNotACustomer = "not_a_customer"
)

// WeComMember is a member (成员) of the company's WeCom, and the user who
// is that member when one is mapped.
type WeComMember struct {
	ID        string `json:"userid"` // WeCom's userid
	Name      string `json:"name"`
	Mobile    string `json:"mobile,omitempty"`
	Email     string `json:"email,omitempty"`
	UserID    *int64 `json:"user_id"`
	UserName  string `json:"user_name,omitempty"` // the mapped user's display name
	MatchedBy string `json:"matched_by,omitempty"`
	// Follows is how many external contacts follow the member.
	Follows   int       `json:"follows"`
	UpdatedAt time.Time `json:"updated_at"`
}

// WeComExternal is a customer's WeChat identity in the company's WeCom
// (外部联系人), and the contact it is when matched.
type WeComExternal struct {
	ID        string `json:"external_userid"`
	Name      string `json:"name"`
	UnionID   string `json:"unionid,omitempty"`
	CorpName  string `json:"corp_name,omitempty"`
	ContactID *int64 `json:"contact_id"`
	MatchedBy string `json:"matched_by,omitempty"`
	// Follows are the members who added the external contact.
	Follows   []WeComFollow `json:"follows"`
	UpdatedAt time.Time     `json:"updated_at"`
}

// WeComFollow is one member's friendship with an external contact, with
// the remark the member gave it.
type WeComFollow struct {
	MemberID      string     `json:"userid"`
	MemberName    string     `json:"member_name,omitempty"`
	Remark        string     `json:"remark,omitempty"`
	RemarkMobiles []string   `json:"remark_mobiles,omitempty"`
	AddedAt       *time.Time `json:"added_at,omitempty"`
}

// WeComTask states. A task is created (creating, then waiting for its
// sender), then ends: sent once the sender confirmed it and every
// receiver's result is known, cancelled, expired (not confirmed in time),
// failed (WeCom refused it) or unknown (the process creating it stopped
// before WeCom's answer was kept).
const (
	WeComTaskCreating  = "creating"
	WeComTaskWaiting   = "waiting"
	WeComTaskSent      = "sent"
	WeComTaskCancelled = "cancelled"
	WeComTaskExpired   = "expired"
	WeComTaskFailed    = "failed"
	WeComTaskUnknown   = "unknown"
)

// WeComTask is one customer mass-message task (群发任务) of a bulk send:
// the receivers one member sends to once they confirm it in WeCom.
type WeComTask struct {
	ID          int64      `json:"id"`
	BulkSendID  int64      `json:"bulk_send_id"`
	Sender      string     `json:"sender"` // the member's userid
	SenderName  string     `json:"sender_name"`
	UserID      *int64     `json:"user_id"` // the user that member is
	MsgID       string     `json:"msgid"`
	State       string     `json:"state"`
	Receivers   int        `json:"receivers"`
	Waiting     int        `json:"waiting"` // receivers still waiting
	CreatedAt   time.Time  `json:"created_at"`
	Deadline    time.Time  `json:"deadline"`
	ConfirmedAt *time.Time `json:"confirmed_at"`
}
