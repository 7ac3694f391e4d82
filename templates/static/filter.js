/* Agencies index: show only the agencies whose name (or region) contains what is typed.
   Plain substring matching on the page itself: no server, no index file. */
(function () {
  "use strict";
  var input = document.getElementById("agency-filter");
  if (!input) { return; }
  var status = document.getElementById("filter-status");
  var items = Array.prototype.slice.call(document.querySelectorAll("li[data-name]"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("section.lvl, section.prov"));
  input.parentNode.hidden = false;

  function normalise(text) {
    return (text.normalize ? text.normalize("NFKC") : text).replace(/\s+/g, "").toLowerCase();
  }
  var names = items.map(function (li) { return normalise(li.getAttribute("data-name")); });

  function apply() {
    var query = normalise(input.value);
    var shown = 0;
    items.forEach(function (li, i) {
      var match = !query || names[i].indexOf(query) !== -1;
      li.hidden = !match;
      if (match) { shown += 1; }
    });
    // Levels first, then provinces: a group is hidden when nothing inside it is shown.
    groups.forEach(function (group) {
      group.hidden = !group.querySelector("li[data-name]:not([hidden])");
    });
    // The page says how (found-text in its language, {n} the count).
    status.textContent = query ? status.getAttribute("data-found").replace("{n}", shown) : "";
  }
  input.addEventListener("input", apply);
  apply();
})();
