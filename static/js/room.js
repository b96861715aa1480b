// @ts-check
// The candidate's interview room: wires the page to the call (rtc.js) and
// the microphone meter (miccheck.js). Server data arrives in the JSON
// script #room-data (templates.RoomData).

import { InterviewCall } from "./rtc.js";
import { attachMeter, MIC_MESSAGES } from "./miccheck.js";
import { Turns, TURN_TEXT, qualityOf, qualityText } from "./presence.js";

/**
 * @typedef {import("./rtc.js").StateDetail} StateDetail
 * @typedef {import("./rtc.js").TranscriptDetail} TranscriptDetail
 * @typedef {import("./rtc.js").ProgressDetail} ProgressDetail
 * @typedef {{interviewId: string, tokenUrl: string, startUrl: string, endUrl: string,
 *   maxMinutes: number, endsAt: string, graceSeconds: number}} RoomData
 */

/** What the room says in each state. */
/** @type {Record<string, string>} */
const STATE_TEXT = {
  idle: 'Press "Start the interview" when you are ready.',
  connecting: "Connecting to the interviewer… please wait before you speak.",
  live: "You are live: you can speak now. The interviewer will start.",
  reconnecting: "The connection dropped. Reconnecting… your interview continues where it stopped.",
  ending: "Ending the interview and saving the transcript…",
  ended: "The interview has ended. Thank you! You can close this page.",
};

/** What the room says for each error code (docs/candidate-room.md). */
/** @type {Record<string, string>} */
const ERROR_TEXT = {
  ...MIC_MESSAGES,
  UNAUTHORIZED: "Your access to this interview has run out. Open the link from your invitation again.",
  FORBIDDEN: "This browser may not join the interview. Open the link from your invitation again and give your consent.",
  INTERVIEW_NOT_FOUND: "This interview could not be found. Check the link in your invitation.",
  INTERVIEW_CLOSED: "This interview has already ended.",
  TAKEN_OVER: "The interview continued in another window or tab. Close this one.",
  UPSTREAM_UNAVAILABLE: "The AI interviewer cannot be reached right now. Wait a few minutes, then try again.",
  UPSTREAM_REJECTED: "The AI interviewer could not start the call. Please tell the organisation that invited you.",
  BAD_MESSAGE: "Your browser and the server did not understand each other. Reload the page to try again.",
  MESSAGE_TOO_LARGE: "Your browser and the server did not understand each other. Reload the page to try again.",
  RATE_LIMITED: "Too many attempts to connect. Wait a minute, then try again.",
  SHUTTING_DOWN: "The server is restarting. Wait a moment, then try again.",
  INTERNAL: "Something went wrong on our side. Try again in a moment.",
  NETWORK: "The connection could not be made. Check your internet connection, then try again.",
  CONNECT_FAILED: "The connection could not be made. Check your internet connection, then try again.",
  CONNECTION_LOST: "The connection was lost and could not be restored. Try again: if the interview is still open, it continues.",
};

const LABELS = { interviewer: "Interviewer", candidate: "You", system: "System", unknown: "Unknown" };

/** @param {string} sel */
function $(sel) {
  return /** @type {HTMLElement} */ (document.querySelector(sel));
}

const data = /** @type {RoomData} */ (JSON.parse($("#room-data").textContent || "{}"));
const ui = {
  controls: $("[data-room-controls]"),
  state: $("[data-room-state]"),
  countdown: $("[data-room-countdown]"),
  meter: $("[data-room-controls] [data-meter]"),
  join: /** @type {HTMLButtonElement} */ ($("[data-room-join]")),
  mute: /** @type {HTMLButtonElement} */ ($("[data-room-mute]")),
  end: /** @type {HTMLButtonElement} */ ($("[data-room-end]")),
  confirm: $("[data-room-confirm]"),
  yes: /** @type {HTMLButtonElement} */ ($("[data-room-end-yes]")),
  no: /** @type {HTMLButtonElement} */ ($("[data-room-end-no]")),
  progress: $("[data-room-progress]"),
  speaker: $("[data-room-speaker]"),
  speakerText: $("[data-room-speaker-text]"),
  quality: $("[data-room-quality]"),
  qualityText: $("[data-room-quality-text]"),
  timer: $("[data-room-timer]"),
  ended: $("[data-room-ended]"),
  endedHeading: $("[data-room-ended-heading]"),
  transcript: $("[data-room-transcript]"),
  empty: document.querySelector("[data-room-empty]"),
  audio: /** @type {HTMLAudioElement} */ ($("[data-room-audio]")),
};

