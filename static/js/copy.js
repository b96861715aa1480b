// @ts-check
// Copy buttons: progressive enhancement for a read-only input holding a
// link or a secret (templates.CopyField). Without JavaScript the button
// stays hidden and the input can be selected and copied by hand. With it,
// the button copies the input's value and a polite live region announces
// the result to screen readers and sighted people alike.

/**
 * @param {HTMLButtonElement} button
 */
function enhance(button) {
  const id = button.dataset.copy || "";
  const input = /** @type {HTMLInputElement | null} */ (document.getElementById(id));
  const status = document.querySelector(`[data-copy-status="${CSS.escape(id)}"]`);
  if (!input || button.dataset.copyReady) return;
  button.dataset.copyReady = "true";
  button.hidden = false;
  button.addEventListener("click", async () => {
    if (await copy(input)) {
      announce(status, "Copied");
    } else {
      input.focus();
      input.select();
      announce(status, "Press Ctrl+C (or ⌘C) to copy the selected text");
    }
  });
}

/**
 * Copies the input's value: the Clipboard API where the page may use it
 * (a secure origin), else the selection and the older copy command.
 * @param {HTMLInputElement} input
 * @returns {Promise<boolean>} whether the text reached the clipboard
 */
async function copy(input) {
  try {
    if (navigator.clipboard) {
      await navigator.clipboard.writeText(input.value);
      return true;
    }
  } catch {
    // Refused (no permission, no focus): try the selection.
  }
  input.select();
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  }
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

/**
 * Enhances the Copy buttons under root that are not yet: live.js calls it
 * for the markup it swaps in.
 * @param {ParentNode} root
 */
export function enhanceCopyButtons(root) {
  for (const button of root.querySelectorAll("button[data-copy]")) {
    enhance(/** @type {HTMLButtonElement} */ (button));
  }
}

enhanceCopyButtons(document);
