package reply

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"time"
)

// ErrMalformed is returned for a body that is not a provider's reply push.
var ErrMalformed = errors.New("reply: malformed push")

// maxPerPush bounds the replies read from one push.
const maxPerPush = 1000

// china is the time zone of Aliyun's send_time.
var china = time.FixedZone("CST", 8*3600)

// ParseAliyunUp reads an SmsUp push: a JSON array of phone_number,
// send_time (yyyy-MM-dd HH:mm:ss, Beijing time), content, sign_name,
// dest_code and sequence_id, the id of the reply.
func ParseAliyunUp(body []byte) ([]Incoming, error) {
	var ups []struct {
		PhoneNumber string      `json:"phone_number"`
		SendTime    string      `json:"send_time"`
		Content     string      `json:"content"`
		SequenceID  json.Number `json:"sequence_id"`
	}
	if err := json.Unmarshal(body, &ups); err != nil || len(ups) > maxPerPush {
		return nil, ErrMalformed
	}
	out := make([]Incoming, 0, len(ups))
	for _, u := range ups {
		if strings.TrimSpace(u.PhoneNumber) == "" {
			continue
		}
		at, _ := time.ParseInLocation("2006-01-02 15:04:05", u.SendTime, china)
		out = append(out, Incoming{Provider: "aliyun", Ref: u.SequenceID.String(), From: u.PhoneNumber, Text: u.Content, At: at})
	}
	return out, nil
}

// ParseTencentReply reads a reply callback: one JSON object (or an array
// of them) of mobile, nationcode, text, sign, extend and time (Unix
// seconds). Tencent gives a reply no id: the number, text and time name it.
func ParseTencentReply(body []byte) ([]Incoming, error) {
	type reply struct {
		Mobile     string `json:"mobile"`
		NationCode string `json:"nationcode"`
		Text       string `json:"text"`
		Time       int64  `json:"time"`
	}
	var rs []reply
	if b := bytes.TrimSpace(body); len(b) > 0 && b[0] == '{' {
		var one reply
		if err := json.Unmarshal(b, &one); err != nil {
			return nil, ErrMalformed
		}
		rs = []reply{one}
	} else if err := json.Unmarshal(b, &rs); err != nil || len(rs) > maxPerPush {
		return nil, ErrMalformed
	}
	out := make([]Incoming, 0, len(rs))
	for _, r := range rs {
		if strings.TrimSpace(r.Mobile) == "" {
			continue
		}
		from := r.Mobile
		if cc := strings.TrimPrefix(strings.TrimSpace(r.NationCode), "+"); cc != "" && !strings.HasPrefix(from, "+") {
			from = "+" + cc + from
		}
		var at time.Time
		if r.Time > 0 {
			at = time.Unix(r.Time, 0)
		}
		out = append(out, Incoming{Provider: "tencent", From: from, Text: r.Text, At: at})
	}
	return out, nil
}

// ParseTwilioInbound reads an incoming-message webhook of Twilio: From,
// Body and MessageSid.
func ParseTwilioInbound(form url.Values) (Incoming, error) {
	from := strings.TrimSpace(form.Get("From"))
	if from == "" || form.Get("MessageSid") == "" {
		return Incoming{}, ErrMalformed
	}
	return Incoming{Provider: "twilio", Ref: form.Get("MessageSid"), From: from, Text: form.Get("Body")}, nil
}

// ParseWebhookReplies reads the webhook receiver's replies, signed as its
// receipts are (the timestamp header repeated in the body):
// {"timestamp": 1700000000, "replies": [{"id": "…", "from": "+86…", "text": "…", "time": 1700000000}]}.
func ParseWebhookReplies(body []byte) ([]Incoming, error) {
	var in struct {
		Replies []struct {
			ID   string `json:"id"`
			From string `json:"from"`
			Text string `json:"text"`
			Time int64  `json:"time"`
		} `json:"replies"`
	}
	if err := json.Unmarshal(body, &in); err != nil || len(in.Replies) > maxPerPush {
		return nil, ErrMalformed
	}
	out := make([]Incoming, 0, len(in.Replies))
	for _, r := range in.Replies {
		if strings.TrimSpace(r.From) == "" {
			return nil, ErrMalformed
		}
		var at time.Time
		if r.Time > 0 {
			at = time.Unix(r.Time, 0)
		}
		ref := r.ID
		if ref != "" {
			ref = "id:" + ref
		}
		out = append(out, Incoming{Provider: "webhook", Ref: ref, From: r.From, Text: r.Text, At: at})
	}
	return out, nil
}

// ReceiveAll receives each of ins, stopping at the first error of ours.
func (s *Service) ReceiveAll(ctx context.Context, ins []Incoming) (received, repeated int, err error) {
	for _, in := range ins {
		res, err := s.Receive(ctx, in)
		if err != nil {
			return received, repeated, err
		}
		if res.Repeated {
			repeated++
		} else {
			received++
		}
	}
	return received, repeated, nil
}
