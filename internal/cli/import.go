package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"touchbase/internal/importer"
)

func runImport(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || args[0] != "customers" {
		fmt.Fprintln(e.stderr, "usage: touchbase import customers [--dry-run] [--region CN] FILE.csv")
		return errUsage
	}
	var dryRun bool
	var region string
	a, rest, err := openApp(ctx, e, "import customers", args[1:], func(fs *flag.FlagSet) {
		fs.BoolVar(&dryRun, "dry-run", false, "check the file and report, without writing")
		fs.StringVar(&region, "region", "", "default phone region (default: the setting, CN)")
	})
	if err != nil {
		return err
	}
	defer a.Store.Close()
	if len(rest) != 1 {
		fmt.Fprintln(e.stderr, "usage: touchbase import customers [--dry-run] [--region CN] FILE.csv")
		return errUsage
	}
	if region == "" {
		st, err := a.Store.Settings(ctx)
		if err != nil {
			return err
		}
		region = st.DefaultRegion
	}
	f, err := os.Open(rest[0])
	if err != nil {
		return err
	}
	defer f.Close()
	start := time.Now()
	rep, err := importer.Import(ctx, a.Store, f, importer.Options{DefaultRegion: region, DryRun: dryRun})
	if err != nil {
		return err
	}
	for _, re := range rep.Errors {
		fmt.Fprintf(e.stdout, "line %d: %s: %s (%q)\n", re.Line, re.Field, re.Message, re.Value)
	}
	verb := "imported"
	if dryRun {
		verb = "checked (dry run, nothing written)"
	}
	fmt.Fprintf(e.stdout, "%s %d rows in %s: customers %d created, %d updated; contacts %d created, %d updated; %d rows with errors\n",
		verb, rep.Rows, time.Since(start).Round(time.Millisecond), rep.CustomersCreated, rep.CustomersUpdated,
		rep.ContactsCreated, rep.ContactsUpdated, len(rep.Errors))
	if len(rep.Errors) > 0 {
		return fmt.Errorf("%d rows were not imported", len(rep.Errors))
	}
	return nil
}
