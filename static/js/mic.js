// @ts-check
// The microphone and the errors of a call: what the landing page's
// microphone check needs, without the call's own script (rtc.js), which
// imports it from here; and the page's words in the candidate's language.

/** @type {Record<string, string> | null} */
let words = null;

/**
 * The page's words for key, in the page's language: the i18n catalogue's
 * "js." keys, which the server puts in the JSON script #candidate-text
 * (no second fetch). Each {name} in the text is filled from vars. A key
 * the page lacks comes back as it is.
 * @param {string} key
 * @param {Record<string, string | number>} [vars]
 * @returns {string}
 */
export function say(key, vars) {
  if (!words) {
    const el = document.getElementById("candidate-text");
    words = /** @type {Record<string, string>} */ (el ? JSON.parse(el.textContent || "{}") : {});
  }
  let text = words[key] ?? key;
  for (const [name, value] of Object.entries(vars || {})) text = text.replaceAll(`{${name}}`, String(value));
  return text;
}

export class CallError extends Error {
  /** @param {string} code @param {string} [message] */
  constructor(code, message) {
    super(message || code);
    this.code = code;
  }
}

/**
 * Asks for the microphone, with the browser's echo cancellation so that
 * the interviewer's voice is not sent back. Automatic gain control and
 * noise suppression are off: they pump and smear the signal between words,
 * which measurably hurts recognition (one answer went from 0 % to 43 % word
 * errors with the local engine), and the providers do their own noise
 * reduction (OpenAI's near_field filter, the engine's adaptive noise floor).
 * @param {MediaStreamConstraints} [constraints]
 * @returns {Promise<MediaStream>}
 */
export async function openMicrophone(constraints) {
  if (!navigator.mediaDevices?.getUserMedia) throw new CallError("UNSUPPORTED");
  try {
    return await navigator.mediaDevices.getUserMedia(
      constraints || { audio: { echoCancellation: true, noiseSuppression: false, autoGainControl: false } });
  } catch (e) {
    throw new CallError(micErrorCode(e));
  }
}

/**
 * The call code of a getUserMedia failure.
 * @param {unknown} e
 * @returns {string}
 */
export function micErrorCode(e) {
  const name = e instanceof DOMException ? e.name : "";
  switch (name) {
    case "NotAllowedError":
    case "SecurityError":
      return "MIC_DENIED";
    case "NotReadableError":
    case "AbortError":
      return "MIC_BUSY";
  }
  return "MIC_MISSING"; // NotFoundError, OverconstrainedError, …
}
