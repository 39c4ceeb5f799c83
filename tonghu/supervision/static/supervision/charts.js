/* Dashboard charts (Apache ECharts, vendored). Reads the figures from the page's JSON (the same numbers as the
   tables under each chart); a click on a unit's bar opens that unit's dashboard (drill-down). */
(function () {
  function draw() {
    var el = document.getElementById("chart-data");
    if (!el || !window.echarts) return;
    var d = JSON.parse(el.textContent);
    var trend = document.getElementById("trend-chart");
    if (trend) {
      var c1 = echarts.init(trend, null, {renderer: "svg"});
      c1.setOption({
        tooltip: {trigger: "axis"}, legend: {top: 0}, grid: {left: 40, right: 10, top: 40, bottom: 30},
        xAxis: {type: "category", data: d.months}, yAxis: {type: "value", max: 100, axisLabel: {formatter: "{value}%"}},
        series: d.series.map(function (s) { return {name: s.name, type: "line", data: s.data, connectNulls: true}; })
      });
      window.addEventListener("resize", function () { c1.resize(); });
    }
    var rank = document.getElementById("ranking-chart");
    if (rank && d.units.length) {
      var c2 = echarts.init(rank, null, {renderer: "svg"});
      c2.setOption({
        tooltip: {}, grid: {left: 90, right: 20, top: 10, bottom: 20},
        xAxis: {type: "value", axisLabel: {formatter: d.pct ? "{value}%" : "{value}"}},
        yAxis: {type: "category", data: d.units, inverse: true},
        series: [{name: d.sort_label, type: "bar", data: d.unit_values}]
      });
      c2.on("click", function (p) {
        var code = d.unit_codes[p.dataIndex];
        if (code) window.location.href = d.drill.replace("000000000000", code);
      });
      window.addEventListener("resize", function () { c2.resize(); });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
