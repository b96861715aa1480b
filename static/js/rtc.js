// @ts-check
// The interview call: interviewd's signalling protocol (docs/signaling.md)
// and WebRTC in the candidate's browser, with the seed's message names.
//
//   token ← GET tokenUrl                        (the candidate cookie admits)
//   WebSocket url?token=…&session=INTERVIEW_ID
//   getUserMedia → RTCPeerConnection: data channel "oai-events", mic track
//   → {"type":"sdp_offer","sdp":…}  ← {"type":"sdp_answer","sdp":…}
//   ← {"type":"session",…} ← {"type":"transcript","entry":…} ← {"type":"error",…}
//   ← {"type":"progress","question":2,"total":5}
//   → {"type":"ping"} ← {"type":"pong"}   → {"type":"end"}
//   → {"type":"transcript","events":[…]}    (the data channel's final transcript events and end_interview, each with receivedAt; the recent ones again after resumed or session)
//   → {"type":"resume","callId":…} ← {"type":"resumed",…} or an error (then an offer)
//
// The interviewer's voice plays in an <audio> element; transcript lines come
// from the data channel (provider events, immediate) and from the server's
// echo of what it stored (authoritative, with a seq); both carry the
// provider's item ID, so a line shows once. After a drop (signalling or
// media) the call reconnects within the grace window: a new token (each
// admits one socket), a new socket, and, when the peer connection is still
// up, a resume of the same call; otherwise a new call of the same
// interview. docs/candidate-room.md has the states, codes and rules.

import { CallError, openMicrophone } from "./mic.js";

export { CallError, micErrorCode, openMicrophone } from "./mic.js";

/**
 * @typedef {"idle"|"connecting"|"live"|"reconnecting"|"ended"|"error"} CallState
 * @typedef {{state: CallState, code?: string, message?: string}} StateDetail
 * @typedef {"interviewer"|"candidate"|"system"|"unknown"} Speaker
 * @typedef {{itemId: string, speaker: Speaker, text: string, final: boolean, seq?: number, interrupted?: boolean}} TranscriptDetail
 * @typedef {{callId: string, expiresAt: string}} SessionDetail
 * @typedef {{question: number, total: number}} ProgressDetail
 * @typedef {{token: string, url: string, expiresAt: string}} Grant
 *
 * @typedef {object} CallOptions
 * @property {string} interviewId
 * @property {string} tokenUrl   GET: {token, url, expiresAt}
 * @property {string} [endUrl]   POST {interviewId}: ends the interview when signalling cannot
 * @property {HTMLAudioElement | null} [audio]  plays the interviewer
 * @property {number} [graceMs]  how long to try reconnecting after a drop (default 25 s)
 * @property {number} [iceWaitMs]  longest wait for ICE gathering before the offer (default 1.5 s)
 * @property {number} [pingMs]  application ping interval (default 15 s)
 * @property {MediaStreamConstraints} [constraints]
 * @property {(s: StateDetail) => void} [onConnectionStateChange]  the seed's callback name
 * @property {(t: TranscriptDetail) => void} [onTranscriptUpdate]  the seed's callback name
 */

/** Codes after which trying again cannot help. */
const TERMINAL = new Set([
  "UNAUTHORIZED", "FORBIDDEN", "INTERVIEW_NOT_FOUND", "INTERVIEW_CLOSED", "TAKEN_OVER",
  "UPSTREAM_REJECTED", "BAD_MESSAGE", "MESSAGE_TOO_LARGE",
  "MIC_DENIED", "MIC_MISSING", "MIC_BUSY", "UNSUPPORTED",
]);

/** The data channel's events that carry a final transcript line, or the
 * interviewer's end_interview, which the room forwards to the server as a
 * witness (docs/signaling.md). */
const WITNESS = new Set([
  "conversation.item.input_audio_transcription.completed", "response.output_audio_transcript.done",
  "response.output_text.done", "conversation.item.added", "conversation.item.done", "conversation.item.created",
  "response.function_call_arguments.done",
]);
/** How many recent witness events the room sends again after a resume or a
 * new call: what an instance that died held back, or said while no server
 * listened. */
