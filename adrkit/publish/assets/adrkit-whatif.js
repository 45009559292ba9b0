/* adrkit site: "what if" controls on a decision's trade-off tables.

   The tables come from the page's data block (<script type="application/json"
   id="adrkit-tradeoffs">, written by the build from the decision's data file). For each
   one shown on the page, a reviewer can change the weights (slider or number) and the
   scores, and sees the ranking, the totals, the charts and the flip points of
   adrkit-tradeoff.js redrawn in place. The explored numbers live in the address
   (?w=Criterion~5&s=Option~Criterion~4, with the table's name first for a table other
   than "main"), so a link shares the view; "Reset to the record's weights" brings the
   record's numbers back. An explored table is drawn as adrkit draws a table whose
   weights are set by hand: without the record's pairwise comparisons. Text is only ever set with textContent; nothing is loaded.
   Needs adrkit-tradeoff.js and adrkit-tradeoff-draw.js. */
(function () {
  "use strict";

  var T = window.AdrkitTradeoff;
  var block = document.getElementById("adrkit-tradeoffs");
  if (!T || !T.tradeoffNodes || !block) { return; }
  var entries;
  try { entries = JSON.parse(block.textContent).tables || []; } catch (e) { return; }

  var views = [];

  // --- the address ---------------------------------------------------------------------

  function enc(part) { return encodeURIComponent(part).replace(/~/g, "%7E"); }
  function dec(part) {
    try { return decodeURIComponent(part.replace(/\+/g, " ")); } catch (e) { return null; }
  }

  function readParams() {
    var found = { w: [], s: [] };
    var query = window.location.search.replace(/^\?/, "");
    if (!query) { return found; }
    query.split("&").forEach(function (pair) {
      var at = pair.indexOf("=");
      if (at < 0) { return; }
      var key = pair.slice(0, at);
      if (key !== "w" && key !== "s") { return; }
      var parts = pair.slice(at + 1).split("~").map(dec);
      if (parts.some(function (p) { return p === null; })) { return; }
      found[key].push(parts);
    });
    return found;
  }

  function otherParams() {
    var query = window.location.search.replace(/^\?/, "");
    return query ? query.split("&").filter(function (pair) {
      var key = pair.split("=")[0];
      return pair && key !== "w" && key !== "s";
    }) : [];
  }

  function currentQuery() {
    var params = otherParams();
    views.forEach(function (v) {
      var prefix = v.name === "main" ? [] : [v.name];
      v.state.criteria.forEach(function (c, k) {
        if (c.weight !== v.record.criteria[k].weight) {
          params.push("w=" + prefix.concat([c.name, String(c.weight)]).map(enc).join("~"));
        }
      });
      v.state.options.forEach(function (o, i) {
        v.state.criteria.forEach(function (c) {
          if (o.scores[c.name] !== v.record.options[i].scores[c.name]) {
            params.push("s=" + prefix.concat([o.name, c.name, String(o.scores[c.name])]).map(enc).join("~"));
          }
        });
      });
    });
    return params.length ? "?" + params.join("&") : "";
  }

  function remember() {
    var query = currentQuery();
    var url = window.location.pathname + query + window.location.hash;
    if (query !== window.location.search) {
      try { window.history.replaceState(null, "", url); } catch (e) { /* some file:// setups refuse */ }
    }
    views.forEach(function (v) { v.link.href = query || window.location.pathname; });
  }

  function applyParams(v, params) {
    var ignored = 0;
    var named = function (parts, size) {
      if (parts.length === size + 1 && parts[0] === v.name) { return parts.slice(1); }
      if (parts.length === size && v.name === "main") { return parts; }
      return null;
    };
    params.w.forEach(function (parts) {
      var p = named(parts, 2);
      if (!p) { return; }
      var c = v.state.criteria.filter(function (x) { return x.name === p[0]; })[0];
      var value = Number(p[1]);
      if (c && p[1] !== "" && isFinite(value) && value >= 0) { c.weight = value; } else { ignored++; }
    });
    params.s.forEach(function (parts) {
      var p = named(parts, 3);
      if (!p) { return; }
      var o = v.state.options.filter(function (x) { return x.name === p[0]; })[0];
      var known = v.state.criteria.some(function (x) { return x.name === p[1]; });
      var value = Number(p[2]);
      if (o && known && p[2] !== "" && isFinite(value) && value >= v.state.scale[0] && value <= v.state.scale[1]) {
        o.scores[p[1]] = value;
      } else { ignored++; }
    });
    return ignored;
  }

  // --- the controls ----------------------------------------------------------------------

  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function niceCeil(x) {
    var steps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];
    for (var i = 0; i < steps.length; i++) { if (x <= steps[i]) { return steps[i]; } }
    return Math.ceil(x);
  }

  function scoreStep(scale) {
    var span = scale[1] - scale[0];
    return span >= 2 && Number.isInteger(scale[0]) && Number.isInteger(scale[1]) ? 1 : span / 10;
  }

  function weightRow(v, c, k) {
    var id = v.id + "-w" + k;
    var max = niceCeil(Math.max(1, 2 * Math.max.apply(null, v.record.criteria.map(function (x) { return x.weight; }))));
    var slider = h("input", { type: "range", id: id + "-range", min: "0", max: String(max), step: String(max / 100),
                              "aria-label": c.name + " weight (slider)" });
    var field = h("input", { type: "number", id: id, min: "0", step: "any", inputmode: "decimal" });
    var share = h("span", { "class": "whatif-share" });
    var flips = h("span", { "class": "whatif-flips" });
    var set = function (value, from) {
      if (!(value >= 0) || !isFinite(value)) { return; }
      v.state.criteria[k].weight = value;
      if (from !== slider) { slider.value = String(Math.min(value, max)); }
      if (from !== field) { field.value = String(value); }
      update(v);
    };
    slider.addEventListener("input", function () { set(Number(slider.value), slider); });
    field.addEventListener("input", function () {
      if (field.value !== "" && field.checkValidity()) { set(Number(field.value), field); }
    });
    v.weightInputs.push({ slider: slider, field: field, share: share, flips: flips, max: max });
    return h("div", { "class": "whatif-weight" }, [
      h("label", { "for": id }, [c.name]),
      h("div", { "class": "whatif-inputs" }, [slider, field, share]), flips]);
  }

  function scoresTable(v) {
    var t = v.state, step = scoreStep(t.scale);
    var head = h("tr", {}, [h("th", { scope: "col" }, ["Option"])].concat(t.criteria.map(function (c) {
      return h("th", { scope: "col" }, [c.name]);
    })));
    var rows = t.options.map(function (o, i) {
      return h("tr", {}, [h("th", { scope: "row" }, [o.name])].concat(t.criteria.map(function (c) {
        var input = h("input", { type: "number", min: String(t.scale[0]), max: String(t.scale[1]), step: String(step),
                                 inputmode: "decimal", "aria-label": o.name + ", " + c.name + " score" });
        input.addEventListener("input", function () {
          if (input.value !== "" && isFinite(Number(input.value)) && Number(input.value) >= t.scale[0] &&
              Number(input.value) <= t.scale[1]) {
            v.state.options[i].scores[c.name] = Number(input.value);
            update(v);
          }
        });
        v.scoreInputs.push({ input: input, option: i, criterion: c.name });
        return h("td", {}, [input]);
      })));
    });
    return h("details", { "class": "whatif-scores" }, [
      h("summary", {}, ["Explore the scores (" + T.num(t.scale[0]) + " to " + T.num(t.scale[1]) + ")"]),
      h("div", { "class": "whatif-scroll" }, [h("table", {}, [h("thead", {}, [head]), h("tbody", {}, rows)])])]);
  }

  function panel(v) {
    var rows = v.state.criteria.map(function (c, k) { return weightRow(v, c, k); });
    v.status = h("p", { "class": "whatif-status", role: "status" });
    v.ranking = h("p", { "class": "whatif-ranking" });
    v.reset = h("button", { type: "button", "class": "whatif-reset" }, ["Reset to the record's weights"]);
    v.link = h("a", { "class": "whatif-link", href: window.location.pathname }, ["Link to this view"]);
    v.reset.addEventListener("click", function () {
      v.state = T.copyTable(v.record);
      fill(v);
      update(v);
    });
    var title = "What if the weights were different?";
    return h("section", { "class": "whatif", "aria-labelledby": v.id + "-h" }, [
      h("h3", { "class": "whatif-title", id: v.id + "-h" }, [title]),
      h("p", { "class": "whatif-lede" }, ["Change a weight or a score: the ranking, the totals, the charts and " +
        "the flip points below follow. The record itself stays as it is."]),
      h("div", { "class": "whatif-weights", role: "group", "aria-label": "Weights" }, rows),
      scoresTable(v), v.status, v.ranking,
      h("p", { "class": "whatif-actions" }, [v.reset, " ", v.link])]);
  }

  function fill(v) {
    v.weightInputs.forEach(function (w, k) {
      var value = v.state.criteria[k].weight;
      w.slider.value = String(Math.min(value, w.max));
      w.field.value = String(value);
    });
    v.scoreInputs.forEach(function (s) { s.input.value = String(v.state.options[s.option].scores[s.criterion]); });
  }

  // --- redrawing ----------------------------------------------------------------------------

  function same(a, b) {
    return a.criteria.every(function (c, k) { return c.weight === b.criteria[k].weight; }) &&
      a.options.every(function (o, i) {
        return a.criteria.every(function (c) { return o.scores[c.name] === b.options[i].scores[c.name]; });
      });
  }

  function flipText(w) {
    if (!w) { return ""; }
    var parts = [];
    if (w.down) { parts.push("level at " + T.fine(w.weight + w.down.change) + " (" + w.down.challenger + ")"); }
    if (w.up) { parts.push("level at " + T.fine(w.weight + w.up.change) + " (" + w.up.challenger + ")"); }
    return parts.length ? parts.join(" · ") : "no flip";
  }

  function update(v) {
    var exploring = !same(v.state, v.record);
    var problem = T.problem(v.state);
    var total = T.addUp(v.state.criteria.map(function (c) { return c.weight; }));
    var sens = problem ? null : T.sensitivity(v.state);
    v.weightInputs.forEach(function (w, k) {
      var c = v.state.criteria[k];
      w.share.textContent = total > 0 ? T.num(c.weight / total * 100, 0) + " %" : "";
      w.flips.textContent = sens && sens.winner ? flipText(sens.weights[k]) : (sens ? "tied" : "");
    });
    v.host.classList.toggle("is-exploring", exploring);
    if (problem) {
      v.status.textContent = "These numbers cannot be ranked: " + problem + ".";
      v.ranking.textContent = "";
    } else {
      var r = T.ranking(v.state);
      var first = r.winners.length > 1 ? T.andList(r.winners) + " tie for first place" :
        "\"" + r.winners[0] + "\" ranks first";
      var recordTop = v.recordWinners.length > 1 ? T.andList(v.recordWinners) + " tied" : "\"" + v.recordWinners[0] + "\"";
      var sameTop = r.winners.join("\n") === v.recordWinners.join("\n");
      v.status.textContent = !exploring ? "The record's numbers: " + first + "." :
        "With these numbers " + first + (sameTop ? ", as in the record." : "; the record ranks " + recordTop + " first.");
      v.ranking.textContent = r.entries.map(function (e) {
        return e.rank + ". " + e.name + " " + T.pyFixed(e.total, 2);
      }).join(" · ");
      var nodes = exploring ? T.tradeoffNodes(v.state) : null;
      if (nodes) {
        v.view.replaceChildren.apply(v.view, [v.banner].concat(nodes));
      } else if (!exploring && v.view.firstChild === v.banner) {
        v.view.replaceChildren.apply(v.view, v.original);
      }
    }
    remember();
    document.dispatchEvent(new CustomEvent("adrkit:redrawn"));
  }

  function setup(entry, index, params) {
    var host = document.getElementById(entry.anchor) || document.getElementById("nb-" + entry.anchor);
    var view = host && host.querySelector(".adrkit-tradeoff");
    if (!view || !view.querySelector("table.adrkit-scores")) { return; }
    var record = T.normalize(entry.table);
    if (T.problem(record)) { return; }
    var v = { name: entry.name, id: "whatif-" + index, host: host, view: view, record: record,
              state: T.copyTable(record), weightInputs: [], scoreInputs: [],
              original: Array.prototype.slice.call(view.childNodes),
              recordWinners: T.ranking(record).winners };
    v.banner = h("p", { "class": "whatif-banner" }, [h("strong", {}, ["What-if view."]),
      " These are not the record's numbers; the record's are back with “Reset to the record's weights”."]);
    views.push(v);
    var ignored = applyParams(v, params);
    host.insertBefore(panel(v), view);
    fill(v);
    if (ignored) {
      v.host.querySelector(".whatif-lede").textContent += " " + ignored + " value" + (ignored === 1 ? "" : "s") +
        " in the link did not match this table and " + (ignored === 1 ? "was" : "were") + " left out.";
    }
    update(v);
  }

  var params = readParams();
  entries.forEach(function (entry, i) { setup(entry, i, params); });
}());
