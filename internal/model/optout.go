package model

import "time"

// Opt-out sources: what set a contact's opt-out of a channel.
const (
	OptOutByManual      = "manual"      // a user ticked it
	OptOutByReply       = "reply"       // an SMS reply such as 退订 or R
	OptOutByUnsubscribe = "unsubscribe" // the unsubscribe link of an e-mail
	OptOutByImport      = "import"      // a contact import
	OptOutByAPI         = "api"         // the JSON API
)

// OptOutSources lists every opt-out source.
var OptOutSources = []string{OptOutByManual, OptOutByReply, OptOutByUnsubscribe, OptOutByImport, OptOutByAPI}

// OptOut is a channel opt-out of a contact as SetOptOut records it.
type OptOut struct {
	// ContactID names the contact; when zero, every contact whose address
	// on Channel is Address opts out.
	ContactID int64
	// Address, when set, must be the contact's current address on the
	// channel (an unsubscribe link names the address it was sent to).
	Address string
	Channel string // ChannelSMS or ChannelEmail
	Source  string // one of OptOutSources
	At      time.Time
	// Record, when set, is the inbound record written for each contact
	// the opt-out changes (its customer, contact, channel, address, time
	// and direction are filled in).
	Record *Record
}
