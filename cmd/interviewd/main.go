// Command interviewd is the whole product in one binary: the recruiter app,
// the candidate room, the SDP proxy, the JSON API and, with no OpenAI key,
// the local realtime engine; `interviewd engine` runs that engine alone.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.LookupEnv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "interviewd: %v\n", err)
		os.Exit(1)
	}
}
