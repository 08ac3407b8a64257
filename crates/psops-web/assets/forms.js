// Small behaviours the pages ask for with data attributes, so that no page needs inline
// script (the Content-Security-Policy allows scripts from psops's own files only).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!(el instanceof Element)) return;
    // <select data-submit-on-change>: submit its form as soon as it changes.
    if (el.hasAttribute("data-submit-on-change") && el.form) {
      el.form.submit();
    }
    // <input type=checkbox data-select-all=NAME>: tick or clear every box of that name in
    // its form.
    var all = el.getAttribute("data-select-all");
    if (all && el.form) {
      el.form.querySelectorAll('input[type=checkbox][name="' + all + '"]').forEach(function (box) {
        box.checked = el.checked;
      });
    }
    // <input type=file data-read-into=ID data-format-select=ID>: put the chosen file's
    // text into the textarea, and pick the format its name suggests.
    var target = el.getAttribute("data-read-into");
    if (target && el.files && el.files[0]) {
      var file = el.files[0];
      var area = document.getElementById(target);
      file.text().then(function (text) { if (area) area.value = text; });
      var select = document.getElementById(el.getAttribute("data-format-select") || "");
      if (select) select.value = /\.csv$/i.test(file.name) ? "csv" : "ics";
    }
    // <input type=file data-read-base64=ID data-name-into=ID data-type-into=ID
    // data-max-bytes=N>: put the chosen file into hidden fields as base64 with its name
    // and type, so the form posts it like any other field; a file over N is refused here.
    var into = el.getAttribute("data-read-base64");
    if (into && el.files) {
      var chosen = el.files[0];
      var put = function (id, value) {
        var field = document.getElementById(el.getAttribute(id) || "");
        if (field) field.value = value;
      };
      put("data-read-base64", "");
      if (!chosen) return;
      var max = parseInt(el.getAttribute("data-max-bytes") || "0", 10);
      if (max && chosen.size > max) {
        el.setCustomValidity("The file is larger than " + Math.floor(max / 1048576) + " MB.");
        el.reportValidity();
        el.value = "";
        return;
      }
      el.setCustomValidity("");
      put("data-name-into", chosen.name);
      put("data-type-into", chosen.type || "application/octet-stream");
      var reader = new FileReader();
      reader.onload = function () {
        var text = String(reader.result || "");
        var target = document.getElementById(into);
        if (target) target.value = text.slice(text.indexOf(",") + 1);
      };
      reader.readAsDataURL(chosen);
    }
  });
})();

// On a phone the navigation scrolls sideways: bring the current page's link into view.
(function () {
  "use strict";
  var nav = document.querySelector("header.top nav");
  var here = nav && nav.querySelector('[aria-current="page"]');
  if (here && nav.scrollWidth > nav.clientWidth) {
    nav.scrollLeft = here.offsetLeft - nav.offsetLeft - (nav.clientWidth - here.offsetWidth) / 2;
  }
})();

// A table wider than its box scrolls sideways: say so while there is more to the right,
// which a phone shows no scroll bar for. The hint goes once the reader reaches the end.
(function () {
  "use strict";
  function mark(box) {
    var more = box.scrollWidth - box.clientWidth - box.scrollLeft > 4;
    box.classList.toggle("more-right", more);
  }
  function all() {
    document.querySelectorAll(".scroll, .week-scroll, .chart-block").forEach(mark);
  }
  document.addEventListener("scroll", function (event) {
    var el = event.target;
    if (el instanceof Element && el.matches(".scroll, .week-scroll, .chart-block")) mark(el);
  }, true);
  window.addEventListener("resize", all);
  document.addEventListener("htmx:afterSettle", all);
  all();
})();
