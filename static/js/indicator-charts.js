// Draws the dashboards' bar charts from the JSON beside each canvas. The table next to
// every chart holds the same figures, for screen readers and without JavaScript.
(function () {
  "use strict";
  function wrap(text, size) {
    var lines = [];
    var line = "";
    text.split(/\s+/).forEach(function (word) {
      if (line && (line + " " + word).length > size) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    if (line) { lines.push(line); }
    return lines;
  }
  function draw() {
    if (typeof Chart === "undefined") { return; }
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.dataset.chart);
      if (!source) { return; }
      var data = JSON.parse(source.textContent);
      var suffix = data.unit === "percent" ? "%" : "";
      // On a narrow screen long names are wrapped onto several lines instead of being cut.
      var width = canvas.parentElement.clientWidth || 600;
      var labels = data.labels.map(function (label) { return wrap(String(label), width < 560 ? 16 : 34); });
      var lines = labels.reduce(function (n, label) { return n + label.length; }, 0);
      canvas.parentElement.style.height = Math.max(160, lines * 16 + labels.length * 18 + 60) + "px";
      new Chart(canvas, {
        type: "bar",
        data: {
          labels: labels,
          datasets: [{ label: data.label, data: data.values, backgroundColor: "#1f6f5c" }],
        },
        options: {
          indexAxis: "y",
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          plugins: { legend: { display: false } },
          scales: {
            x: {
              beginAtZero: true,
              max: data.unit === "percent" ? 100 : undefined,
              ticks: {
                // a count has no fractions: 0, 1, 2 rather than 0.2, 0.4 …
                precision: data.unit === "count" ? 0 : undefined,
                callback: function (v) { return v.toLocaleString(document.documentElement.lang) + suffix; },
              },
            },
          },
        },
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();

// The period selector shows the fields of the chosen kind only (all stay usable without
// JavaScript).
(function () {
  "use strict";
  function sync(form) {
    var chosen = form.querySelector("input[name=kind]:checked");
    form.querySelectorAll("[data-kind]").forEach(function (field) {
      field.hidden = chosen !== null && field.dataset.kind !== chosen.value;
    });
  }
  function setUp() {
    document.querySelectorAll("form.period-form").forEach(function (form) {
      form.addEventListener("change", function () { sync(form); });
      sync(form);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
