// psops — the week grid's keyboard: arrow keys move between hour cells, Enter moves down,
// Alt+N opens a day's note.
// Progressive enhancement only: without it the grid is a plain form that Tab walks through.
(function () {
  "use strict";
  function hours(r, d) {
    return document.querySelector('input.h[data-r="' + r + '"][data-d="' + d + '"]');
  }
  function rowCount() {
    return document.querySelectorAll("table.week tbody tr").length;
  }
  // The next editable cell from (r, d) in a direction; read-only cells are skipped.
  function step(r, d, dr, dd) {
    for (var i = 0, n = Math.max(rowCount(), 7); i < n; i++) {
      r += dr;
      d += dd;
      if (d < 0 || d > 6 || r < 0 || r >= rowCount()) return null;
      var next = hours(r, d);
      if (next) return next;
    }
    return null;
  }
  function wholeSelected(t) {
    return t.selectionStart === 0 && t.selectionEnd === t.value.length;
  }
  // The note beside a day's hours: Alt+N goes to it (Tab skips notes, so Tab moves day
  // to day), Escape comes back.
  function note(t) {
    return document.getElementById(t.id.replace(/^m-/, "n-"));
  }
  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    if (!t.classList) return;
    if (t.classList.contains("h") && ev.altKey && (ev.key === "n" || ev.key === "N" || ev.code === "KeyN")) {
      var n = note(t);
      if (n) {
        ev.preventDefault();
        n.focus();
      }
      return;
    }
    if (t.classList.contains("note") && ev.key === "Escape") {
      var h = document.getElementById(t.id.replace(/^n-/, "m-"));
      if (h) {
        ev.preventDefault();
        h.focus();
      }
      return;
    }
    if (!t.classList.contains("h") || ev.altKey || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
    var r = Number(t.dataset.r), d = Number(t.dataset.d), next = null;
    switch (ev.key) {
      case "ArrowLeft":
        if (t.selectionEnd === 0 || wholeSelected(t)) next = step(r, d, 0, -1);
        break;
      case "ArrowRight":
        if (t.selectionStart === t.value.length || wholeSelected(t)) next = step(r, d, 0, 1);
        break;
      case "ArrowUp":
        next = step(r, d, -1, 0);
        break;
      case "ArrowDown":
      case "Enter":
        next = step(r, d, 1, 0);
        if (ev.key === "Enter") ev.preventDefault();
        break;
      default:
        return;
    }
    if (next) {
      ev.preventDefault();
      next.focus();
      next.select();
    }
  });
  // A cell that gets focus from the mouse or Tab has its text selected, ready to overwrite.
  document.addEventListener("focusin", function (ev) {
    if (ev.target.classList && ev.target.classList.contains("h")) ev.target.select();
  });
})();
