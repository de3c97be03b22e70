/* Gridbook charts: draws every <div data-chart="ID"> from the JSON in <script id="ID">
   (written by Django's json_script). Bar charts with categories and series; ECharts is
   vendored (static/web/vendor/echarts), nothing is fetched from elsewhere. */
(function () {
  "use strict";
  var PALETTE = ["#1b5aa6", "#c77700", "#6a3d9a", "#1b6e31", "#a8231c", "#0f7b8a", "#7a6a00"];

  function options(spec, narrow) {
    var horizontal = narrow && spec.categories.length > 4;
    var category = {
      type: "category",
      data: spec.categories,
      axisLabel: { interval: 0, hideOverlap: true, width: horizontal ? 96 : 88, overflow: "truncate" },
      axisTick: { alignWithLabel: true }
    };
    var value = { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#e4e8ee" } } };
    var legendRows = spec.series.length > 3 ? 2 : 1;
    return {
      color: PALETTE,
      animation: !window.matchMedia("(prefers-reduced-motion: reduce)").matches,
      animationDuration: 400,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      aria: { enabled: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
      legend: { top: 0, left: 0, itemWidth: 14, itemHeight: 10, itemGap: 12 },
      grid: { left: 8, right: 16, top: spec.series.length > 1 ? 16 + 24 * legendRows : 16, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign({}, category, { inverse: true }) : value,
      series: spec.series.map(function (item) {
        return {
          type: spec.type || "bar",
          name: item.name,
          data: item.data,
          stack: item.stack,
          barMaxWidth: 36,
          emphasis: { focus: "series" }
        };
      })
    };
  }

  function draw(element) {
    if (element.dataset.drawn || typeof echarts === "undefined") return;
    var source = document.getElementById(element.dataset.chart);
    if (!source) return;
    var spec = JSON.parse(source.textContent);
    var locale = (document.documentElement.lang || "zh").toLowerCase().indexOf("zh") === 0 ? "ZH" : "EN";
    var narrow = element.clientWidth < 520;
    if (narrow && spec.categories.length > 4) {
      element.style.height = Math.max(260, 48 + spec.categories.length * 34) + "px";
    }
    var chart = echarts.init(element, null, { renderer: "svg", locale: locale });
    chart.on("finished", function () { element.dataset.ready = "1"; });
    chart.setOption(options(spec, narrow));
    element.dataset.drawn = "1";
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function drawAll(root) {
    (root || document).querySelectorAll("[data-chart]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:load", function (event) { drawAll(event.target); });
})();
