package cli

import (
	"context"
	"flag"
	"fmt"

	"touchbase/internal/config"
	"touchbase/internal/storage"
)

func runMigrate(ctx context.Context, e env, args []string) error {
	o := config.Defaults()
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	if err := parseOptions(e, fs, args, &o); err != nil {
		return err
	}
	s, err := storage.Open(ctx, o.DB)
	if err != nil {
		return err
	}
	defer s.Close()
	n, err := migrateStore(ctx, s)
	if err != nil {
		return err
	}
	cur, latest, err := s.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "applied %d migration(s); %s schema at version %d of %d\n", n, s.Dialect(), cur, latest)
	return nil
}
