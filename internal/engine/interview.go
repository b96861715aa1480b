package engine

import "fmt"

// interview is the interviewer's progress through the script. Only the run
// goroutine touches it.
type interview struct {
	script     script
	phase      phase
	asked      int    // index of the question asked last; -1 before the first
	advance    bool   // an answer arrived while its question was being spoken
	retry      string // a follow-up to speak once the current line ends
	followed   int    // the question that had its one follow-up; -1 for none
	pending    int    // answers committed and still being recognised
	timeUp     bool   // the script's time limit passed
	wantGreet  bool   // response.create asked for the greeting
	greetDue   bool   // the wait for every listener is over
	connected  bool   // the peer has connected once
	lastItem   string // the conversation's last item, for previous_item_id
	speechItem string // the item of the utterance the voice detector hears
	line       *line  // the response being spoken, if any
}

type phase int

const (
	phaseWaiting  phase = iota // not greeted yet
	phaseSpeaking              // a line is being spoken
	phaseAwaiting              // a question was asked; waiting for the answer
	phaseClosing               // the closing line is being spoken
	phaseDone                  // the closing line was spoken; the call is ending
)

func newInterview(s script) interview {
	return interview{script: s, asked: -1, followed: -1}
}

// first is the index of the question the call starts with: 0, or where a
// resumed interview continues.
func (iv *interview) first() int {
	return max(iv.script.Resume-1, 0)
}

// greeting is the first line: a welcome by name and question 1, or, with no
// questions, a welcome that closes the interview. A resumed interview is
// welcomed back at the question it stopped before.
func (iv *interview) greeting() (string, lineKind) {
	s := iv.script
	hello := "Hello"
	if s.Candidate != "" {
		hello += " " + s.Candidate
	}
	if s.Resume > 1 {
		return iv.welcomeBack()
	}
	if len(s.Questions) == 0 {
		return hello + ", and thank you for joining. This interview has no questions prepared, " +
			"so we will end here. Goodbye!", lineClosing
	}
	for_ := ""
	if s.Position != "" {
		for_ = " for the " + s.Position + " position"
	}
	count := "one question"
	if n := len(s.Questions); n > 1 {
		count = fmt.Sprintf("%d questions", n)
	}
	return fmt.Sprintf("%s, and thank you for joining this interview%s. I will ask you %s; "+
		"take your time with each answer. Here is the first one: %s", hello, for_, count, s.Questions[0]), lineQuestion
}

// welcomeBack opens a call that continues an interrupted interview.
func (iv *interview) welcomeBack() (string, lineKind) {
	s := iv.script
	back := "Welcome back"
	if s.Candidate != "" {
		back += ", " + s.Candidate
	}
	i := s.Resume - 1
	if i >= len(s.Questions) {
		return back + ". You had already answered every question, so this concludes our interview. " +
			"The team will be in touch about the next steps. Goodbye!", lineClosing
	}
	return fmt.Sprintf("%s. We were interrupted, so let us continue where we left off. Question %d: %s",
		back, i+1, s.Questions[i]), lineQuestion
}

// next is the line after an answer: the next question or the closing.
func (iv *interview) next() (string, lineKind) {
	if iv.asked+1 >= len(iv.script.Questions) {
		return iv.closing(), lineClosing
	}
	prefix := "Thank you. Next question: "
	if iv.asked+2 == len(iv.script.Questions) {
		prefix = "Thank you. And the last question: "
	}
	return prefix + iv.script.Questions[iv.asked+1], lineQuestion
}

func (iv *interview) closing() string {
	thanks := "Thank you"
	if n := iv.script.Candidate; n != "" {
		thanks += ", " + n
	}
	if iv.timeUp {
		return "We have reached the time available for this interview, so we will stop here. " +
			thanks + ". The team will be in touch about the next steps. Goodbye!"
	}
	return thanks + ". That was the last question, and it concludes our interview. " +
		"The team will be in touch about the next steps. Goodbye!"
}

// nudge is the follow-up when no answer came at all.
func (iv *interview) nudge() string {
	return "Take your time. Whenever you are ready, please answer: " + iv.question()
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

func (iv *interview) repeat() string {
	if iv.asked < 0 || iv.asked >= len(iv.script.Questions) {
		return "Please go ahead whenever you are ready."
	}
	return "Let me repeat the question: " + iv.script.Questions[iv.asked]
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

// isAnswerable reports whether an answer now counts for the current question.
func (iv *interview) isAnswerable() bool {
	return iv.asked >= 0 && iv.asked < len(iv.script.Questions) &&
		(iv.phase == phaseAwaiting || iv.phase == phaseSpeaking)
}
