// Package blobs keeps recordings' bytes: Files on the local disk under
// DATA_DIR/recordings (the default) and Supabase on a Supabase Storage
// bucket (RECORDINGS_STORE=supabase). Both implement recording.Blobs.
//
// For helper C (cmd/interviewd wiring): call
//
//	blobs, publisher, err := blobs.FromConfig(ctx, cfg, httpClient)
//
// in cmd/interviewd/services.go; it returns the recording.Blobs that
// RECORDINGS_STORE names and, when API_VIDEO_KEY is set, the api.video
// recording.Publisher (nil otherwise).
package blobs
