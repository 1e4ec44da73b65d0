package reply

import (
	"testing"
)

func TestParseAliyunUp(t *testing.T) {
	ins, err := ParseAliyunUp([]byte(`[{"phone_number":"13800000000","send_time":"2026-12-06 10:00:00","content":"R",
		"sign_name":"恒信科技","dest_code":"1234","sequence_id":123456789012}]`))
	if err != nil || len(ins) != 1 || ins[0].Ref != "123456789012" || ins[0].Text != "R" || ins[0].At.UTC().Hour() != 2 {
		t.Fatalf("%+v %v", ins, err)
	}
	for _, bad := range []string{``, `{}`, `[{"phone_number":1}]`, `null x`} {
		if _, err := ParseAliyunUp([]byte(bad)); err == nil {
			t.Errorf("ParseAliyunUp(%q) accepted", bad)
		}
	}
}

func TestParseTencentReply(t *testing.T) {
	ins, err := ParseTencentReply([]byte(`{"extend":"","mobile":"13800000001","nationcode":"86","sign":"恒信","text":"退订","time":1765000000}`))
	if err != nil || len(ins) != 1 || ins[0].From != "+8613800000001" || ins[0].At.Unix() != 1765000000 {
		t.Fatalf("%+v %v", ins, err)
	}
	if _, err := ParseTencentReply([]byte(`{"mobile":`)); err == nil {
		t.Error("a truncated object was accepted")
	}
}

// FuzzParsers feeds every reply parser arbitrary bytes: an error or
// replies, never a panic, and never a reply without a sender.
func FuzzParsers(f *testing.F) {
	for _, s := range []string{`[{"phone_number":"138","content":"R","sequence_id":1}]`, `{"mobile":"138","text":"T"}`,
		`{"timestamp":1,"replies":[{"from":"+86138","text":"x"}]}`, `[]`, `{`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, parse := range []func([]byte) ([]Incoming, error){ParseAliyunUp, ParseTencentReply, ParseWebhookReplies} {
			ins, err := parse(b)
			for _, in := range ins {
				if err == nil && in.From == "" {
					t.Fatalf("a reply without a sender from %q", b)
				}
			}
		}
	})
}
