/* adrkit site: a trade-off drawn in the browser, as the build draws it.

   The chart models of adrkit.render.charts (totals, tornado, Pugh) and the elements of
   the templates chart_*.svg.j2 and tradeoff.html.j2, built with the DOM (text is only
   ever set with textContent). Needs adrkit-tradeoff.js; adds to window.AdrkitTradeoff. */
(function () {
  "use strict";

  var T = window.AdrkitTradeoff;
  var SVG_NS = "http://www.w3.org/2000/svg";
  var PALETTE = [["#0072b2", "#ffffff"], ["#e69f00", "#000000"], ["#009e73", "#000000"],
                 ["#cc79a7", "#000000"], ["#56b4e9", "#000000"], ["#d55e00", "#000000"],
                 ["#f0e442", "#000000"], ["#999999", "#000000"]];
  var PUGH = { "1": ["better", "+", "#dafbe1", "#116329"], "0": ["same", "S", "#eaeef2", "#3d444d"],
               "-1": ["worse", "−", "#ffebe9", "#a40e26"] };
  var LINE = 20, NAME_CLIP = 28, CHALLENGER_CLIP = 16, SEGMENT_LABEL = 4.5, BAR_ROOM = 88.0, TORNADO_RANGE = 100.0;
  var TITLE_WRAP = 34, SUBTITLE_WRAP = 50, LABELS_ONE_LINE = 44;
  var STEPS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0,
               100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0, 20000.0, 50000.0, 100000.0, 200000.0,
               500000.0, 1000000.0];
  var FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
  var num = T.num, fine = T.fine, signed = T.signed, clip = T.clip, pos = T.pos;

  function colour(i) { return PALETTE[i % PALETTE.length]; }
  function key(i) { return String(i + 1); }
  function valid(t) { return !T.problem(t); }
  function option(t, name) { return t.options.filter(function (o) { return o.name === name; })[0]; }

  function length(text) { return Array.from(text).length; }

  function wrap(text, width) {
    var lines = [], line = "";
    text.split(" ").forEach(function (word) {
      if (line && length(line) + 1 + length(word) > width) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) { lines.push(line); }
    return lines;
  }

  function head(title, subtitle) {
    var lines = [], y = 0;
    wrap(title, TITLE_WRAP).forEach(function (text) { y += 19; lines.push({ text: text, y: y, size: 15, bold: true }); });
    wrap(subtitle, SUBTITLE_WRAP).forEach(function (text) { y += 16; lines.push({ text: text, y: y, size: 12, bold: false }); });
    return [lines, y + 10];
  }

  function niceStep(span) {
    for (var i = 0; i < STEPS.length; i++) { if (span / STEPS[i] <= 10.0) { return STEPS[i]; } }
    return null;
  }

  function legend(t, y) {
    var total = T.addUp(t.criteria.map(function (c) { return c.weight; }));
    return t.criteria.map(function (c, i) {
      var share = total > 0 ? c.weight / total * 100 : 0.0;
      return { key: key(i), name: clip(c.name, 40), full: c.name,
               note: "weight " + num(c.weight) + " (" + num(share, 0) + " %)",
               fill: colour(i)[0], ink: colour(i)[1], y: y + i * LINE };
    });
  }

  // --- the models (adrkit.render.charts) ------------------------------------------------

  function totalsModel(t) {
    if (!valid(t) || !t.options.length || !t.criteria.length) { return null; }
    var r = T.ranking(t);
    var totalW = T.addUp(t.criteria.map(function (c) { return c.weight; }));
    var shares = t.criteria.map(function (c) { return c.weight / totalW; });
    var parts = T.named(), low = 0.0, high = 0.0;
    t.options.forEach(function (o) {
      var contrib = t.criteria.map(function (c, k) { return shares[k] * o.scores[c.name]; });
      parts[o.name] = contrib;
      low = Math.min(low, T.addUp(contrib.filter(function (v) { return v < 0; })));
      high = Math.max(high, T.addUp(contrib.filter(function (v) { return v > 0; })));
    });
    low = Math.min(low, t.scale[0], 0.0);
    high = Math.max(high, t.scale[1], 0.0);
    var step = niceStep(high - low);
    if (step !== null) {
      low = Math.floor(low / step + 1e-9) * step;
      high = Math.ceil(high / step - 1e-9) * step;
    }
    var span = high - low;
    if (step === null) { step = span; }
    var x = function (v) { return (v - low) / span * BAR_ROOM; };
    var hd = head("Weighted totals", "Best first; each bar stacked by what each criterion adds " +
                  "(its share of the weights × the score)");
    var items = legend(t, hd[1]);
    var y = hd[1] + items.length * LINE + 8;
    var gridTop = y + 20;
    var rows = r.entries.map(function (e) {
      var contrib = parts[e.name], segments = [], right = 0.0, left = 0.0;
      t.criteria.forEach(function (c, k) {
        var v = contrib[k], a, b;
        if (v === 0) { return; }
        if (v > 0) { a = right; b = right + v; right = b; } else { a = left + v; b = left; left = a; }
        var width = x(b) - x(a);
        segments.push({ key: key(k), x: pos(x(a)), w: pos(width), fill: colour(k)[0], ink: colour(k)[1],
                        label: width >= SEGMENT_LABEL, mid: pos(x(a) + width / 2),
                        tip: e.name + ", " + c.name + ": score " + num(option(t, e.name).scores[c.name]) + " × " +
                             num(shares[k] * 100, 0) + " % = " + num(v) });
      });
      var marks = [];
      if (e.rank === 1) { marks.push(r.winners.length > 1 ? "tied first" : "top-ranked"); }
      if (e.name === t.chosen) { marks.push("chosen"); }
      var row = { name: clip(e.name, NAME_CLIP), full: e.name, winner: e.rank === 1, note: marks.join(", "),
                  total: T.pyFixed(e.total, 2), at: pos(x(e.total)), box: [pos(x(left)), pos(x(right) - x(left))],
                  end: pos(x(right)), mixed: left < 0, y: y, segments: segments };
      y += 48;
      return row;
    });
    var ticks = [], n = Math.round(span / step);
    for (var i = 0; i <= n; i++) {
      var v = low + i * step;
      ticks.push({ x: pos(x(v)), label: num(v), anchor: i === 0 ? "start" : "middle" });
    }
    var lead = r.entries.map(function (e) { return e.name + " " + T.pyFixed(e.total, 2); }).join(", ");
    var top = r.winners.length > 1 ? r.winners.join(" and ") + " tie for first place" : r.winners[0] + " is top-ranked";
    return { kind: "totals", head: hd[0], label: "Weighted totals: " + top,
             desc: "Bars stacked by what each criterion adds (its share of the weights times the score), best first: " +
                   lead + ". Scores run from " + num(t.scale[0]) + " to " + num(t.scale[1]) + ".",
             legend: items, rows: rows, ticks: ticks, zero: pos(x(0.0)), room: pos(BAR_ROOM),
             grid_top: gridTop, axis_y: y - 6, height: y + 18 };
  }

  function tornadoModel(t) {
    if (!valid(t) || t.options.length < 2 || !t.criteria.length) { return null; }
    var sens = T.sensitivity(t);
    if (sens.winner === null) { return null; }
    var span = 2 * TORNADO_RANGE;
    var x = function (p) { return (Math.max(-TORNADO_RANGE, Math.min(TORNADO_RANGE, p)) + TORNADO_RANGE) / span * 100.0; };
    var order = sens.weights.map(function (_, i) { return i; });
    order.sort(function (a, b) {
      var sa = sens.weights[a].size, sb = sens.weights[b].size;
      return sa < sb ? -1 : (sb < sa ? 1 : 0);
    });
    var hd = head("Sensitivity of the winner", "How far each weight can move with “" +
                  clip(sens.winner, CHALLENGER_CLIP) + "” still first; the ends name who draws level");
    var y = hd[1] + 6, gridTop = y, rows = [];
    order.forEach(function (i) {
      var w = sens.weights[i], downPct, upPct;
      var row = { name: clip(w.criterion, NAME_CLIP), full: w.criterion, weight: num(w.weight), y: y };
      if (w.weight === 0) {
        downPct = 0.0; row.down_label = "weight 0"; row.down_cap = false;
      } else if (w.down !== null) {
        downPct = w.down.change / w.weight * 100.0;
        row.down_label = signed(downPct) + " % (to " + fine(w.weight + w.down.change) + "): " +
          clip(w.down.challenger, CHALLENGER_CLIP);
        row.down_cap = true;
      } else {
        downPct = -TORNADO_RANGE; row.down_label = "to 0: still first"; row.down_cap = false;
      }
      if (w.up !== null) {
        if (w.weight === 0) {
          upPct = Infinity;
          var ofTotal = w.share !== null ? " (" + fine(w.share, 1) + " % of total)" : "";
          row.up_label = "to " + fine(w.up.change) + ofTotal + ": " + clip(w.up.challenger, CHALLENGER_CLIP);
        } else {
          upPct = w.up.change / w.weight * 100.0;
          row.up_label = signed(upPct) + " % (to " + fine(w.weight + w.up.change) + "): " +
            clip(w.up.challenger, CHALLENGER_CLIP);
        }
        row.up_cap = upPct <= TORNADO_RANGE;
        row.beyond = upPct > TORNADO_RANGE;
      } else {
        upPct = TORNADO_RANGE; row.up_label = "up: still first"; row.up_cap = false; row.beyond = false;
      }
      row.x = pos(x(downPct));
      row.w = pos(x(upPct) - x(downPct));
      row.end = pos(x(upPct));
      row.tip = w.criterion + " (weight " + num(w.weight) + "): " + T.describeWeight(w);
      var twoLines = length(row.down_label) + length(row.up_label) > LABELS_ONE_LINE;
      row.up_y = y + (twoLines ? 66 : 50);
      rows.push(row);
      y += twoLines ? 80 : 64;
    });
    var ticks = [-TORNADO_RANGE, -T.SENSITIVE_PERCENT, 0.0, T.SENSITIVE_PERCENT, TORNADO_RANGE].map(function (p) {
      return { x: pos(x(p)), label: p === 0 ? "0" : signed(p) + " %",
               anchor: p === -TORNADO_RANGE ? "start" : (p === TORNADO_RANGE ? "end" : "middle") };
    });
    var notes = wrap("Shaded: a change of " + num(T.FRAGILE_PERCENT) + " % or less (fragile), " +
                     num(T.SENSITIVE_PERCENT) + " % or less (sensitive).", SUBTITLE_WRAP).map(function (text, i) {
      return { text: text, y: y + 12 + 16 * (i + 1) };
    });
    var closest = T.mostSensitive(sens);
    var said = closest !== null ? "The closest call is " + closest.criterion + ": " + T.describeWeight(closest) + "."
      : "No change of any one weight makes another option win.";
    return { kind: "tornado", winner: sens.winner, head: hd[0],
             label: "Sensitivity of the win of " + sens.winner + ": " + sens.verdict,
             desc: "For each criterion, the change of its weight alone, as a percent of the weight, that brings " +
                   "another option level with " + sens.winner + ". " + said,
             rows: rows, ticks: ticks, zero: pos(x(0.0)),
             fragile: [pos(x(-T.FRAGILE_PERCENT)), pos(x(T.FRAGILE_PERCENT) - x(-T.FRAGILE_PERCENT))],
             sensitive: [pos(x(-T.SENSITIVE_PERCENT)), pos(x(T.SENSITIVE_PERCENT) - x(-T.SENSITIVE_PERCENT))],
             band_note: notes, grid_top: gridTop, axis_y: y - 4, height: notes[notes.length - 1].y + 8 };
  }

  function pughModel(t) {
    if (!valid(t) || !t.baseline || t.options.length < 2 || !t.criteria.length) { return null; }
    var p = T.pugh(t), n = p.criteria.length, cell = 100.0 / n;
    var hd = head("Pugh matrix against “" + clip(p.baseline, CHALLENGER_CLIP) + "”",
                  "+ better, S same, − worse than the baseline, criterion by criterion");
    var y = hd[1] + 2;
    var rows = p.rows.map(function (r) {
      var cells = p.criteria.map(function (c, i) {
        var look = PUGH[String(r.marks[c])];
        return { key: key(i), x: pos(i * cell), w: pos(cell), mid: pos((i + 0.5) * cell), word: look[0], symbol: look[1],
                 fill: look[2], ink: look[3], tip: r.option + ", " + c + ": " + look[0] + " than " + p.baseline };
      });
      var row = { name: clip(r.option, NAME_CLIP), full: r.option, y: y,
                  summary: r.better + " better · " + r.same + " same · " + r.worse + " worse · weighted " +
                           (signed(r.weighted) || "0"), cells: cells };
      y += 76;
      return row;
    });
    var items = p.criteria.map(function (c, i) { return { key: key(i), name: clip(c, 40), full: c, y: y + i * LINE }; });
    y += n * LINE;
    var said = p.rows.map(function (r) {
      return r.option + ": " + r.better + " better, " + r.same + " same, " + r.worse + " worse";
    }).join("; ");
    return { kind: "pugh", baseline: p.baseline, head: hd[0],
             label: "Pugh matrix against the baseline " + p.baseline,
             desc: "Each option compared with " + p.baseline + " on each criterion. " + said + ".",
             rows: rows, legend: items, height: y + 4 };
  }

  function chartModels(t) {
    var out = {};
    [["totals", totalsModel], ["tornado", tornadoModel], ["pugh", pughModel]].forEach(function (pair) {
      var m = pair[1](t);
      if (m !== null) { out[pair[0]] = m; }
    });
    return out;
  }

  // --- SVG (templates/chart_*.svg.j2) -----------------------------------------------------

  function s(tag, attrs, children) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function frame(m, width, body) {
    var svg = s("svg", { "class": "adrkit-chart adrkit-chart-" + m.kind, width: width, height: m.height, role: "img",
                         "font-family": FONT, "font-size": "13" },
                [s("title", {}, [m.label]), s("desc", {}, [m.desc])]);
    m.head.forEach(function (line) {
      svg.appendChild(line.bold
        ? s("text", { "class": "ac-ink ac-title", x: "0", y: line.y, "font-size": line.size, "font-weight": "700",
                      fill: "#1f2328" }, [line.text])
        : s("text", { "class": "ac-muted", x: "0", y: line.y, "font-size": line.size, fill: "#57606a" }, [line.text]));
    });
    body.forEach(function (node) { svg.appendChild(node); });
    return svg;
  }

  function muted(text, attrs) {
    return s("tspan", Object.assign({ "class": "ac-muted" }, attrs || {}, { fill: "#57606a" }), [text]);
  }

  function axisLabels(m, dy) {
    return m.ticks.map(function (t) {
      return s("text", { "class": "ac-muted", x: t.x + "%", y: m.axis_y + dy, "text-anchor": t.anchor,
                         "font-size": "12", fill: "#57606a" }, [t.label]);
    });
  }

  function drawTotals(m) {
    var body = [];
    m.legend.forEach(function (it) {
      body.push(s("g", { "class": "ac-legend" }, [
        s("title", {}, [it.full + ": " + it.note]),
        s("rect", { x: "0", y: it.y, width: "16", height: "16", rx: "3", fill: it.fill }),
        s("text", { x: "8", y: it.y + 12, "text-anchor": "middle", "font-size": "11", "font-weight": "700",
                    fill: it.ink }, [it.key]),
        s("text", { "class": "ac-ink", x: "22", y: it.y + 12.5, fill: "#1f2328" }, [it.name + " ", muted(it.note)])]));
    });
    m.ticks.forEach(function (t) {
      body.push(s("line", { "class": "ac-grid", x1: t.x + "%", x2: t.x + "%", y1: m.grid_top, y2: m.axis_y,
                            stroke: "#d0d7de", "stroke-width": "1" }));
    });
    m.rows.forEach(function (r) {
      var nameAttrs = { "class": "ac-ink", x: "0", y: r.y + 14, fill: "#1f2328" };
      if (r.winner) { nameAttrs["font-weight"] = "700"; }
      var nameParts = [(r.winner ? "★ " : "") + r.name];
      if (r.note) { nameParts.push(" "); nameParts.push(muted(r.note, { "font-weight": "400" })); }
      nameParts.push(s("title", {}, [r.full]));
      var g = s("g", { "class": "ac-row" + (r.winner ? " ac-winner" : "") }, [
        s("text", nameAttrs, nameParts),
        s("text", { "class": "ac-ink", x: r.end + "%", y: r.y + 34, dx: "6", fill: "#1f2328",
                    "font-weight": "700" }, [r.total])]);
      r.segments.forEach(function (seg) {
        g.appendChild(s("rect", { "class": "ac-seg ac-sep", x: seg.x + "%", y: r.y + 20, width: seg.w + "%",
                                  height: "18", fill: seg.fill, stroke: "#ffffff", "stroke-width": "1" },
                        [s("title", {}, [seg.tip])]));
        if (seg.label) {
          g.appendChild(s("text", { x: seg.mid + "%", y: r.y + 33, "text-anchor": "middle", "font-size": "11",
                                    "font-weight": "700", fill: seg.ink, "aria-hidden": "true" }, [seg.key]));
        }
      });
      if (r.winner && r.segments.length) {
        g.appendChild(s("rect", { "class": "ac-win", x: r.box[0] + "%", y: r.y + 19, width: r.box[1] + "%",
                                  height: "20", fill: "none", stroke: "#1f2328", "stroke-width": "2",
                                  "aria-hidden": "true" }));
      }
      if (r.mixed) {
        g.appendChild(s("line", { "class": "ac-cap", x1: r.at + "%", x2: r.at + "%", y1: r.y + 17, y2: r.y + 41,
                                  stroke: "#1f2328", "stroke-width": "2" }));
      }
      body.push(g);
    });
    body.push(s("line", { "class": "ac-axis", x1: "0", x2: m.room + "%", y1: m.axis_y, y2: m.axis_y, stroke: "#57606a",
                          "stroke-width": "1" }));
    body.push(s("line", { "class": "ac-axis", x1: m.zero + "%", x2: m.zero + "%", y1: m.grid_top, y2: m.axis_y,
                          stroke: "#57606a", "stroke-width": "1" }));
    return body.concat(axisLabels(m, 16));
  }

  function drawTornado(m) {
    var height = m.axis_y - m.grid_top;
    var body = [
      s("rect", { "class": "ac-band-sensitive", x: m.sensitive[0] + "%", y: m.grid_top, width: m.sensitive[1] + "%",
                  height: height, fill: "#fff6d6" }),
      s("rect", { "class": "ac-band-fragile", x: m.fragile[0] + "%", y: m.grid_top, width: m.fragile[1] + "%",
                  height: height, fill: "#ffe0de" }),
      s("line", { "class": "ac-axis", x1: m.zero + "%", x2: m.zero + "%", y1: m.grid_top, y2: m.axis_y,
                  stroke: "#57606a", "stroke-width": "1" })];
    m.rows.forEach(function (r) {
      var g = s("g", { "class": "ac-row" }, [
        s("title", {}, [r.tip]),
        s("text", { "class": "ac-ink", x: "0", y: r.y + 14, fill: "#1f2328", "font-weight": "700" },
          [r.name + " ", muted("weight " + r.weight, { "font-weight": "400" })]),
        s("rect", { "class": "ac-bar", x: r.x + "%", y: r.y + 20, width: r.w + "%", height: "14", fill: "#74b3e8" })]);
      if (r.down_cap) {
        g.appendChild(s("line", { "class": "ac-cap", x1: r.x + "%", x2: r.x + "%", y1: r.y + 17, y2: r.y + 37,
                                  stroke: "#1f2328", "stroke-width": "2" }));
      }
      if (r.up_cap) {
        g.appendChild(s("line", { "class": "ac-cap", x1: r.end + "%", x2: r.end + "%", y1: r.y + 17, y2: r.y + 37,
                                  stroke: "#1f2328", "stroke-width": "2" }));
      }
      if (r.beyond) {
        g.appendChild(s("text", { "class": "ac-ink", x: r.end + "%", y: r.y + 32, dx: "-3", "text-anchor": "end",
                                  "font-size": "13", "font-weight": "700", fill: "#1f2328", "aria-hidden": "true" }, ["»"]));
      }
      g.appendChild(s("text", { "class": "ac-ink", x: "0", y: r.y + 50, "font-size": "12", fill: "#1f2328" }, [r.down_label]));
      g.appendChild(s("text", { "class": "ac-ink", x: "100%", y: r.up_y, "text-anchor": "end", "font-size": "12",
                                fill: "#1f2328" }, [r.up_label]));
      body.push(g);
    });
    body.push(s("line", { "class": "ac-axis", x1: "0", x2: "100%", y1: m.axis_y, y2: m.axis_y, stroke: "#57606a",
                          "stroke-width": "1" }));
    body = body.concat(axisLabels(m, 16));
    m.band_note.forEach(function (line) {
      body.push(s("text", { "class": "ac-muted", x: "0", y: line.y, "font-size": "12", fill: "#57606a" }, [line.text]));
    });
    return body;
  }

  function drawPugh(m) {
    var body = [];
    m.rows.forEach(function (r) {
      var g = s("g", { "class": "ac-row" }, [
        s("text", { "class": "ac-ink", x: "0", y: r.y + 14, fill: "#1f2328", "font-weight": "700" },
          [r.name, s("title", {}, [r.full])])]);
      r.cells.forEach(function (c) {
        g.appendChild(s("rect", { "class": "ac-cell ac-" + c.word + " ac-sep", x: c.x + "%", y: r.y + 20,
                                  width: c.w + "%", height: "26", fill: c.fill, stroke: "#ffffff", "stroke-width": "2" },
                        [s("title", {}, [c.tip])]));
        g.appendChild(s("text", { "class": "ac-" + c.word + "-ink", x: c.mid + "%", y: r.y + 38, "text-anchor": "middle",
                                  "font-size": "15", "font-weight": "700", fill: c.ink, "aria-hidden": "true" }, [c.symbol]));
        g.appendChild(s("text", { "class": "ac-" + c.word + "-ink", x: c.x + "%", y: r.y + 31, dx: "5", "font-size": "10",
                                  fill: c.ink, "aria-hidden": "true" }, [c.key]));
      });
      g.appendChild(s("text", { "class": "ac-muted", x: "0", y: r.y + 62, "font-size": "12", fill: "#57606a" }, [r.summary]));
      body.push(g);
    });
    m.legend.forEach(function (it) {
      body.push(s("text", { "class": "ac-ink", x: "0", y: it.y + 12, fill: "#1f2328" },
                  [s("tspan", { "font-weight": "700" }, [it.key]), " " + it.name, s("title", {}, [it.full])]));
    });
    return body;
  }

  var DRAW = { totals: drawTotals, tornado: drawTornado, pugh: drawPugh };

  function chartSvg(m, width) {
    return frame(m, width || "100%", DRAW[m.kind](m));
  }

  // --- the table as HTML (templates/tradeoff.html.j2) -------------------------------------

  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) { return; }
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function note(text) { return h("span", { "class": "adrkit-note" }, [text]); }
  function scroll(table) { return h("div", { "class": "adrkit-scroll" }, [table]); }

  function outcomeSentence(t, r) {
    if (t.chosen) { return "Chosen option: \"" + t.chosen + "\", because " + (t.because || "...") ; }
    if (r.winners.length === 1) { return "No option chosen yet; the weighted ranking puts \"" + r.winners[0] + "\" first."; }
    return "No option chosen yet; " + T.andList(r.winners) + " tie for first place.";
  }

  function scoresTable(t, r) {
    var totalW = T.addUp(t.criteria.map(function (c) { return c.weight; }));
    var head = [h("th", { scope: "col" }, ["Option"])];
    t.criteria.forEach(function (c) {
      var attrs = { scope: "col" };
      if (c.description) { attrs.title = c.description; }
      head.push(h("th", attrs, [c.name, h("br"), note("weight " + num(c.weight) + " (" + num(c.weight / totalW * 100, 0) + " %)")]));
    });
    head.push(h("th", { scope: "col" }, ["Weighted total"]));
    head.push(h("th", { scope: "col" }, ["Rank"]));
    var body = r.entries.map(function (e) {
      var o = option(t, e.name), marks = [];
      if (e.rank === 1) { marks.push(r.tied ? "★ tied first" : "★ top-ranked"); }
      if (e.name === t.chosen) { marks.push("✓ chosen"); }
      if (e.name === t.baseline) { marks.push("baseline"); }
      var th = h("th", { scope: "row" }, [e.name]);
      if (marks.length) { th.appendChild(document.createTextNode(" ")); th.appendChild(note("(" + marks.join(", ") + ")")); }
      if (o.description) { th.appendChild(h("br")); th.appendChild(note(o.description)); }
      var cells = [th].concat(t.criteria.map(function (c) { return h("td", {}, [num(o.scores[c.name])]); }));
      cells.push(h("td", {}, [T.pyFixed(e.total, 2)]));
      cells.push(h("td", {}, [r.tiedNames[e.name] ? e.rank + "=" : String(e.rank)]));
      return h("tr", e.rank === 1 ? { "class": "adrkit-winner" } : {}, cells);
    });
    return scroll(h("table", { "class": "adrkit-scores" }, [
      h("caption", {}, [(t.question || "Trade-off") + " ",
                        note("(scores " + num(t.scale[0]) + " to " + num(t.scale[1]) + ", higher is better; weights normalized)")]),
      h("thead", {}, [h("tr", {}, head)]), h("tbody", {}, body)]));
  }

  function flipsTable(sens) {
    var rows = sens.weights.map(function (w) {
      if (w.flip === null) {
        return h("tr", {}, [h("th", { scope: "row" }, [w.criterion]), h("td", {}, [num(w.weight)]),
          h("td", { colspan: "3", "class": "adrkit-text" }, ["no change of this weight alone flips it"])]);
      }
      var change = signed(w.change), pct;
      if (w.percent !== null) {
        pct = " (" + signed(w.percent) + " %)";
      } else {
        change = "+" + fine(w.change);
        pct = w.share !== null ? " (" + fine(w.share, 1) + " % of the total)" : "";
      }
      return h("tr", {}, [h("th", { scope: "row" }, [w.criterion]), h("td", {}, [num(w.weight)]),
        h("td", {}, [change + pct]), h("td", {}, [fine(w.newWeight)]), h("td", { "class": "adrkit-text" }, [w.challenger])]);
    });
    var head = ["Criterion", "Weight", "Change", "New weight", "Level, then ahead"].map(function (text) {
      return h("th", { scope: "col" }, [text]);
    });
    return scroll(h("table", { "class": "adrkit-sensitivity" }, [
      h("caption", {}, ["Smallest change of one weight that brings another option level with " + T.andList([sens.winner]) + " ",
                        note("(any further change makes it win)")]),
      h("thead", {}, [h("tr", {}, head)]), h("tbody", {}, rows)]));
  }

  function pughDetails(t) {
    var p = T.pugh(t);
    var head = [h("th", { scope: "col" }, ["Option"])].concat(p.criteria.map(function (c) { return h("th", { scope: "col" }, [c]); }));
    ["Better", "Same", "Worse", "Weighted"].forEach(function (text) { head.push(h("th", { scope: "col" }, [text])); });
    var rows = p.rows.map(function (r) {
      var cells = [h("th", { scope: "row" }, [r.option])].concat(p.criteria.map(function (c) {
        var look = PUGH[String(r.marks[c])];
        return h("td", { "class": "adrkit-" + look[0] }, [h("abbr", { title: look[0] }, [look[1]])]);
      }));
      [String(r.better), String(r.same), String(r.worse), signed(r.weighted) || "0"].forEach(function (text) {
        cells.push(h("td", {}, [text]));
      });
      return h("tr", {}, cells);
    });
    return h("details", { "class": "adrkit-pugh-details" }, [h("summary", {}, ["The Pugh matrix as a table"]),
      scroll(h("table", { "class": "adrkit-pugh" }, [
        h("caption", {}, ["Pugh matrix against the baseline " + T.andList([p.baseline]) + " ", note("(+ better, S same, − worse)")]),
        h("thead", {}, [h("tr", {}, head)]), h("tbody", {}, rows)]))]);
  }

  function argumentsDetails(t) {
    if (!t.options.some(function (o) { return o.arguments.length || o.description; })) { return null; }
    var parts = [h("summary", {}, ["Pros and cons of the options"])];
    t.options.forEach(function (o) {
      var p = h("p", {}, [h("strong", {}, [o.name])]);
      if (o.description) { p.appendChild(document.createTextNode(" — " + o.description)); }
      parts.push(p);
      var args = [];
      T.KINDS.forEach(function (kind) { o.arguments.forEach(function (a) { if (a.kind === kind) { args.push(a); } }); });
      if (args.length) {
        parts.push(h("ul", {}, args.map(function (a) {
          var li = h("li", {}, [T.KIND_LABEL[a.kind] + ", because " + a.text]);
          if (a.criterion) { li.appendChild(document.createTextNode(" ")); li.appendChild(note("(" + a.criterion + ")")); }
          return li;
        })));
      }
    });
    return h("details", {}, parts);
  }

  /* The children of <div class="adrkit-tradeoff"> for table t, as tradeoff_html draws
     them (without its <style>); null when the table cannot be ranked. */
  function tradeoffNodes(t) {
    if (!valid(t) || !t.options.length || !t.criteria.length) { return null; }
    var r = T.ranking(t), sens = T.sensitivity(t), models = chartModels(t);
    var out = [scoresTable(t, r), h("p", { "class": "adrkit-outcome" }, [outcomeSentence(t, r)])];
    T.warnings(t, r).forEach(function (text) {
      out.push(h("p", { "class": "adrkit-warning", role: "note" }, [h("strong", {}, ["Note:"]), " " + text]));
    });
    if (models.totals || models.tornado) {
      var charts = h("div", { "class": "adrkit-charts" });
      ["totals", "tornado"].forEach(function (kind) {
        if (models[kind]) {
          charts.appendChild(h("figure", { "class": "adrkit-figure adrkit-figure-" + kind }, [chartSvg(models[kind])]));
        }
      });
      out.push(charts);
    }
    out.push(h("p", { "class": "adrkit-verdict" }, [h("strong", {}, ["Sensitivity: " + sens.verdict + "."]), " " + sens.summary]));
    if (sens.weights.length) { out.push(flipsTable(sens)); }
    if (t.baseline && t.options.length > 1) {
      if (models.pugh) { out.push(h("figure", { "class": "adrkit-figure adrkit-figure-pugh" }, [chartSvg(models.pugh)])); }
      out.push(pughDetails(t));
    }
    var args = argumentsDetails(t);
    if (args) { out.push(args); }
    return out;
  }

  Object.assign(T, {
    totalsModel: totalsModel, tornadoModel: tornadoModel, pughModel: pughModel, chartModels: chartModels,
    chartSvg: chartSvg, tradeoffNodes: tradeoffNodes
  });
}());
