// @ts-check
// The microphone level meter, and the microphone check of the candidate's
// landing page. The check stays in the browser: the stream goes to an
// AnalyserNode and nowhere else, and stops when the check does.
//
// A meter is an element with role="meter" (aria-valuenow 0–100) holding a
// [data-meter-bar] child whose width shows the level.

import { CallError, micErrorCode, say } from "./mic.js";

/**
 * What the check says for a way getting the microphone can fail
 * (MIC_DENIED, MIC_MISSING, MIC_BUSY, UNSUPPORTED).
 * @param {string} code
 * @returns {string}
 */
function micMessage(code) {
  const key = `error.${code}`;
  const text = say(key);
  return text === key ? say("error.MIC_MISSING") : text;
}

/** The problems the recruiter is told of (interview.ProblemCodes). */
const PROBLEMS = new Set(["MIC_DENIED", "MIC_MISSING", "MIC_BUSY", "UNSUPPORTED", "CONNECT_FAILED", "CONNECTION_LOST"]);

/**
 * Tells the recruiter that this page met a problem: its code only, for the
 * join link in the address (POST /join/{token}/problem,
 * docs/candidate-room.md). The server hears only the browser the link
 * admitted; a report that fails changes nothing for the candidate.
 * @param {string} code
 */
export function reportProblem(code) {
  const link = location.pathname.match(/^\/join\/[^/]+/);
  if (!link || !PROBLEMS.has(code)) return;
  fetch(`${link[0]}/problem`, {
    method: "POST", credentials: "same-origin", keepalive: true,
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ code }),
  }).catch(() => undefined);
}

/**
 * Shows the level of stream on meter until the returned function is called.
 * @param {MediaStream} stream
 * @param {HTMLElement} meter
 * @returns {() => void} stops the meter
 */
export function attachMeter(stream, meter) {
  const Ctx = window.AudioContext || /** @type {any} */ (window).webkitAudioContext;
  const ctx = /** @type {AudioContext} */ (new Ctx());
  ctx.resume().catch(() => undefined);
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 1024;
  ctx.createMediaStreamSource(stream).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  let last = -1;
  const timer = setInterval(() => {
    analyser.getFloatTimeDomainData(samples);
    const level = levelOf(samples);
    if (level !== last) {
      showLevel(meter, level);
      last = level;
    }
  }, 100);
  return () => {
    clearInterval(timer);
    showLevel(meter, 0);
    ctx.close().catch(() => undefined);
  };
}

/**
 * The loudness of samples on a 0–100 scale: the RMS level from −60 dBFS
 * (0) to 0 dBFS (100).
 * @param {Float32Array} samples
 * @returns {number}
 */
export function levelOf(samples) {
  let sum = 0;
  for (const v of samples) sum += v * v;
  const rms = Math.sqrt(sum / samples.length);
  const db = 20 * Math.log10(rms || 1e-9);
  return Math.max(0, Math.min(100, Math.round(((db + 60) * 100) / 60)));
}

/**
 * @param {HTMLElement} meter
 * @param {number} level
 */
function showLevel(meter, level) {
  meter.setAttribute("aria-valuenow", String(level));
  meter.setAttribute("aria-valuetext", say(level < 5 ? "meter.silent" : level < 35 ? "meter.quiet" : "meter.good"));
  const bar = /** @type {HTMLElement | null} */ (meter.querySelector("[data-meter-bar]"));
  if (bar) bar.style.width = `${level}%`;
}

/**
 * The landing page's check: a button that starts and stops the microphone,
 * the meter, and a polite status line.
 * @param {HTMLElement} root
 */
function enhanceCheck(root) {
  const button = /** @type {HTMLButtonElement} */ (root.querySelector("[data-mic-start]"));
  const meter = /** @type {HTMLElement} */ (root.querySelector("[data-meter]"));
  const status = /** @type {HTMLElement} */ (root.querySelector("[data-mic-status]"));
  /** @type {null | (() => void)} */
  let stop = null;
  root.hidden = false;
  button.addEventListener("click", async () => {
    if (stop) {
      stop();
      stop = null;
      button.textContent = say("mic.start");
      status.textContent = say("mic.stopped");
      return;
    }
    button.disabled = true;
    try {
      stop = await startCheck(meter, status);
      button.textContent = say("mic.stop");
    } catch (e) {
      const code = e instanceof CallError ? e.code : micErrorCode(e);
      status.textContent = micMessage(code);
      // Only a browser that has consented is admitted (the way into the
      // room shows): before that nothing about the candidate is recorded.
      if (document.querySelector("[data-testid=enter-room]")) reportProblem(code);
    } finally {
      button.disabled = false;
    }
  });
}

/**
 * @param {HTMLElement} meter
 * @param {HTMLElement} status
 * @returns {Promise<() => void>}
 */
async function startCheck(meter, status) {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new CallError("UNSUPPORTED");
  }
  // The raw signal: the browser's noise suppression would hide a quiet
  // microphone, which is what the check is for.
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
  });
  const detach = attachMeter(stream, meter);
  status.textContent = say("mic.on");
  const quiet = setTimeout(() => {
    if (Number(meter.getAttribute("aria-valuenow")) < 5) {
      status.textContent = say("mic.quiet");
    }
  }, 4000);
  return () => {
    clearTimeout(quiet);
    detach();
    for (const t of stream.getTracks()) t.stop();
  };
}

const check = /** @type {HTMLElement | null} */ (document.querySelector("[data-mic-check]"));
if (check) enhanceCheck(check);
