// @ts-check
// The candidate's interview room: wires the page to the call (rtc.js) and
// the microphone meter (miccheck.js). Server data arrives in the JSON
// script #room-data (templates.RoomData).

import { InterviewCall } from "./rtc.js";
import { attachMeter, reportProblem } from "./miccheck.js";
import { say } from "./mic.js";
import { Turns, turnText, qualityOf, qualityText } from "./presence.js";
import { pageRecorder } from "./recorder.js";

/**
 * @typedef {import("./rtc.js").StateDetail} StateDetail
 * @typedef {import("./rtc.js").TranscriptDetail} TranscriptDetail
 * @typedef {import("./rtc.js").ProgressDetail} ProgressDetail
 * @typedef {{interviewId: string, tokenUrl: string, startUrl: string, endUrl: string,
 *   maxMinutes: number, endsAt: string, graceSeconds: number}} RoomData
 */

// The room's words are the page's (say: the i18n catalogue's js. keys in
// #candidate-text): state.*, error.*, speaker.*, turn.*, quality.

/** Error codes that say what another code says. */
/** @type {Record<string, string>} */
const SAME_AS = { MESSAGE_TOO_LARGE: "BAD_MESSAGE", CONNECT_FAILED: "NETWORK" };

/**
 * What the room says for an error code (docs/candidate-room.md): its
 * words, else the server's message, else "something went wrong".
 * @param {string} code
 * @param {string} [message]
 * @returns {string}
 */
function errorText(code, message) {
  const key = `error.${SAME_AS[code] || code}`;
  const text = say(key);
  return text !== key ? text : message || say("error.INTERNAL");
}

/** @param {string} speaker @returns {string} */
function speakerLabel(speaker) {
  const key = `speaker.${speaker}`;
  const text = say(key);
  return text !== key ? text : say("speaker.unknown");
}

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

// The recorder, when the position records (recorder.js): each peer
// connection of the call is one segment; it never holds the call up.
const recorder = pageRecorder();
call.addEventListener("remote", (ev) => recorder?.next(call.stream, /** @type {CustomEvent} */ (ev).detail));
call.addEventListener("remoteend", () => recorder?.cut());

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
  ui.state.textContent = text || (state === "error" ? "" : say(`state.${state}`));
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
    recorder?.end();
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
  ui.speakerText.textContent = turnText(turns.turn);
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
    show("error", errorText(d.code || "", d.message));
    ui.state.dataset.code = d.code || "";
    reportProblem(d.code || ""); // the recruiter's timeline says why nothing happened
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
  ui.progress.textContent = say("progress", { n: Math.min(p.question, p.total), total: p.total });
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
    who.textContent = speakerLabel(t.speaker);
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
    mark.textContent = say("interrupted");
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
      ui.state.textContent = `${say("state.live")} ${say("minute_left")}`;
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
  ui.join.textContent = say("retry");
  ui.join.onclick = () => location.reload();
}

/**
 * The seed's start call (pending → ready), then the call itself.
 */
async function join() {
  ui.join.hidden = true;
  ui.state.focus(); // the button is gone: the status says what happens
  recorder?.prepare(); // in the click, which lets its AudioContext run
  try {
    const res = await fetch(data.startUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ interviewId: data.interviewId }),
    });
    if (res.status === 409) return show("ended", errorText("INTERVIEW_CLOSED"));
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
  ui.mute.textContent = say(muted ? "unmute" : "mute");
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
window.addEventListener("pagehide", () => {
  recorder?.leave();
  call.close();
});

ui.controls.hidden = false;
show("idle");
