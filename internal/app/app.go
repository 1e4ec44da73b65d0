// Package app wires Touchbase's services together once, at start-up, so the
// web UI, the JSON API and the CLI share one set of services built from one
// store. It holds no global state: the App is passed to whoever needs it.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/riverqueue/river"

	"touchbase/internal/admin"
	"touchbase/internal/auth"
	"touchbase/internal/bulk"
	"touchbase/internal/channel"
	"touchbase/internal/channel/registry"
	"touchbase/internal/config"
	"touchbase/internal/contact"
	"touchbase/internal/httpauth"
	"touchbase/internal/jobs"
	"touchbase/internal/metrics"
	"touchbase/internal/model"
	"touchbase/internal/notify"
	"touchbase/internal/outbound"
	"touchbase/internal/plan"
	"touchbase/internal/receipt"
	"touchbase/internal/record"
	"touchbase/internal/reply"
	"touchbase/internal/smstemplate"
	"touchbase/internal/storage"
	"touchbase/internal/unsubscribe"
	"touchbase/internal/wecom"
)

// App is the set of services of one process.
type App struct {
	Config       config.Options
	Log          *slog.Logger
	Store        *storage.Store
	Auth         *auth.Service
	Contacts     *contact.Service
	Admin        *admin.Service
	Channels     *registry.Registry
	Records      *record.Service
	Bulk         *bulk.Service
	Notify       *notify.Service
	Plans        *plan.Service
	Replies      *reply.Service
	SMSTemplates *smstemplate.Service
	// Unsubscribe makes the one-click unsubscribe links of bulk e-mails
	// and honours them.
	Unsubscribe *unsubscribe.Service
	Receipts    *receipt.Service
	// WeCom is the connection to the company's WeCom (企业微信).
	WeCom    *wecom.Service
	Queue    jobs.Queue
	Resolver *httpauth.Resolver
	// Metrics are this process's figures for Prometheus.
	Metrics *metrics.Set

	// box seals provider secrets with the process's key, whose
	// fingerprint CheckSecretKey compares with the database's.
	box            *channel.SecretBox
	keyFingerprint string
}

// New builds the services on store. Provider secrets are sealed with the
// key from TOUCHBASE_SECRET_KEY, else a key file in the data directory
// (created on first start); CheckSecretKey tells whether it is the
// database's key.
func New(cfg config.Options, log *slog.Logger, store *storage.Store) (*App, error) {
	key, err := channel.LoadSecretKey(cfg.SecretKey, cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	box, err := channel.NewSecretBox(key)
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	m := metrics.New()
	// Every provider, bot and WeCom call goes out through the outbound
	// guard; the metrics wrap its transport.
	network := outbound.Policy{AllowPrivate: cfg.AllowPrivateProviders}
	providerHTTP := outbound.NewClient(network)
	providerClients := m.ProviderClients(providerHTTP)
	channels := registry.New(store, box, channel.Env{HTTPClient: providerHTTP, ProviderClient: providerClients})
	a := &App{
		Config:       cfg,
		Log:          log,
		Store:        store,
		Auth:         auth.NewService(store, auth.SessionLimits{Idle: cfg.SessionIdle, Max: cfg.SessionMax}),
		Contacts:     contact.NewService(store),
		Admin:        admin.NewService(store),
		Channels:     channels,
		SMSTemplates: smstemplate.NewService(store, channels, time.Now),
		Metrics:      m,

		box:            box,
		keyFingerprint: channel.KeyFingerprint(key),
	}
	a.Auth.OnLoginFailure(m.LoginFailed)
	a.Resolver = &httpauth.Resolver{Auth: a.Auth, Store: store, Log: log, Secure: cfg.CookieSecure}

	bcfg := bulk.DefaultConfig()
	bcfg.Lease = cfg.StaleAfter
	bcfg.WorkBudget = min(bcfg.WorkBudget, cfg.StaleAfter/2)
	a.Notify = notify.NewService(store, notify.NewBotClient(outbound.NewClient(outbound.Policy{AllowPrivate: network.AllowPrivate, Timeout: 10 * time.Second}), false), box, log,
		notify.Config{BaseURL: cfg.BaseURL})
	a.Bulk = bulk.NewService(store, channels, a.SMSTemplates, bcfg, log, time.Now, func(ctx context.Context, b *model.BulkSend) {
		a.Notify.BulkFinished(ctx, b)
		if err := a.Records.IndexSoon(ctx); err != nil {
			log.Warn("queue record indexing", "bulk_send", b.ID, "err", err)
		}
	})
	a.Unsubscribe = unsubscribe.NewService(store, unsubscribe.NewSigner(key), cfg.BaseURL, time.Now)
	a.Bulk.SetUnsubscribe(a.Unsubscribe.URL)
	a.Receipts = receipt.NewService(store, channels, key, receipt.DefaultConfig(), log, time.Now)
	a.Bulk.OnSettled(a.Receipts.Settled)
	a.Bulk.OnChunk(m.BulkChunk)
	a.Receipts.OnSendSettled(a.Notify.ReceiptsSettled)
	a.Bulk.OnPause(a.Notify.BulkPaused)
	a.Bulk.OnApproval(a.Notify)
	a.Plans = plan.NewService(store, a.Notify, time.Now)
	a.Plans.OnReminded(m.ReminderLate)
	m.Register(metrics.NewQueues(store.QueueStats), metrics.LiveConnections(a.Notify.LiveConnections))
	a.Replies = reply.NewService(store, a.Notify, log, time.Now)
	a.Plans.SetMailer(channels, cfg.BaseURL, log)
	a.Records = record.NewService(store, channels, a.SMSTemplates, a.Plans, time.Now)
	a.WeCom = wecom.NewService(store, box, providerClients("wecom"), log, time.Now)
	a.WeCom.OnTask(a.Notify.WeComTask)
	a.WeCom.SetBaseURL(cfg.BaseURL)
	a.Notify.OnStored(a.WeCom.Notified)
	a.Bulk.SetWeCom(a.WeCom)
	a.Records.SetWeCom(a.WeCom, bcfg.WeComPoll)
	a.Records.OnWeComUnsent(a.Notify.WeComUnsent)
	workers := river.NewWorkers()
	sweep := a.Bulk.Register(workers)
	records := a.Records.Register(workers)
	a.Plans.Register(workers)
	templateSync := a.SMSTemplates.Register(workers, log)
	receiptPoll := a.Receipts.Register(workers)
	weComJobs := a.WeCom.Register(workers)
	poll := time.Duration(0)
	if store.Dialect() == storage.SQLite {
		poll = 200 * time.Millisecond // no LISTEN/NOTIFY on SQLite
	}
	a.Queue, err = jobs.New(store, jobs.Options{Workers: workers, MaxWorkers: 8,
		Queues: map[string]int{plan.ReminderQueue: plan.ReminderWorkers}, PeriodicJobs: slices.Concat([]*river.PeriodicJob{sweep, templateSync, receiptPoll}, records, weComJobs),
		FetchPoll: poll, RescueAfter: cfg.StaleAfter, Log: log})
	if err != nil {
		return nil, err
	}
	a.Bulk.SetQueue(a.Queue)
	a.Plans.SetQueue(a.Queue)
	a.Records.SetQueue(a.Queue)
	a.WeCom.SetQueue(a.Queue)
	return a, nil
}
