// @ts-check
// Copy buttons: progressive enhancement for a read-only input holding a link.
// Without JavaScript the button stays hidden and the input can be selected
// and copied by hand. With it, the button copies the input's value and a
// polite live region announces the result to screen readers and sighted
// people alike.

/**
 * @param {HTMLButtonElement} button
 */
function enhance(button) {
  const id = button.dataset.copy || "";
  const input = /** @type {HTMLInputElement | null} */ (document.getElementById(id));
  const status = document.querySelector(`[data-copy-status="${CSS.escape(id)}"]`);
  if (!input || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(input.value);
      announce(status, "Copied");
    } catch {
      input.select();
      announce(status, "Press Ctrl+C (or ⌘C) to copy the selected link");
    }
  });
}

/**
 * @param {Element | null} region
 * @param {string} message
 */
function announce(region, message) {
  if (!region) return;
  // Clearing first makes a repeated message announced again.
  region.textContent = "";
  requestAnimationFrame(() => {
    region.textContent = message;
  });
}

for (const button of document.querySelectorAll("button[data-copy]")) {
  enhance(/** @type {HTMLButtonElement} */ (button));
}
