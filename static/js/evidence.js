// @ts-check
// Evidence links: a score's quotes (and an answer in the analytics) link to
// ?hl=SEQ,SEQ#entry-SEQ, which the server answers with those transcript
// lines highlighted, so the links work without JavaScript. With it, a click
// highlights the lines in place, scrolls to the first and moves focus to
// it, without reloading the page; Back and Forward follow along.

/**
 * highlight marks the transcript lines whose seq is in seqs, and returns
 * the first of them (in seqs' order) that the page has.
 * @param {string[]} seqs
 * @returns {HTMLElement | null}
 */
function highlight(seqs) {
  for (const li of document.querySelectorAll("li.line.highlight")) li.classList.remove("highlight");
  /** @type {HTMLElement | null} */
  let first = null;
  for (const seq of seqs) {
    const li = document.getElementById("entry-" + seq);
    if (!li) continue;
    li.classList.add("highlight");
    first ??= li;
  }
  return first;
}

/**
 * seqsOf reads the hl parameter of an address.
 * @param {string} href
 * @returns {string[]}
 */
function seqsOf(href) {
  const hl = new URL(href, location.href).searchParams.get("hl") || "";
  return hl.split(",").filter((s) => /^\d+$/.test(s));
}

document.addEventListener("click", (event) => {
  const link = /** @type {HTMLAnchorElement | null} */ (
    event.target instanceof Element ? event.target.closest("a[data-evidence]") : null
  );
  if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const first = highlight(seqsOf(link.href));
  if (!first) return; // not on this page: let the link load
  event.preventDefault();
  history.pushState(null, "", link.href);
  first.scrollIntoView({ block: "center" });
  first.focus({ preventScroll: true });
});

window.addEventListener("popstate", () => {
  highlight(seqsOf(location.href));
});
