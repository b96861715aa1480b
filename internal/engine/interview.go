package engine

import (
	"fmt"
	"strconv"
	"time"
)

// The function tools the structured interviewer calls, when the session
// declares them (docs/engine.md, "Function calling").
const (
	toolQuestionAsked = "question_asked"
	toolEndInterview  = "end_interview"
)

// interview is what the interviewer (the engine's "model") knows of the
// conversation. Only the run goroutine touches it.
type interview struct {
	script    script
	greeted   bool
	asked     int    // index of the question asked last; -1 before the first
	answered  bool   // a user item came after the question was asked
	empty     bool   // that answer had no words
	answerID  string // the item of that answer
	caught    int    // the question that had its "did not catch that"; -1 for none
	nudged    int    // the question that had its nudge; -1 for none
	cut       int    // the question whose asking the candidate cut short; -1 for none
	ended     bool   // end_interview was called, or the closing was spoken without it
	endReason string // end_interview's reason
	farewell  bool   // the goodbye has been spoken

	lastItem   string          // the conversation's last item, for previous_item_id
	items      map[string]bool // every item id in the conversation
	speechItem string          // the item of the utterance the voice detector hears
	pending    int             // answers committed and still being recognised
	line       *line           // the response in progress, if any

	connected bool      // the peer has connected once
	waited    bool      // SidebandWait has passed since it connected
	requested bool      // response.create came before the call was ready
	queued    bool      // a user turn asked for a response while one was in progress
	idleFrom  time.Time // when the wait for speech began (idle_timeout_ms)
}

func newInterview(s script) interview {
	return interview{script: s, asked: -1, caught: -1, nudged: -1, cut: -1, items: map[string]bool{}}
}

// reply is what the interviewer puts in one response: a function call
// before the spoken message (question_asked), the message, and a function
// call after it (end_interview). Any of them may be missing.
type reply struct {
	before *funcCall
	text   string
	after  *funcCall
	asks   bool // the message asks the question asked last…
	qstart int  // …which begins at this byte of text
}

type funcCall struct{ name, args string }

// decide is the interviewer's next response, from the conversation so far.
// tool reports whether the session lets it call a function.
func (iv *interview) decide(tool func(string) bool) reply {
	switch {
	case iv.farewell:
		return reply{text: "Goodbye."}
	case iv.ended:
		iv.farewell = true
		return reply{text: iv.goodbye()}
	case !iv.greeted:
		iv.greeted = true
		return iv.greeting(tool)
	case iv.asked < 0 || iv.asked >= len(iv.script.Questions):
		return iv.finish(tool, "no_questions", "")
	case iv.answered && iv.cut == iv.asked:
		iv.cut, iv.answered = -1, false
		return reply{text: iv.finishQuestion()}
	case iv.answered && iv.empty && iv.caught != iv.asked:
		iv.caught, iv.answered = iv.asked, false
		return reply{text: iv.notCaught()}
	case !iv.answered && iv.nudged != iv.asked:
		iv.nudged = iv.asked
		return reply{text: iv.nudge()}
	}
	return iv.advance(tool)
}

// advance asks the next question, or ends the interview after the last.
func (iv *interview) advance(tool func(string) bool) reply {
	if iv.asked+1 >= len(iv.script.Questions) {
		return iv.finish(tool, "completed", "")
	}
	prefix := "Thank you. Next question: "
	if iv.asked+2 == len(iv.script.Questions) {
		prefix = "Thank you. And the last question: "
	}
	return iv.ask(tool, iv.asked+1, prefix)
}

// ask moves to question i (0-based); question_asked comes first in the
// response, so a question cut short still counts as asked.
func (iv *interview) ask(tool func(string) bool, i int, prefix string) reply {
	iv.asked, iv.answered, iv.empty = i, false, false
	r := reply{text: prefix + iv.script.Questions[i], asks: true, qstart: len(prefix)}
	if tool(toolQuestionAsked) {
		r.before = &funcCall{toolQuestionAsked, `{"index":` + strconv.Itoa(i+1) + `}`}
	}
	return r
}

// finish ends the interview: with end_interview, the call (after a message
// when there is one; the goodbye follows its output); without it, the
// closing line at once.
func (iv *interview) finish(tool func(string) bool, reason, message string) reply {
	iv.endReason = reason
	if !tool(toolEndInterview) {
		iv.ended, iv.farewell = true, true
		if message != "" {
			return reply{text: message + " " + iv.goodbye()}
		}
		return reply{text: iv.goodbye()}
	}
	call := &funcCall{toolEndInterview, `{"reason":"` + reason + `"}`}
	if message == "" {
		return reply{before: call}
	}
	return reply{text: message, after: call}
}

