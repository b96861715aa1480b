-- Copied unchanged from the team's ../shared/supabase/shape.sql, so that a clean
-- clone (CI) has it. .ci/supabase-db applies it to a private cluster.

-- The shape of a new Supabase project's database, as far as interviewd meets
-- it: the roles, who may act as whom, the schemas, and the grants and default
-- privileges on `public` that Supabase sets before any migration of ours runs.
-- Written from what Supabase's own set-up does (its roles and grants are
-- documented and visible in any project); applied by start.sh as the
-- bootstrap superuser supabase_admin, on an empty cluster.

-- Roles. The API roles never log in; the gateway's `authenticator` logs in and
-- switches to them per request (SET ROLE), as PostgREST does.
CREATE ROLE anon NOLOGIN NOINHERIT;
CREATE ROLE authenticated NOLOGIN NOINHERIT;
CREATE ROLE service_role NOLOGIN NOINHERIT BYPASSRLS;
CREATE ROLE authenticator LOGIN NOINHERIT;
GRANT anon, authenticated, service_role TO authenticator;
CREATE ROLE supabase_auth_admin LOGIN NOINHERIT CREATEROLE NOREPLICATION;
CREATE ROLE dashboard_user NOSUPERUSER CREATEDB CREATEROLE REPLICATION;

-- The project owner's `postgres` may become the API roles (since 2023).
GRANT anon, authenticated, service_role TO postgres;

-- Schemas.
CREATE SCHEMA IF NOT EXISTS extensions;
CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA extensions;
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA extensions;
GRANT USAGE ON SCHEMA extensions TO postgres, anon, authenticated, service_role;
CREATE SCHEMA IF NOT EXISTS storage;
CREATE SCHEMA IF NOT EXISTS realtime;

-- Supabase Auth's schema: it belongs to the Auth server's role, which creates
-- its own tables and replaces these helper functions when it migrates.
CREATE SCHEMA IF NOT EXISTS auth AUTHORIZATION supabase_auth_admin;
GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role, postgres;
ALTER ROLE supabase_auth_admin SET search_path = auth;
-- The older helpers a project may still have: they read the per-claim
-- settings, not request.jwt.claims (Auth's newer ones read both).
CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('request.jwt.claim.sub', true), '')::uuid $$;
CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('request.jwt.claim.role', true), '')::text $$;
CREATE FUNCTION auth.email() RETURNS text LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('request.jwt.claim.email', true), '')::text $$;
ALTER FUNCTION auth.uid() OWNER TO supabase_auth_admin;
ALTER FUNCTION auth.role() OWNER TO supabase_auth_admin;
ALTER FUNCTION auth.email() OWNER TO supabase_auth_admin;

-- The part that matters most to an application: everything created in
-- `public` is granted in full to the API roles by default privileges, so a
-- table is exposed until its own migration revokes and its RLS policies
-- restrict. "All" includes TRUNCATE, REFERENCES and TRIGGER, which RLS does not
-- govern.
GRANT USAGE ON SCHEMA public TO postgres, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO postgres, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS TO postgres, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO postgres, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA public GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;

-- Statement limits Supabase sets on the API roles.
ALTER ROLE anon SET statement_timeout = '3s';
ALTER ROLE authenticated SET statement_timeout = '8s';

-- Last: the project owner is not a superuser on Supabase.
ALTER ROLE postgres NOSUPERUSER CREATEDB CREATEROLE LOGIN REPLICATION BYPASSRLS;
