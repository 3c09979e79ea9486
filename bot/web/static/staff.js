// Small helpers for the staff app; every page also works without JavaScript.
"use strict";
document.addEventListener("submit", (event) => {
  // forms with data-confirm ask before doing something that cannot be undone
  const form = event.target;
  const question = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
