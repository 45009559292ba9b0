/* adrkit site: filter, sort and search the decision index without a server.
   The search index is window.ADRKIT_SEARCH, set by search-index.js and extended by
   search/N.js on a large site (plain scripts, so they load from file:// too). Rows are
   filtered by log (a site of several logs), status, tag and words. Guides matching the
   words are listed below the table. Text from records is only ever set with textContent. */
(function () {
  "use strict";

  var table = document.getElementById("adr-table");
  if (!table) { return; }
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var form = document.getElementById("filters");
  var q = document.getElementById("q");
  var status = document.getElementById("status");
  var log = document.getElementById("log");
  var tag = document.getElementById("tag");
  // Further filters (e.g. by check state): each <select data-filter="NAME"> keeps the rows
  // whose data-NAME equals its value; its name is kept in the URL like status and tag.
  var more = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var count = document.getElementById("count");
  var empty = document.getElementById("no-results");
  var guideSection = document.getElementById("guide-results");
  var guides = guideSection ? Array.prototype.slice.call(guideSection.querySelectorAll("li[data-stem]")) : [];
  var index = (window.ADRKIT_SEARCH && window.ADRKIT_SEARCH.docs) || [];
  var docs = {};
  index.forEach(function (doc) { docs[doc.s] = doc; });

  function fold(text) {
    return String(text || "").toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }

  rows.forEach(function (row) {
    var doc = docs[row.getAttribute("data-id") || row.getAttribute("data-stem")] || {};
    var tags = [];
    try { tags = JSON.parse(row.getAttribute("data-tags") || "[]"); } catch (e) { tags = []; }
    row._tags = tags;
    row._head = fold([row.getAttribute("data-stem"), row.getAttribute("data-title"), tags.join(" ")].join(" "));
    row._text = String(doc.x || "");
    row._body = fold(row._text);
  });
  guides.forEach(function (item) {
    var doc = docs[item.getAttribute("data-stem")] || {};
    item._head = fold(item.getAttribute("data-title"));
    item._text = String(doc.x || "");
    item._body = fold(item._text);
  });

  function terms(text) {
    return fold(text).split(/[^\p{L}\p{N}_-]+/u).filter(function (t) { return t.length > 0; });
  }

  function snippet(row, words) {
    var at = -1, word = "";
    for (var i = 0; i < words.length && at < 0; i++) {
      if (row._head.indexOf(words[i]) >= 0) { continue; }
      at = row._body.indexOf(words[i]);
      word = words[i];
    }
    if (at < 0) { return ""; }
    var start = Math.max(0, at - 60), end = Math.min(row._text.length, at + word.length + 80);
    return (start > 0 ? "… " : "") + row._text.slice(start, end).trim() + (end < row._text.length ? " …" : "");
  }

  function apply() {
    var words = terms(q.value);
    var wantStatus = status.value, wantTag = tag.value, wantLog = log ? log.value : "", shown = 0;
    rows.forEach(function (row) {
      var ok = (!wantLog || row.getAttribute("data-log") === wantLog) &&
               (!wantStatus || row.getAttribute("data-status") === wantStatus) &&
               (!wantTag || row._tags.indexOf(wantTag) >= 0) &&
               more.every(function (select) {
                 return !select.value || row.getAttribute("data-" + select.getAttribute("data-filter")) === select.value;
               });
      if (ok) {
        ok = words.every(function (w) { return row._head.indexOf(w) >= 0 || row._body.indexOf(w) >= 0; });
      }
      row.hidden = !ok;
      var snip = row.querySelector(".snippet");
      var text = ok && words.length ? snippet(row, words) : "";
      snip.textContent = text;
      snip.hidden = !text;
      if (ok) { shown++; }
    });
    count.textContent = shown + " of " + rows.length + " shown";
    empty.hidden = shown > 0;
    var guidesShown = 0;
    guides.forEach(function (item) {
      var ok = words.length > 0 && !wantStatus && !wantTag && !wantLog && more.every(function (s) { return !s.value; }) &&
        words.every(function (w) {
        return item._head.indexOf(w) >= 0 || item._body.indexOf(w) >= 0;
      });
      item.hidden = !ok;
      var snip = item.querySelector(".snippet");
      var text = ok ? snippet(item, words) : "";
      snip.textContent = text;
      snip.hidden = !text;
      if (ok) { guidesShown++; }
    });
    if (guideSection) { guideSection.hidden = guidesShown === 0; }
    remember();
  }

  function remember() {
    var params = [];
    if (q.value) { params.push("q=" + encodeURIComponent(q.value)); }
    if (log && log.value) { params.push("log=" + encodeURIComponent(log.value)); }
    if (status.value) { params.push("status=" + encodeURIComponent(status.value)); }
    if (tag.value) { params.push("tag=" + encodeURIComponent(tag.value)); }
    more.forEach(function (select) {
      if (select.value) { params.push(encodeURIComponent(select.name) + "=" + encodeURIComponent(select.value)); }
    });
    var search = params.length ? "?" + params.join("&") : "";
    if (search === window.location.search) { return; }
    try { window.history.replaceState(null, "", search || window.location.pathname); } catch (e) { /* file:// may refuse */ }
  }

  function setSelect(select, value) {
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === value) { select.selectedIndex = i; return; }
    }
  }

  function sortBy(th) {
    var key = th.getAttribute("data-key");
    var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) { cell.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir);
    var sign = dir === "ascending" ? 1 : -1;
    rows.sort(function (a, b) {
      var x = a.getAttribute("data-" + key) || "", y = b.getAttribute("data-" + key) || "";
      var c = key === "number" ? (Number(x) - Number(y)) : x.localeCompare(y, undefined, { sensitivity: "base" });
      if (c === 0) { c = Number(a.getAttribute("data-number")) - Number(b.getAttribute("data-number")); }
      return c * sign;
    });
    rows.forEach(function (row) { tbody.appendChild(row); });
  }

  Array.prototype.forEach.call(table.querySelectorAll("th[data-key] button"), function (button) {
    button.addEventListener("click", function () { sortBy(button.parentNode); });
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  q.addEventListener("input", apply);
  status.addEventListener("change", apply);
  if (log) { log.addEventListener("change", apply); }
  tag.addEventListener("change", apply);
  more.forEach(function (select) { select.addEventListener("change", apply); });

  var params = new URLSearchParams(window.location.search);
  q.value = params.get("q") || "";
  if (log) { setSelect(log, params.get("log") || ""); }
  setSelect(status, params.get("status") || "");
  setSelect(tag, params.get("tag") || "");
  more.forEach(function (select) { setSelect(select, params.get(select.name) || ""); });
  apply();
}());
