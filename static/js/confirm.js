// @ts-check
// Confirmations in a <details class="confirm"> (the recruiter's "End
// interview…"): they work without JavaScript; with it, opening one moves
// the focus to its first button, and Escape closes it and gives the focus
// back to its summary. Listeners sit on the document, so a confirmation
// that live.js swaps in behaves the same.

document.addEventListener("toggle", (ev) => {
  const details = ev.target;
  if (!(details instanceof HTMLDetailsElement) || !details.classList.contains("confirm") || !details.open) return;
  /** @type {HTMLElement | null} */ (details.querySelector(".confirm-body button"))?.focus();
}, true); // toggle does not bubble

document.addEventListener("keydown", (ev) => {
  if (ev.key !== "Escape" || !(ev.target instanceof Element)) return;
  const details = ev.target.closest("details.confirm[open]");
  if (!(details instanceof HTMLDetailsElement)) return;
  details.open = false;
  /** @type {HTMLElement | null} */ (details.querySelector("summary"))?.focus();
});
