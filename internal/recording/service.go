package recording

// Service takes the room's uploads, finalises segments and serves and
// deletes recordings (helper C).
type Service struct{}
