package reply

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"touchbase/internal/contact"
	"touchbase/internal/i18n"
	"touchbase/internal/model"
	"touchbase/internal/notify"
	"touchbase/internal/storage"
)

// NotifyKind is the kind of the notification a rep gets for a reply.
const NotifyKind = "sms_reply"

// maxText bounds the text kept of one reply.
const maxText = 1000

// Incoming is a reply as a provider pushed it.
type Incoming struct {
	Provider string
	// Ref is the provider's id of the reply; empty: made from the number,
	// the text and the time, so a repeated push is still the same reply.
	Ref  string
	From string // the sender's number, in whatever form the provider writes it
	Text string
	At   time.Time // when the customer sent it; zero: now
}

// Service receives replies.
type Service struct {
	store  *storage.Store
	notify *notify.Service // nil: reps are not told
	log    *slog.Logger
	now    func() time.Time
}

// NewService returns the service.
func NewService(store *storage.Store, n *notify.Service, log *slog.Logger, now func() time.Time) *Service {
	return &Service{store: store, notify: n, log: log, now: now}
}

// Result says what one reply did.
type Result struct {
	Reply   *model.SMSReply
	Matches []model.ReplyMatch
	// Repeated is set when the reply had been received before: nothing
	// changed.
	Repeated bool
}

// Receive keeps in, writes its inbound records and opt-outs, and notifies
// the exclusive reps of the customers it came from.
func (s *Service) Receive(ctx context.Context, in Incoming) (*Result, error) {
	if strings.TrimSpace(in.From) == "" {
		return nil, model.NewFieldError("from", "required", "the reply's sender number is missing")
	}
	text := strings.ToValidUTF8(strings.TrimSpace(in.Text), "�")
	if utf8.RuneCountInString(text) > maxText {
		text = string([]rune(text)[:maxText])
	}
	at := in.At
	if at.IsZero() {
		at = s.now()
	}
	from := normalize(in.From)
	ref := strings.TrimSpace(in.Ref)
	if ref == "" {
		sum := sha256.Sum256([]byte(from + "\x00" + text + "\x00" + strconv.FormatInt(at.Unix(), 10)))
		ref = "h:" + hex.EncodeToString(sum[:12])
	}
	st, err := s.store.Settings(ctx)
	if err != nil {
		return nil, err
	}
	r := &model.SMSReply{Provider: in.Provider, Ref: ref, From: from, Text: text, SentAt: at, OptOut: IsOptOut(text, st.OptOutKeywords)}
	title := i18n.T(i18n.Default, "reply.record_title")
	if r.OptOut {
		title = i18n.T(i18n.Default, "reply.record_opt_out_title")
	}
	rec := model.Record{Title: title, Summary: text, Content: text, Provider: in.Provider, Status: model.RecordDone}
	matches, created, err := s.store.ReceiveReply(ctx, r, rec)
	if err != nil {
		return nil, err
	}
	res := &Result{Reply: r, Matches: matches, Repeated: !created}
	if created {
		s.tellReps(ctx, r, matches)
	}
	return res, nil
}

// tellReps notifies each match's exclusive rep; a failure is logged, the
// reply stands.
func (s *Service) tellReps(ctx context.Context, r *model.SMSReply, matches []model.ReplyMatch) {
	if s.notify == nil {
		return
	}
	for _, m := range matches {
		if m.RepID == nil {
			continue
		}
		lang := i18n.Default
		if u, err := s.store.UserByID(ctx, *m.RepID); err == nil && i18n.Supported(u.Language) {
			lang = u.Language
		}
		key := "reply.notify_title"
		if m.OptedOut {
			key = "reply.notify_opt_out_title"
		}
		_, err := s.notify.Notify(ctx, *m.RepID, notify.Message{
			Kind: NotifyKind, Title: i18n.T(lang, key, m.ContactName, m.CustomerName), Body: r.Text,
			Link:      "/customers/" + strconv.FormatInt(m.CustomerID, 10),
			Data:      map[string]any{"contact_id": m.ContactID, "customer_id": m.CustomerID, "record_id": m.RecordID, "opt_out": m.OptedOut},
			DedupeKey: fmt.Sprintf("sms_reply:%d:%d", r.ID, m.ContactID),
		})
		if err != nil && !errors.Is(err, notify.ErrDuplicate) && s.log != nil {
			s.log.Warn("notify rep of an SMS reply", "reply", r.ID, "rep", *m.RepID, "err", err)
		}
	}
}

// normalize writes a sender's number in E.164 as contacts keep it:
// Aliyun and Tencent give mainland numbers without the country code.
func normalize(from string) string {
	from = strings.TrimSpace(from)
	if n, err := contact.NormalizeMobile(from, "CN"); err == nil && n != "" {
		return n
	}
	return from
}
