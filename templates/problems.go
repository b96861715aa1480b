package templates

import "github.com/interviewd/interviewd/internal/interview"

// ProblemLabel is what the recruiter reads for a problem the candidate's
// page reported.
func ProblemLabel(c interview.ProblemCode) string {
	switch c {
	case interview.ProblemMicDenied:
		return "The candidate's microphone was blocked"
	case interview.ProblemMicMissing:
		return "No microphone was found on the candidate's device"
	case interview.ProblemMicBusy:
		return "The candidate's microphone was in use by another application"
	case interview.ProblemUnsupported:
		return "The candidate's browser cannot use a microphone or make calls"
	case interview.ProblemConnectFailed:
		return "The candidate's call could not connect"
	case interview.ProblemConnectionLost:
		return "The candidate's connection was lost and not restored"
	}
	return "The candidate's page reported a problem (" + string(c) + ")"
}
