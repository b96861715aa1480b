// @ts-check
// The recruiter's interview page, live: while the interview is open, poll
// its /live endpoint every two seconds, add the new transcript lines,
// and show the status and the question reached. When the status changes,
// or the first line arrives, the parts of the page that depend on them
// (the link and End controls, the decision panels, the timeline and the
// exports: the elements marked data-live-region) are fetched again as the
// server renders them and swapped in, so that no control outlives the
// state it belongs to. Without JavaScript the page's Refresh link does the
// same by hand. Server data arrives in the JSON script #live-data.

/**
 * @typedef {{seq: number, itemId: string, speaker: string, label: string, source: string, text: string, at: string, offset: string, interrupted: boolean}} LiveLine
 * @typedef {{status: string, statusLabel: string, open: boolean, progress: string, problems: number, lines: LiveLine[]}} LiveResponse
 */

import { enhanceCopyButtons } from "./copy.js";

const INTERVAL = 2000;
const MAX_INTERVAL = 30000;

const dataEl = document.getElementById("live-data");
const list = /** @type {HTMLOListElement | null} */ (document.querySelector("[data-live-transcript]"));
if (dataEl && list) follow(JSON.parse(dataEl.textContent || "{}"), list);

/**
 * @param {{url: string, after: number, problems: number}} data
 * @param {HTMLOListElement} list
 */
function follow(data, list) {
  const note = document.querySelector("[data-live-note]");
  const refresh = /** @type {HTMLElement | null} */ (document.querySelector("[data-live-refresh]"));
  const badge = /** @type {HTMLElement | null} */ (document.querySelector("[data-live-status]"));
  const announcer = document.querySelector("[data-live-announce]");
  let status = badge?.dataset.status || "";
  let hadLines = list.querySelector("li") !== null;
  const progress = /** @type {HTMLElement | null} */ (document.querySelector("[data-live-progress]"));
  let after = data.after;
  let problems = data.problems || 0;
  /** @type {Map<string, HTMLLIElement>} the lines shown, by item */
  const shown = new Map();
  for (const li of list.querySelectorAll("li[data-item-id]")) {
    shown.set(/** @type {HTMLLIElement} */ (li).dataset.itemId || "", /** @type {HTMLLIElement} */ (li));
  }
  let wait = INTERVAL;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  let busy = false; // a poll is in flight or scheduled
  let done = false; // the interview ended: nothing more will come
  if (note) note.textContent = "This interview is open: new lines appear here as they are said.";
  if (refresh) refresh.hidden = true;

  const poll = async () => {
    busy = true;
    timer = undefined;
    try {
      const res = await fetch(`${data.url}?after=${after}`, {
        credentials: "same-origin", headers: { Accept: "application/json" },
      });
      if (!res.ok) throw new Error(String(res.status));
      /** @type {LiveResponse} */
      const live = await res.json();
      // Seq is the spoken order: an entry stored late goes at its place and
      // the later ones move up by one. A line already shown that comes back
      // after `after` means that happened: ask again for every line, and put
      // them in the server's order.
      const full = after === 0;
      if (!full && live.lines.some((l) => shown.has(l.itemId))) {
        after = 0;
        busy = !done;
        timer = setTimeout(poll, 0);
        return;
      }
      for (const l of live.lines) {
        const li = shown.get(l.itemId) || lineElement(l);
        if (shown.has(l.itemId)) updateLine(li, l);
        if (full || !shown.has(l.itemId)) list.append(li);
        shown.set(l.itemId, li);
        after = Math.max(after, l.seq);
      }
      const firstLines = !hadLines && live.lines.length > 0;
      if (live.lines.length) {
        list.hidden = false;
        document.querySelector("[data-live-empty]")?.remove();
        hadLines = true;
      }
      if (progress && live.progress && progress.textContent !== live.progress) {
        progress.textContent = live.progress;
        progress.hidden = false;
      }
      const changed = live.status !== status;
      if (badge && changed) {
        badge.textContent = live.statusLabel;
        badge.className = `badge status-${live.status} large`;
        badge.dataset.status = live.status;
        if (announcer) announcer.textContent = `Interview status: ${live.statusLabel}`;
      }
      status = live.status;
      const newProblems = live.problems !== problems; // the timeline says what the candidate's page met
      problems = live.problems;
      if (changed || firstLines || newProblems) await refreshRegions(data.url.replace(/\/live$/, ""), badge);
      wait = INTERVAL;
      if (!live.open) {
        if (note) note.textContent = "The interview has ended.";
        done = true;
      }
    } catch {
      wait = Math.min(wait * 2, MAX_INTERVAL); // signed out, offline, restarting: slow down
    }
    busy = !done && !document.hidden;
    if (busy) timer = setTimeout(poll, wait);
  };

  // A hidden tab stops polling and catches up when shown again.
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && !busy && !done) poll();
  });
  busy = true;
  timer = setTimeout(poll, INTERVAL);
}

