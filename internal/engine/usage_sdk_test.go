package engine_test

import (
	"testing"
	"time"
	"unicode/utf8"

	"github.com/interviewd/interviewd/internal/testenv/peer"
)

// TestSDKResponseUsage: a call's response.done, received with the SDK,
// carries the engine's estimates: a second of audio is 20 output audio
// tokens, the transcript a token per four runes, the totals add up, and
// the second response reads (and has cached) the first one's input.
func TestSDKResponseUsage(t *testing.T) {
	sdk := startSDKEngine(t, toneSynth{time.Second})
	c := dialSDK(t, sdk, peer.Options{NoDataChannel: true})
	c.responseCreate()
	greeting := summarise(c.until("response.done"))
	c.until("output_audio_buffer.stopped")
	g := greeting.done.Response.Usage
	if g.OutputTokenDetails.AudioTokens != 20 || g.OutputTokenDetails.TextTokens <= int64(utf8.RuneCountInString(greeting.text)+3)/4 {
		t.Errorf("greeting %q: output usage %s, want 20 audio tokens and the transcript's and the call's text", greeting.text, g.RawJSON())
	}
	if g.InputTokenDetails.TextTokens != int64(utf8.RuneCountInString(sdkInstructions)+3)/4 || g.InputTokenDetails.CachedTokens != 0 {
		t.Errorf("greeting input usage %s, want the instructions' tokens and nothing cached", g.RawJSON())
	}
	c.userText("I built the payment service for a bank.")
	checkItemOnly(t, c, "a user text item", "message")
	c.responseCreate()
	second := summarise(c.until("response.done")).done.Response.Usage
	if second.InputTokenDetails.CachedTokensDetails.TextTokens != g.InputTokenDetails.TextTokens ||
		second.InputTokenDetails.TextTokens <= g.InputTokenDetails.TextTokens+g.OutputTokenDetails.TextTokens ||
		second.InputTokenDetails.AudioTokens != g.OutputTokenDetails.AudioTokens {
		t.Errorf("second input usage %s after greeting %s", second.RawJSON(), g.RawJSON())
	}
	for _, u := range []int64{g.TotalTokens - g.InputTokens - g.OutputTokens, second.TotalTokens - second.InputTokens - second.OutputTokens} {
		if u != 0 {
			t.Errorf("total differs from input + output by %d", u)
		}
	}
	c.hangup()
}
