package wecom

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"touchbase/internal/i18n"
	"touchbase/internal/model"
)

// TextCard is an application message's card: a title, a short text and
// the page it opens.
type TextCard struct {
	Title, Description, URL, Button string
}

// duplicateWindow is how long WeCom refuses to show the same card twice
// (enable_duplicate_check).
const duplicateWindow = 30 * time.Minute

// SendTextCard sends card to member through the application
// (message/send, msgtype textcard), with WeCom's duplicate check on.
func (c *Client) SendTextCard(ctx context.Context, member string, card TextCard) error {
	if c.cfg.AgentID == 0 {
		return ErrNoApplication
	}
	body := map[string]any{"touser": member, "msgtype": "textcard", "agentid": c.cfg.AgentID,
		"textcard":               map[string]string{"title": card.Title, "description": card.Description, "url": card.URL, "btntxt": card.Button},
		"enable_duplicate_check": 1, "duplicate_check_interval": int(duplicateWindow.Seconds())}
	var out struct {
		InvalidUser string `json:"invaliduser"`
	}
	if err := c.call(ctx, agentSecret, http.MethodPost, "/cgi-bin/message/send", nil, body, &out); err != nil {
		return err
	}
	if out.InvalidUser != "" {
		return &Error{Path: "/cgi-bin/message/send", Msg: "not a member the application may reach: " + out.InvalidUser, Status: http.StatusOK}
	}
	return nil
}

// ErrNoApplication is returned when no application (AgentId) is set:
// application messages need one.
var ErrNoApplication = errors.New("wecom: no application connected")

// SetBaseURL sets Touchbase's address, which application messages link to.
func (s *Service) SetBaseURL(u string) { s.baseURL = strings.TrimRight(u, "/") }

// AppNotify says whether a user can and does get their notifications in
// WeCom.
type AppNotify struct {
	// Available: WeCom is connected with an application and a member is
	// mapped to the user.
	Available bool   `json:"available"`
	Enabled   bool   `json:"enabled"`
	Member    string `json:"member,omitempty"`
}

// AppNotifyOf returns what a user has of application messages.
func (s *Service) AppNotifyOf(ctx context.Context, userID int64) (AppNotify, error) {
	cfg, _, err := s.load(ctx)
	if errors.Is(err, ErrNotConfigured) {
		return AppNotify{}, nil
	}
	if err != nil {
		return AppNotify{}, err
	}
	member, on, err := s.store.WeComAppNotify(ctx, userID)
	if errors.Is(err, model.ErrNotFound) {
		return AppNotify{}, nil
	}
	if err != nil {
		return AppNotify{}, err
	}
	return AppNotify{Available: cfg.AgentID > 0, Enabled: on && cfg.AgentID > 0, Member: member}, nil
}

// SetAppNotify turns a user's application messages on or off.
func (s *Service) SetAppNotify(ctx context.Context, userID int64, on bool) (AppNotify, error) {
	a, err := s.AppNotifyOf(ctx, userID)
	if err != nil {
		return a, err
	}
	if !a.Available {
		return a, model.NewFieldError("enabled", "unavailable",
			"WeCom messages need WeCom connected with an application, and your WeCom member mapped to you")
	}
	if err := s.store.SetWeComAppNotify(ctx, userID, on); err != nil {
		return a, err
	}
	a.Enabled = on
	return a, nil
}

// Notified queues notification n for its user's WeCom, when they asked
// for it: a job sends it, alone or merged into a digest with the others
// of a burst.
func (s *Service) Notified(ctx context.Context, n *model.Notification) {
	member, err := s.store.QueueWeComAppMessage(ctx, n)
	if err == nil && member != "" {
		_, err = s.queue.Insert(ctx, AppMessageArgs{Member: member}, nil)
	}
	if err != nil {
		s.log.Warn("queue wecom application message", "notification", n.ID, "err", err)
	}
}

// appSpacing is the least time between two application messages to one
// member: six a minute, well under what WeCom shows a member; what comes
// in between goes out as one digest.
const appSpacing = 10 * time.Second

// digestLines is how many notifications a digest names.
const digestLines = 5

