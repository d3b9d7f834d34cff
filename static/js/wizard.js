// Filing pages: progressive enhancement only. Without this file every form still works and the server
// checks everything again (an upload then posts the page, which comes back at its slot: #slot-…).
(function () {
  "use strict";

  function bind(root) {
    // A file that is too large is refused before it is sent: on a phone an upload of 30 MB takes minutes.
    root.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
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
    root.querySelectorAll("form[data-submit-once]").forEach(function (form) {
      form.addEventListener("submit", function () {
        var button = form.querySelector("button[type=submit]");
        if (!button) { return; }
        window.setTimeout(function () {
          button.disabled = true;
          if (form.dataset.busyLabel) { button.textContent = form.dataset.busyLabel; }
        }, 0);
      });
    });

    // Upload in place: the file goes up with a progress bar and the page stays where it is; the page's
    // main part is redrawn from the server's answer (the file attached, or the refusal at its slot).
    root.querySelectorAll("form.upload-form").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        var input = form.querySelector("input[type=file]");
        if (!input || !input.files || !input.files.length || !window.FormData || !window.DOMParser) { return; }
        event.preventDefault();
        var progress = document.createElement("progress");
        progress.className = "upload-progress";
        progress.max = 100;
        progress.value = 0;
        form.appendChild(progress);
        var request = new XMLHttpRequest();
        // Not form.action: the form's hidden field named "action" hides that property.
        request.open("POST", new URL(form.getAttribute("action") || "", document.baseURI).href);
        request.upload.addEventListener("progress", function (progressEvent) {
          if (progressEvent.lengthComputable) {
            progress.value = Math.round((progressEvent.loaded * 100) / progressEvent.total);
          }
        });
        request.addEventListener("load", function () {
          redraw(request.responseText, form.closest("section[id]"));
        });
        request.addEventListener("error", function () { form.submit(); });
        request.send(new FormData(form));
      });
    });
  }

  function redraw(html, section) {
    var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("main");
    var main = document.querySelector("main");
    if (!fresh || !main) { window.location.reload(); return; }
    var id = section && section.id;
    var top = section ? section.getBoundingClientRect().top : 0;
    main.innerHTML = fresh.innerHTML;
    var again = id && document.getElementById(id);
    if (again) {
      window.scrollBy(0, again.getBoundingClientRect().top - top);  // the slot stays under the finger
      // The page's message ("Attached: …") is at the top, out of sight: read it out at the slot too.
      var status = main.querySelector(".messages");
      if (status) {
        var live = document.createElement("p");
        live.className = "visually-hidden";
        live.setAttribute("role", "status");
        again.insertBefore(live, again.firstChild);
        window.setTimeout(function () { live.textContent = status.textContent.trim(); }, 100);
      }
    }
    bind(main);
  }

  bind(document);
})();
