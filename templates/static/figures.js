/* Every drawn figure (<figure data-chart>): its data as a CSV file, and its interactive chart on
   demand. The chart itself is drawn in the page at build time; Vega (static/vega.js, 898 KB) is
   fetched only when a reader asks for the interactive one. */
(function () {
  "use strict";
  var root = document.currentScript.src.replace(/static\/figures\.js(\?.*)?$/, "");
  // The page's words, when it is not in Chinese (figure-strings: Chinese → its language).
  var strings = document.getElementById("figure-strings");
  var STRINGS = strings ? JSON.parse(strings.textContent) : {};
  function T(text) { return STRINGS[text] || text; }
  var runtime = null;
  var COLUMNS = {
    bar: [["label", "项目"], ["value", "件数"]],
    trend: [["year", "年度"], ["measure", "项目"], ["value", "件数"], ["flagged", "有相关问题"]]
  };

  function load(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function loadRuntime() {
    if (!runtime) {
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = root + "static/vega.css";
      document.head.appendChild(css);
      var charts = document.documentElement.lang === "en" ? "static/charts.en.js" : "static/charts.js";
      runtime = load(root + "static/vega.js").then(function () { return load(root + charts); });
    }
    return runtime;
  }

  function dataOf(figure) {
    return JSON.parse(figure.querySelector("script[type='application/json']").textContent);
  }

  // A cell as Excel should read it: text that starts like a formula gets a leading apostrophe.
  function cell(value) {
    if (value === null || value === undefined) { return ""; }
    if (typeof value === "boolean") { return value ? T("是") : T("否"); }
    var text = String(value);
    if (typeof value !== "number" && /^[=+\-@\t\r]/.test(text)) { text = "'" + text; }
    return /[",\r\n]/.test(text) ? "\"" + text.replace(/"/g, "\"\"") + "\"" : text;
  }

  function csv(figure) {
    var data = dataOf(figure);
    var columns = COLUMNS[data.spec];
    var lines = [columns.map(function (c) { return T(c[1]) + "(" + c[0] + ")"; }).join(",")];
    data.values.forEach(function (row) {
      lines.push(columns.map(function (c) { return cell(row[c[0]]); }).join(","));
    });
    return "\ufeff" + lines.join("\r\n") + "\r\n";
  }

  // reports/abc-2021/ + fig-results → abc-2021-fig-results.csv
  function fileName(figure) {
    var parts = location.pathname.split("/").filter(function (p) { return p && p !== "index.html"; });
    var page = parts.length ? parts[parts.length - 1].replace(/\.html$/, "") : "home";
    return page + "-" + figure.id + ".csv";
  }

  function download(figure) {
    var url = URL.createObjectURL(new Blob([csv(figure)], {type: "text/csv;charset=utf-8"}));
    var link = document.createElement("a");
    link.href = url;
    link.download = fileName(figure);
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  function interactive(figure, button) {
    button.disabled = true;
    button.textContent = T("正在载入交互图表…");
    loadRuntime().then(function () { return window.siteCharts.draw(figure); }).then(function () {
      var drawn = figure.querySelector(".drawn");
      if (drawn) { drawn.hidden = true; }
      figure.querySelector("table").classList.remove("bars");
      button.textContent = T("已显示交互图表");
    }).catch(function () {
      button.disabled = false;
      button.textContent = T("交互图表载入失败，重试");
    });
  }

  function button(text, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "fig-btn";
    b.textContent = text;
    b.addEventListener("click", function () { action(b); });
    return b;
  }

  document.querySelectorAll("figure[data-chart]").forEach(function (figure) {
    var tools = document.createElement("div");
    tools.className = "fig-tools";
    tools.appendChild(button(T("下载图表数据（CSV）"), function () { download(figure); }));
    tools.appendChild(button(T("交互图表"), function (b) { interactive(figure, b); }));
    figure.querySelector("figcaption").after(tools);
  });
})();
