package cli

import (
	"context"
	"fmt"
	"runtime/debug"
)

// runVersion prints the module version, the commit it was built from (and
// whether the tree had changes) and the Go version, from the build info.
func runVersion(_ context.Context, e env, args []string) error {
	if len(args) > 0 {
		fmt.Fprintln(e.stderr, "usage: touchbase version")
		return errUsage
	}
	fmt.Fprintln(e.stdout, versionLine())
	return nil
}

func versionLine() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "touchbase (no build information)"
	}
	version, commit, when, dirty := info.Main.Version, "unknown", "", ""
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			commit = s.Value
		case "vcs.time":
			when = " " + s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = " (modified)"
			}
		}
	}
	return fmt.Sprintf("touchbase %s commit %s%s%s %s", version, commit, dirty, when, info.GoVersion)
}
