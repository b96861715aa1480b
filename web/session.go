package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/templates"
)

// Cookies interviewd sets. Both are HttpOnly; the session cookie is Lax so
// that following a link into the app keeps you signed in.
const (
	sessionCookie = "interviewd_session"
	csrfCookie    = "interviewd_csrf"
	maxFormBytes  = 1 << 20
)

// Recruiters is the account system: built-in accounts or Supabase Auth.
type Recruiters = auth.Recruiters

type principalKey struct{}

// principalFrom returns the signed-in recruiter of a request that passed
// requireRecruiter.
func principalFrom(ctx context.Context) (auth.Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(auth.Principal)
	return p, ok
}

// setSessionCookie hands the browser its login token.
func (s *server) setSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.https,
		SameSite: http.SameSiteLaxMode, MaxAge: int(auth.LoginTTL / time.Second),
	})
}

func (s *server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.https, MaxAge: -1})
}

// withViewer loads the signed-in recruiter, if any, so that every page's
// header can show them. It never refuses a request.
func (s *server) withViewer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		if err != nil || s.accounts == nil {
			next.ServeHTTP(w, r)
			return
		}
		p, err := s.authenticate(w, r, c.Value)
		if err != nil {
			if !errors.Is(err, interview.ErrUnauthorized) {
				s.fail(w, r, err)
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		ctx := context.WithValue(r.Context(), principalKey{}, p)
		page := templates.PageFrom(ctx)
		page.Viewer = s.viewer(ctx, p)
		next.ServeHTTP(w, r.WithContext(templates.WithPage(ctx, page)))
	})
}

// authenticate recognises a sign-in cookie, renewing it (and the cookie)
// when the account system says it merely expired (Supabase access tokens).
func (s *server) authenticate(w http.ResponseWriter, r *http.Request, token string) (auth.Principal, error) {
	p, err := s.accounts.Authenticate(r.Context(), token)
	if !errors.Is(err, auth.ErrSessionExpired) {
		return p, err
	}
	renewed, p, err := s.accounts.Refresh(r.Context(), token)
	if errors.Is(err, interview.ErrUnauthorized) {
		s.clearSessionCookie(w) // the session has ended
		return p, err
	} else if err != nil {
		return p, err // Auth busy or down: the cookie stays for the next try
	}
	s.setSessionCookie(w, renewed)
	return p, nil
}

// viewer describes p for the header.
func (s *server) viewer(ctx context.Context, p auth.Principal) *templates.Viewer {
	org := ""
	if t, err := s.store.GetTenant(ctx, p.Membership.TenantID); err == nil {
		org = t.Name
	}
	return &templates.Viewer{
		Name: p.User.Name, Email: p.User.Email, Org: org, Role: string(p.Role()),
		CanEdit: p.Role().CanEdit(), CanManage: p.Role().CanManage(),
	}
}

// requireRecruiter sends a signed-out browser to the sign-in page and back.
func (s *server) requireRecruiter(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := principalFrom(r.Context()); !ok {
			http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// errCSRF is the answer to a form without this browser's token.
var errCSRF = interview.Errorf(interview.CodeForbidden,
	"this form has expired or came from another site; go back, reload the page and try again")

// csrf protects forms with a double-submitted token: a random value in an
// HttpOnly cookie that every form also posts back. It works alongside
// http.CrossOriginProtection, which refuses cross-site browser requests by
// their Sec-Fetch-Site and Origin headers; the token also stops requests
// that carry neither.
func (s *server) csrf(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := ""
		if c, err := r.Cookie(csrfCookie); err == nil && auth.WellFormed(c.Value, "") {
			token = c.Value
		}
		if !safeMethod(r.Method) {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
			if err := r.ParseForm(); err != nil {
				if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
					s.fail(w, r, errBodyTooLarge)
					return
				}
				s.fail(w, r, interview.Errorf(interview.CodeInvalid, "the form could not be read"))
				return
			}
			if err := checkValues(r.PostForm); err != nil {
				s.fail(w, r, err) // before any handler or store sees the text
				return
			}
			sent := r.PostFormValue("csrf_token")
			if token == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(token)) != 1 {
				s.fail(w, r, errCSRF)
				return
			}
		}
		if token == "" {
			token = auth.NewToken("")
			http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: token, Path: "/", HttpOnly: true,
				Secure: s.https, SameSite: http.SameSiteStrictMode})
		}
		page := templates.PageFrom(r.Context())
		page.CSRF = token
		next.ServeHTTP(w, r.WithContext(templates.WithPage(r.Context(), page)))
	})
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// crossOrigin refuses cross-site form posts with the standard library's
// check, answering through the one error exit.
func (s *server) crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, errCSRF)
	}))
	return cop.Handler(next)
}
