package quiet

import (
	"slices"
	"testing"
	"time"

	"touchbase/internal/model"
)

func TestZonesAndHolds(t *testing.T) {
	r := New(model.DefaultSettings())
	for addr, want := range map[string]string{
		"+8613800000000": "Asia/Shanghai", "+12125550123": "America/New_York", "+81312345678": "Asia/Tokyo",
		"13800000000": "Asia/Shanghai", // not E.164: the company's
	} {
		if got := r.Zone(model.ChannelSMS, addr).String(); got != want {
			t.Errorf("zone of %s = %s, want %s", addr, got, want)
		}
	}
	if got := r.Zone(model.ChannelEmail, "a@example.com").String(); got != "Asia/Shanghai" {
		t.Errorf("zone of an e-mail = %s", got)
	}
	if p := r.HomePrefixes(); !slices.Contains(p, "+86") || slices.Contains(p, "+1") {
		t.Errorf("home prefixes of Asia/Shanghai = %v", p)
	}
	sh, _ := time.LoadLocation("Asia/Shanghai")
	night := time.Date(2025, 6, 1, 22, 0, 0, 0, sh)
	if got := r.HeldUntil(model.ChannelSMS, true, "+8613800000000", night); !got.Equal(time.Date(2025, 6, 2, 8, 0, 0, 0, sh)) {
		t.Errorf("marketing SMS at 22:00 held until %v", got)
	}
	if got := r.HeldUntil(model.ChannelSMS, false, "+8613800000000", night); !got.IsZero() {
		t.Errorf("service SMS at 22:00 held until %v", got)
	}
	if got := r.HeldUntil(model.ChannelSMS, true, "+12125550123", night); !got.IsZero() {
		t.Errorf("New York at 10:00 local held until %v", got)
	}
	if got := r.HeldUntil(model.ChannelEmail, true, "a@example.com", night); !got.IsZero() {
		t.Errorf("marketing e-mail held by default until %v", got)
	}
}
