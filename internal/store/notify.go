package store

import "github.com/interviewd/interviewd/internal/interview"

// MaxNotifyPayload is the largest payload Notify sends: PostgreSQL refuses
// 8,000 bytes and more, and both stores keep to the same limit.
const MaxNotifyPayload = 7000

// CheckNotify validates a Notifier channel name (lower-case letters, digits
// and _, not starting with a digit, at most 63 bytes: a PostgreSQL
// identifier needing no quotes) and payload size, for both stores.
func CheckNotify(channel, payload string) error {
	if len(payload) > MaxNotifyPayload {
		return interview.Errorf(interview.CodeInvalid, "notify %s: payload of %d bytes exceeds %d", channel, len(payload), MaxNotifyPayload)
	}
	if channel == "" || len(channel) > 63 {
		return interview.Errorf(interview.CodeInvalid, "notify: channel name %q must be 1 to 63 bytes", channel)
	}
	for i, r := range channel {
		if !(r >= 'a' && r <= 'z' || r == '_' || i > 0 && r >= '0' && r <= '9') {
			return interview.Errorf(interview.CodeInvalid, "notify: channel name %q may hold a-z, 0-9 and _ only", channel)
		}
	}
	return nil
}
