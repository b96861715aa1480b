// @ts-check
// What the room shows beside the call's state: whose turn it is, from the
// data channel's provider events, and how good the connection is, from
// RTCPeerConnection.getStats (docs/candidate-room.md).

import { say } from "./mic.js";

/** @typedef {"waiting"|"speaking"|"listening"|"thinking"} Turn */

/**
 * What the indicator says in a turn, in the page's language.
 * @param {Turn} turn
 * @returns {string}
 */
export function turnText(turn) {
  return say(`turn.${turn}`);
}

/**
 * The interviewer's turn, from provider events. Over WebRTC the audio
 * plays after the response is done, so once the output audio buffer has
 * started, its stop (not response.done) ends the speaking.
 */
export class Turns {
  /** @type {Turn} */ turn = "waiting";
  #playing = false;

  /**
   * @param {string} type a provider event's type
   * @returns {boolean} whether the turn changed
   */
  see(type) {
    const next = this.#after(type);
    if (!next || next === this.turn) return false;
    this.turn = next;
    return true;
  }

  /** @param {string} type @returns {Turn | null} */
  #after(type) {
    switch (type) {
      case "input_audio_buffer.speech_started":
        return "listening";
      case "input_audio_buffer.speech_stopped":
      case "input_audio_buffer.committed":
      case "conversation.item.create":
      case "response.created":
        return this.#playing ? null : "thinking";
      case "output_audio_buffer.started":
        this.#playing = true;
        return "speaking";
      case "response.output_audio.delta":
      case "response.audio.delta":
      case "response.output_audio_transcript.delta":
      case "response.audio_transcript.delta":
      case "response.output_text.delta":
        return "speaking";
      case "output_audio_buffer.stopped":
      case "output_audio_buffer.cleared":
        this.#playing = false;
        return "listening";
      case "response.done":
        return this.#playing ? null : "listening";
    }
    return null;
  }
}

/** @typedef {{rating: "good"|"fair"|"poor", rttMs: number, lossPct: number}} Quality */

/**
 * The quality of the candidate's audio path from a getStats report: the
 * round-trip time of the selected candidate pair (else of the remote
 * inbound RTP report) and the share of the candidate's audio packets lost
 * since the last report, as the far end reports them (else, before its
 * first report, of the interviewer's audio as received).
 * @param {RTCStatsReport} report
 * @param {{lost: number, total: number}} last the previous counts, updated
 * @returns {Quality | null} null before there is a round-trip time
 */
export function qualityOf(report, last) {
  let rtt = NaN;
  const sent = { lost: 0, total: 0, seen: false };
  const got = { lost: 0, total: 0, seen: false };
  report.forEach((/** @type {any} */ s) => {
    if (s.type === "candidate-pair" && s.nominated && s.state === "succeeded" && s.currentRoundTripTime !== undefined) {
      rtt = s.currentRoundTripTime * 1000;
    } else if (s.type === "remote-inbound-rtp" && s.kind === "audio") {
      if (Number.isNaN(rtt) && s.roundTripTime !== undefined) rtt = s.roundTripTime * 1000;
      sent.seen = true;
      sent.lost += Math.max(0, s.packetsLost || 0);
    } else if (s.type === "outbound-rtp" && s.kind === "audio") {
      sent.total += s.packetsSent || 0;
    } else if (s.type === "inbound-rtp" && s.kind === "audio") {
      got.seen = true;
      got.lost += Math.max(0, s.packetsLost || 0);
      got.total += Math.max(0, s.packetsLost || 0) + (s.packetsReceived || 0);
    }
  });
  if (Number.isNaN(rtt)) return null;
  const c = sent.seen ? sent : got;
  const dLost = Math.max(0, c.lost - last.lost);
  const dTotal = Math.max(0, c.total - last.total);
  last.lost = c.lost;
  last.total = c.total;
  const lossPct = dTotal > 0 ? (100 * dLost) / dTotal : 0;
  const rating = rtt > 400 || lossPct > 5 ? "poor" : rtt > 200 || lossPct > 1 ? "fair" : "good";
  return { rating, rttMs: Math.round(rtt), lossPct: Math.round(lossPct * 10) / 10 };
}

/** @param {Quality} q @returns {string} the quality with its numbers, in the page's language */
export function qualityText(q) {
  const loss = q.lossPct.toLocaleString(document.documentElement.lang || "en");
  return say("quality", { rating: say(`quality.${q.rating}`), rtt: q.rttMs, loss });
}
