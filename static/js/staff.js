// The back office, progressive enhancement only: every page works without this file (the server checks
// every choice again).
(function () {
  "use strict";

  // Transfer: "assign to" lists the staff of the agency chosen, asked from the server when it changes.
  document.querySelectorAll("select[data-assignees-url]").forEach(function (agency) {
    var assignee = agency.form && agency.form.querySelector("select[name=assignee]");
    if (!assignee) { return; }
    agency.addEventListener("change", function () {
      var url = agency.dataset.assigneesUrl + "?to_agency=" + encodeURIComponent(agency.value);
      assignee.disabled = true;
      fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.text();
        })
        .then(function (options) { assignee.innerHTML = options; })
        .catch(function () {})
        .then(function () { assignee.disabled = false; });
    });
  });
})();