// AppMessageArgs sends a member their queued notifications.
type AppMessageArgs struct {
	Member string `json:"member"`
}

// Kind names the job.
func (AppMessageArgs) Kind() string { return "wecom_app_message" }

// InsertOpts keeps one job per member at a time. A job that sent
// something waits appSpacing and looks again, so what arrives while it
// runs goes out with its next look; appSweepArgs catches what arrives
// after its last.
func (AppMessageArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{rivertype.JobStateAvailable,
		rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStateScheduled}}}
}

// appSweepArgs queues a job for every member with notifications waiting
// longer than a minute (queued while the member's job was finishing).
type appSweepArgs struct{}

// Kind names the job.
func (appSweepArgs) Kind() string { return "wecom_app_sweep" }

type appSweepWorker struct {
	river.WorkerDefaults[appSweepArgs]
	svc *Service
}

func (w *appSweepWorker) Work(ctx context.Context, _ *river.Job[appSweepArgs]) error {
	members, err := w.svc.store.WaitingWeComAppMembers(ctx, w.svc.now().Add(-time.Minute))
	if err != nil {
		return err
	}
	for _, m := range members {
		if _, err := w.svc.queue.Insert(ctx, AppMessageArgs{Member: m}, nil); err != nil {
			return err
		}
	}
	return nil
}

type appMessageWorker struct {
	river.WorkerDefaults[AppMessageArgs]
	svc *Service
}

func (w *appMessageWorker) Work(ctx context.Context, job *river.Job[AppMessageArgs]) error {
	return w.svc.sendAppMessages(ctx, job.Args.Member)
}

// sendAppMessages sends member what is queued for them: one
// notification as its own card, several as one digest.
func (s *Service) sendAppMessages(ctx context.Context, member string) error {
	pending, last, err := s.store.PendingWeComAppMessages(ctx, member)
	if err != nil || len(pending) == 0 {
		return err
	}
	if last != nil {
		if wait := appSpacing - s.now().Sub(*last); wait > 0 {
			return river.JobSnooze(wait)
		}
	}
	cl, _, err := s.client(ctx)
	if err != nil {
		return err
	}
	lang, err := s.userLanguage(ctx, pending[0].UserID)
	if err != nil {
		return err
	}
	card := s.card(lang, pending)
	card.Button = i18n.T(lang, "wecomapp.button")
	if err := cl.SendTextCard(ctx, member, card); err != nil {
		return err
	}
	ids := make([]int64, len(pending))
	for i, n := range pending {
		ids[i] = n.ID
	}
	if err := s.store.MarkWeComAppMessagesSent(ctx, ids, s.now(), len(pending) > 1); err != nil {
		return err
	}
	return river.JobSnooze(appSpacing) // look again for what came meanwhile
}

// card is the text card of notifications ns: the one, or a digest.
func (s *Service) card(lang string, ns []*model.Notification) TextCard {
	if len(ns) == 1 {
		n := ns[0]
		return TextCard{Title: clip(n.Title, 128), Description: clip(cmp.Or(n.Body, n.Title), 512), URL: s.link(n.Link)}
	}
	var lines []string
	for i, n := range ns {
		if i == digestLines {
			lines = append(lines, i18n.T(lang, "wecomapp.digest_more", len(ns)-digestLines))
			break
		}
		lines = append(lines, "· "+n.Title)
	}
	return TextCard{Title: i18n.T(lang, "wecomapp.digest_title", len(ns)), Description: clip(strings.Join(lines, "\n"), 512),
		URL: s.link("/notifications")}
}

// link is the absolute address of a page of Touchbase.
func (s *Service) link(path string) string {
	if path == "" {
		path = "/notifications"
	}
	return s.baseURL + path
}

// userLanguage is a user's language, the default when unset.
func (s *Service) userLanguage(ctx context.Context, userID int64) (string, error) {
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return "", fmt.Errorf("wecom: application message's user: %w", err)
	}
	if !i18n.Supported(u.Language) {
		return i18n.Default, nil
	}
	return u.Language, nil
}

// clip cuts s to at most n bytes, on a character boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
