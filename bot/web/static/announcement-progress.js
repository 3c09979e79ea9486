// Live progress of an announcement: asks the server once a second and updates the bar and
// the figures. The text line is a polite live region, so screen readers hear the changes.
"use strict";
(() => {
  const box = document.getElementById("delivery");
  if (!box || box.dataset.finished === "true") {
    return;
  }
  const bar = document.getElementById("progress-bar");
  const url = box.dataset.progressUrl;
  const show = (data) => {
    bar.value = data.percent;
    bar.textContent = `${data.percent} %`;
    for (const element of document.querySelectorAll("[data-progress]")) {
      const value = data[element.dataset.progress];
      const text = value === null || value === undefined ? "–" : String(value);
      if (element.textContent !== text) {
        element.textContent = text;
      }
    }
  };
  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const data = await response.json();
        show(data);
        if (data.finished) {
          // nothing left to cancel: the button goes, as it does when the page is reloaded
          const cancel = document.getElementById("cancel-button");
          if (cancel) {
            cancel.closest("form").hidden = true;
          }
          return;
        }
      }
    } catch (error) {
      // a dropped connection: try again at the next tick
    }
    window.setTimeout(poll, 1000);
  };
  window.setTimeout(poll, 1000);
})();
