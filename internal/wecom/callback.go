package wecom

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"touchbase/internal/storage"
)

// Changes of change_external_contact events Touchbase applies.
const (
	ChangeAdd        = "add_external_contact"
	ChangeEdit       = "edit_external_contact"
	ChangeDelete     = "del_external_contact" // the member deleted the customer
	ChangeDelFollow  = "del_follow_user"      // the customer deleted the member
	ChangeHalfAdd    = "add_half_external_contact"
	eventChangeExtCt = "change_external_contact"
)

// crypt returns the Crypt of the stored callback settings.
func (s *Service) crypt(ctx context.Context) (*Crypt, error) {
	c, _, err := s.load(ctx)
	if err != nil {
		return nil, err
	}
	if c.CallbackToken == "" {
		return nil, ErrNotConfigured
	}
	return NewCrypt(c.CallbackToken, c.EncodingAESKey, c.CorpID)
}

// VerifyURL answers WeCom's check of the callback URL: the echostr's
// plain text when the signature is right.
func (s *Service) VerifyURL(ctx context.Context, signature, timestamp, nonce, echostr string) (string, error) {
	cr, err := s.crypt(ctx)
	if err != nil {
		return "", err
	}
	msg, err := cr.Open(signature, timestamp, nonce, echostr)
	return string(msg), err
}

// envelope is the body WeCom posts.
type envelope struct {
	ToUserName string `xml:"ToUserName"`
	Encrypt    string `xml:"Encrypt"`
}

// event is a decrypted callback message.
type event struct {
	ToUserName     string `xml:"ToUserName"`
	CreateTime     int64  `xml:"CreateTime"`
	MsgType        string `xml:"MsgType"`
	Event          string `xml:"Event"`
	ChangeType     string `xml:"ChangeType"`
	UserID         string `xml:"UserID"`
	ExternalUserID string `xml:"ExternalUserID"`
}

// Callback checks, decrypts and records one pushed message; the work it
// asks for is queued in the same transaction, so the answer goes back at
// once. A message seen before (WeCom retries) is acknowledged and not
// applied again; messages Touchbase does not use are acknowledged and
// dropped. A bad signature is ErrSignature, a body that is not WeCom's
// for this corp ErrMalformed; neither changes anything.
func (s *Service) Callback(ctx context.Context, signature, timestamp, nonce string, body []byte) error {
	cr, err := s.crypt(ctx)
	if err != nil {
		return err
	}
	var env envelope
	if err := xml.Unmarshal(body, &env); err != nil || env.Encrypt == "" {
		return ErrMalformed
	}
	plain, err := cr.Open(signature, timestamp, nonce, env.Encrypt)
	if err != nil {
		return err
	}
	var ev event
	if err := xml.Unmarshal(plain, &ev); err != nil {
		return ErrMalformed
	}
	if ev.MsgType != "event" || ev.Event != eventChangeExtCt {
		return nil
	}
	switch ev.ChangeType {
	case ChangeAdd, ChangeEdit, ChangeDelete, ChangeDelFollow, ChangeHalfAdd:
	default:
		return nil
	}
	if ev.ExternalUserID == "" || ev.UserID == "" {
		return ErrMalformed
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "%d|%s|%s|%s", ev.CreateTime, ev.ChangeType, ev.UserID, ev.ExternalUserID))
	rec := storage.WeComEvent{Key: hex.EncodeToString(sum[:16]), ChangeType: ev.ChangeType, MemberID: ev.UserID,
		ExternalUserID: ev.ExternalUserID, CreatedAt: time.Unix(ev.CreateTime, 0).UTC()}
	_, err = s.store.RecordWeComEvent(ctx, rec, func(tx *sql.Tx) error {
		return s.queue.InsertTx(ctx, tx, EventArgs{Key: rec.Key, ChangeType: rec.ChangeType, MemberID: rec.MemberID,
			ExternalUserID: rec.ExternalUserID, At: ev.CreateTime}, nil)
	})
	return err
}

// EventArgs applies one recorded callback event.
type EventArgs struct {
	Key            string `json:"key"`
	ChangeType     string `json:"change_type"`
	MemberID       string `json:"userid"`
	ExternalUserID string `json:"external_userid"`
	At             int64  `json:"at"` // WeCom's CreateTime
}

// Kind names the job.
func (EventArgs) Kind() string { return "wecom_event" }

type eventWorker struct {
	river.WorkerDefaults[EventArgs]
	svc *Service
}

// Work applies the event: an added or edited external contact is read
// again from WeCom and stored with all its followers; a deleted
// friendship is removed. Each change is stamped with the event's time,
// so an older event arriving after a newer one changes nothing.
func (w *eventWorker) Work(ctx context.Context, job *river.Job[EventArgs]) error {
	s, a := w.svc, job.Args
	at := time.Unix(a.At, 0).UTC()
	switch a.ChangeType {
	case ChangeAdd, ChangeEdit, ChangeHalfAdd:
		cl, _, err := s.client(ctx)
		if err != nil {
			return err
		}
		e, err := cl.External(ctx, a.ExternalUserID)
		var we *Error
		switch {
		case errors.As(err, &we) && we.Code == CodeNoFollow:
			err = s.store.RemoveWeComFollow(ctx, a.ExternalUserID, a.MemberID, at)
		case err == nil:
			if err = s.store.SaveWeComExternal(ctx, e, at); err == nil {
				err = s.matchOne(ctx, a.ExternalUserID)
			}
		}
		if err != nil {
			return err
		}
	case ChangeDelete, ChangeDelFollow:
		if err := s.store.RemoveWeComFollow(ctx, a.ExternalUserID, a.MemberID, at); err != nil {
			return err
		}
	}
	return s.store.WeComEventApplied(ctx, a.Key)
}

// matchOne matches one external contact that is in the review list.
func (s *Service) matchOne(ctx context.Context, externalID string) error {
	e, err := s.store.WeComExternal(ctx, externalID)
	if err != nil || e.ContactID != nil || e.MatchedBy != "" {
		return err
	}
	_, err = s.matchByRemark(ctx, e, s.region(ctx))
	return err
}
