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
	var region, rep string
	a, rest, err := openApp(ctx, e, "import customers", args[1:], func(fs *flag.FlagSet) {
		fs.BoolVar(&dryRun, "dry-run", false, "check the file and report, without writing")
		fs.StringVar(&region, "region", "", "default phone region (default: the setting, CN)")
		fs.StringVar(&rep, "rep", "", "username of the exclusive rep of new customers whose row names none")
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
	opts := importer.Options{DefaultRegion: region, DryRun: dryRun}
	if rep != "" {
		u, err := a.Store.UserByUsername(ctx, rep)
		if err != nil {
			return fmt.Errorf("rep %q: %w", rep, err)
		}
		opts.DefaultRepID = &u.ID
	}
	f, err := os.Open(rest[0])
	if err != nil {
		return err
	}
	defer f.Close()
	start := time.Now()
	report, err := importer.Import(ctx, a.Store, f, opts)
	if err != nil && report != nil && report.Stopped && !dryRun {
		fmt.Fprintf(e.stdout, "stopped part-way: rows through line %d were written (customers %d created, %d updated; "+
			"contacts %d created, %d updated; %d rows with errors), nothing after it; fix the cause and import the file again\n",
			report.WrittenThrough, report.CustomersCreated, report.CustomersUpdated, report.ContactsCreated, report.ContactsUpdated,
			report.Failed)
	}
	if err != nil {
		return err
	}
	for _, w := range report.Warnings {
		fmt.Fprintf(e.stdout, "warning: line %d: %s: %s\n", w.Line, w.Field, w.Message)
	}
	for _, re := range report.Errors {
		fmt.Fprintf(e.stdout, "line %d: %s: %s (%q)\n", re.Line, re.Field, re.Message, re.Value)
	}
	verb := "imported"
	if dryRun {
		verb = "checked (dry run, nothing written)"
	}
	fmt.Fprintf(e.stdout, "%s %d rows in %s: customers %d created, %d updated; contacts %d created, %d updated; %d rows with errors\n",
		verb, report.Rows, time.Since(start).Round(time.Millisecond), report.CustomersCreated, report.CustomersUpdated,
		report.ContactsCreated, report.ContactsUpdated, report.Failed)
	if report.Failed > 0 {
		return fmt.Errorf("%d rows were not imported", report.Failed)
	}
	return nil
}
