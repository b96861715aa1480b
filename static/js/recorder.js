// @ts-check
// The room's recorder (docs/candidate-room.md, "Recording"): the microphone
// and the interviewer mixed with Web Audio, and the camera when the position
// asks for it, recorded with MediaRecorder and uploaded in chunks under the
// join link, one segment per peer connection. It never holds the call up.

/** Retries wait 1 s, doubling up to 15 s, or until the browser is online. */
const RETRY_MS = 1000, RETRY_MAX_MS = 15000;
/** The most bytes held for upload; past it the recording stops. */
export const MAX_QUEUED_BYTES = 64 << 20;
/** An upload unanswered this long is tried again. */
const UPLOAD_TIMEOUT_MS = 60000;
const BEGIN_TRIES = 5, AUDIO_BPS = 32000, VIDEO_BPS = 600000;

/** MediaRecorder types, best first, without and with the camera. */
const TYPES = {
  audio: ["audio/webm;codecs=opus", "audio/mp4"],
  video: ["video/webm;codecs=vp8,opus", "video/mp4"],
};

/**
 * @typedef {"off"|"recording"|"stopped"|"saving"|"saved"} RecorderState
 * @typedef {{segment: number, seq: number, blob: Blob} | {segment: number, finish: number}} Item
 * @typedef {{index: number, seq: number, max: number, rec: MediaRecorder, done: boolean}} Segment
 * @typedef {{segment: number, chunkMs: number, maxChunkBytes: number}} Grant
 */

/** @param {boolean} video @returns {string} the first type this browser records, or "" */
function recordingType(video) {
  if (typeof MediaRecorder === "undefined") return "";
  return TYPES[video ? "video" : "audio"].find((t) => MediaRecorder.isTypeSupported(t)) || "";
}

/**
 * Records the call in segments and uploads them. Events: "state"
 * (RecorderState, for the indicator) and "camera" (the camera's
 * MediaStream, for the self-view).
 */
export class Recorder extends EventTarget {
  /** @type {RecorderState} */ #state = "off";
  /** @type {AudioContext | null} */ #ctx = null;
  /** @type {MediaStreamAudioDestinationNode | null} */ #mix = null;
  /** @type {MediaStream | null} */ #micStream = null;
  /** @type {AudioNode | null} */ #remote = null; // the interviewer, in the mix
  /** @type {MediaStream | null} */ #camera = null;
  /** @type {Promise<void>} */ #cameraAsked = Promise.resolve();
  /** @type {Segment | null} */ #seg = null;
  #gen = 0; // bumped whenever a segment ends: a begin still under way is stale
  #open = 0; // segments whose MediaRecorder has not stopped and been finished yet
  #broken = false; // stopped for good: nothing more is recorded
  #ended = false;
  /** @type {Item[]} */ #queue = [];
  #queued = 0; // bytes in #queue
  #pumping = false;
  #backoff = RETRY_MS;

  /**
   * @param {{url: string, video: boolean}} opts url: the join link's recording endpoint
   */
  constructor(opts) {
    super();
    this.opts = opts;
  }

