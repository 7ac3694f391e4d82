/* The comparison builder on compare/ (generator/site/compare_builder.py writes its data): choose a
   province (all of it, a city, a level, a kind, or some agencies), years and measures; the table
   sorts by any column, keeps its state in the address, and downloads as CSV or JSON. Text from the
   reports (agency names) only ever reaches the page as textContent. */
(function () {
  "use strict";
  var form = document.getElementById("builder");
  if (!form) { return; }
  var config = JSON.parse(document.getElementById("builder-config").textContent);
  // The page's language: its words (builder-strings, Chinese → the page's language) and, on an
  // English page, agencies and cities by their romanised names.
  var STRINGS = JSON.parse(document.getElementById("builder-strings").textContent);
  var english = document.documentElement.lang === "en";
  function T(text) {
    var args = arguments;
    return (STRINGS[text] || text).replace(/\{(\d)\}/g, function (_, i) { return String(args[Number(i) + 1]); });
  }
  function provinceName() { return english ? data.name_en : data.name; }
  function agencyName(agency) { return english ? agency[5] + " (" + agency[1] + ")" : agency[1]; }
  var out = document.getElementById("b-out");
  var status = document.getElementById("b-status");
  var root = document.currentScript.src.replace(/static\/compare\.js(\?.*)?$/, "");
  var pages = root + (document.documentElement.lang === "en" ? "en/" : "");  // this edition's pages
  var MEASURES = {};
  config.measures.forEach(function (m, i) { MEASURES[m[0]] = {id: m[0], label: T(m[1]), index: i}; });
  config.ratios.forEach(function (r) { MEASURES[r.id] = {id: r.id, label: T(r.label), ratio: r}; });
  var loaded = {};  // province code -> its data (a promise)
  // v: the layout, "" one row per report, "years" one row per agency with its years side by side.
  var state = {p: "", c: "", l: "", k: "", a: [], y: [], m: config.defaults.slice(), s: "", v: ""};
  var data = null;  // the chosen province's data

  // --- the address ------------------------------------------------------------------------------
  function readAddress() {
    var q = new URLSearchParams(location.search);
    ["p", "c", "l", "k", "s", "v"].forEach(function (key) { if (q.has(key)) { state[key] = q.get(key); } });
    if (state.v !== "years") { state.v = ""; }
    ["a", "y", "m"].forEach(function (key) {
      if (q.has(key)) { state[key] = q.get(key).split(",").filter(Boolean); }
    });
    state.m = state.m.filter(function (id) { return MEASURES[id]; });
  }

  // Commas stay commas, so a shared address reads as what it chose (?p=510000&y=2022,2023&m=…).
  function writeAddress() {
    var parts = [];
    ["p", "c", "l", "k", "a", "y", "m", "v", "s"].forEach(function (key) {
      var value = state[key];
      var text = Array.isArray(value) ? value.map(encodeURIComponent).join(",") : encodeURIComponent(value);
      if (text) { parts.push(key + "=" + text); }
    });
    history.replaceState(null, "", "?" + parts.join("&"));
  }

  // --- numbers ----------------------------------------------------------------------------------
  function formatNumber(v) {
    if (v === null || v === undefined) { return "—"; }
    var parts = String(v).split(".");
    parts[0] = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return parts.join(".");
  }

  function formatShare(v) { return v === null ? "—" : (v * 100).toFixed(1) + "%"; }

  // One row of the view: a report of a chosen agency, with the chosen measures and their flags.
  function rowOf(report) {
    var agency = data.agencies[report[0]];
    var values = {}, findings = {};
    var flags = {};
    report[4].forEach(function (f) { flags[f[0]] = f[1]; });
    state.m.forEach(function (id) {
      var m = MEASURES[id];
      if (m.ratio) {
        var a = MEASURES[m.ratio.of[0]].index, b = MEASURES[m.ratio.of[1]].index;
        var top = report[3][a], bottom = report[3][b];
        values[id] = top === null || !bottom ? null : top / bottom;
        var flag = flags[a] || flags[b];
        if (flag) { findings[id] = flag; }
      } else {
        values[id] = report[3][m.index];
        if (flags[m.index]) { findings[id] = flags[m.index]; }
      }
    });
    return {agencyId: agency[0], agency: agency[1], agencyEn: agency[5], city: cityName(agency[2]), year: report[1],
            reportId: report[2], order: report[0], values: values, findings: findings};
  }

  function cityName(code) {
    var city = data.cities.filter(function (c) { return c[0] === code; })[0];
    return city ? city[english ? 2 : 1] : "";
  }

  // --- which agencies and rows ------------------------------------------------------------------
  function matches(agency) {
    return (!state.c || agency[2] === state.c) && (!state.l || agency[3] === state.l) &&
      (!state.k || agency[4] === state.k);
  }

  function chosenRows() {
    var picked = {};
    state.a.forEach(function (id) { picked[id] = true; });
    var years = {};
    state.y.forEach(function (y) { years[y] = true; });
    return data.reports.filter(function (r) {
      var agency = data.agencies[r[0]];
      var inView = state.a.length ? picked[agency[0]] : matches(agency);
      return inView && (!state.y.length || years[String(r[1])]);
    }).map(rowOf);
  }

  function sortRows(rows) {
    var key = state.s.replace(/^-/, ""), down = state.s.charAt(0) === "-";
    rows.sort(function (x, y) {
      var order = x.order - y.order || x.year - y.year;
      if (!key || key === "agency") { return down ? -order : order; }
      var a = key === "year" ? x.year : x.values[key], b = key === "year" ? y.year : y.values[key];
      if (a === null && b === null) { return order; }
      if (a === null) { return 1; }  // blanks last, either way
      if (b === null) { return -1; }
      return (down ? b - a : a - b) || order;
    });
    return rows;
  }

  // --- drawing ----------------------------------------------------------------------------------
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }

  function link(href, text) { var a = el("a", text); a.href = href; return a; }

  // An agency's name linking its page; on an English page the romanised name, then the Chinese.
  function agencyLink(row) {
    if (!english) { return link(pages + "agencies/" + row.agencyId + "/", row.agency); }
    var a = link(pages + "agencies/" + row.agencyId + "/", row.agencyEn + " ");
    var zh = a.appendChild(el("span", row.agency, "zh"));
    zh.lang = "zh-CN";
    return a;
  }

  // A row of the table, headed by its agency.
  function rowWithAgency(body, row) {
    var tr = body.appendChild(el("tr"));
    var th = tr.appendChild(el("th"));
    th.scope = "row";
    th.appendChild(agencyLink(row));
    return tr;
  }

  function flagLink(row, number) {
    var a = link(pages + "reports/" + row.reportId + "/#f" + number, "※");
    a.className = "flag";
    a.title = T("与该报告的问题 ※{0} 有关", number);
    a.appendChild(el("span", T("与问题 {0} 有关", number), "sr"));
    return a;
  }

  function headerCell(key, label) {
    var th = el("th");
    th.scope = "col";
    var sortKey = state.s.replace(/^-/, "");
    if (sortKey === key || (!sortKey && key === "agency")) {
      th.setAttribute("aria-sort", state.s.charAt(0) === "-" ? "descending" : "ascending");
    }
    var button = el("button", label, "sort");
    button.type = "button";
    button.addEventListener("click", function () {
      state.s = (sortKey === key && state.s.charAt(0) !== "-") ? "-" + key : key;
      update();
    });
    th.appendChild(button);
    return th;
  }

  // A value as the report page shows it, with ※ linking the finding about it.
  function valueInto(td, row, id) {
    var v = row.values[id];
    td.appendChild(document.createTextNode(MEASURES[id].ratio ? formatShare(v) : formatNumber(v)));
    if (row.findings[id]) { td.appendChild(document.createTextNode(" ")); td.appendChild(flagLink(row, row.findings[id])); }
  }

  function table(rows) {
    var t = el("table", null, "grid compare names builder-table");
    var head = el("tr");
    head.appendChild(headerCell("agency", T("机关")));
    head.appendChild(headerCell("year", T("年度")));
    state.m.forEach(function (id) { head.appendChild(headerCell(id, MEASURES[id].label)); });
    t.appendChild(el("thead")).appendChild(head);
    var body = t.appendChild(el("tbody"));
    rows.slice(0, config.maxRows).forEach(function (row) {
      var tr = rowWithAgency(body, row);
      tr.appendChild(el("td")).appendChild(link(pages + "reports/" + row.reportId + "/", String(row.year)));
      state.m.forEach(function (id) { valueInto(tr.appendChild(el("td", null, "n")), row, id); });
    });
    return t;
  }

  function methods() {
    var notes = [];
    state.m.forEach(function (id) {
      if (MEASURES[id].ratio) { notes.push(el("p", T(MEASURES[id].ratio.method), "note")); }
    });
    return notes;
  }

  function summary(rows) {
    var agencies = {};
    var flagged = 0;
    rows.forEach(function (r) {
      agencies[r.agencyId] = true;
      if (Object.keys(r.findings).length) { flagged += 1; }
    });
    var text = T("{0}：{1} 个机关，{2} 份报告", provinceName(), Object.keys(agencies).length, rows.length);
    if (rows.length > config.maxRows) { text += T("（页面显示前 {0} 行，下载包含全部）", config.maxRows); }
    text += T("。") + (flagged ? T("{0} 份报告的数字旁有 ※：该报告中有与这个数字有关的问题，点击查看。", flagged) : "");
    return text;
  }

  // --- one row per agency, its years side by side (a trend across agencies) ------------------------
  function byAgency(rows) {
    var agencies = [], seen = {};
    rows.forEach(function (r) {
      if (!seen[r.agencyId]) {
        seen[r.agencyId] = {agencyId: r.agencyId, agency: r.agency, city: r.city, order: r.order, years: {}};
        agencies.push(seen[r.agencyId]);
      }
      seen[r.agencyId].years[r.year] = r;
    });
    return agencies;
  }

  function yearsOf(rows) {
    var years = {};
    rows.forEach(function (r) { years[r.year] = true; });
    return Object.keys(years).map(Number).sort();
  }

  function wideValue(agency, key) {  // key: "<measure>@<year>"
    var parts = key.split("@"), report = agency.years[parts[1]];
    return report ? report.values[parts[0]] : null;
  }

  function sortAgencies(agencies) {
    var key = state.s.replace(/^-/, ""), down = state.s.charAt(0) === "-";
    agencies.sort(function (x, y) {
      var order = x.order - y.order;
      if (key.indexOf("@") < 0) { return down && key === "agency" ? -order : order; }
      var a = wideValue(x, key), b = wideValue(y, key);
      if (a === null || a === undefined) { return b === null || b === undefined ? order : 1; }
      if (b === null || b === undefined) { return -1; }
      return (down ? b - a : a - b) || order;
    });
    return agencies;
  }

  function wideTable(agencies, years) {
    var t = el("table", null, "grid compare names builder-table");
    var thead = t.appendChild(el("thead"));
    var top = thead.appendChild(el("tr")), second = thead.appendChild(el("tr"));
    var corner = headerCell("agency", T("机关"));
    corner.rowSpan = 2;
    top.appendChild(corner);
    state.m.forEach(function (id) {
      var th = top.appendChild(el("th", MEASURES[id].label));
      th.scope = "colgroup";
      th.colSpan = years.length;
      years.forEach(function (year) { second.appendChild(headerCell(id + "@" + year, String(year))); });
    });
    var body = t.appendChild(el("tbody"));
    agencies.slice(0, config.maxRows).forEach(function (agency) {
      var tr = rowWithAgency(body, agency);
      state.m.forEach(function (id) {
        years.forEach(function (year) {
          var report = agency.years[year];
          var td = tr.appendChild(el("td", null, "n"));
          if (!report) { td.title = T("无该年度报告"); return; }  // no report: an empty cell, not "—"
          valueInto(td, report, id);
        });
      });
    });
    return t;
  }

  function wideCsv(agencies, years) {
    var head = [T("机关ID(agency_id)"), T("机关(agency)"), T("城市(city)")];
    state.m.forEach(function (id) {
      years.forEach(function (y) { head.push(MEASURES[id].label + " " + y + "(" + id + "_" + y + ")"); });
    });
    var lines = [head.map(csvCell).join(",")];
    agencies.forEach(function (a) {
      var cells = [a.agencyId, a.agency, a.city];
      state.m.forEach(function (id) { years.forEach(function (y) { cells.push(wideValue(a, id + "@" + y)); }); });
      lines.push(cells.map(csvCell).join(","));
    });
    return new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], {type: "text/csv;charset=utf-8"});
  }

  function render() {
    var rows = sortRows(chosenRows());
    out.textContent = "";
    status.textContent = summary(rows);
    if (!rows.length) {
      out.appendChild(el("p", T("没有符合条件的报告。请放宽地区、级别或年度。"), "muted"));
      return;
    }
    var wide = state.v === "years", years = yearsOf(rows), agencies = sortAgencies(byAgency(rows));
    var tools = out.appendChild(el("div", null, "fig-tools"));
    tools.appendChild(downloadButton(T("下载此表（CSV）"), function () {
      return wide ? wideCsv(agencies, years) : csvFile(rows);
    }, "csv"));
    tools.appendChild(downloadButton(T("下载此表（JSON）"), function () { return jsonFile(rows); }, "json"));
    var wrap = out.appendChild(el("div", null, "scroll"));
    wrap.tabIndex = 0;
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", T("比较结果（表格）"));
    wrap.appendChild(wide ? wideTable(agencies, years) : table(rows));
    if (wide) { out.appendChild(el("p", T("空格：该机关没有这一年度的报告；“—”：报告中该格为空白或无法计算。"), "note")); }
    methods().forEach(function (p) { out.appendChild(p); });
  }

  // --- downloads --------------------------------------------------------------------------------
  function csvCell(value) {
    if (value === null || value === undefined) { return ""; }
    var text = String(value);
    if (typeof value !== "number" && /^[=+\-@\t\r]/.test(text)) { text = "'" + text; }  // never a formula
    return /[",\r\n]/.test(text) ? "\"" + text.replace(/"/g, "\"\"") + "\"" : text;
  }

  function csvFile(rows) {
    var head = [T("机关ID(agency_id)"), T("机关(agency)"), T("城市(city)"), T("年度(year)"), T("报告ID(report_id)")];
    state.m.forEach(function (id) { head.push(MEASURES[id].label + "(" + id + ")"); });
    head.push(T("有相关问题的项目(flagged)"), T("报告网址(url)"));
    var lines = [head.map(csvCell).join(",")];
    rows.forEach(function (r) {
      var cells = [r.agencyId, r.agency, r.city, r.year, r.reportId];
      state.m.forEach(function (id) { cells.push(r.values[id]); });
      cells.push(Object.keys(r.findings).join(" "), root + "reports/" + r.reportId + "/");
      lines.push(cells.map(csvCell).join(","));
    });
    return new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], {type: "text/csv;charset=utf-8"});
  }

  function jsonFile(rows) {
    var measures = state.m.map(function (id) {
      var m = MEASURES[id];
      return m.ratio ? {id: id, label: m.label, method: T(m.ratio.method), of: m.ratio.of} : {id: id, label: m.label};
    });
    var body = {
      source: location.href,
      province: {code: data.code, name: data.name, name_en: data.name_en},
      query: {city: state.c || null, level: state.l || null, kind: state.k || null, agencies: state.a,
              years: state.y.map(Number)},
      measures: measures,
      rows: rows.map(function (r) {
        return {agency_id: r.agencyId, agency: r.agency, city: r.city, year: r.year, report_id: r.reportId,
                url: root + "reports/" + r.reportId + "/", values: r.values, findings: r.findings};
      })
    };
    return new Blob([JSON.stringify(body, null, 1)], {type: "application/json"});
  }

  function fileStem() {
    var years = state.y.length ? state.y.slice().sort().join("-") : "all-years";
    return "compare-" + (state.c || state.p) + (state.l ? "-" + state.l : "") + "-" + years;
  }

  function downloadButton(text, make, extension) {
    var b = el("button", text, "fig-btn");
    b.type = "button";
    b.addEventListener("click", function () {
      var url = URL.createObjectURL(make());
      var a = link(url, "");
      a.download = fileStem() + "." + extension;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    });
    return b;
  }

  // --- the form ---------------------------------------------------------------------------------
  var picker = document.getElementById("b-agencies");
  var filter = document.getElementById("b-f");
  var SHOWN_AGENCIES = 200;

  function drawCities() {
    var select = form.elements.c;
    select.length = 1;
    data.cities.forEach(function (c) { select.appendChild(new Option(english ? c[2] : c[1], c[0])); });
    if (!data.cities.some(function (c) { return c[0] === state.c; })) { state.c = ""; }
    select.value = state.c;
  }

  function drawPicker() {
    picker.textContent = "";
    var words = filter.value.trim();
    var picked = {};
    state.a.forEach(function (id) { picked[id] = true; });
    var shown = data.agencies.filter(function (a) {
      return picked[a[0]] || (matches(a) && (!words || a[1].indexOf(words) >= 0 ||
        a[5].toLowerCase().indexOf(words.toLowerCase()) >= 0));
    });
    shown.slice(0, SHOWN_AGENCIES).forEach(function (a) {
      var label = picker.appendChild(el("label", null, "chk"));
      var box = label.appendChild(el("input"));
      box.type = "checkbox";
      box.value = a[0];
      box.checked = !!picked[a[0]];
      label.appendChild(document.createTextNode(" " + agencyName(a)));
    });
    var count = document.getElementById("b-picked");
    count.textContent = state.a.length ? T("已选 {0} 个机关。", state.a.length) :
      T("未勾选机关：比较符合条件的全部机关（{0} 个）。", data.agencies.filter(matches).length);
    if (shown.length > SHOWN_AGENCIES) {
      picker.appendChild(el("p", T("还有 {0} 个机关未列出，请用城市、级别或名称缩小范围。", shown.length - SHOWN_AGENCIES), "note"));
    }
  }

  function syncForm() {
    ["p", "l", "k"].forEach(function (key) { form.elements[key].value = state[key]; });
    form.querySelectorAll("input[name=v]").forEach(function (b) { b.checked = b.value === state.v; });
    form.querySelectorAll("input[name=y]").forEach(function (b) { b.checked = state.y.indexOf(b.value) >= 0; });
    form.querySelectorAll("input[name=m]").forEach(function (b) { b.checked = state.m.indexOf(b.value) >= 0; });
  }

  function update() {
    writeAddress();
    if (data) { drawPicker(); render(); }
  }

  function load(code) {
    if (!loaded[code]) {
      loaded[code] = fetch(root + "compare/data/" + code + ".json").then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      });
    }
    status.textContent = T("正在载入……");
    return loaded[code].then(function (d) {
      if (state.p !== code) { return; }  // another province was chosen meanwhile
      data = d;
      drawCities();
      update();
    }).catch(function () {
      loaded[code] = null;
      status.textContent = T("数据载入失败，请刷新页面重试。");
    });
  }

  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.name === "p") {
      state.p = target.value;
      state.c = "";
      state.a = [];
      data = null;
      writeAddress();
      load(state.p);
      return;
    }
    if (target.name === "c" || target.name === "l" || target.name === "k") { state[target.name] = target.value; }
    if (target.name === "v") { state.v = target.value; state.s = ""; }
    if (target.name === "y" || target.name === "m") {
      state[target.name] = Array.prototype.filter.call(form.querySelectorAll("input[name=" + target.name + "]"),
        function (b) { return b.checked; }).map(function (b) { return b.value; });
    }
    if (target.closest("#b-agencies")) {
      state.a = state.a.filter(function (id) { return id !== target.value; });
      if (target.checked) { state.a.push(target.value); }
    }
    update();
  });
  filter.addEventListener("input", function () { if (data) { drawPicker(); } });
  document.getElementById("b-clear").addEventListener("click", function () { state.a = []; update(); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });

  readAddress();
  if (!config.provinces.some(function (p) { return p[0] === state.p; })) {
    state.p = config.provinces.length ? config.provinces[0][0] : "";
  }
  syncForm();
  form.hidden = false;
  if (state.p) { load(state.p); }
})();
