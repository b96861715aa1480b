package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/interviewd/interviewd/internal/auth"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/templates"
)

// afterSignIn is where a recruiter lands unless ?next= says otherwise.
const afterSignIn = "/app/interviews"

func (s *server) signInPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := principalFrom(r.Context()); ok {
		http.Redirect(w, r, localPath(r.URL.Query().Get("next"), afterSignIn), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, templates.SignIn(templates.SignInForm{Next: r.URL.Query().Get("next")}))
}

func (s *server) signIn(w http.ResponseWriter, r *http.Request) {
	f := templates.SignInForm{Email: strings.TrimSpace(r.PostFormValue("email")), Next: r.PostFormValue("next")}
	token, _, err := s.accounts.SignIn(r.Context(), f.Email, r.PostFormValue("password"), clientIP(r))
	if err != nil {
		s.formFailure(w, r, err, func(fe *templates.FormError) templates.Component {
			f.Err = fe
			return templates.SignIn(f)
		})
		return
	}
	s.setSessionCookie(w, token)
	http.Redirect(w, r, localPath(f.Next, afterSignIn), http.StatusSeeOther)
}

func (s *server) signUpPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, templates.SignUp(templates.SignUpForm{Open: s.accounts.SignUpOpen(r.Context())}))
}

func (s *server) signUp(w http.ResponseWriter, r *http.Request) {
	in := auth.SignUpInput{
		Organisation: r.PostFormValue("organisation"),
		Name:         r.PostFormValue("name"),
		Email:        r.PostFormValue("email"),
		Password:     r.PostFormValue("password"),
		ClientIP:     clientIP(r),
	}
	token, _, err := s.accounts.SignUp(r.Context(), in)
	if err != nil {
		s.formFailure(w, r, err, func(fe *templates.FormError) templates.Component {
			return templates.SignUp(templates.SignUpForm{
				Organisation: in.Organisation, Name: in.Name, Email: in.Email,
				Open: s.accounts.SignUpOpen(r.Context()), Err: fe,
			})
		})
		return
	}
	s.setSessionCookie(w, token)
	http.Redirect(w, r, "/app/positions/new?welcome=1", http.StatusSeeOther)
}

func (s *server) signOut(w http.ResponseWriter, r *http.Request) {
	// The cookie goes whatever happens: signing out must work even when the
	// account system cannot be reached.
	s.clearSessionCookie(w)
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.accounts.SignOut(r.Context(), c.Value); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}

// formFailure re-renders a form with the error's problems and status:
// a client mistake (4xx, each problem beside its field, formErrorOf),
// or a service that cannot sign in now (503, 429), which is logged in
// full (the log says which setting, the form only that it is unavailable).
// An internal error goes to the error exit.
func (s *server) formFailure(w http.ResponseWriter, r *http.Request, err error, page func(*templates.FormError) templates.Component) {
	var de *interview.Error
	if !errors.As(err, &de) || de.Code == interview.CodeInternal {
		s.fail(w, r, err)
		return
	}
	status := statusOf(de.Code)
	s.logFailure(r, status, err)
	setRetryAfter(w.Header(), status)
	s.render(w, r, status, page(formErrorOf(err, nil)))
}

// appHome is the app's front door: the interview list.
func (s *server) appHome(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, afterSignIn, http.StatusSeeOther)
}
