package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/interviewd/interviewd/internal/config"
	"github.com/interviewd/interviewd/internal/interview"
)

const adminUsage = `usage:
  interviewd admin create-user --email EMAIL --password PASSWORD --org NAME
  interviewd admin create-api-key --email EMAIL [--name NAME]`

// admin runs an operator command against the configured store: it needs no
// running server, and works when sign-up is closed (TENANT_ID).
func admin(ctx context.Context, args []string, lookup func(string) (string, bool), stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New(adminUsage)
	}
	cfg, err := config.Load(lookup)
	if err != nil {
		return err
	}
	if err := prepareDataDir(&cfg); err != nil {
		return err
	}
	st, _, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	svc, err := newServices(cfg, st, nil, nil)
	if err != nil {
		return err
	}
	switch args[0] {
	case "create-user":
		return adminCreateUser(ctx, svc, args[1:], stdout)
	case "create-api-key":
		return adminCreateAPIKey(ctx, svc, args[1:], stdout)
	}
	return fmt.Errorf("unknown admin command %q\n%s", args[0], adminUsage)
}

func adminCreateUser(ctx context.Context, svc services, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("create-user", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	email := fs.String("email", "", "the user's email")
	password := fs.String("password", "", "the user's password (at least 10 characters)")
	org := fs.String("org", "", "the organisation the user will own")
	if err := fs.Parse(args); err != nil || *email == "" || *password == "" || *org == "" {
		return errors.New(adminUsage)
	}
	u, t, err := svc.accounts.CreateOwner(ctx, *email, *password, *org)
	if err != nil {
		return fmt.Errorf("create-user: %s", interview.ErrorMessage(err))
	}
	fmt.Fprintf(stdout, "created user %s (%s), owner of %q (%s)\n", u.Email, u.ID, t.Name, t.ID)
	return nil
}

// adminCreateAPIKey makes a key for the user's first organisation and
// prints it as the last line: it is shown once and stored only as a hash.
func adminCreateAPIKey(ctx context.Context, svc services, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("create-api-key", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	email := fs.String("email", "", "a member of the organisation the key acts for")
	name := fs.String("name", "API key", "a name to tell the key apart")
	if err := fs.Parse(args); err != nil || *email == "" {
		return errors.New(adminUsage)
	}
	tenantID, err := svc.accounts.HomeTenant(ctx, *email)
	if err != nil {
		return fmt.Errorf("create-api-key: %s", interview.ErrorMessage(err))
	}
	key, k, err := svc.accounts.CreateAPIKey(ctx, tenantID, *name, "")
	if err != nil {
		return fmt.Errorf("create-api-key: %s", interview.ErrorMessage(err))
	}
	fmt.Fprintf(stdout, "created API key %q (%s…) for organisation %s; it is shown only now:\n%s\n", k.Name, k.Prefix, tenantID, key)
	return nil
}
