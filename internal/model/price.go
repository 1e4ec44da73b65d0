package model

import (
	"fmt"
	"strconv"
	"strings"
)

// Money is an amount in yuan millionths (微元): SMS prices are quoted to
// a tenth of a fen (0.045 元 a segment), so whole fen would not do.
type Money int64

// Yuan is one yuan.
const Yuan Money = 1_000_000

// String writes m in yuan with two decimals (rounded half up), as
// invoices do: "12.35".
func (m Money) String() string {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	fen := (m + 5_000) / 10_000
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// Price writes a unit price in yuan with as many decimals as it needs
// (at least two): "0.045".
func (m Money) Price() string {
	s := strconv.FormatFloat(float64(m)/float64(Yuan), 'f', -1, 64)
	if i := strings.IndexByte(s, '.'); i < 0 {
		s += ".00"
	} else if len(s)-i == 2 {
		s += "0"
	}
	return s
}

// ParseMoney reads an amount in yuan ("0.045", "12", "1,200.50"), at most
// six decimals, not negative.
func ParseMoney(s string) (Money, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "¥"), "￥")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" || len(frac) > 6 || strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		return 0, fmt.Errorf("%q is not an amount in yuan", s)
	}
	if whole == "" {
		whole = "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > 1_000_000_000 {
		return 0, fmt.Errorf("%q is not an amount in yuan", s)
	}
	m := Money(w) * Yuan
	if frac != "" {
		f, err := strconv.ParseInt(frac+strings.Repeat("0", 6-len(frac)), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not an amount in yuan", s)
		}
		m += Money(f)
	}
	return m, nil
}

// PriceKey names the price of one unit (an SMS segment, an e-mail) of a
// channel on a provider in Settings.Prices.
func PriceKey(channel, provider string) string { return channel + "/" + provider }

// MarshalJSON writes m as a decimal string in yuan ("0.045"), exact where
// a float would not be.
func (m Money) MarshalJSON() ([]byte, error) { return []byte(`"` + m.Price() + `"`), nil }

// UnmarshalJSON reads an amount in yuan, as a string ("0.045") or a number.
func (m *Money) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	v, err := ParseMoney(s)
	if err != nil {
		return err
	}
	*m = v
	return nil
}
