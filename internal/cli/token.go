package cli

import (
	"context"
	"flag"
	"fmt"
)

func runToken(ctx context.Context, e env, args []string) error {
	var name string
	if len(args) > 0 && args[0] == "create" {
		args = args[1:]
	}
	a, rest, err := openApp(ctx, e, "token", args, func(fs *flag.FlagSet) {
		fs.StringVar(&name, "name", "cli", "a label for the token")
	})
	if err != nil {
		return err
	}
	defer a.Store.Close()
	if len(rest) != 1 {
		fmt.Fprintln(e.stderr, "usage: touchbase token [create] [--name LABEL] USERNAME")
		return errUsage
	}
	u, err := a.Store.UserByUsername(ctx, rest[0])
	if err != nil {
		return fmt.Errorf("user %q: %w", rest[0], err)
	}
	secret, _, err := a.Auth.CreateAPIToken(ctx, u.ID, name)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, secret)
	return nil
}
