package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/interviewd/interviewd/internal/hiring"
	"github.com/interviewd/interviewd/internal/interview"
	"github.com/interviewd/interviewd/templates"
)

// positionRoutes registers the recruiter's position pages under /app.
func (s *server) positionRoutes(r chi.Router) {
	r.Get("/positions", s.positionsPage)
	r.Get("/positions/new", s.newPositionPage)
	r.Post("/positions/new", s.createPosition)
	r.Get("/positions/{id}", s.positionPage)
	r.Post("/positions/{id}", s.updatePosition)
	r.Post("/positions/{id}/archive", s.archivePosition)
}

// actor is the signed-in recruiter as the hiring service knows them; the
// routes that call it sit behind requireRecruiter.
func actor(r *http.Request) (hiring.Actor, bool) {
	p, _ := principalFrom(r.Context())
	return hiring.UserActor(p), p.Role().CanEdit()
}

func (s *server) positionsPage(w http.ResponseWriter, r *http.Request) {
	a, canEdit := actor(r)
	archived := r.URL.Query().Get("archived") == "1"
	list, err := s.hiring.Positions(r.Context(), a, archived)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, templates.Positions(templates.PositionsView{
		Positions: list, ShowArchived: archived, CanEdit: canEdit,
	}))
}

func (s *server) newPositionPage(w http.ResponseWriter, r *http.Request) {
	if _, canEdit := actor(r); !canEdit {
		s.fail(w, r, errReadOnly)
		return
	}
	f := templates.PositionForm{MaxMinutes: strconv.Itoa(interview.DefaultMaxMins), Language: interview.DefaultLanguage,
		RecordAudio: true, CanSuggest: s.hiring.AI().Enabled}
	s.render(w, r, http.StatusOK, templates.NewPosition(templates.NewPositionView{
		Form: f, Welcome: r.URL.Query().Get("welcome") == "1",
	}))
}

func (s *server) createPosition(w http.ResponseWriter, r *http.Request) {
	f := s.positionFormOf(r)
	if action := editorAction(r); action != "" {
		if _, canEdit := actor(r); !canEdit {
			s.fail(w, r, errReadOnly)
			return
		}
		f = s.applyEditorAction(r, action, f)
		s.render(w, r, http.StatusOK, templates.NewPosition(templates.NewPositionView{Form: f}))
		return
	}
	p, err := s.savePosition(r, "", f)
	switch {
	case isInvalid(err):
		f.Err = formErrorOf(err, positionInputs)
		s.render(w, r, http.StatusBadRequest, templates.NewPosition(templates.NewPositionView{Form: f}))
	case err != nil:
		s.fail(w, r, err)
	default:
		http.Redirect(w, r, "/app/positions/"+p.ID+"?done=created", http.StatusSeeOther)
	}
}

