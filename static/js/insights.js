// The admin's Insights page: draw each chart from the JSON the server put beside its canvas.
// The Content-Security-Policy allows no inline script and no eval: this file and Chart.js only.
(function () {
  "use strict";

  // The admin's own colours, so the charts follow its light and dark themes.
  function cssColour(name, fallback) {
    const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  const PALETTE = ["#417690", "#e07a5f", "#81b29a", "#c9a227", "#8d6cab", "#5b8e7d"];

  function percent(value) {
    return value === null || value === undefined ? "—" : (value * 100).toLocaleString(undefined, {maximumFractionDigits: 1}) + "%";
  }

  function options(spec, text, grid) {
    const valueAxis = {
      stacked: spec.stacked,
      beginAtZero: true,
      ticks: {color: text, precision: spec.percent ? undefined : 0},
      grid: {color: grid},
    };
    if (spec.percent) {
      valueAxis.ticks.callback = percent;
    }
    const labelAxis = {stacked: spec.stacked, ticks: {color: text, autoSkip: false}, grid: {display: false}};
    const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    return {
      indexAxis: spec.horizontal ? "y" : "x",
      responsive: true,
      maintainAspectRatio: false,
      animation: reduced ? false : {duration: 400},
      scales: spec.horizontal ? {x: valueAxis, y: labelAxis} : {x: labelAxis, y: valueAxis},
      plugins: {
        legend: {labels: {color: text}},
        tooltip: spec.percent ? {callbacks: {label: (item) => item.dataset.label + ": " + percent(item.raw)}} : {},
      },
    };
  }

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") {
      return;
    }
    const spec = JSON.parse(source.textContent);
    const text = cssColour("--body-fg", "#333");
    const grid = cssColour("--hairline-color", "#e8e8e8");
    const datasets = spec.datasets.map((set, i) => ({
      label: set.label,
      data: set.data,
      backgroundColor: PALETTE[i % PALETTE.length],
      borderWidth: 0,
      maxBarThickness: 22,
    }));
    new Chart(canvas, {type: "bar", data: {labels: spec.labels, datasets: datasets}, options: options(spec, text, grid)});
  }

  function start() {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
