// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Language switch: change on select, the button stays for keyboard and no-JS users.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
    var button = select.form.querySelector(".language-submit");
    if (button) { button.classList.add("visually-hidden"); }
  });

  // Header menu on a phone: the button opens and closes it, Escape closes it (without this file
  // css/no-script.css shows it open).
  var menuButton = document.querySelector(".menu-toggle[aria-controls]");
  if (menuButton) {
    var setMenu = function (open) { menuButton.setAttribute("aria-expanded", open ? "true" : "false"); };
    menuButton.addEventListener("click", function () {
      setMenu(menuButton.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menuButton.getAttribute("aria-expanded") === "true") {
        setMenu(false);
        menuButton.focus();
      }
    });
  }

  // A text box that names something of a long list (common.forms.SuggestInput): its datalist is filled
  // with the server's matches as the person types. Without this file the typed text is matched on submit.
  document.querySelectorAll("input[data-suggest][list]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    var asked = "";
    if (!list) { return; }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var text = input.value.trim();
        // A picked suggestion starts with a code: nothing more to ask.
        if (text.length < 2 || text === asked || /^\d\.\d{6}/.test(text)) { return; }
        asked = text;
        fetch(input.dataset.suggest + "?q=" + encodeURIComponent(text), { headers: { "Accept": "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
          .then(function (data) {
            if (asked !== text) { return; }
            list.replaceChildren.apply(list, data.suggestions.map(function (label) {
              var option = document.createElement("option");
              option.value = label;
              return option;
            }));
          })
          .catch(function () {});
      }, 250);
    });
  });

  // Session warning: a dialog before the idle limit, with "stay signed in".
  var body = document.body;
  var deadline = Number(body.dataset.sessionDeadline || 0);
  if (!deadline) { return; }
  var warnBefore = Number(body.dataset.sessionWarning || 120);
  var statusUrl = body.dataset.sessionUrl;
  var dialog = document.getElementById("session-warning");
  var countdown = dialog && dialog.querySelector("[data-session-countdown]");
  var serverLeftAt = { left: deadline - Date.now() / 1000, at: Date.now() / 1000 };

  function secondsLeft() {
    return serverLeftAt.left - (Date.now() / 1000 - serverLeftAt.at);
  }
  function refresh() {
    return fetch(statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        serverLeftAt = { left: data.seconds_left, at: Date.now() / 1000 };
        if (!data.authenticated) { window.location.reload(); }
      })
      .catch(function () {});
  }
  function format(s) {
    s = Math.max(0, Math.floor(s));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }
  function tick() {
    var left = secondsLeft();
    if (left <= 0) { window.location.reload(); return; }
    if (left <= warnBefore && dialog && !dialog.open) {
      refresh().then(function () {
        if (secondsLeft() <= warnBefore && !dialog.open) { dialog.showModal(); }
      });
    }
    if (countdown) { countdown.textContent = format(left); }
  }
  // The server's clock decides: ask once now, then count down locally.
  refresh();
  setInterval(tick, 1000);

  var keepalive = dialog && dialog.querySelector("form[data-session-keepalive]");
  if (keepalive) {
    keepalive.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(statusUrl, { method: "POST", credentials: "same-origin", body: new FormData(keepalive) })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          serverLeftAt = { left: data.seconds_left, at: Date.now() / 1000 };
          dialog.close();
        });
    });
  }
})();
