/* Site search (search/index.html): the build works out every agency's keys (generator/site/search.py)
   into search/index.json; here the query is normalised (NFKC, lower case, traditional characters
   mapped to simplified with the index's own map) and compared with those keys. The query lives in
   the address (?q=), so a search can be shared and survives a reload. No innerHTML: every name is
   text. */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form) { return; }
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var results = document.getElementById("search-results");
  var root = form.getAttribute("data-root");
  // An English page: its words (search-strings), agencies by their English names, links to en/.
  var english = document.documentElement.lang === "en";
  var strings = document.getElementById("search-strings");
  var STRINGS = strings ? JSON.parse(strings.textContent) : {};
  function T(text) {
    var args = arguments;
    return (STRINGS[text] || text).replace(/\{(\d)\}/g, function (_, i) { return String(args[Number(i) + 1]); });
  }
  var pages = root + (english ? "en/" : "");
  var LIMIT = 100;
  var NO_MATCH = 99;
  var YEAR = /^((?:19|20)\d\d)年?(?:度)?$/;
  var index = null;
  var timer = null;

  function spelled(hyphens) {
    var parts = hyphens.split("-");
    return {full: parts.join(""), initials: parts.map(function (p) { return p.charAt(0); }).join(""),
            parts: parts};
  }

  /* A division's names as a query may begin with them: full, short, pinyin of both, their initials. */
  function divisionForms(entry, normalise) {
    var full = normalise(entry[0]);
    var pinyin = spelled(entry[3]);
    var forms = [full, pinyin.full];
    if (pinyin.initials.length > 1) { forms.push(pinyin.initials); }
    if (entry[2]) {
      var kept = spelled(pinyin.parts.slice(0, pinyin.parts.length - (full.length - entry[2].length)).join("-"));
      forms.push(entry[2], kept.full);
      if (kept.initials.length > 1) { forms.push(kept.initials); }
    }
    return forms;
  }

  function prepare(data) {
    var t2s = data.t2s;
    function normalise(text) {
      var plain = (text.normalize ? text.normalize("NFKC") : text).toLowerCase().replace(/\s+/g, "");
      var out = "";
      for (var i = 0; i < plain.length; i += 1) {
        var c = plain.charAt(i);
        out += Object.prototype.hasOwnProperty.call(t2s, c) ? t2s[c] : c;
      }
      return out;
    }
    var regions = {};
    function region(code) {
      if (!code || !data.regions[code]) { return {name: "", nameEn: "", province: "", forms: []}; }
      if (!regions[code]) {
        var entry = data.regions[code];
        var above = region(entry[1]);
        regions[code] = {
          name: above.name + entry[0],
          nameEn: entry[4] + (above.nameEn ? ", " + above.nameEn : ""),  // smallest first
          province: above.province || code,
          forms: above.forms.concat(divisionForms(entry, normalise)).sort(function (a, b) {
            return b.length - a.length;  /* the longest is tried first */
          })
        };
      }
      return regions[code];
    }
    var agencies = data.agencies.map(function (e, order) {
      var pinyin = [];
      (/^[a-z0-9-]+$/.test(e[0]) ? [e[0]].concat(e[7]) : e[7]).forEach(function (s) {
        var one = spelled(s);
        pinyin.push(one.full, one.initials);
      });
      var name = normalise(e[1]);
      var core = typeof e[5] === "number" ? name.slice(e[5]) : e[5];
      var place = region(e[2]);
      return {
        order: order, id: e[0], name: e[1], label: data.labels[e[3]], english: (e[8] || "").toLowerCase(),
        nameEn: e[8] || "",
        years: e[4].map(function (y) {
          return typeof y === "number" ? {year: y, id: e[0] + "-" + y} : {year: y[0], id: y[1]};
        }),
        keys: [name, core].concat(e[6]).filter(Boolean),
        pinyin: pinyin,
        own: [name].concat(pinyin),
        region: english ? place.nameEn : place.name,
        province: place.province,
        forms: place.forms
      };
    });
    var pages = data.pages.map(function (p) { return {slug: p[0], title: p[1], key: normalise(p[1])}; });
    return {normalise: normalise, agencies: agencies, pages: pages, regions: data.regions};
  }

  /* What is left of a word once the agency's region names are taken off its start, one by one;
     `printed` is false once a name taken off is not in the agency's own name (成都教育局 is 成都市教育局
     exactly, and 武侯区教育局 of 成都 only less so). */
  function remainders(word, agency) {
    var out = [{rest: word, printed: true}];
    var rest = word;
    var printed = true;
    var again = true;
    while (again && rest) {
      again = false;
      for (var i = 0; i < agency.forms.length; i += 1) {
        var form = agency.forms[i];
        if (rest.lastIndexOf(form, 0) === 0) {
          rest = rest.slice(form.length);
          printed = printed && agency.own.some(function (text) { return text.indexOf(form) !== -1; });
          out.push({rest: rest, printed: printed});
          again = true;
          break;
        }
      }
    }
    return out;
  }

  /* What is left must be `shortest` long at least, and `inside` to match inside a key (pinyin: a
     letter or two would match nearly everything). */
  function compare(candidates, keys, ranks, shortest, inside) {
    var best = NO_MATCH;
    candidates.forEach(function (c) {
      if (c.rest.length < shortest) { return; }
      var penalty = c.printed ? 0 : 0.5;
      keys.forEach(function (k) {
        var at = k.indexOf(c.rest);
        if (at === 0) { best = Math.min(best, (k.length === c.rest.length ? ranks[0] : ranks[1]) + penalty); }
        else if (at > 0 && c.rest.length >= inside) { best = Math.min(best, ranks[2] + penalty); }
      });
    });
    return best;
  }

  /* 0 a key exactly, 1 a key's start, 2 inside a key, 3 the agency's region only, 4-6 pinyin (and
     half a step more when the query names a region the agency's name does not print). */
  function rankWord(agency, word) {
    var candidates = remainders(word, agency);
    var best = compare(candidates, agency.keys, [0, 1, 2], 1, 1);
    // English words (education bureau) match the English name, after every Chinese and pinyin key.
    if (best === NO_MATCH && english && word.length > 2 && agency.english.indexOf(word) !== -1) { best = 7; }
    if (candidates[candidates.length - 1].rest === "") { best = Math.min(best, 3); }
    if (best === NO_MATCH && /^[a-z0-9]{2,}$/.test(word)) { best = compare(candidates, agency.pinyin, [4, 5, 6], 2, 3); }
    return best;
  }

  function parse(query) {
    var words = [];
    var years = [];
    query.split(/[\s,，、;；]+/).forEach(function (raw) {
      var word = index.normalise(raw);
      if (!word) { return; }
      var year = YEAR.exec(word);
      if (year) { years.push(Number(year[1])); } else { words.push(word); }
    });
    return {words: words, years: years};
  }

  function search(query) {
    var parsed = parse(query);
    var found = [];
    index.agencies.forEach(function (agency) {
      var years = agency.years.filter(function (y) { return parsed.years.indexOf(y.year) !== -1; });
      if (parsed.years.length && years.length < parsed.years.length) { return; }
      var worst = 0;
      var sum = 0;
      for (var i = 0; i < parsed.words.length; i += 1) {
        var rank = rankWord(agency, parsed.words[i]);
        if (rank === NO_MATCH) { return; }
        worst = Math.max(worst, rank);
        sum += rank;
      }
      found.push({agency: agency, rank: worst, sum: sum, years: parsed.years.length ? years : agency.years});
    });
    found.sort(function (a, b) {
      return a.rank - b.rank || a.sum - b.sum || a.agency.order - b.agency.order;
    });
    var pages = parsed.words.length ? index.pages.filter(function (page) {
      return parsed.words.every(function (w) { return page.key.indexOf(w) !== -1 || page.slug === w; });
    }) : [];
    return {agencies: found, pages: pages, empty: !parsed.words.length && !parsed.years.length};
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function link(href, text) {
    var a = element("a", "", text);
    a.href = pages + href;
    return a;
  }

  function agencyItem(hit) {
    var agency = hit.agency;
    var li = element("li");
    var name = link("agencies/" + agency.id + "/", english ? agency.nameEn + " " : agency.name);
    if (english) {
      var zh = name.appendChild(element("span", "zh", agency.name));
      zh.lang = "zh-CN";
    }
    li.appendChild(name);
    var facts = [agency.region, T(agency.label)].filter(Boolean).join(" · ");
    li.appendChild(element("span", "muted where", facts));
    var years = element("span", "yrs");
    hit.years.forEach(function (y) {
      years.appendChild(link("reports/" + y.id + "/", y.year ? T("{0}年报告", y.year) : T("报告")));
    });
    li.appendChild(years);
    return li;
  }

  /* Grouped by province, the group of the best result first. */
  function groups(hits) {
    var byProvince = {};
    var order = [];
    hits.forEach(function (hit) {
      var key = hit.agency.province || "~";
      if (!byProvince[key]) { byProvince[key] = []; order.push(key); }
      byProvince[key].push(hit);
    });
    return order.map(function (key) {
      var region = index.regions[key];
      return {name: region ? region[english ? 4 : 0] : T("地区不详"), hits: byProvince[key]};
    });
  }

  function render(query) {
    results.textContent = "";
    if (!query.trim()) { status.textContent = ""; return; }
    var found = search(query);
    if (found.empty) { status.textContent = ""; return; }
    var shown = found.agencies.slice(0, LIMIT);
    var text = T("找到 {0} 个机关", found.agencies.length);
    if (found.pages.length) { text += T("、{0} 个页面", found.pages.length); }
    if (found.agencies.length > LIMIT) { text += T("；显示最相关的 {0} 个，加上地区或年份可以缩小范围", LIMIT); }
    status.textContent = text;
    if (found.pages.length) {
      var section = element("section", "search-group");
      section.appendChild(element("h2", "", T("本站页面")));
      var list = element("ul", "search-list");
      found.pages.forEach(function (page) {
        var li = element("li");
        li.appendChild(link(page.slug + "/", page.title));
        list.appendChild(li);
      });
      section.appendChild(list);
      results.appendChild(section);
    }
    groups(shown).forEach(function (group) {
      var section = element("section", "search-group");
      section.appendChild(element("h2", "", group.name));
      var list = element("ul", "search-list");
      group.hits.forEach(function (hit) { list.appendChild(agencyItem(hit)); });
      section.appendChild(list);
      results.appendChild(section);
    });
  }

  function remember(query) {
    var url = query ? "?q=" + encodeURIComponent(query) : window.location.pathname;
    if (window.location.search !== (query ? url : "")) { window.history.replaceState(null, "", url); }
  }

  function update() {
    window.clearTimeout(timer);
    var query = input.value;
    remember(query.trim() ? query : "");
    if (index) { render(query); }
  }

  function fromAddress() {
    var query = new URLSearchParams(window.location.search).get("q") || "";
    input.value = query;
    return query;
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 250);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    update();
  });
  window.addEventListener("popstate", function () { if (index) { render(fromAddress()); } });

  var initial = fromAddress();
  status.textContent = initial ? T("正在载入索引…") : "";
  fetch(form.getAttribute("data-index"))
    .then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    })
    .then(function (data) {
      index = prepare(data);
      form.setAttribute("data-ready", "");
      render(input.value);
    })
    .catch(function () {
      status.textContent = T("搜索索引载入失败，请刷新页面重试，或在机关列表中查找。");
    });
})();
