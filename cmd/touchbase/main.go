// Command touchbase is the Touchbase customer-service contact management
// server and its administration tool.
package main

import (
	"os"

	"touchbase/internal/cli"
)

func main() {
	os.Exit(cli.Main())
}
