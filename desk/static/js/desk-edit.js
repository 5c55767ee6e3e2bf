// The article change form: warn before leaving with unsaved changes, and keep the
// "who else is editing" notice current (desk/presence.py). A static file, so
// the admin's Content-Security-Policy needs no inline script.
(function () {
  "use strict";
  const HEARTBEAT_MS = 60000;

  function watchUnsaved(form) {
    // A refused or offered-back form holds text that is not saved yet.
    let dirty = document.querySelector("[data-unsaved-on-load]") !== null;
    const mark = function () { dirty = true; };
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) {
        event.preventDefault();
        event.returnValue = "";  // older browsers show their own wording
      }
    });
  }

  function keepPresence(notice) {
    const url = notice.dataset.presenceUrl;
    function render(others) {
      notice.replaceChildren();
      others.forEach(function (other) {
        const line = document.createElement("p");
        line.textContent = other.name + " has been editing this article since " + other.since + ".";
        notice.appendChild(line);
      });
      notice.hidden = others.length === 0;
    }
    window.setInterval(function () {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data) { render(data.others); } })
        .catch(function () {});  // a missed beat only delays the notice
    }, HEARTBEAT_MS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    const form = document.getElementById("article_form");
    if (form) { watchUnsaved(form); }
    const notice = document.querySelector("[data-presence-url]");
    if (notice) { keepPresence(notice); }
  });
})();
