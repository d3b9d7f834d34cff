// Admin inline tables wider than the screen scroll sideways inside their group: give each group the focus
// so the keyboard can scroll it (WCAG 2.1.1; axe-core's scrollable-region-focusable).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".inline-group").forEach(function (group) {
    if (!group.hasAttribute("tabindex")) {
      group.tabIndex = 0;
    }
  });
});
