// Package supabasee2e holds the end-to-end tests of interviewd on Supabase:
// interviewd's own SupabaseAccounts and PostgreSQL store, on a database
// shaped like a Supabase project's, against a Supabase Auth.
//
// The Auth is the stand-in of package supabasetest, which answers as the
// recorded real one does, and, where the machine has it built
// (supabasetest.HaveRealAuth), the real Supabase Auth too. Each is run in
// both issuer styles (hosted, with iss; self-hosted, without), with email
// confirmation off and on, and with HS256 and ES256 access tokens. When the
// Auth is real, it and interviewd share one database, as on Supabase, and
// the row-level-security tests run SQL as PostgREST would with the claims
// of the access tokens that Auth issued.
//
// The package has no code of its own: only tests.
package supabasee2e