func (s *server) positionPage(w http.ResponseWriter, r *http.Request) {
	a, canEdit := actor(r)
	p, err := s.hiring.Position(r.Context(), a, chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rubric, err := s.hiring.Rubric(r.Context(), a, p.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := templates.PositionFormOf(p)
	f.Rubric, f.CanSuggest = templates.RubricFormOf(rubric), s.hiring.AI().Enabled
	v := templates.PositionView{Position: p, Rubric: rubric, Form: f, CanEdit: canEdit}
	s.render(w, withDone(r), http.StatusOK, templates.Position(v))
}

// renderPositionForm shows a position's page with its editor as typed:
// after a refused save, or a rubric editor's button.
func (s *server) renderPositionForm(w http.ResponseWriter, r *http.Request, status int, id string, f templates.PositionForm) {
	a, canEdit := actor(r)
	p, err := s.hiring.Position(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rubric, err := s.hiring.Rubric(r.Context(), a, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f.Rubric.Version = rubric.Version
	s.render(w, r, status, templates.Position(templates.PositionView{Position: p, Rubric: rubric, Form: f, CanEdit: canEdit}))
}

func (s *server) updatePosition(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	f := s.positionFormOf(r)
	if action := editorAction(r); action != "" {
		if _, canEdit := actor(r); !canEdit {
			s.fail(w, r, errReadOnly)
			return
		}
		s.renderPositionForm(w, r, http.StatusOK, id, s.applyEditorAction(r, action, f))
		return
	}
	_, err := s.savePosition(r, id, f)
	if isInvalid(err) {
		// The page shows the stored position beside the form as typed.
		f.Err = formErrorOf(err, positionInputs)
		s.renderPositionForm(w, r, http.StatusBadRequest, id, f)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/app/positions/"+id+"?done=saved", http.StatusSeeOther)
}

// savePosition creates (id "") or updates a position from the form, with
// the editor's rubric. A derived rubric sent back unedited is left to the
// service, which derives it again from the questions as they are now.
func (s *server) savePosition(r *http.Request, id string, f templates.PositionForm) (interview.Position, error) {
	a, _ := actor(r)
	in, err := positionInput(f)
	if err != nil {
		return interview.Position{}, err
	}
	if in.Rubric, err = rubricInput(f.Rubric, len(in.Questions)); err != nil {
		return interview.Position{}, err
	}
	if id == "" {
		return s.hiring.CreatePosition(r.Context(), a, in)
	}
	if in.Rubric != nil && f.Rubric.Derived {
		latest, err := s.hiring.Rubric(r.Context(), a, id)
		if err != nil {
			return interview.Position{}, err
		}
		if latest.Derived && slices.Equal(in.Rubric.Competencies, latest.Competencies) {
			in.Rubric = nil
		}
	}
	return s.hiring.UpdatePosition(r.Context(), a, id, in)
}

func (s *server) archivePosition(w http.ResponseWriter, r *http.Request) {
	a, _ := actor(r)
	id := chi.URLParam(r, "id")
	if err := s.hiring.ArchivePosition(r.Context(), a, id); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/app/positions/"+id+"?done=archived", http.StatusSeeOther)
}

// positionFormOf reads the editor's fields as typed.
func (s *server) positionFormOf(r *http.Request) templates.PositionForm {
	return templates.PositionForm{
		Title:        r.PostFormValue("title"),
		Description:  r.PostFormValue("description"),
		Instructions: r.PostFormValue("instructions"),
		NextSteps:    r.PostFormValue("next_steps"),
		Questions:    r.PostFormValue("questions"),
		MaxMinutes:   strings.TrimSpace(r.PostFormValue("max_minutes")),
		Language:     r.PostFormValue("language"),
		Voice:        r.PostFormValue("voice"),
		RecordAudio:  checkbox(r, "record_audio", true),
		RecordVideo:  checkbox(r, "record_video", false),
		Rubric:       rubricFormOf(r),
		CanSuggest:   s.hiring.AI().Enabled,
	}
}

// checkbox reads a box that the form sends after a hidden "0" of the
// same name: ticked when its last value is "1", and def when the form
// had neither (a post from before the box existed).
func checkbox(r *http.Request, name string, def bool) bool {
	v := r.PostForm[name]
	if len(v) == 0 {
		return def
	}
	return v[len(v)-1] == "1"
}

// positionInput turns the form into the service's input: one question per
// line, in order (the service drops blank lines).
func positionInput(f templates.PositionForm) (hiring.PositionInput, error) {
	in := hiring.PositionInput{
		Title: f.Title, Description: f.Description, Instructions: f.Instructions, NextSteps: f.NextSteps,
		Questions: strings.Split(strings.ReplaceAll(f.Questions, "\r\n", "\n"), "\n"),
		Language:  f.Language, Voice: f.Voice, RecordAudio: f.RecordAudio, RecordVideo: f.RecordVideo,
	}
	if f.MaxMinutes != "" {
		n, err := strconv.Atoi(f.MaxMinutes)
		if err != nil {
			return in, interview.FieldErrorf("maxMinutes", "maximum minutes must be a whole number")
		}
		in.MaxMinutes = n
	}
	in.Questions = templates.QuestionLines(f.Questions)
	return in, nil
}

// positionInputs names the editor's inputs where they differ from the
// domain's fields (interview.Position.Validate).
var positionInputs = map[string]string{"maxMinutes": "max_minutes", "recordVideo": "record_video"}

// errReadOnly answers a viewer who asks for a page that changes things.
var errReadOnly = interview.Errorf(interview.CodeForbidden, "your role can read but not change this organisation")

// doneMessages are the notices a redirect after a change may ask for with
// ?done=; only these fixed texts are ever shown.
var doneMessages = map[string]string{
	"created":   "Position created.",
	"saved":     "Changes saved.",
	"archived":  "Position archived.",
	"interview": "Interview created. Copy the link below and send it to the candidate.",
	"revoked":   "Link revoked. The candidate can no longer open the interview with it.",
	"reissued":  "New link issued. The previous link no longer works.",
	"ended":     "The interview has ended.",
	"scored":    "Scorecard saved.",
	"declined":  "You chose to see the results without scoring.",
	"hiring":    "Hiring status set.",
	"rerun":     "A new AI assessment is on its way: reload the page in a minute to see it.",
	"settings":  "Settings saved.",
	"erased":    "The candidate's data was erased.",
}

// withDone puts the notice named by ?done= on the page.
func withDone(r *http.Request) *http.Request {
	msg, ok := doneMessages[r.URL.Query().Get("done")]
	if !ok {
		return r
	}
	page := templates.PageFrom(r.Context())
	page.Flash = msg
	return r.WithContext(templates.WithPage(r.Context(), page))
}
