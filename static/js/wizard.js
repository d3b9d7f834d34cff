// Filing pages: progressive enhancement only. Without this file every form still works and the server
// checks everything again.
(function () {
  "use strict";

  // A file that is too large is refused before it is sent: on a phone an upload of 30 MB takes minutes.
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    var limit = Number(input.dataset.maxBytes || 0);
    var row = input.closest(".form-row");
    var alert = row && row.querySelector("[data-client-error]");
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!alert) { return; }
      if (file && limit && file.size > limit) {
        alert.textContent = input.dataset.tooLarge || "";
        input.setAttribute("aria-invalid", "true");
        input.value = "";
      } else {
        alert.textContent = "";
        input.removeAttribute("aria-invalid");
      }
    });
  });

  // One press files once: the button says it is working and cannot be pressed twice.
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (!button) { return; }
      window.setTimeout(function () {
        button.disabled = true;
        if (form.dataset.busyLabel) { button.textContent = form.dataset.busyLabel; }
      }, 0);
    });
  });
})();
