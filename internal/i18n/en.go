package i18n

import "github.com/interviewd/interviewd/internal/interview"

// english is the catalogue the others translate: every key exists here.
var english = map[string]string{
	// The frame of every candidate page.
	"frame.skip":      "Skip to content",
	"frame.interview": "Interview",
	"frame.powered":   "Powered by interviewd",

	// The landing page.
	"landing.title":         "Your interview with {org}",
	"landing.eyebrow":       "Interview invitation",
	"landing.hello":         "Hello {name},",
	"landing.welcome":       "welcome to your interview for {position}",
	"landing.welcome_alone": "Welcome to your interview for {position}",
	"landing.organisation":  "Organisation",
	"landing.position":      "Position",
	"landing.length":        "Length",
	"landing.language":      "Language",
	"landing.minutes":       "up to {n} minutes",
	"landing.about":         "About the position",
	"landing.how":           "How it works",
	"landing.how_text":      "An AI interviewer asks you questions out loud, and you answer by speaking. You need a quiet place, a microphone, and this browser: nothing to install and no account. You can end the interview at any time.",
	"landing.privacy":       "What is recorded and processed",

	// The microphone check.
	"mic.heading":  "1. Check your microphone",
	"mic.stays":    "This check stays in your browser: nothing is sent or recorded.",
	"mic.noscript": "The microphone check and the interview need JavaScript. Turn it on in your browser's settings, then reload this page.",
	"mic.level":    "Microphone level",
	"mic.status":   "Press the button, allow the microphone, and speak: the bar should move.",

	// The consent: the text itself is versioned (hiring.Consent).
	"consent.heading":     "2. Agree and start",
	"consent.given":       "You have agreed to what is recorded and processed (consent text {version}).",
	"consent.enter":       "Enter the interview room",
	"consent.hint_before": "This covers the list under",
	"consent.hint_after":  ", just below (consent text {version}).",
	"consent.submit":      "Agree and enter the interview room",
	"consent.problem":     "There is a problem:",
	"consent.p1":          "Your voice is sent to the AI provider that {org} uses, to run the conversation and to transcribe it. It is not kept as a recording.",
	"consent.p2":          "A written transcript of what you and the interviewer say is stored by {org}, who reads it to assess your application.",
	"consent.p3":          "Your agreement is stored with the time, your IP address and your browser's name, as a record that you gave it.",
	"consent.p4":          "Nothing starts until you agree below and turn on your microphone, and you can end the interview at any time.",
	"consent.agree":       "I have read what is recorded and processed, and I agree to it.",
	"consent.err_none":    "Tick the box to agree to what is recorded and processed, or close this page if you do not.",
	"consent.err_changed": "The text you agreed to has changed since the page was loaded: read it again and agree to the new version.",

	// A join link that opens no interview.
	"refused.revoked":             "This link has been withdrawn",
	"refused.expired":             "This link has expired",
	"refused.ended":               "This interview has already taken place",
	"refused.unknown":             "This interview link does not work",
	"refused.ended_advice":        "Thank you for your time. If you think this is a mistake, contact {org}.",
	"refused.ended_advice_anon":   "Thank you for your time. If you think this is a mistake, contact the person who sent it to you.",
	"refused.unknown_advice":      "Check that you opened the whole link from your invitation. If it still does not work, ask {org} for a new one.",
	"refused.unknown_advice_anon": "Check that you opened the whole link from your invitation. If it still does not work, ask the person who sent it to you for a new one.",
	"refused.advice":              "Ask {org} to send you a new link.",
	"refused.advice_anon":         "Ask the person who sent it to you to send you a new link.",

	// The room.
	"room.title":            "Interview for {position}",
	"room.eyebrow":          "Interview with {org}",
	"room.noscript":         "The interview is a voice call in your browser: it needs JavaScript and a microphone. Turn JavaScript on in your browser's settings, then reload this page.",
	"room.call":             "Call",
	"room.connection":       "Connection",
	"room.time_left":        "Time left",
	"room.your_mic":         "Your microphone",
	"room.start":            "Start the interview",
	"room.end":              "End interview",
	"room.end_question":     "End the interview now? You cannot continue it afterwards.",
	"room.end_no":           "No, continue",
	"room.end_yes":          "Yes, end the interview",
	"room.transcript":       "Transcript",
	"room.transcript_empty": "What you and the interviewer say appears here.",

	// The room's recording indicator and self-view (static/js/recorder.js).
	"room.recording.on":      "Recording",
	"room.recording.stopped": "Recording stopped",
	"room.recording.saving":  "Saving the recording… Please keep this page open.",
	"room.recording.saved":   "Recording saved",
	"room.recording.camera":  "Your camera, as it is recorded",

	// The thank-you and the candidate's feedback.
	"ended.title":        "Thank you",
	"ended.thanks_name":  "Thank you, {name}",
	"ended.saved":        "The interview has ended and your answers are saved. You can close this page.",
	"ended.next":         "What happens next",
	"ended.next_default": interview.DefaultNextSteps,
	"ended.given":        "Thank you for your feedback.",
	"ended.legend":       "How was the interview for you? (optional)",
	"ended.rating.1":     "1 – poor",
	"ended.rating.2":     "2 – fair",
	"ended.rating.3":     "3 – good",
	"ended.rating.4":     "4 – very good",
	"ended.rating.5":     "5 – excellent",
	"ended.comment":      "Anything you want to tell {org}? (optional)",
	"ended.hint":         "Your feedback goes to {org} with your interview. You can send it once.",
	"ended.send":         "Send feedback",
	"ended.err_rating":   "Choose a rating from 1 to 5.",
	"ended.err_long":     "The comment is longer than {n} characters.",
	"ended.err_empty":    "Choose a rating or write a comment.",

	// The browser's words (room.js, miccheck.js, presence.js); the server
	// renders some of them too, for the page before the script runs.
	"js.state.idle":         "Press \"Start the interview\" when you are ready.",
	"js.state.connecting":   "Connecting to the interviewer… please wait before you speak.",
	"js.state.live":         "You are live: you can speak now. The interviewer will start.",
	"js.state.reconnecting": "The connection dropped. Reconnecting… your interview continues where it stopped.",
	"js.state.ending":       "Ending the interview and saving the transcript…",
	"js.state.ended":        "The interview has ended. Thank you! You can close this page.",

	"js.error.UNAUTHORIZED":         "Your access to this interview has run out. Open the link from your invitation again.",
	"js.error.FORBIDDEN":            "This browser may not join the interview. Open the link from your invitation again and give your consent.",
	"js.error.INTERVIEW_NOT_FOUND":  "This interview could not be found. Check the link in your invitation.",
	"js.error.INTERVIEW_CLOSED":     "This interview has already ended.",
	"js.error.TAKEN_OVER":           "The interview continued in another window or tab. Close this one.",
	"js.error.UPSTREAM_UNAVAILABLE": "The AI interviewer cannot be reached right now. Wait a few minutes, then try again.",
	"js.error.UPSTREAM_REJECTED":    "The AI interviewer could not start the call. Please tell the organisation that invited you.",
	"js.error.BAD_MESSAGE":          "Your browser and the server did not understand each other. Reload the page to try again.",
	"js.error.RATE_LIMITED":         "Too many attempts to connect. Wait a minute, then try again.",
	"js.error.SHUTTING_DOWN":        "The server is restarting. Wait a moment, then try again.",
	"js.error.INTERNAL":             "Something went wrong on our side. Try again in a moment.",
	"js.error.NETWORK":              "The connection could not be made. Check your internet connection, then try again.",
	"js.error.CONNECTION_LOST":      "The connection was lost and could not be restored. Try again: if the interview is still open, it continues.",
	"js.error.MIC_DENIED":           "Microphone access is blocked. Allow the microphone for this site (the icon in the address bar), then press the button again.",
	"js.error.MIC_MISSING":          "No microphone was found. Connect one, or check that it is switched on, then press the button again.",
	"js.error.MIC_BUSY":             "The microphone could not be started: another application may be using it. Close that application, then press the button again.",
	"js.error.UNSUPPORTED":          "This browser cannot use a microphone here. Use a recent Chrome, Edge, Firefox or Safari.",

	"js.speaker.interviewer": "Interviewer",
	"js.speaker.candidate":   "You",
	"js.speaker.system":      "System",
	"js.speaker.unknown":     "Unknown",

	"js.turn.waiting":   "The interviewer is about to start",
	"js.turn.speaking":  "The interviewer is speaking",
	"js.turn.listening": "The interviewer is listening",
	"js.turn.thinking":  "The interviewer is thinking",

	"js.quality":      "Connection: {rating} (round trip {rtt} ms, {loss}% packets lost)",
	"js.quality.good": "Good",
	"js.quality.fair": "Fair",
	"js.quality.poor": "Poor",

	"js.progress":    "Question {n} of {total}",
	"js.minute_left": "About one minute left.",
	"js.interrupted": "— interrupted",
	"js.retry":       "Try again",
	"js.mute":        "Mute",
	"js.unmute":      "Unmute",

	"js.meter.silent": "silent",
	"js.meter.quiet":  "quiet",
	"js.meter.good":   "good",

	"js.mic.start":   "Test my microphone",
	"js.mic.stop":    "Stop the test",
	"js.mic.stopped": "The test has stopped. Press the button to test again.",
	"js.mic.on":      "Your microphone is on. Speak: the bar should move. Nothing is sent or recorded.",
	"js.mic.quiet":   "We hear nothing yet. Check that the right microphone is selected and not muted, then speak.",
}
