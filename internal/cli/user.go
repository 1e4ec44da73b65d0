package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"touchbase/internal/model"
	"touchbase/internal/storage"
)

func runUser(ctx context.Context, e env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, "usage: touchbase user add|set-password|list [flags]")
		return errUsage
	}
	switch args[0] {
	case "add":
		return userAdd(ctx, e, args[1:])
	case "set-password":
		return userSetPassword(ctx, e, args[1:])
	case "list":
		return userList(ctx, e, args[1:])
	}
	fmt.Fprintf(e.stderr, "touchbase user: unknown subcommand %q (want add, set-password or list)\n", args[0])
	return errUsage
}

// readPassword takes the password from the flag or, when empty, the first
// line of stdin (so it stays out of shell history).
func readPassword(e env, flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	fmt.Fprint(e.stderr, "password: ")
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		return "", errors.New("password: empty")
	}
	return line, nil
}

func userAdd(ctx context.Context, e env, args []string) error {
	var u model.User
	var role, team, password string
	a, rest, err := openApp(ctx, e, "user add", args, func(fs *flag.FlagSet) {
		fs.StringVar(&u.Username, "username", "", "login name (required)")
		fs.StringVar(&u.DisplayName, "name", "", "display name")
		fs.StringVar(&u.Email, "email", "", "e-mail address")
		fs.StringVar(&u.Mobile, "mobile", "", "mobile number")
		fs.StringVar(&role, "role", "agent", "admin or agent")
		fs.StringVar(&team, "team", "", "team name")
		fs.StringVar(&u.Language, "lang", "", "zh-CN or en")
		fs.StringVar(&password, "password", "", "password (read from stdin when empty)")
	})
	if err != nil {
		return err
	}
	defer a.Store.Close()
	if len(rest) > 0 && u.Username == "" {
		u.Username = rest[0]
	}
	u.Role, u.Active = model.Role(role), true
	if team != "" {
		teams, err := a.Store.ListTeams(ctx)
		if err != nil {
			return err
		}
		for _, t := range teams {
			if t.Name == team {
				u.TeamID = &t.ID
			}
		}
		if u.TeamID == nil {
			return fmt.Errorf("team: no team named %q", team)
		}
	}
	pw, err := readPassword(e, password)
	if err != nil {
		return err
	}
	if err := a.Admin.Bootstrap(ctx, &u, pw); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "created user %s (id %d, %s)\n", u.Username, u.ID, u.Role)
	return nil
}

func userSetPassword(ctx context.Context, e env, args []string) error {
	var password string
	a, rest, err := openApp(ctx, e, "user set-password", args, func(fs *flag.FlagSet) {
		fs.StringVar(&password, "password", "", "new password (read from stdin when empty)")
	})
	if err != nil {
		return err
	}
	defer a.Store.Close()
	if len(rest) != 1 {
		fmt.Fprintln(e.stderr, "usage: touchbase user set-password [--password PW] USERNAME")
		return errUsage
	}
	u, err := a.Store.UserByUsername(ctx, rest[0])
	if err != nil {
		return fmt.Errorf("user %q: %w", rest[0], err)
	}
	pw, err := readPassword(e, password)
	if err != nil {
		return err
	}
	out, err := a.Admin.ResetPassword(ctx, u.ID, pw)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "password of %s changed; sessions ended: %d, API tokens revoked: %d\n", u.Username, out.Sessions, out.Tokens)
	return nil
}

func userList(ctx context.Context, e env, args []string) error {
	a, _, err := openApp(ctx, e, "user list", args, nil)
	if err != nil {
		return err
	}
	defer a.Store.Close()
	users, err := a.Store.ListUsers(ctx, storage.UserFilter{})
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tUSERNAME\tNAME\tROLE\tACTIVE")
	for _, u := range users {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%v\n", u.ID, u.Username, u.DisplayName, u.Role, u.Active)
	}
	return tw.Flush()
}
