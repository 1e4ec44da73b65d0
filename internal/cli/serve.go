package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"time"

	"touchbase/internal/api"
	"touchbase/internal/app"
	"touchbase/internal/auth"
	"touchbase/internal/config"
	"touchbase/internal/demo"
	"touchbase/internal/model"
	"touchbase/internal/server"
	"touchbase/internal/web"
)

func runServe(ctx context.Context, e env, args []string) error {
	o := config.Defaults()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.BoolVar(&o.Demo, "demo", false, "load demo teams, reps, customers and topics (passwords: demo)")
	if err := parseOptions(e, fs, args, &o); err != nil {
		return err
	}
	if o.Demo {
		// The demo's simulated providers listen on loopback.
		o.AllowPrivateProviders = true
	}
	log := newLogger(o, e.stderr)
	log.Info("starting touchbase", "config", o.String())
	store, err := openStore(ctx, o, log)
	if err != nil {
		return err
	}
	defer store.Close()
	a, err := app.New(o, log, store)
	if err != nil {
		return err
	}
	if err := a.CheckSecretKey(ctx); err != nil {
		return err
	}

	if err := bootstrapAdmin(ctx, e, a); err != nil {
		return err
	}
	if o.Demo {
		start := time.Now()
		loaded, err := demo.Load(ctx, store)
		if err != nil {
			return err
		}
		if loaded {
			log.Info("loaded demo data", "customers", demo.Customers, "contacts", demo.Contacts, "took", time.Since(start))
		}
		fmt.Fprintf(e.stdout, "Demo mode: log in as admin or agent1…agent10, password %q.\n", demo.Password)
	}

	if o.Demo {
		sim, err := demo.StartWeCom(ctx, store, a.WeCom)
		if err != nil {
			return err
		}
		if sim != nil {
			defer sim.Close()
			log.Info("demo: simulated WeCom", "url", sim.URL)
		}
	}

	webHandler, err := web.New(a)
	if err != nil {
		return err
	}
	srv := server.New(a, api.New(a), webHandler)
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return err
	}
	log.Info("listening", "url", "http://"+ln.Addr().String())
	fmt.Fprintf(e.stdout, "Touchbase is running at http://%s\n", ln.Addr())
	if o.MetricsAddr != "" {
		mln, err := net.Listen("tcp", o.MetricsAddr)
		if err != nil {
			return fmt.Errorf("metrics-addr: %w", err)
		}
		log.Info("metrics listening", "url", "http://"+mln.Addr().String()+"/metrics", "token", o.MetricsToken != "")
		go serveMetrics(ctx, a, mln)
	} else if o.MetricsToken == "" {
		log.Warn("/metrics is open to anyone who reaches the listen address; set TOUCHBASE_METRICS_TOKEN or TOUCHBASE_METRICS_ADDR")
	}
	go sweepSessions(ctx, a)
	go func() {
		if err := a.Notify.Run(ctx); err != nil {
			log.Error("notifications stopped", "err", err)
		}
	}()
	// Stopped below, gracefully, rather than by the signal context.
	if err := a.Queue.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	serveErr := srv.Serve(ctx, ln)
	// Workers finish the chunk in hand (its rows must not stay "sending").
	stopCtx, cancel := context.WithTimeout(context.Background(), o.ShutdownTimeout+time.Minute)
	defer cancel()
	if err := a.Queue.Stop(stopCtx); err != nil {
		log.Warn("stop workers", "err", err)
	}
	return serveErr
}

// serveMetrics answers on the metrics listener until ctx ends.
func serveMetrics(ctx context.Context, a *app.App, ln net.Listener) {
	srv := &http.Server{Handler: server.MetricsHandler(a), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close() //nolint:errcheck
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		a.Log.Error("metrics listener stopped", "err", err)
	}
}

// bootstrapAdmin creates the first admin on an empty database, with the
// password from TOUCHBASE_ADMIN_PASSWORD or a random one printed once.
func bootstrapAdmin(ctx context.Context, e env, a *app.App) error {
	n, err := a.Store.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	if a.Config.Demo {
		return nil // demo.Load creates admin with the demo password
	}
	pw, printed := a.Config.AdminPassword, false
	if pw == "" {
		pw, printed = auth.RandomPassword(16), true
	}
	u := &model.User{Username: "admin", DisplayName: "Administrator", Role: model.RoleAdmin, Active: true}
	if err := a.Admin.Bootstrap(ctx, u, pw); err != nil {
		if errors.Is(err, model.ErrConflict) {
			return nil // another process created it first
		}
		if fe := passwordRefusal(err); fe != nil && !printed {
			return fmt.Errorf("TOUCHBASE_ADMIN_PASSWORD is refused: %s; set another, or leave it unset for a random "+
				"password printed once", fe.Message)
		}
		return fmt.Errorf("create admin: %w", err)
	}
	if printed {
		fmt.Fprintf(e.stdout, "Created user admin with password: %s\n(shown once; change it under Profile)\n", pw)
	} else {
		fmt.Fprintln(e.stdout, "Created user admin with the password from TOUCHBASE_ADMIN_PASSWORD.")
	}
	return nil
}

// passwordRefusal returns the password policy's refusal inside err, or nil.
func passwordRefusal(err error) *model.FieldError {
	ve, _ := model.AsValidation(err)
	for _, fe := range ve {
		if fe.Field == "password" {
			return fe
		}
	}
	return nil
}

// sweepSessions deletes ended sessions and long-expired API tokens hourly
// until ctx ends.
func sweepSessions(ctx context.Context, a *app.App) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if sessions, tokens, err := a.Auth.SweepExpired(ctx); err != nil && ctx.Err() == nil {
			a.Log.Warn("sweep sessions", "err", err)
		} else if sessions+tokens > 0 {
			a.Log.Info("swept expired sessions and tokens", "sessions", sessions, "tokens", tokens)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// openApp opens the store and builds the services for a one-shot command.
func openApp(ctx context.Context, e env, name string, args []string, define func(fs *flag.FlagSet)) (*app.App, []string, error) {
	o := config.Defaults()
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	if define != nil {
		define(fs)
	}
	if err := parseOptions(e, fs, args, &o); err != nil {
		return nil, nil, err
	}
	o.LogLevel = "warn"
	log := newLogger(o, e.stderr)
	store, err := openStore(ctx, o, log)
	if err != nil {
		return nil, nil, err
	}
	a, err := app.New(o, log, store)
	if err == nil {
		err = a.CheckSecretKey(ctx)
	}
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	return a, fs.Args(), nil
}
