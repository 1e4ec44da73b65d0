package model

import "time"

// RelationKind is how a user relates to a customer besides being its
// exclusive rep.
type RelationKind string

// Relation kinds.
const (
	RelationParticipant RelationKind = "participant" // 参与人
	RelationSharer      RelationKind = "sharer"      // 共享人
)

// Valid reports whether k is a known relation kind.
func (k RelationKind) Valid() bool { return k == RelationParticipant || k == RelationSharer }

// Customer is a company (or person) the team looks after.
type Customer struct {
	ID           int64     `json:"id"`
	Code         string    `json:"code"`
	Name         string    `json:"name"`
	Level        string    `json:"level"`
	Industry     string    `json:"industry"`
	Address      string    `json:"address"`
	Notes        string    `json:"notes"`
	RepID        *int64    `json:"rep_id"` // exclusive rep 专属客服
	RepName      string    `json:"rep_name,omitempty"`
	DoNotContact bool      `json:"do_not_contact"`
	ContactCount int       `json:"contact_count"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Relation links a user to a customer as participant or sharer.
type Relation struct {
	CustomerID int64        `json:"customer_id"`
	UserID     int64        `json:"user_id"`
	Kind       RelationKind `json:"kind"`
	UserName   string       `json:"user_name,omitempty"`
	CreatedAt  time.Time    `json:"created_at"`
}

// Contact is a person at a customer.
type Contact struct {
	ID           int64  `json:"id"`
	CustomerID   int64  `json:"customer_id"`
	CustomerName string `json:"customer_name,omitempty"`
	Name         string `json:"name"`
	Title        string `json:"title"`
	Mobile       string `json:"mobile"` // E.164
	Email        string `json:"email"`
	WeComID      string `json:"wecom_id"`
	OptOutSMS    bool   `json:"opt_out_sms"`
	OptOutEmail  bool   `json:"opt_out_email"`
	OptOutWeCom  bool   `json:"opt_out_wecom"`
	OptOutCall   bool   `json:"opt_out_call"`
	// When the SMS and e-mail opt-outs were set and by what (OptOutBy…);
	// nil and "" while the flag is off, or for flags set before either
	// was kept.
	OptOutSMSAt       *time.Time `json:"opt_out_sms_at"`
	OptOutSMSSource   string     `json:"opt_out_sms_source"`
	OptOutEmailAt     *time.Time `json:"opt_out_email_at"`
	OptOutEmailSource string     `json:"opt_out_email_source"`
	// OptOutBy is what sets an opt-out flag that a save turns on (the
	// source kept with it); empty means OptOutByManual. Flags already on
	// keep their time and source.
	OptOutBy  string    `json:"-"`
	Primary   bool      `json:"primary"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Topic is one of the admin-managed content topics (联系主题).
type Topic struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	NameEN    string    `json:"name_en"`
	SortOrder int       `json:"sort_order"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
}

// Label returns the topic's name in the given language.
func (t *Topic) Label(lang string) string {
	if lang == "en" && t.NameEN != "" {
		return t.NameEN
	}
	return t.Name
}