const WITNESS_RECENT = 40;
/** The server's limits of one transcript message, and how many events wait for a socket. */
const WITNESS_BYTES = 32 * 1024 - 64, WITNESS_EVENTS = 50, WITNESS_QUEUE = 500;
/** How long a resume may wait for its answer before the room offers instead. */
const RESUME_WAIT_MS = 8000;

/** WebSocket close codes of the protocol, and what they mean here. */
const CLOSE_ENDED = new Set([1000, 4009]);
/** @type {Record<number, string>} */
const CLOSE_ERRORS = { 4004: "INTERVIEW_NOT_FOUND", 4010: "TAKEN_OVER", 4011: "UPSTREAM_UNAVAILABLE", 1008: "BAD_MESSAGE", 1009: "MESSAGE_TOO_LARGE" };

/** The API's error codes (JSON errors of the token endpoint) as call codes. */
/** @type {Record<string, string>} */
const API_CODES = { unauthorized: "UNAUTHORIZED", forbidden: "FORBIDDEN", not_found: "INTERVIEW_NOT_FOUND", interview_closed: "INTERVIEW_CLOSED" };


/**
 * One candidate's interview call. Events: "state" (StateDetail),
 * "transcript" (TranscriptDetail), "session" (SessionDetail), "progress"
 * (ProgressDetail), "stream" (the microphone's MediaStream, once granted),
 * "provider" (each data channel event, parsed: room.js shows who speaks),
 * "remote" (the interviewer's MediaStream, once per peer connection, when
 * it first connects) and "remoteend" (that peer connection closed): the
 * room's recorder makes each connection one segment.
 */
export class InterviewCall extends EventTarget {
  /** @type {CallState} */ #state = "idle";
  /** @type {MediaStream | null} */ #stream = null;
  /** @type {WebSocket | null} */ #ws = null;
  /** @type {RTCPeerConnection | null} */ #pc = null;
  #attempt = 0; // bumped on every (re)connection: callbacks of older ones are ignored
  #dropAt = 0; // when the current outage began, 0 while connected
  #backoff = 500;
  #wasLive = false;
  #ending = false;
  #endPosted = false;
  #muted = false;
  /** @type {{code: string, message: string} | null} */ #lastError = null;
  /** @type {ReturnType<typeof setTimeout> | undefined} */ #retry;
  /** @type {ReturnType<typeof setTimeout> | undefined} */ #unstable;
  /** @type {ReturnType<typeof setInterval> | undefined} */ #ping;
  /** @type {Map<string, string>} */ #partial = new Map();
  #callId = ""; // the call the peer connection holds, from the session message
  #resuming = false; // a resume was sent and not yet answered
  /** @type {string[]} */ #witness = []; // final transcript events (JSON) not yet sent
  /** @type {string[]} */ #recent = []; // the last WITNESS_RECENT of them, sent or not
  /** @type {MediaStream | null} */ #remote = null; // the interviewer's audio on the current peer connection
  /** @type {RTCPeerConnection | null} */ #announced = null; // the peer connection "remote" was sent for

  /** @param {CallOptions} opts */
  constructor(opts) {
    super();
    this.opts = { graceMs: 25000, iceWaitMs: 1500, pingMs: 15000, ...opts };
  }

