/* Gridbook charts: draws every <div data-chart="ID"> from the JSON in <script id="ID">
   (written by Django's json_script). Bar charts with categories and series; ECharts is
   vendored (static/web/vendor/echarts), nothing is fetched from elsewhere. */
(function () {
  "use strict";
  var PALETTE = ["#1b5aa6", "#c77700", "#6a3d9a", "#1b6e31", "#a8231c", "#0f7b8a", "#7a6a00"];

  function textWidth(text) {
    var width = 0;
    for (var i = 0; i < text.length; i++) width += text.charCodeAt(i) > 255 ? 12 : 7;
    return width;
  }

  function legendRows(spec, width) {
    var row = 0, rows = 1;
    spec.series.forEach(function (item) {
      var itemWidth = 14 + 5 + textWidth(item.name) + 12;
      if (row + itemWidth > width - 16 && row > 0) { rows += 1; row = 0; }
      row += itemWidth;
    });
    return rows;
  }

  function options(spec, width, horizontal) {
    var slot = Math.max(48, Math.floor((width - 60) / Math.max(1, spec.categories.length)) - 8);
    var category = {
      type: "category",
      data: spec.categories,
      axisLabel: { interval: 0, width: horizontal ? 96 : slot, overflow: "break", lineHeight: 15 },
      axisTick: { alignWithLabel: true }
    };
    var value = { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#e4e8ee" } } };
    var legendHeight = spec.series.length > 1 ? 22 * legendRows(spec, width) : 0;
    return {
      color: PALETTE,
      animation: !window.matchMedia("(prefers-reduced-motion: reduce)").matches,
      animationDuration: 400,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      aria: { enabled: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
      legend: { show: spec.series.length > 1, top: 0, left: 0, itemWidth: 14, itemHeight: 10, itemGap: 12 },
      grid: { left: 8, right: 16, top: legendHeight + 14, bottom: 8, containLabel: true },
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
    var width = element.clientWidth;
    var horizontal = spec.type !== "line" && width < 520 && spec.categories.length > 4;
    if (horizontal) {
      var legend = spec.series.length > 1 ? 22 * legendRows(spec, width) : 0;
      element.style.height = Math.max(260, 60 + legend + spec.categories.length * 40) + "px";
    }
    var chart = echarts.init(element, null, { renderer: "svg", locale: locale });
    chart.on("finished", function () { element.dataset.ready = "1"; });
    chart.setOption(options(spec, width, horizontal));
    element.dataset.drawn = "1";
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function drawAll(root) {
    (root || document).querySelectorAll("[data-chart]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:load", function (event) { drawAll(event.target); });
})();
