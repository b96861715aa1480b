// @ts-check
// The replay page: the recording's parts (one <audio> or <video> each)
// beside the transcript. Each line's link is a media fragment of its part
// (PART#t=SECONDS), which plays there without JavaScript. With it, the
// line being played is marked (aria-current and a highlight) as the
// recording plays, a click on a line (or Enter on its link) seeks the
// right part to it and plays, and the next part plays when one ends.

/** @type {HTMLMediaElement[]} */
const players = Array.from(document.querySelectorAll("[data-replay] [data-part]:is(audio, video)"));
/** @type {HTMLElement[]} */
const lines = Array.from(document.querySelectorAll("[data-replay-lines] li[data-part]"));

/**
 * partOf reads an element's part index.
 * @param {HTMLElement} el
 * @returns {number}
 */
const partOf = (el) => Number(el.dataset.part);

/**
 * playerOf returns the player of a part, if the page plays it.
 * @param {number} part
 * @returns {HTMLMediaElement | undefined}
 */
const playerOf = (part) => players.find((p) => partOf(p) === part);

/** @type {HTMLElement | null} */
let current = null;

/**
 * mark makes line the current one (null: none), scrolling it into view
 * within the transcript when it changes.
 * @param {HTMLElement | null} line
 */
function mark(line) {
  if (line === current) return;
  current?.removeAttribute("aria-current");
  current?.classList.remove("playing");
  current = line;
  if (!line) return;
  line.setAttribute("aria-current", "true");
  line.classList.add("playing");
  line.scrollIntoView({ block: "nearest" });
}

/**
 * lineAt returns the last line of part said at or before ms.
 * @param {number} part
 * @param {number} ms
 * @returns {HTMLElement | null}
 */
function lineAt(part, ms) {
  /** @type {HTMLElement | null} */
  let found = null;
  for (const l of lines) {
    if (partOf(l) === part && Number(l.dataset.offsetMs) <= ms) found = l;
  }
  return found;
}

/**
 * follow marks the line the player has reached.
 * @param {HTMLMediaElement} player
 */
function follow(player) {
  mark(lineAt(partOf(player), player.currentTime * 1000));
}

/**
 * seek plays a part from offset ms, pausing every other part.
 * @param {number} part
 * @param {number} ms
 * @returns {boolean} whether the page has that part's player
 */
function seek(part, ms) {
  const player = playerOf(part);
  if (!player) return false;
  for (const p of players) if (p !== player) p.pause();
  player.currentTime = ms / 1000;
  player.play().catch(() => {}); // autoplay refused: the position is set, the user presses play
  return true;
}

for (const [i, player] of players.entries()) {
  player.addEventListener("timeupdate", () => follow(player));
  player.addEventListener("seeked", () => follow(player));
  player.addEventListener("play", () => {
    for (const p of players) if (p !== player) p.pause();
    follow(player);
  });
  player.addEventListener("ended", () => {
    const next = players[i + 1];
    if (next) seek(partOf(next), 0);
  });
}

document.addEventListener("click", (event) => {
  if (!(event.target instanceof Element) || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const line = /** @type {HTMLElement | null} */ (event.target.closest("[data-replay-lines] li[data-part]"));
  if (!line) return;
  const onLink = event.target.closest("a[data-seek]") !== null;
  // A click on the text that selects some of it is reading, not seeking.
  if (!onLink && String(window.getSelection() || "") !== "") return;
  if (!seek(partOf(line), Number(line.dataset.offsetMs))) return;
  event.preventDefault();
  mark(line);
});