const call = new InterviewCall({
  interviewId: data.interviewId, tokenUrl: data.tokenUrl, endUrl: data.endUrl,
  audio: ui.audio, graceMs: (data.graceSeconds || 25) * 1000,
});

/** @type {number} the end of the time limit, ms since the epoch; 0 until known */
let endsAt = data.endsAt ? Date.parse(data.endsAt) : 0;
/** @type {ReturnType<typeof setInterval> | undefined} */
let ticking;
/** @type {null | (() => void)} */
let stopMeter = null;
const turns = new Turns();
/** @type {ReturnType<typeof setInterval> | undefined} */
let sampling;

/**
 * @param {string} state
 * @param {string} [text]
 */
function show(state, text) {
  ui.state.dataset.state = state;
  ui.state.textContent = text || STATE_TEXT[state] || "";
  const active = state === "connecting" || state === "live" || state === "reconnecting";
  ui.mute.disabled = !active;
  ui.end.disabled = !active;
  if (!active) closeConfirm(false);
  ui.speaker.hidden = state !== "live" && state !== "reconnecting";
  if (state === "live") startQuality();
  if (state === "ended" || state === "error") {
    clearInterval(ticking);
    clearInterval(sampling);
    ui.quality.hidden = true;
    stopMeter?.();
    stopMeter = null;
  }
  if (state === "ended") showEnded();
}

/** The controls and the frozen timer give way to the thank-you, which
 * takes the focus. */
function showEnded() {
  if (!ui.ended.hidden) return;
  ui.controls.hidden = true;
  ui.timer.hidden = true;
  ui.ended.hidden = false;
  ui.endedHeading.focus();
}

/** The indicator of whose turn it is; not a live region: it changes with
 * every sentence, and the transcript already announces what is said. */
function showTurn() {
  ui.speaker.dataset.state = turns.turn;
  ui.speakerText.textContent = TURN_TEXT[turns.turn];
}

/** Samples the connection's quality every 2 s while the call is live. */
function startQuality() {
  if (sampling) return;
  const last = { lost: 0, total: 0 };
  sampling = setInterval(async () => {
    if (call.state !== "live") return;
    const report = await call.getStats().catch(() => null);
    const q = report && qualityOf(report, last);
    if (!q) return;
    ui.quality.dataset.quality = q.rating;
    ui.qualityText.textContent = qualityText(q);
    ui.quality.hidden = false;
  }, 2000);
}

call.addEventListener("state", (ev) => {
  const d = /** @type {StateDetail} */ (/** @type {CustomEvent} */ (ev).detail);
  if (d.state === "error") {
    show("error", ERROR_TEXT[d.code || ""] || d.message || ERROR_TEXT.INTERNAL);
    ui.state.dataset.code = d.code || "";
    offerRetry(d.code || "");
    return;
  }
  show(d.state);
  if (d.state === "live") startCountdown(data.maxMinutes * 60000);
});

call.addEventListener("stream", (ev) => {
  stopMeter = attachMeter(/** @type {CustomEvent} */ (ev).detail, ui.meter);
});

call.addEventListener("session", (ev) => {
  const t = Date.parse(/** @type {CustomEvent} */ (ev).detail.expiresAt || "");
  if (t) endsAt = t; // the server's time limit is the one that counts
});

// The question the interviewer reached, as the server recorded it
// (templates.ProgressText says it the same way).
call.addEventListener("progress", (ev) => {
  const p = /** @type {ProgressDetail} */ (/** @type {CustomEvent} */ (ev).detail);
  ui.progress.textContent = `Question ${Math.min(p.question, p.total)} of ${p.total}`;
  ui.progress.hidden = false;
});

call.addEventListener("provider", (ev) => {
  if (turns.see(/** @type {CustomEvent} */ (ev).detail?.type || "")) showTurn();
});

call.addEventListener("transcript", (ev) => {
  addLine(/** @type {TranscriptDetail} */ (/** @type {CustomEvent} */ (ev).detail));
});

/**
 * Shows a transcript line, once per item: a later event for the same item
 * (the rest of the text, or the server's stored line) updates it.
 * @param {TranscriptDetail} t
 */