  /** @returns {RecorderState} */
  get state() { return this.#state; }

  /** In the Start click (which lets the AudioContext run): the mix, and the camera. */
  prepare() {
    if (this.#ctx || this.#broken) return;
    try {
      this.#ctx = new AudioContext();
      this.#mix = this.#ctx.createMediaStreamDestination();
    } catch {
      this.#fail();
      return;
    }
    if (this.opts.video) this.#cameraAsked = this.#openCamera();
  }

  /** Refused or missing, the camera is not recorded. */
  async #openCamera() {
    try {
      this.#camera = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 15 } },
      });
      this.dispatchEvent(new CustomEvent("camera", { detail: this.#camera }));
    } catch {
      this.#camera = null;
    }
  }

  /**
   * A new peer connection carries the call: the next segment.
   * @param {MediaStream | null} mic
   * @param {MediaStream} remote the interviewer
   */
  next(mic, remote) {
    this.cut();
    if (this.#broken || this.#ended || !this.#ctx) return;
    const gen = this.#gen;
    this.#begin(gen, mic, remote).catch(() => { if (gen === this.#gen) this.#fail(); });
  }

  /** The peer connection is gone: its segment ends. */
  cut() {
    this.#gen++;
    const seg = this.#seg;
    this.#seg = null;
    this.#remote?.disconnect();
    this.#remote = null;
    if (!seg || seg.rec.state === "inactive") return;
    try {
      seg.rec.stop(); // its last chunk, then "stop" finishes
    } catch {
      this.#finish(seg);
    }
  }

  /** The call ended: the segment ends, and the rest goes up. */
  end() {
    if (this.#ended) return;
    this.#ended = true;
    this.cut();
    if (this.#state === "recording") this.#show("saving");
    this.#settle();
  }

  /** The page is leaving: the finish goes as a keepalive request. */
  leave() {
    const seg = this.#seg;
    if (!seg || seg.done) return;
    seg.done = true;
    this.#open--;
    fetch(`${this.opts.url}/${seg.index}/finish`, {
      method: "POST", credentials: "same-origin", keepalive: true,
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ chunks: seg.seq }),
    }).catch(() => undefined);
  }

  /**
   * @param {number} gen
   * @param {MediaStream | null} mic
   * @param {MediaStream} remote
   */
  async #begin(gen, mic, remote) {
    await this.#cameraAsked;
    if (gen !== this.#gen) return;
    const video = !!this.#camera?.getVideoTracks().some((t) => t.readyState === "live");
    const type = recordingType(video);
    if (!type) throw new Error("no recording type");
    const grant = await this.#grant(gen, type, video);
    if (!grant) return;
    if (gen !== this.#gen) {
      this.#enqueue({ segment: grant.segment, finish: 0 }); // the call moved on before it began
      return;
    }
    this.#connect(mic, remote);
    const mix = /** @type {MediaStreamAudioDestinationNode} */ (this.#mix);
    const tracks = [...mix.stream.getAudioTracks(), ...(video ? this.#camera?.getVideoTracks() ?? [] : [])];
    const rec = new MediaRecorder(new MediaStream(tracks), {
      mimeType: type, audioBitsPerSecond: AUDIO_BPS, videoBitsPerSecond: VIDEO_BPS,
    });
    /** @type {Segment} */
    const seg = { index: grant.segment, seq: 0, max: grant.maxChunkBytes || 4 << 20, rec, done: false };
    rec.ondataavailable = (ev) => this.#chunk(seg, ev.data);
    rec.onstop = () => this.#finish(seg);
    rec.onerror = () => this.#fail();
    rec.start(grant.chunkMs || 4000);
    this.#open++;
    this.#seg = seg;
    this.#show("recording");
  }

  /**
   * Mixes the microphone (once) and this connection's remote audio.
   * @param {MediaStream | null} mic
   * @param {MediaStream} remote
   */
  #connect(mic, remote) {
    const ctx = /** @type {AudioContext} */ (this.#ctx), mix = /** @type {AudioNode} */ (this.#mix);
    ctx.resume().catch(() => undefined);
    if (mic && mic !== this.#micStream && mic.getAudioTracks().length) {
      this.#micStream = mic;
      ctx.createMediaStreamSource(mic).connect(mix);
    }
    if (remote.getAudioTracks().length) {
      this.#remote = ctx.createMediaStreamSource(remote);
      this.#remote.connect(mix);
    }
  }

  /**
   * Begins a segment on the server, retried over a failing network.
   * @param {number} gen
   * @param {string} type
   * @param {boolean} video
   * @returns {Promise<Grant | null>} null when nothing is to be recorded
   */
  async #grant(gen, type, video) {
    for (let i = 1; ; i++) {
      const res = await fetch(this.opts.url, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ mimeType: type, video }),
      }).catch(() => null);
      if (res?.ok) return res.json();
      if (res && res.status < 500) {
        const code = await errorCode(res);
        // Not recording yet, and the position does not record or the interview is over: nothing to say.
        if (res.status === 409 && /^(conflict|interview_closed)$/.test(code) && this.#state === "off") this.#broken = true;
        else this.#fail();
        return null;
      }
      if (i >= BEGIN_TRIES || gen !== this.#gen) throw new Error("the recording could not begin");
      await this.#sleep();
    }
  }

  /**
   * Queues a chunk, split to the server's limit (more seqs, same bytes).
   * @param {Segment} seg
   * @param {Blob} blob
   */
  #chunk(seg, blob) {
    if (!blob?.size || seg.done) return;
    for (let at = 0; at < blob.size; at += seg.max) {
      this.#enqueue({ segment: seg.index, seq: seg.seq++, blob: blob.slice(at, at + seg.max) });
    }
    if (this.#queued > MAX_QUEUED_BYTES) this.#fail();
  }

  /** @param {Segment} seg */
  #finish(seg) {
    if (seg.done) return;
    seg.done = true;
    this.#open--;
    this.#enqueue({ segment: seg.index, finish: seg.seq });
  }

  /** Stops recording for good; what is queued still goes up. */
  #fail() {
    if (this.#broken) return;
    this.#broken = true;
    this.cut();
    for (const t of this.#camera?.getTracks() ?? []) t.stop(); // only the recording used it
    this.#show("stopped");
  }

  /** @param {Item} item */
  #enqueue(item) {
    this.#queue.push(item);
    if ("blob" in item) this.#queued += item.blob.size;
    this.#pump();
  }

  /** Sends the queue in order, one request at a time. */
  async #pump() {
    if (this.#pumping) return;
    this.#pumping = true;
    while (this.#queue.length) {
      const item = this.#queue[0];
      const sent = await this.#send(item).catch(() => false);
      if (!sent) {
        await this.#sleep();
        continue;
      }
      this.#backoff = RETRY_MS;
      this.#drop((it) => it === item);
    }
    this.#pumping = false;
    this.#settle();
  }

  /**
   * One upload: false to try again later, true when done with it.
   * @param {Item} item
   * @returns {Promise<boolean>}
   */
  async #send(item) {
    const chunk = "blob" in item;
    const res = await fetch(`${this.opts.url}/${item.segment}/${chunk ? item.seq : "finish"}`, {
      method: chunk ? "PUT" : "POST", credentials: "same-origin",
      headers: { "Content-Type": chunk ? "application/octet-stream" : "application/json", Accept: "application/json" },
      body: chunk ? item.blob : JSON.stringify({ chunks: item.finish }),
      signal: AbortSignal.timeout?.(UPLOAD_TIMEOUT_MS),
    });
    if (res.ok) return true;
    if (res.status === 408 || res.status === 429 || res.status >= 500) return false;
    const code = await errorCode(res);
    if (res.status === 404 || code === "interview_closed") {
      this.#drop((it) => it.segment === item.segment); // the segment is gone or finalised
    } else if (res.status === 413) {
      this.#fail(); // the interview's recording is full: no chunk fits any more
      this.#drop((it) => "blob" in it);
    } else if (code !== "conflict") { // conflict: the server's bytes for this seq stay
      this.#fail(); // the link or cookie no longer admits this page
    }
    return true;
  }

  /** @param {(it: Item) => boolean} gone */
  #drop(gone) {
    this.#queue = this.#queue.filter((it) => {
      if (!gone(it)) return true;
      if ("blob" in it) this.#queued -= it.blob.size;
      return false;
    });
  }

  /** Waits the backoff, or until the browser is back online. */
  #sleep() {
    const ms = this.#backoff;
    this.#backoff = Math.min(this.#backoff * 2, RETRY_MAX_MS);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        window.removeEventListener("online", done);
        resolve(undefined);
      };
      const timer = setTimeout(done, ms);
      window.addEventListener("online", done);
    });
  }

  /** After the end, once all went up: saved; the devices go. */
  #settle() {
    if (!this.#ended || this.#queue.length || this.#open) return;
    if (this.#state === "saving") this.#show("saved");
    for (const t of this.#camera?.getTracks() ?? []) t.stop();
    this.#ctx?.close().catch(() => undefined);
    this.#ctx = null;
  }

  /** @param {RecorderState} state */
  #show(state) {
    if (state === this.#state) return;
    this.#state = state;
    this.dispatchEvent(new CustomEvent("state", { detail: state }));
  }
}

/** @param {Response} res @returns {Promise<string>} its JSON error's code, or "" */
async function errorCode(res) {
  const body = await res.json().catch(() => null);
  return String(body?.error?.code || "");
}

/**
 * The room's recorder with its indicator and self-view, when the page
 * says the position records ([data-room-recording]); else null.
 * @returns {Recorder | null}
 */
export function pageRecorder() {
  const box = /** @type {HTMLElement | null} */ (document.querySelector("[data-room-recording]"));
  if (!box?.dataset.recordUrl) return null;
  const recorder = new Recorder({ url: box.dataset.recordUrl, video: box.dataset.record === "video" });
  const status = /** @type {HTMLElement} */ (box.querySelector("[data-room-recording-status]"));
  const text = /** @type {HTMLElement} */ (box.querySelector("[data-room-recording-text]"));
  const camera = /** @type {HTMLVideoElement | null} */ (box.querySelector("[data-room-camera]"));
  recorder.addEventListener("state", (ev) => {
    const state = /** @type {RecorderState} */ (/** @type {CustomEvent} */ (ev).detail);
    box.hidden = state === "off";
    status.dataset.state = state;
    text.textContent = status.getAttribute(`data-say-${state}`) || text.textContent;
    if (camera && state !== "recording") camera.hidden = true;
  });
  recorder.addEventListener("camera", (ev) => {
    if (!camera) return;
    camera.srcObject = /** @type {CustomEvent} */ (ev).detail;
    camera.hidden = false;
    camera.play().catch(() => undefined);
  });
  return recorder;
}
