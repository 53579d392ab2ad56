// The "your report is being prepared" page: look again every few seconds without reloading the
// page (a timed reload or <meta http-equiv="refresh"> moves a screen reader back to the top, and
// fails WCAG 2.2.1), and put the new state into the live region, which announces it.
// Without JavaScript the page's "Look again now" link does the same by hand.
(function () {
  var region = document.querySelector("[data-report-status]");
  if (!region || region.getAttribute("data-report-status") !== "preparing") return;
  var seconds = Number(region.getAttribute("data-refresh-seconds")) || 2;
  function look() {
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { window.setTimeout(look, seconds * 1000); return; }
        var fresh = new DOMParser().parseFromString(html, "text/html")
          .querySelector("[data-report-status]");
        if (fresh && fresh.getAttribute("data-report-status") !== "preparing") {
          region.innerHTML = fresh.innerHTML;
          region.setAttribute("data-report-status", fresh.getAttribute("data-report-status"));
        } else {
          window.setTimeout(look, seconds * 1000);
        }
      })
      .catch(function () { window.setTimeout(look, seconds * 1000); });
  }
  window.setTimeout(look, seconds * 1000);
})();
