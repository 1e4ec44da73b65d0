package cli

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"time"

	"touchbase/internal/auth"
	"touchbase/internal/model"
)

func runToken(ctx context.Context, e env, args []string) error {
	var name, scope, expires string
	if len(args) > 0 && args[0] == "create" {
		args = args[1:]
	}
	a, rest, err := openApp(ctx, e, "token", args, func(fs *flag.FlagSet) {
		fs.StringVar(&name, "name", "cli", "a label for the token")
		fs.StringVar(&scope, "scope", string(model.ScopeContact),
			"read (read only), contact (what a rep does) or admin (administration too; admins only)")
		fs.StringVar(&expires, "expires", strconv.Itoa(auth.DefaultTokenDays),
			"days until the token stops working (1–365), or never (admins only)")
	})
	if err != nil {
		return err
	}
	defer a.Store.Close()
	if len(rest) != 1 {
		fmt.Fprintln(e.stderr, "usage: touchbase token [create] [--name LABEL] [--scope read|contact|admin] [--expires DAYS|never] USERNAME")
		return errUsage
	}
	spec := auth.TokenSpec{Name: name, Scope: model.TokenScope(scope), NeverExpires: expires == "never"}
	if !spec.NeverExpires {
		days, err := strconv.Atoi(expires)
		if err != nil {
			return fmt.Errorf("expires: want a number of days from 1 to %d or never, got %q", auth.MaxTokenDays, expires)
		}
		spec.ExpiresInDays = &days
	}
	u, err := a.Store.UserByUsername(ctx, rest[0])
	if err != nil {
		return fmt.Errorf("user %q: %w", rest[0], err)
	}
	if !u.Active {
		return fmt.Errorf("user %q is disabled: enable them before giving them a token", u.Username)
	}
	secret, t, err := a.Auth.CreateAPIToken(ctx, u, spec)
	if err != nil {
		return err
	}
	until := "never expires"
	if t.ExpiresAt != nil {
		until = "expires " + t.ExpiresAt.Local().Format(time.DateTime)
	}
	fmt.Fprintf(e.stderr, "token %q for %s: scope %s, %s\n", t.Name, u.Username, t.Scope, until)
	fmt.Fprintln(e.stdout, secret)
	return nil
}
