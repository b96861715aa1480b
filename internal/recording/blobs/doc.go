// Package blobs keeps recordings' bytes: Files on the local disk under
// DATA_DIR/recordings (the default) and Supabase on a Supabase Storage
// bucket (RECORDINGS_STORE=supabase). Both implement recording.Blobs.
//
// For helper C (cmd/interviewd wiring): call
//
//	store, publisher, err := blobs.FromConfig(ctx, cfg, httpClient)
//
// in cmd/interviewd/services.go (config.go); it returns the
// recording.Blobs that RECORDINGS_STORE names and, when API_VIDEO_KEY is
// set, the api.video recording.Publisher (nil otherwise). With supabase it
// makes the bucket at start, so a wrong key fails the start.
package blobs
