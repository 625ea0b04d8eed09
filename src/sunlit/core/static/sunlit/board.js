// The supervisors' board trend chart: reads the data island the page renders (json_script) and draws it
// with the vendored Chart.js. No inline script or style, so it runs under script-src 'self'. The same
// numbers are in the table below the chart, which is what prints and what screen readers read.
(function () {
  "use strict";
  var island = document.getElementById("trend-data");
  var canvas = document.getElementById("trend-chart");
  if (!island || !canvas || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(island.textContent);
  new window.Chart(canvas, {
    data: {
      labels: data.labels,
      datasets: [
        {type: "bar", label: data.decidedLabel, data: data.decided, yAxisID: "count",
         backgroundColor: "rgba(31, 78, 121, 0.55)", borderColor: "#1f4e79", borderWidth: 1},
        {type: "line", label: data.rateLabel, data: data.onTimeRate, yAxisID: "rate",
         borderColor: "#2f7d4a", backgroundColor: "#2f7d4a", tension: 0.2, spanGaps: true}
      ]
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: {mode: "index", intersect: false},
      scales: {
        count: {type: "linear", position: "left", beginAtZero: true, ticks: {precision: 0},
                title: {display: true, text: data.decidedLabel}},
        rate: {type: "linear", position: "right", min: 0, max: 100, grid: {drawOnChartArea: false},
               title: {display: true, text: data.rateLabel}}
      },
      plugins: {legend: {position: "bottom"}}
    }
  });
})();