  /** @returns {CallState} */
  get state() { return this.#state; }
  /** @returns {MediaStream | null} */
  get stream() { return this.#stream; }
  /** @returns {boolean} */
  get muted() { return this.#muted; }

  /** The peer connection's statistics, or null while there is none
   * (room.js's connection quality). @returns {Promise<RTCStatsReport | null>} */
  async getStats() { return this.#pc ? this.#pc.getStats() : null; }

  /** Asks for the microphone and connects. */
  async start() {
    if (this.#state !== "idle") return;
    this.#set("connecting");
    try {
      this.#stream = await openMicrophone(this.opts.constraints);
    } catch (e) {
      this.#fail(e instanceof CallError ? e.code : "MIC_MISSING");
      return;
    }
    this.#applyMute();
    this.dispatchEvent(new CustomEvent("stream", { detail: this.#stream }));
    await this.#connect();
  }

  /** Ends the interview: over signalling when it is up, else through endUrl. */
  async end() {
    if (this.#state === "ended" || this.#state === "error" || this.#ending) return;
    this.#ending = true;
    const ws = this.#ws;
    if (ws && ws.readyState === WebSocket.OPEN && this.#state === "live") {
      send(ws, { type: "end" });
      // The server closes the socket once the transcript is stored; if it
      // does not within a few seconds, end through the API instead.
      this.#retry = setTimeout(() => this.#endByAPI(), 6000);
      return;
    }
    await this.#endByAPI();
  }

  /** @param {boolean} muted */
  setMuted(muted) {
    this.#muted = muted;
    this.#applyMute();
  }

  /** Hangs up locally without ending the interview (the page is leaving). */
  close() {
    this.#attempt++;
    this.#teardown();
    this.#stopMicrophone();
  }

  #applyMute() {
    for (const t of this.#stream?.getAudioTracks() ?? []) t.enabled = !this.#muted;
  }

  async #connect() {
    const attempt = ++this.#attempt;
    this.#teardownSocket();
    if (!this.#canResume()) this.#closePeer();
    try {
      const grant = await this.#fetchToken();
      if (attempt !== this.#attempt) return;
      const ws = await this.#openSocket(grant, attempt);
      if (attempt !== this.#attempt) return;
      this.#flushWitness();
      if (this.#canResume()) {
        this.#resume(ws, attempt);
        return;
      }
      this.#closePeer();
      await this.#offer(ws, attempt);
    } catch (e) {
      this.#dropped(attempt, e instanceof CallError ? e.code : "NETWORK");
    }
  }

  /** @returns {Promise<Grant>} */
  async #fetchToken() {
    let res;
    try {
      res = await fetch(this.opts.tokenUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
    } catch {
      throw new CallError("NETWORK");
    }
    if (res.ok) return res.json();
    const body = await res.json().catch(() => ({}));
    const code = API_CODES[body?.error?.code] || (res.status === 429 ? "RATE_LIMITED" : "UPSTREAM_UNAVAILABLE");
    throw new CallError(code, body?.error?.message);
  }

  /**
   * @param {Grant} grant
   * @param {number} attempt
   * @returns {Promise<WebSocket>}
   */
  #openSocket(grant, attempt) {
    const q = new URLSearchParams({ token: grant.token, session: this.opts.interviewId });
    const ws = new WebSocket(`${grant.url}?${q}`);
    this.#ws = ws;
    ws.onmessage = (ev) => { if (attempt === this.#attempt) this.#onMessage(ev); };
    return new Promise((resolve, reject) => {
      ws.onopen = () => {
        ws.onclose = (ev) => { if (attempt === this.#attempt) this.#onClose(ev); };
        resolve(ws);
      };
      // Refused before the upgrade: the browser learns no reason. The next
      // attempt's token request says it if it is final (closed, forbidden).
      ws.onclose = () => reject(new CallError("NETWORK"));
    });
  }

  /**
   * @param {WebSocket} ws
   * @param {number} attempt
   */
  async #offer(ws, attempt) {
    if (typeof RTCPeerConnection === "undefined") throw new CallError("UNSUPPORTED");
    const pc = new RTCPeerConnection();
    this.#pc = pc;
    // The data channel and the track come before the offer, so that the
    // offer has an application section and a sending audio section.
    const dc = pc.createDataChannel("oai-events");
    // The peer may outlive this socket (a resume), so its callbacks count
    // while it is the call's peer, not while the attempt is current.
    dc.onmessage = (ev) => { if (pc === this.#pc) this.#onEvent(ev.data); };
    const stream = /** @type {MediaStream} */ (this.#stream);
    for (const track of stream.getAudioTracks()) pc.addTrack(track, stream);
    pc.ontrack = (ev) => this.#play(ev);
    pc.onconnectionstatechange = () => { if (pc === this.#pc) this.#onPeerState(pc.connectionState); };
    await pc.setLocalDescription(await pc.createOffer());
    // The server relays no trickled candidates upstream: the offer must
    // carry them, so wait for gathering (quick on a real network; bounded).
    await iceGathered(pc, /** @type {number} */ (this.opts.iceWaitMs));
    if (attempt !== this.#attempt) return;
    send(ws, { type: "sdp_offer", sdp: pc.localDescription?.sdp });
    this.#ping = setInterval(() => send(ws, { type: "ping" }), this.opts.pingMs);
  }

  /** Whether the peer connection still carries the call, so that a new
   * socket can resume it instead of offering a new one. */
  #canResume() {
    return !!this.#callId && this.#pc?.connectionState === "connected";
  }

  /**
   * Asks the server to re-attach this socket to the call the peer
   * connection holds; an error, or no answer in time, falls back to a new
   * offer on the same socket.
   * @param {WebSocket} ws
   * @param {number} attempt
   */
  #resume(ws, attempt) {
    this.#resuming = true;
    send(ws, { type: "resume", callId: this.#callId });
    this.#ping = setInterval(() => send(ws, { type: "ping" }), this.opts.pingMs);
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => { if (attempt === this.#attempt && this.#resuming) this.#resumeFailed(ws, attempt); }, RESUME_WAIT_MS);
  }

  /**
   * @param {WebSocket} ws
   * @param {number} attempt
   */
  #resumeFailed(ws, attempt) {
    this.#resuming = false;
    clearInterval(this.#ping);
    this.#closePeer();
    this.#offer(ws, attempt).catch(() => this.#dropped(attempt, "NETWORK"));
  }

  #resumed() {
    if (!this.#resuming) return;
    this.#resuming = false;
    clearTimeout(this.#retry);
    this.#dropAt = 0;
    this.#lastError = null;
    this.#backoff = 500;
    this.#set("live");
    this.#replayWitness();
  }

  /** @param {RTCTrackEvent} ev */
  #play(ev) {
    this.#remote = ev.streams[0] || new MediaStream([ev.track]);
    const audio = this.opts.audio;
    if (!audio) return;
    audio.srcObject = this.#remote;
    audio.play().catch(() => { /* autoplay refused: the Start click normally allows it */ });
  }

  /** @param {MessageEvent} ev */
  #onMessage(ev) {
    let m;
    try {
      m = JSON.parse(ev.data);
    } catch {
      return;
    }
    switch (m.type) {
      case "sdp_answer":
        this.#pc?.setRemoteDescription({ type: "answer", sdp: m.sdp })
          .catch(() => this.#dropped(this.#attempt, "UPSTREAM_UNAVAILABLE"));
        break;
      case "resumed":
        this.#resumed();
        break;
      case "session":
        this.#callId = String(m.callId || "");
        this.#replayWitness();
        this.dispatchEvent(new CustomEvent("session", { detail: { callId: m.callId, expiresAt: m.expiresAt } }));
        break;
      case "transcript":
        if (m.entry) {
          const e = m.entry;
          this.#transcript({ itemId: e.itemId, speaker: e.speaker, text: e.text, final: true, seq: e.seq, interrupted: !!e.interrupted });
        }
        break;
      case "progress":
        if (m.question > 0 && m.total > 0) {
          this.dispatchEvent(new CustomEvent("progress", { detail: { question: m.question, total: m.total } }));
        }
        break;
      case "error":
        this.#onError(String(m.code || "INTERNAL"), String(m.message || ""));
        break;
    }
  }

  /**
   * An error message. Most are followed by the socket closing, which
   * decides; those that leave it open mean the call is gone but the
   * interview goes on (offer again), except a dropped message.
   * @param {string} code
   * @param {string} message
   */
  #onError(code, message) {
    this.#lastError = { code, message };
    if (code === "RATE_LIMITED" || code === "BAD_MESSAGE") return;
    const attempt = this.#attempt;
    if (this.#resuming && !TERMINAL.has(code) && code !== "INTERVIEW_CLOSED") {
      const ws = this.#ws;
      if (ws) this.#resumeFailed(ws, attempt); // the call cannot be resumed here: a new one
      return;
    }
    setTimeout(() => {
      if (attempt === this.#attempt && this.#ws?.readyState === WebSocket.OPEN && !this.#ending) {
        this.#closePeer(); // the server's call is gone: the next one is new
        this.#dropped(attempt, code);
      }
    }, 250);
  }

  /** @param {CloseEvent} ev */
  #onClose(ev) {
    if (this.#ending) {
      // The server has stored the transcript and ended the interview; the
      // API call makes sure of it (an interview that never started only
      // hangs up over signalling) and is harmless otherwise.
      this.#endByAPI();
      return;
    }
    if (CLOSE_ENDED.has(ev.code)) {
      this.#finish();
      return;
    }
    const code = CLOSE_ERRORS[ev.code];
    if (code) {
      this.#fail(this.#lastError?.code || code, this.#lastError?.message);
      return;
    }
    this.#dropped(this.#attempt, "NETWORK"); // 1001 restart, 1006 network, 1011 …
  }

  /** @param {RTCPeerConnectionState} s */
  #onPeerState(s) {
    clearTimeout(this.#unstable);
    switch (s) {
      case "connected":
        this.#dropAt = 0;
        this.#lastError = null;
        this.#backoff = 500;
        this.#wasLive = true;
        this.#set("live");
        this.#announce();
        break;
      case "disconnected": { // often comes back by itself within seconds
        if (this.#state === "live") this.#set("reconnecting");
        const pc = this.#pc;
        this.#unstable = setTimeout(() => { if (pc === this.#pc) this.#dropped(this.#attempt, "NETWORK"); }, 5000);
        break;
      }
      case "failed":
        this.#dropped(this.#attempt, "NETWORK");
        break;
    }
  }

  /**
   * The connection is lost or could not be made: try again with a new
   * token and a new call until the grace window has passed.
   * @param {number} attempt
   * @param {string} code
   */
  #dropped(attempt, code) {
    if (attempt !== this.#attempt || this.#state === "ended" || this.#state === "error") return;
    if (code === "INTERVIEW_CLOSED" || this.#ending) {
      this.#finish();
      return;
    }
    if (TERMINAL.has(code)) {
      this.#fail(code, this.#lastError?.code === code ? this.#lastError.message : undefined);
      return;
    }
    if (!this.#dropAt) this.#dropAt = Date.now();
    const left = this.#dropAt + /** @type {number} */ (this.opts.graceMs) - Date.now();
    if (left <= 0) {
      this.#fail(this.#wasLive ? "CONNECTION_LOST" : code === "NETWORK" ? "CONNECT_FAILED" : code);
      return;
    }
    this.#attempt++; // callbacks of the lost connection are stale from now
    this.#teardownSocket();
    if (!this.#canResume()) this.#closePeer(); // else the call goes on while signalling comes back
    this.#set(this.#wasLive ? "reconnecting" : "connecting");
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => this.#connect(), Math.min(this.#backoff, left));
    this.#backoff = Math.min(this.#backoff * 2, 4000);
  }

  /** @param {string} data */
  #onEvent(data) {
    let m;
    try {
      m = JSON.parse(data);
    } catch {
      return;
    }
    if (WITNESS.has(m.type)) this.#witnessEvent(m);
    this.dispatchEvent(new CustomEvent("provider", { detail: m }));
    const id = String(m.item_id || "");
    switch (m.type) {
      case "response.output_audio_transcript.delta":
      case "response.audio_transcript.delta":
      case "response.output_text.delta": {
        const text = (this.#partial.get(id) || "") + (m.delta || "");
        this.#partial.set(id, text);
        this.#transcript({ itemId: id, speaker: "interviewer", text, final: false });
        break;
      }
      case "response.output_audio_transcript.done":
      case "response.audio_transcript.done":
      case "response.output_text.done":
        this.#partial.delete(id);
        this.#transcript({ itemId: id, speaker: "interviewer", text: m.transcript ?? m.text ?? "", final: true });
        break;
      case "conversation.item.input_audio_transcription.completed":
        this.#transcript({ itemId: id, speaker: "candidate", text: m.transcript || "", final: true });
        break;
    }
  }

  /**
   * Keeps a final transcript event for the server, which stores it when
   * no sideband of its own hears the call (a cut, a handover), and sends
   * what waits when the socket is open. Only events that carry a line, and
   * end_interview, go; each with receivedAt, when it arrived here (ms).
   * @param {any} m
   */
  #witnessEvent(m) {
    const item = m.item;
    const text = item ? (item.type === "message" && (item.content || []).some((/** @type {any} */ c) => c?.text || c?.transcript))
      : (m.transcript || m.text);
    const end = m.type === "response.function_call_arguments.done" && m.name === "end_interview";
    if (!end && (!text || (!m.item_id && !item?.id))) return;
    const data = JSON.stringify({ ...m, receivedAt: Date.now() });
    this.#recent.push(data);
    if (this.#recent.length > WITNESS_RECENT) this.#recent.shift();
    this.#witness.push(data);
    if (this.#witness.length > WITNESS_QUEUE) this.#witness.shift();
    this.#flushWitness();
  }

  /** Queues the recent events again, before those waiting, and sends them:
   * the server that now reads the call stores what it never heard. */
  #replayWitness() {
    const waiting = new Set(this.#witness);
    this.#witness = [...this.#recent.filter((ev) => !waiting.has(ev)), ...this.#witness];
    this.#flushWitness();
  }

  /** Sends the waiting events in messages within the server's limits. */
  #flushWitness() {
    const ws = this.#ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    const enc = new TextEncoder();
    /** @type {string[]} */ let batch = [];
    let size = 0;
    const flush = () => {
      if (batch.length) ws.send(`{"type":"transcript","events":[${batch.join(",")}]}`);
      batch = [];
      size = 0;
    };
    for (const ev of this.#witness) {
      const n = enc.encode(ev).length + 1;
      if (n > WITNESS_BYTES) continue; // no message can carry it
      if (batch.length === WITNESS_EVENTS || size + n > WITNESS_BYTES) flush();
      batch.push(ev);
      size += n;
    }
    flush();
    this.#witness = [];
  }

  /** @param {TranscriptDetail} t */
  #transcript(t) {
    if (!t.itemId || !t.text) return;
    this.opts.onTranscriptUpdate?.(t);
    this.dispatchEvent(new CustomEvent("transcript", { detail: t }));
  }

  async #endByAPI() {
    if (this.#endPosted) return;
    this.#endPosted = true;
    clearTimeout(this.#retry);
    this.#attempt++;
    this.#teardown();
    if (this.opts.endUrl) {
      await fetch(this.opts.endUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ interviewId: this.opts.interviewId }),
      }).catch(() => undefined);
    }
    this.#finish();
  }

  #finish() {
    clearTimeout(this.#retry);
    this.#attempt++;
    this.#teardown();
    this.#stopMicrophone();
    this.#set("ended");
  }

  /**
   * @param {string} code
   * @param {string} [message]
   */
  #fail(code, message) {
    clearTimeout(this.#retry);
    this.#attempt++;
    this.#teardown();
    this.#stopMicrophone();
    this.#set("error", code, message);
  }

  #teardown() {
    this.#teardownSocket();
    this.#closePeer();
  }

  #teardownSocket() {
    clearInterval(this.#ping);
    this.#resuming = false;
    const ws = this.#ws;
    this.#ws = null;
    if (ws) {
      ws.onclose = ws.onmessage = ws.onopen = null;
      if (ws.readyState <= WebSocket.OPEN) ws.close(1000);
    }
  }

  /** Says once per peer connection that its media flows (the recorder's segment). */
  #announce() {
    if (!this.#remote || this.#announced === this.#pc) return;
    this.#announced = this.#pc;
    this.dispatchEvent(new CustomEvent("remote", { detail: this.#remote }));
  }

  #closePeer() {
    clearTimeout(this.#unstable);
    const pc = this.#pc;
    this.#pc = null;
    this.#callId = "";
    this.#remote = null;
    if (pc && pc === this.#announced) {
      this.#announced = null;
      this.dispatchEvent(new CustomEvent("remoteend"));
    }
    if (pc) {
      pc.onconnectionstatechange = null;
      pc.close();
    }
    this.#partial.clear();
  }

  #stopMicrophone() {
    for (const t of this.#stream?.getTracks() ?? []) t.stop();
  }

  /**
   * @param {CallState} state
   * @param {string} [code]
   * @param {string} [message]
   */
  #set(state, code, message) {
    if (state === this.#state && !code) return;
    this.#state = state;
    /** @type {StateDetail} */
    const detail = { state, code, message };
    this.opts.onConnectionStateChange?.(detail);
    this.dispatchEvent(new CustomEvent("state", { detail }));
  }
}


/**
 * @param {WebSocket} ws
 * @param {object} msg
 */
function send(ws, msg) {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
}

/**
 * Resolves when ICE gathering is complete, or after ms.
 * @param {RTCPeerConnection} pc
 * @param {number} ms
 * @returns {Promise<void>}
 */
function iceGathered(pc, ms) {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener("icegatheringstatechange", check);
      resolve();
    };
    const check = () => { if (pc.iceGatheringState === "complete") done(); };
    const timer = setTimeout(done, ms);
    pc.addEventListener("icegatheringstatechange", check);
  });
}
