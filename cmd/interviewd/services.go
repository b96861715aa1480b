package main

import (
	"fmt"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/config"
	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/store"
)

// services are the application services built once at start-up and shared
// by the HTTP layer and the admin commands.
type services struct {
	accounts *auth.Accounts
	hiring   *hiring.Service
}

func newServices(cfg config.Config, st store.Store) (services, error) {
	accounts, err := auth.NewAccounts(auth.AccountsConfig{Store: st, PinnedTenant: cfg.TenantID})
	if err != nil {
		return services{}, fmt.Errorf("accounts: %w", err)
	}
	links, err := auth.NewJoinLinks(cfg.JWTSecret)
	if err != nil {
		return services{}, fmt.Errorf("JWT_SECRET: %w", err)
	}
	return services{
		accounts: accounts,
		hiring:   hiring.New(hiring.Config{Store: st, Links: links, PublicURL: cfg.PublicURL}),
	}, nil
}
