// Siaran console: small behaviours htmx does not cover. No inline scripts (CSP).
(function () {
  "use strict";
  // Announce htmx swaps that carry a message for screen readers.
  document.addEventListener("htmx:afterSwap", function (event) {
    var message = event.detail.elt && event.detail.elt.getAttribute("data-announce");
    var live = document.getElementById("live");
    if (message && live) { live.textContent = message; }
  });
  // An htmx error answer (4xx/5xx) is shown where the answer would have gone.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status >= 400 && status !== 401) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
    if (status === 401) {
      window.location.href = "/signin?next=" + encodeURIComponent(window.location.pathname);
    }
  });
  // Escape hides the tooltip shown on hover or focus (WCAG 1.4.13); moving on brings it back.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { document.body.classList.add("tips-off"); }
  });
  ["focusin", "mouseover"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      if (event.target.closest && !event.target.closest(".tip")) {
        document.body.classList.remove("tips-off");
      }
    });
  });
  // A "remove" button takes its item off the form (a media item), then says so.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-remove]");
    if (!button) { return; }
    var item = button.closest(button.getAttribute("data-remove"));
    var next = document.getElementById("upload");
    if (item) { item.remove(); }
    if (next) { next.focus(); }
    document.body.dispatchEvent(new CustomEvent("siaran-media-removed", {bubbles: true}));
  });
})();