/**
 * Replaces each data-live-region of the page with the same region of the
 * page as the server renders it now. The focus stays on the same control
 * when the new region still has it; else it moves to the status badge, so
 * that it never falls back to the body.
 * @param {string} pageURL
 * @param {HTMLElement | null} fallback
 */
async function refreshRegions(pageURL, fallback) {
  let doc;
  try {
    const res = await fetch(pageURL, { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (!res.ok) return;
    doc = new DOMParser().parseFromString(await res.text(), "text/html");
  } catch {
    return; // the next change tries again; the Refresh link still works
  }
  const active = document.activeElement;
  /** @type {HTMLElement | null} */
  let refocus = null;
  for (const old of document.querySelectorAll("[data-live-region]")) {
    const name = /** @type {HTMLElement} */ (old).dataset.liveRegion || "";
    const fresh = doc.querySelector(`[data-live-region="${CSS.escape(name)}"]`);
    if (!fresh) continue;
    const held = active && old.contains(active) ? selectorOf(active) : null;
    const adopted = document.importNode(fresh, true);
    old.replaceWith(adopted);
    if (held !== null) refocus = (held && adopted.querySelector(held)) || fallback;
  }
  // Scripts in swapped markup do not run again: enhance its Copy buttons.
  enhanceCopyButtons(document);
  refocus?.focus();
}

/**
 * A selector that finds el again in the region rendered anew.
 * @param {Element} el
 * @returns {string}
 */
function selectorOf(el) {
  if (el.id) return `#${CSS.escape(el.id)}`;
  const testid = /** @type {HTMLElement} */ (el).dataset?.testid;
  return testid ? `[data-testid="${CSS.escape(testid)}"]` : "";
}

/**
 * One transcript line, as the server renders it.
 * @param {LiveLine} l
 * @returns {HTMLLIElement}
 */
function lineElement(l) {
  const li = document.createElement("li");
  li.className = `line ${l.speaker}`;
  li.dataset.testid = "transcript-line";
  li.dataset.itemId = l.itemId;
  const meta = document.createElement("div");
  meta.className = "meta";
  const who = document.createElement("span");
  who.className = "speaker";
  who.dataset.testid = "transcript-speaker";
  who.textContent = l.label;
  const source = document.createElement("span");
  source.dataset.testid = "transcript-source";
  source.title = SOURCE_TITLE;
  const when = document.createElement("time");
  meta.append(who, source, when);
  const text = document.createElement("p");
  text.className = "text";
  text.dataset.testid = "transcript-text";
  li.append(meta, text);
  updateLine(li, l);
  return li;
}

/** What the source mark means; the page's own lines carry the same title. */
const SOURCE_TITLE =
  "who wrote this line: the server's own channel to the call, the candidate's browser, or an integration";

/**
 * Brings a line up to date: its place, time, source, text and interrupted
 * mark (the server's own line replaces a browser's for the same item).
 * @param {HTMLLIElement} li
 * @param {LiveLine} l
 */
function updateLine(li, l) {
  li.dataset.seq = String(l.seq);
  li.dataset.at = l.at;
  const when = /** @type {HTMLTimeElement} */ (li.querySelector("time"));
  when.dateTime = l.at;
  when.textContent = l.offset;
  const source = /** @type {HTMLElement} */ (li.querySelector("[data-testid=transcript-source]"));
  source.className = `source ${l.source}`;
  source.textContent = l.source;
  /** @type {HTMLElement} */ (li.querySelector(".text")).textContent = l.text;
  let mark = li.querySelector(".interrupted");
  if (l.interrupted && !mark) {
    mark = document.createElement("p");
    mark.className = "interrupted";
    /** @type {HTMLElement} */ (mark).dataset.testid = "transcript-interrupted";
    mark.textContent = "— interrupted";
    li.append(mark);
  } else if (!l.interrupted) {
    mark?.remove();
  }
}
