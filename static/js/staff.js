// The back office, progressive enhancement only: every page works without this file (the server checks
// every choice again).
(function () {
  "use strict";

  // The HTML the server answers; `alsoStatus`: a status besides 2xx whose answer is wanted too.
  function fetchHtml(url, alsoStatus) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok && response.status !== alsoStatus) { throw new Error(String(response.status)); }
        return response.text();
      });
  }

  // Transfer: "assign to" lists the staff of the agency chosen, asked from the server when it changes. The
  // transfer form may be fetched after the page loaded (below), hence one listener on the document.
  document.addEventListener("change", function (event) {
    var agency = event.target;
    if (!agency.matches || !agency.matches("select[data-assignees-url]")) { return; }
    var assignee = agency.form && agency.form.querySelector("select[name=assignee]");
    if (!assignee) { return; }
    assignee.disabled = true;
    fetchHtml(agency.dataset.assigneesUrl + "?to_agency=" + encodeURIComponent(agency.value))
      .then(function (options) { assignee.innerHTML = options; })
      .catch(function () {})
      .then(function () { assignee.disabled = false; });
  });

  // A folded action of the dossier page holds a link to its form's page; opened, the form itself is
  // fetched in its place, or the notice that the page is stale (409: someone else changed the dossier).
  // If that fails the link stays.
  function loadForm(details) {
    var placeholder = details.querySelector(".action-load");
    if (!details.open || !placeholder || details.dataset.loading) { return; }
    details.dataset.loading = "1";
    details.setAttribute("aria-busy", "true");
    fetchHtml(details.dataset.formUrl, 409)
      .then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var part = holder.querySelector("form, [role=alert]");
        if (part) { placeholder.replaceWith(part); }
      })
      .catch(function () {})
      .then(function () {
        delete details.dataset.loading;
        details.removeAttribute("aria-busy");
      });
  }
  document.querySelectorAll("details[data-form-url]").forEach(function (details) {
    details.addEventListener("toggle", function () { loadForm(details); });
    // Opened before this file ran (the page shown, its scripts still on a slow connection): no toggle
    // event will come.
    loadForm(details);
  });
})();
