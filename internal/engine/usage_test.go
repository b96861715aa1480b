package engine

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/openai/openai-go/v3/realtime"
)

// decodeSDK decodes an event as the engine sends it with the official SDK.
func decodeSDK(t *testing.T, v any) realtime.RealtimeServerEventUnion {
	t.Helper()
	var ev realtime.RealtimeServerEventUnion
	if err := json.Unmarshal(encode(v), &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestTranscriptionUsageDecodesWithSDK(t *testing.T) {
	tests := []struct {
		name             string
		audio            time.Duration
		transcript       string
		audioIn, textOut int64
	}{
		{"the reference's example", 1300 * time.Millisecond, "Hey, can you hear me?", 13, 6},
		{"silence", 0, "", 0, 0},
		{"a part second rounds up", 1010 * time.Millisecond, "Yes.", 11, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := decodeSDK(t, transcriptionCompletedEvent{
				header: hdr("conversation.item.input_audio_transcription.completed"), ItemID: "item_1",
				Transcript: tt.transcript, Usage: transcriptionUsage(tt.audio, tt.transcript)})
			u := ev.AsConversationItemInputAudioTranscriptionCompletedEvent().Usage
			tok := u.AsConversationItemInputAudioTranscriptionCompletedEventUsageTranscriptTextUsageTokens()
			if tok.Type != "tokens" || tok.InputTokenDetails.AudioTokens != tt.audioIn || tok.InputTokenDetails.TextTokens != 0 ||
				tok.InputTokens != tt.audioIn || tok.OutputTokens != tt.textOut || tok.TotalTokens != tt.audioIn+tt.textOut {
				t.Errorf("usage %s: want %d audio in, %d out", u.RawJSON(), tt.audioIn, tt.textOut)
			}
		})
	}
}

func TestResponseUsageDecodesWithSDK(t *testing.T) {
	var u usageTally
	const instr = "Ask one question." // 17 runes: 5 tokens
	first := u.response(instr, textTokens("Hello there, Ada."), audioTokens(1500*time.Millisecond, outputAudioTokensPerSec))
	u.addText("I built a bank's payment service.")        // 33 runes: 9 tokens
	u.addAudio(2 * time.Second)                           // 20 tokens
	second := u.response(instr, textTokens("Why us?"), 0) // 2 tokens
	third := u.response("New instructions.", 1, 0)

	for _, tt := range []struct {
		name                    string
		usage                   *usageObject
		textIn, audioIn         int64
		cachedText, cachedAudio int64
		textOut, audioOut       int64
	}{
		{"first: instructions only, nothing cached", first, 5, 0, 0, 0, 5, 30},
		{"second: the conversation so far, the first's input cached", second, 5 + 5 + 9, 30 + 20, 5, 0, 2, 0},
		{"new instructions: nothing cached", third, 17/4 + 1 + 5 + 9 + 2, 50, 0, 0, 1, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ev := decodeSDK(t, responseEvent{header: hdr("response.done"),
				Response: responseObject{Object: "realtime.response", ID: "resp_1", Status: "completed", Usage: tt.usage}})
			got := ev.AsResponseDoneEvent().Response.Usage
			in, out := got.InputTokenDetails, got.OutputTokenDetails
			if in.TextTokens != tt.textIn || in.AudioTokens != tt.audioIn || out.TextTokens != tt.textOut || out.AudioTokens != tt.audioOut {
				t.Errorf("usage %s: want text/audio in %d/%d, out %d/%d", got.RawJSON(), tt.textIn, tt.audioIn, tt.textOut, tt.audioOut)
			}
			if in.CachedTokensDetails.TextTokens != tt.cachedText || in.CachedTokensDetails.AudioTokens != tt.cachedAudio ||
				in.CachedTokens != tt.cachedText+tt.cachedAudio {
				t.Errorf("cached %s: want text %d, audio %d", got.RawJSON(), tt.cachedText, tt.cachedAudio)
			}
			if got.InputTokens != tt.textIn+tt.audioIn || got.OutputTokens != tt.textOut+tt.audioOut ||
				got.TotalTokens != got.InputTokens+got.OutputTokens {
				t.Errorf("totals %s do not add up", got.RawJSON())
			}
		})
	}
}

func TestLongerAnswerMoreOutputTokens(t *testing.T) {
	var a, b usageTally
	short := a.response("", textTokens("Thanks."), audioTokens(time.Second, outputAudioTokensPerSec))
	long := b.response("", textTokens("Thanks, that was a thorough answer; let us move on."),
		audioTokens(4*time.Second, outputAudioTokensPerSec))
	if long.OutputTokens <= short.OutputTokens || long.OutputTokenDetails.TextTokens <= short.OutputTokenDetails.TextTokens ||
		long.OutputTokenDetails.AudioTokens <= short.OutputTokenDetails.AudioTokens {
		t.Errorf("longer answer %+v, shorter %+v", long, short)
	}
}
