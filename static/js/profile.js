// Progressive enhancement of the profile form: the commune list shows only the chosen province's communes.
// Without this script the list is grouped by province, and the server checks the pair anyway.
(function () {
  "use strict";
  var form = document.querySelector("form[data-narrow-communes]");
  if (!form) { return; }
  var province = document.getElementById(form.dataset.provinceField);
  var commune = document.getElementById(form.dataset.communeField);
  if (!province || !commune) { return; }
  var emptyOption = commune.querySelector("option[value='']");
  var all = Array.prototype.slice.call(commune.querySelectorAll("option[data-province]"));
  var grouped = commune.innerHTML;
  function narrow() {
    var chosen = province.value;
    var current = commune.value;
    if (!chosen) { commune.innerHTML = grouped; commune.value = current; return; }
    commune.innerHTML = "";
    if (emptyOption) { commune.appendChild(emptyOption.cloneNode(true)); }
    all.forEach(function (option) {
      if (option.dataset.province === chosen) { commune.appendChild(option.cloneNode(true)); }
    });
    commune.value = current;
    if (commune.value !== current) { commune.value = ""; }
  }
  province.addEventListener("change", narrow);
  narrow();
})();