// greeting is the first response: a welcome by name and question 1 (or,
// for a resumed interview, a welcome back at its question), or, with no
// questions left, a welcome that ends the interview.
func (iv *interview) greeting(tool func(string) bool) reply {
	s := iv.script
	if s.Resume > 1 {
		return iv.welcomeBack(tool)
	}
	hello := "Hello"
	if s.Candidate != "" {
		hello += " " + s.Candidate
	}
	if len(s.Questions) == 0 {
		return iv.finish(tool, "no_questions",
			hello+", and thank you for joining. This interview has no questions prepared, so we will end here.")
	}
	for_ := ""
	if s.Position != "" {
		for_ = " for the " + s.Position + " position"
	}
	count := "one question"
	if n := len(s.Questions); n > 1 {
		count = fmt.Sprintf("%d questions", n)
	}
	return iv.ask(tool, 0, fmt.Sprintf("%s, and thank you for joining this interview%s. I will ask you %s; "+
		"take your time with each answer. Here is the first one: ", hello, for_, count))
}

// welcomeBack opens a call that continues an interrupted interview.
func (iv *interview) welcomeBack(tool func(string) bool) reply {
	s := iv.script
	back := "Welcome back"
	if s.Candidate != "" {
		back += ", " + s.Candidate
	}
	i := s.Resume - 1
	if i >= len(s.Questions) {
		return iv.finish(tool, "completed", back+". You had already answered every question.")
	}
	return iv.ask(tool, i, fmt.Sprintf("%s. We were interrupted, so let us continue where we left off. Question %d: ",
		back, i+1))
}

// goodbye is the closing line, spoken once the interview has ended.
func (iv *interview) goodbye() string {
	thanks := "Thank you"
	if n := iv.script.Candidate; n != "" {
		thanks += ", " + n
	}
	if iv.endReason == "no_questions" {
		return thanks + " for your time. Goodbye!"
	}
	return thanks + ". That was the last question, and it concludes our interview. " +
		"The team will be in touch about the next steps. Goodbye!"
}

// nudge is the follow-up when no answer came at all.
func (iv *interview) nudge() string {
	return "Take your time. Whenever you are ready, please answer: " + iv.question()
}

// finishQuestion is the reply to a candidate who spoke before the question
// was finished: a model would not take that as the answer to a question the
// candidate has not heard.
func (iv *interview) finishQuestion() string {
	return "Sorry, let me finish the question. " + iv.question()
}

// interrupted records that the candidate cut short the response asking
// question i after heard bytes of its text, when they missed most of the
// question: fewer than half of its bytes were spoken.
func (iv *interview) interrupted(r reply, heard int) {
	if !r.asks || iv.asked < 0 || iv.asked >= len(iv.script.Questions) {
		return
	}
	q := len(iv.script.Questions[iv.asked])
	if heard < r.qstart+q/2 {
		iv.cut = iv.asked
	}
}

// notCaught is the follow-up when an answer had no words in it.
func (iv *interview) notCaught() string {
	return "Sorry, I did not catch that. Could you please answer again? The question was: " + iv.question()
}

func (iv *interview) question() string {
	if iv.asked < 0 || iv.asked >= len(iv.script.Questions) {
		return ""
	}
	return iv.script.Questions[iv.asked]
}

// heard records a user item: an answer to the question asked last, until
// its transcript says whether it had words.
func (iv *interview) heard(itemID string) {
	iv.answered, iv.empty, iv.answerID = true, false, itemID
}

// transcribed records whether the answer itemID had words.
func (iv *interview) transcribed(itemID string, empty bool) {
	if itemID == iv.answerID {
		iv.empty = empty
	}
}

// chunks splits a line into transcript deltas of a few words each; joined,
// they give back the line exactly.
func chunks(text string, words int) []string {
	var out []string
	start, seen := 0, 0
	for i := 0; i < len(text); i++ {
		if text[i] != ' ' || i == 0 || text[i-1] == ' ' {
			continue
		}
		if seen++; seen == words {
			out = append(out, text[start:i])
			start, seen = i, 0
		}
	}
	if start < len(text) || len(out) == 0 {
		out = append(out, text[start:])
	}
	return out
}