function addLine(t) {
  let li = /** @type {HTMLLIElement | null} */ (ui.transcript.querySelector(`li[data-item-id="${CSS.escape(t.itemId)}"]`));
  const stick = nearBottom();
  if (!li) {
    li = document.createElement("li");
    li.className = `line ${t.speaker}`;
    li.dataset.itemId = t.itemId;
    li.dataset.testid = "room-line";
    const meta = document.createElement("div");
    meta.className = "meta";
    const who = document.createElement("span");
    who.className = "speaker";
    who.textContent = LABELS[t.speaker] || LABELS.unknown;
    meta.append(who);
    const text = document.createElement("p");
    text.className = "text";
    text.dataset.testid = "room-line-text";
    li.append(meta, text);
    ui.transcript.append(li);
    ui.empty?.remove();
  }
  if (t.seq && li.dataset.seq !== String(t.seq)) place(li, t.seq);
  if (t.final || li.dataset.final !== "true") {
    /** @type {HTMLElement} */ (li.querySelector(".text")).textContent = t.text;
  }
  if (t.final) li.dataset.final = "true";
  if (t.interrupted && !li.querySelector(".interrupted")) {
    const mark = document.createElement("p");
    mark.className = "interrupted";
    mark.dataset.testid = "room-line-interrupted";
    mark.textContent = "— interrupted";
    li.append(mark);
  }
  if (stick) li.scrollIntoView({ block: "nearest" });
}

/**
 * Puts a stored line at its place. Seq is the spoken order: stored lines
 * go by seq, before the lines not stored yet (the server stores in spoken
 * order, so those come later). A line stored late at its place moves the
 * later ones' seq up by one: when another line already has this seq, the
 * lines from it on move up too.
 * @param {HTMLLIElement} li
 * @param {number} seq
 */
function place(li, seq) {
  const lines = /** @type {HTMLElement[]} */ ([...ui.transcript.children]).filter((l) => l !== li);
  if (lines.some((l) => Number(l.dataset.seq) === seq)) {
    for (const l of lines) if (Number(l.dataset.seq) >= seq) l.dataset.seq = String(Number(l.dataset.seq) + 1);
  }
  li.dataset.seq = String(seq);
  const later = lines.find((l) => !l.dataset.seq || Number(l.dataset.seq) > seq);
  ui.transcript.insertBefore(li, later || null);
}

function nearBottom() {
  return window.innerHeight + window.scrollY >= document.body.scrollHeight - 120;
}

/** @param {number} ms the interview's length, when the server has not said when it ends */
function startCountdown(ms) {
  if (!endsAt) endsAt = Date.now() + ms;
  clearInterval(ticking);
  let warned = false;
  const tick = () => {
    const left = Math.max(0, endsAt - Date.now());
    const s = Math.ceil(left / 1000);
    ui.countdown.textContent = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
    if (s <= 60 && !warned) {
      warned = true;
      ui.countdown.classList.add("low");
      ui.state.textContent = `${STATE_TEXT.live} About one minute left.`;
    }
  };
  tick();
  ticking = setInterval(tick, 1000);
}

/** After an error that trying again may mend, the Start button reloads. */
/** @param {string} code */
function offerRetry(code) {
  if (code === "INTERVIEW_CLOSED" || code === "TAKEN_OVER" || code === "INTERVIEW_NOT_FOUND") return;
  ui.join.hidden = false;
  ui.join.disabled = false;
  ui.join.textContent = "Try again";
  ui.join.onclick = () => location.reload();
}

/**
 * The seed's start call (pending → ready), then the call itself.
 */
async function join() {
  ui.join.hidden = true;
  ui.state.focus(); // the button is gone: the status says what happens
  try {
    const res = await fetch(data.startUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ interviewId: data.interviewId }),
    });
    if (res.status === 409) return show("ended", ERROR_TEXT.INTERVIEW_CLOSED);
  } catch {
    // The call's own token request will say what is wrong.
  }
  await call.start();
}

function openConfirm() {
  ui.confirm.hidden = false;
  ui.end.setAttribute("aria-expanded", "true");
  ui.no.focus(); // the first button, the safe choice
}

/** @param {boolean} refocus */
function closeConfirm(refocus) {
  if (ui.confirm.hidden) return;
  ui.confirm.hidden = true;
  ui.end.setAttribute("aria-expanded", "false");
  if (refocus) ui.end.focus();
}

ui.join.addEventListener("click", () => { if (call.state === "idle") join(); });
ui.mute.addEventListener("click", () => {
  const muted = !call.muted;
  call.setMuted(muted);
  ui.mute.setAttribute("aria-pressed", String(muted));
  ui.mute.textContent = muted ? "Unmute" : "Mute";
});
ui.end.addEventListener("click", openConfirm);
ui.no.addEventListener("click", () => closeConfirm(true));
ui.confirm.addEventListener("keydown", (ev) => { if (ev.key === "Escape") closeConfirm(true); });
ui.yes.addEventListener("click", () => {
  closeConfirm(false);
  show("ending");
  ui.end.disabled = true;
  ui.mute.disabled = true;
  call.end();
});
window.addEventListener("pagehide", () => call.close());

ui.controls.hidden = false;
show("idle");
