// The flow and intent data editors: line numbers next to the text, and problem links that
// put the cursor on their line. Without JavaScript the editors work as plain text areas.
"use strict";

function selectLine(textarea, line) {
  const lines = textarea.value.split("\n");
  const number = Math.min(Math.max(line, 1), lines.length);
  let start = 0;
  for (let i = 0; i < number - 1; i += 1) {
    start += lines[i].length + 1;
  }
  textarea.focus();
  textarea.setSelectionRange(start, start + lines[number - 1].length);
  const height = textarea.scrollHeight / Math.max(lines.length, 1);
  textarea.scrollTop = Math.max((number - 5) * height, 0);
}

function connectGutter(textarea) {
  const gutter = textarea.parentElement.querySelector(".gutter");
  if (!gutter) {
    return;
  }
  const renumber = () => {
    const count = textarea.value.split("\n").length;
    if (gutter.dataset.count !== String(count)) {
      gutter.textContent = Array.from({ length: count }, (_, i) => i + 1).join("\n") + "\n";
      gutter.dataset.count = String(count);
    }
    gutter.scrollTop = textarea.scrollTop;
  };
  textarea.addEventListener("input", renumber);
  textarea.addEventListener("scroll", () => { gutter.scrollTop = textarea.scrollTop; });
  renumber();
}

document.addEventListener("DOMContentLoaded", () => {
  for (const chat of document.querySelectorAll(".chat")) {
    chat.scrollTop = chat.scrollHeight;  // the newest messages of the simulated chat
  }
  for (const textarea of document.querySelectorAll(".code-editor textarea")) {
    connectGutter(textarea);
    const jump = parseInt(textarea.dataset.jump || "", 10);
    if (jump > 0) {
      selectLine(textarea, jump);
    }
  }
  for (const link of document.querySelectorAll("a[data-line][data-target]")) {
    const textarea = document.getElementById(link.dataset.target);
    if (!textarea) {
      continue;
    }
    link.addEventListener("click", (event) => {
      event.preventDefault();
      selectLine(textarea, parseInt(link.dataset.line, 10));
    });
  }
});
