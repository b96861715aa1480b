package realtime

import (
	"testing"

	"github.com/interviewd/interviewd/internal/interview"
)

// The events of ../shared/reference/openai-realtime.md, as OpenAI sends them.
const (
	refResponseDone = `{"type":"response.done","event_id":"event_CCXHxcMy86rrKhBLDdqCh",
 "response":{"object":"realtime.response","id":"resp_CCXHw0UJld10EzIUXQCNh","status":"completed","status_details":null,
  "output":[{"id":"item_CCXHwGjjDUfOXbiySlK7i","type":"message","status":"completed","role":"assistant",
             "content":[{"type":"output_audio","transcript":"Loud and clear! I can hear you perfectly. How can I help you today?"}]}],
  "conversation_id":"conv_CCXHsurMKcaVxIZvaCI5m","output_modalities":["audio"],"max_output_tokens":"inf",
  "audio":{"output":{"format":{"type":"audio/pcm","rate":24000},"voice":"alloy"}},
  "usage":{"total_tokens":253,"input_tokens":132,"output_tokens":121,
   "input_token_details":{"text_tokens":119,"audio_tokens":13,"image_tokens":0,"cached_tokens":64},
   "output_token_details":{"text_tokens":30,"audio_tokens":91}},"metadata":null}}`
	refTranscription = `{"type":"conversation.item.input_audio_transcription.completed","event_id":"event_CCXGRvtUVrax5SJAnNOWZ",
 "item_id":"item_CCXGQ4e1ht4cOraEYcuR2","content_index":0,"transcript":"Hey, can you hear me?",
 "usage":{"type":"tokens","total_tokens":22,"input_tokens":13,"input_token_details":{"text_tokens":0,"audio_tokens":13},"output_tokens":9}}`
)

func TestParseUsage(t *testing.T) {
	tests := []struct {
		name  string
		event string
		want  interview.Usage
		ok    bool
		err   bool
	}{
		{name: "response.done of the reference", event: refResponseDone, ok: true, want: interview.Usage{
			Kind: interview.UsageResponse, SourceID: "resp_CCXHw0UJld10EzIUXQCNh",
			UsageTokens: interview.UsageTokens{TextIn: 119, AudioIn: 13, CachedTextIn: 64, TextOut: 30, AudioOut: 91}}},
		{name: "transcription of the reference", event: refTranscription, ok: true, want: interview.Usage{
			Kind: interview.UsageTranscription, SourceID: "item_CCXGQ4e1ht4cOraEYcuR2",
			UsageTokens: interview.UsageTokens{AudioIn: 13, TextOut: 9}}},
		{name: "cached split", ok: true, event: `{"type":"response.done","response":{"id":"r1","usage":{"total_tokens":20,
			"input_tokens":15,"output_tokens":5,"input_token_details":{"text_tokens":10,"audio_tokens":5,"cached_tokens":7,
			"cached_tokens_details":{"text_tokens":4,"audio_tokens":3}},"output_token_details":{"text_tokens":2,"audio_tokens":3}}}}`,
			want: interview.Usage{Kind: interview.UsageResponse, SourceID: "r1", UsageTokens: interview.UsageTokens{
				TextIn: 10, AudioIn: 5, CachedTextIn: 4, CachedAudioIn: 3, TextOut: 2, AudioOut: 3}}},
		{name: "no details", ok: true, event: `{"type":"response.done","response":{"id":"r2","usage":{"input_tokens":8,"output_tokens":4}}}`,
			want: interview.Usage{Kind: interview.UsageResponse, SourceID: "r2", UsageTokens: interview.UsageTokens{TextIn: 8, TextOut: 4}}},
		{name: "transcription without details", ok: true,
			event: `{"type":"conversation.item.input_audio_transcription.completed","item_id":"i1","usage":{"type":"tokens","input_tokens":6,"output_tokens":2}}`,
			want:  interview.Usage{Kind: interview.UsageTranscription, SourceID: "i1", UsageTokens: interview.UsageTokens{AudioIn: 6, TextOut: 2}}},
		{name: "transcription by duration",
			event: `{"type":"conversation.item.input_audio_transcription.completed","item_id":"i2","usage":{"type":"duration","seconds":2.5}}`},
		{name: "response.done without usage", event: `{"type":"response.done","response":{"id":"r3","status":"cancelled"}}`},
		{name: "other event", event: `{"type":"response.created","response":{"id":"r4","usage":{"input_tokens":1}}}`},
		{name: "usage outside response", event: `{"type":"response.done","usage":{"input_tokens":1}}`},
		{name: "negative count", err: true, event: `{"type":"response.done","response":{"id":"r5","usage":{"input_tokens":-1}}}`},
		{name: "count over the bound", err: true, event: `{"type":"response.done","response":{"id":"r6","usage":{"output_tokens":100000001}}}`},
		{name: "no response id", err: true, event: `{"type":"response.done","response":{"usage":{"input_tokens":1}}}`},
		{name: "no item id", err: true, event: `{"type":"conversation.item.input_audio_transcription.completed","usage":{"input_tokens":1}}`},
		{name: "count not a number", err: true, event: `{"type":"response.done","response":{"id":"r7","usage":{"input_tokens":"1"}}}`},
		{name: "not JSON", err: true, event: `{"type":`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok, err := ParseUsage([]byte(tc.event))
			if (err != nil) != tc.err || ok != tc.ok {
				t.Fatalf("ok %v, err %v; want ok %v, error %v", ok, err, tc.ok, tc.err)
			}
			if got != tc.want {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestParseUsageTooLarge(t *testing.T) {
	b := make([]byte, MaxEventSize+1)
	if _, ok, err := ParseUsage(b); ok || err == nil {
		t.Errorf("ok %v, err %v; want an error", ok, err)
	}
}

func FuzzParseUsage(f *testing.F) {
	f.Add([]byte(refResponseDone))
	f.Add([]byte(refTranscription))
	f.Add([]byte(`{"type":"response.done","response":{"id":"r","usage":{"input_tokens":-1}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		u, ok, err := ParseUsage(b)
		switch {
		case ok && err != nil:
			t.Fatalf("ok with error %v", err)
		case ok && u.Validate() != nil:
			t.Fatalf("ok with an invalid usage %+v: %v", u, u.Validate())
		case !ok && u != (interview.Usage{}):
			t.Fatalf("not ok but %+v", u)
		}
	})
}
