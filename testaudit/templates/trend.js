(function () {
  "use strict";
  // Per-rule lines of the trend chart, shown on demand.
  document.querySelectorAll("input[data-rule-toggle]").forEach(function (box) {
    box.addEventListener("change", function () {
      document.querySelectorAll("g.rule-line").forEach(function (g) {
        if (g.getAttribute("data-rule") === box.getAttribute("data-rule-toggle")) g.style.display = box.checked ? "" : "none";
      });
    });
  });
})();
