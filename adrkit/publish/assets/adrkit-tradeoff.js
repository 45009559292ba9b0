/* adrkit site: a trade-off table computed in the browser, for the what-if controls.

   The same numbers as adrkit.core.tradeoff.analysis (weighted totals, the ranking with
   its tie tolerance, the Pugh view, every flip of the sensitivity and its verdict), the
   same words as adrkit.core.wording, and the same chart models as adrkit.render.charts,
   so a chart drawn here for other weights is the chart the build would draw for them.
   A browser test runs both on generated tables and compares them.

   Pure: no page access. Exposes window.AdrkitTradeoff. No eval, nothing loaded. */
(function () {
  "use strict";

  var KINDS = ["good", "neutral", "bad"];
  var KIND_LABEL = { good: "Good", neutral: "Neutral", bad: "Bad" };
  var FRAGILE_PERCENT = 10.0;
  var SENSITIVE_PERCENT = 50.0;

  // --- numbers written as Python writes them -------------------------------------------

  // Python's str.split() whitespace.
  var WS = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
  var WS_END = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/;

  function squash(text) {
    return String(text).split(WS).filter(function (p) { return p.length > 0; }).join(" ");
  }

  // The exact binary value of a finite double ax >= 0: mant * 2^e.
  function decompose(ax) {
    var view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, ax);
    var hi = view.getUint32(0), lo = view.getUint32(4);
    var exp = (hi >>> 20) & 0x7ff;
    var mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
    if (exp === 0) { return { mant: mant, e: -1074 }; }
    return { mant: mant | (1n << 52n), e: exp - 1075 };
  }

  // f"{x:.{p}f}": the exact value rounded to p decimals, ties to even (BigInt arithmetic).
  function pyFixed(x, p) {
    if (!isFinite(x)) { return isNaN(x) ? "nan" : (x > 0 ? "inf" : "-inf"); }
    var neg = x < 0 || Object.is(x, -0);
    var parts = decompose(Math.abs(x));
    var scaled = parts.mant * (10n ** BigInt(p));
    var n;
    if (parts.e >= 0) {
      n = scaled << BigInt(parts.e);
    } else {
      var d = 1n << BigInt(-parts.e);
      n = scaled / d;
      var twice = (scaled % d) * 2n;
      if (twice > d || (twice === d && n % 2n === 1n)) { n += 1n; }
    }
    var digits = n.toString();
    if (p > 0) {
      while (digits.length <= p) { digits = "0" + digits; }
      digits = digits.slice(0, digits.length - p) + "." + digits.slice(digits.length - p);
    }
    return (neg ? "-" : "") + digits;
  }

  function strip(text) {
    return text.indexOf(".") >= 0 ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
  }

  function placesFor(x, places, digits) {
    x = Math.abs(x);
    if (x === 0 || !isFinite(x)) { return places; }
    return Math.max(places, digits - 1 - Math.floor(Math.log10(x)));
  }

  function num(x, places) {
    if (places === undefined) { places = 2; }
    if (x === null || x === undefined) { return ""; }
    if (x === Infinity || x === -Infinity) { return "∞"; }
    if (Number.isInteger(x)) { return BigInt(x).toString(); }
    var text = strip(pyFixed(x, places));
    if (text === "0" || text === "-0") { text = strip(pyFixed(x, placesFor(x, places, 2))); }
    return text;
  }

  function fine(x, places) {
    if (places === undefined) { places = 2; }
    if (x === null || x === undefined || !isFinite(x) || Math.abs(x) >= Math.pow(10, 1 - places)) {
      return num(x, places);
    }
    return num(x, placesFor(x, places, 3));
  }

  function signed(x) {
    var ax = Math.abs(x);
    var text = num(ax, ax >= 10 ? 1 : 2);
    if (text === "0") { return ""; }
    return (x > 0 ? "+" : "−") + text;
  }

  function andList(names) {
    var q = names.map(function (n) { return "\"" + n + "\""; });
    return q.length === 1 ? q[0] : q.slice(0, -1).join(", ") + " and " + q[q.length - 1];
  }

  function clip(text, limit) {
    text = squash(text);
    var chars = Array.from(text);
    if (chars.length <= limit) { return text; }
    return chars.slice(0, limit - 1).join("").replace(WS_END, "") + "…";
  }

  function pos(x) {
    var text = pyFixed(x, 2).replace(/0+$/, "").replace(/\.$/, "");
    return (text === "-0" || text === "") ? "0" : text;
  }

  function addUp(values) {
    var total = 0.0;
    for (var i = 0; i < values.length; i++) { total += values[i]; }
    return total;
  }

  // --- the table -----------------------------------------------------------------------

  /* A map from names written by people ("__proto__" and "constructor" are names too):
     an object with no prototype, so no name reaches Object.prototype. */
  function named() { return Object.create(null); }

  /* A table in the data file's shape (as Tradeoff.to_dict writes it). */
  function normalize(data) {
    var scale = data.scale || { min: 1, max: 5 };
    return {
      question: data.question || "",
      scale: [Number(scale.min), Number(scale.max)],
      criteria: (data.criteria || []).map(function (c) {
        return { name: String(c.name), weight: Number(c.weight === undefined ? 1 : c.weight),
                 description: c.description || "" };
      }),
      options: (data.options || []).map(function (o) {
        var scores = named();
        Object.keys(o.scores || {}).forEach(function (k) { scores[k] = Number(o.scores[k]); });
        return { name: String(o.name), description: o.description || "", scores: scores,
                 arguments: (o.arguments || []).map(readArgument) };
      }),
      baseline: data.baseline || null,
      chosen: data.chosen || null,
      because: data.because || ""
    };
  }

  function readArgument(a) {
    for (var i = 0; i < KINDS.length; i++) {
      if (Object.prototype.hasOwnProperty.call(a, KINDS[i])) {
        return { kind: KINDS[i], text: String(a[KINDS[i]]), criterion: a.criterion || null };
      }
    }
    return { kind: "neutral", text: "", criterion: null };
  }

  function copyTable(t) {
    return {
      question: t.question, scale: t.scale.slice(), baseline: t.baseline, chosen: t.chosen, because: t.because,
      criteria: t.criteria.map(function (c) { return { name: c.name, weight: c.weight, description: c.description }; }),
      options: t.options.map(function (o) {
        var scores = named();
        Object.keys(o.scores).forEach(function (k) { scores[k] = o.scores[k]; });
        return { name: o.name, description: o.description, scores: scores, arguments: o.arguments };
      })
    };
  }

  /* Why the table cannot be ranked (the rules of Tradeoff.problems that edits can break), or "". */
  function problem(t) {
    var lo = t.scale[0], hi = t.scale[1];
    for (var i = 0; i < t.criteria.length; i++) {
      var w = t.criteria[i].weight;
      if (!(w >= 0) || !isFinite(w)) {
        return "the weight of \"" + t.criteria[i].name + "\" is " + num(w, 6) + "; give a weight of 0 or more";
      }
    }
    if (t.criteria.length && t.criteria.every(function (c) { return c.weight === 0; })) {
      return "every weight is 0, so nothing can be ranked; give at least one criterion a weight above 0";
    }
    for (var j = 0; j < t.options.length; j++) {
      for (var k = 0; k < t.criteria.length; k++) {
        var s = t.options[j].scores[t.criteria[k].name];
        if (s === undefined || !isFinite(s) || s < lo || s > hi) {
          return "the score of \"" + t.options[j].name + "\" for \"" + t.criteria[k].name +
            "\" must be a number from " + num(lo) + " to " + num(hi);
        }
      }
    }
    return "";
  }

  function matrix(t) {
    var weights = t.criteria.map(function (c) { return c.weight; });
    var rows = t.options.map(function (o) {
      return t.criteria.map(function (c) { return o.scores[c.name]; });
    });
    return { weights: weights, rows: rows };
  }

  function tolerance(scale) {
    return 1e-9 * Math.max(1.0, Math.abs(scale[0]), Math.abs(scale[1]));
  }

  function weightedSum(weights, row) {
    var total = 0.0;
    for (var i = 0; i < weights.length; i++) { total += weights[i] * row[i]; }
    return total;
  }

  function totalsOf(weights, rows) {
    var totalW = addUp(weights);
    if (!weights.length || totalW <= 0) { return rows.map(function () { return 0.0; }); }
    return rows.map(function (row) { return weightedSum(weights, row) / totalW; });
  }

  /* Entries best first: {name, total, rank}; equal totals (within tol) share a rank. */
  function rank(names, totals, tol) {
    var order = names.map(function (_, i) { return i; });
    order.sort(function (a, b) { return (-totals[a] < -totals[b]) ? -1 : ((-totals[b] < -totals[a]) ? 1 : 0); });
    var ranked = [];
    order.forEach(function (i, p) {
      if (ranked.length && Math.abs(totals[i] - totals[ranked[ranked.length - 1][1]]) <= tol) {
        ranked.push([ranked[ranked.length - 1][0], i]);
      } else {
        ranked.push([p + 1, i]);
      }
    });
    ranked.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var entries = ranked.map(function (r) { return { name: names[r[1]], total: totals[r[1]], rank: r[0] }; });
    var winners = entries.filter(function (e) { return e.rank === 1; }).map(function (e) { return e.name; });
    var groups = named();
    entries.forEach(function (e) { (groups[e.rank] = groups[e.rank] || []).push(e.name); });
    var tiedNames = named();
    Object.keys(groups).forEach(function (r) {
      if (groups[r].length > 1) { groups[r].forEach(function (n) { tiedNames[n] = true; }); }
    });
    return { entries: entries, winners: winners, winner: winners.length === 1 ? winners[0] : null,
             tied: winners.length > 1, tiedNames: tiedNames };
  }

  function ranking(t) {
    var m = matrix(t);
    return rank(t.options.map(function (o) { return o.name; }), totalsOf(m.weights, m.rows), tolerance(t.scale));
  }

  function pugh(t) {
    var base = t.options.filter(function (o) { return o.name === t.baseline; })[0];
    var rows = [];
    t.options.forEach(function (o) {
      if (o.name === base.name) { return; }
      var marks = named(), better = 0, same = 0, worse = 0, terms = [];
      t.criteria.forEach(function (c) {
        var diff = o.scores[c.name] - base.scores[c.name];
        var mark = (diff > 0 ? 1 : 0) - (diff < 0 ? 1 : 0);
        marks[c.name] = mark;
        if (mark === 1) { better++; } else if (mark === 0) { same++; } else { worse++; }
        terms.push(c.weight * mark);
      });
      rows.push({ option: o.name, marks: marks, better: better, same: same, worse: worse, weighted: addUp(terms) });
    });
    return { baseline: base.name, criteria: t.criteria.map(function (c) { return c.name; }), rows: rows };
  }

  // --- sensitivity ------------------------------------------------------------------------

  function weightSensitivity(criterion, weight, up, down, total) {
    var ws = { criterion: criterion, weight: weight, up: up, down: down, total: total };
    var found = [up, down].filter(function (f) { return f !== null; });
    var flip = null;
    found.forEach(function (f) { if (flip === null || Math.abs(f.change) < Math.abs(flip.change)) { flip = f; } });
    ws.flip = flip;
    ws.change = flip ? flip.change : null;
    ws.percent = (flip === null || weight === 0) ? null : flip.change / weight * 100.0;
    ws.share = null;
    if (flip !== null && weight === 0 && total !== null) {
      var newTotal = total + flip.change;
      ws.share = newTotal > 0 ? flip.change / newTotal * 100.0 : null;
    }
    ws.size = ws.percent !== null ? Math.abs(ws.percent) : (ws.share !== null ? ws.share : Infinity);
    ws.newWeight = flip === null ? null : weight + flip.change;
    ws.challenger = flip ? flip.challenger : null;
    return ws;
  }

  function describeWeight(w) {
    var f = w.flip;
    if (f === null) { return "no change of this weight alone flips it"; }
    if (w.percent === null) {
      var ofTotal = w.share !== null ? " (" + fine(w.share, 1) + " % of the total)" : "";
      return "giving it a weight of " + fine(w.weight + f.change) + ofTotal + " brings " + f.challenger +
        " level; any more and it wins";
    }
    return signed(w.percent) + " % (" + fine(w.weight) + " → " + fine(w.weight + f.change) + ") brings " +
      f.challenger + " level; any further and it wins";
  }

  function verdictOf(winner, margin, weights, scale) {
    var lead = "\"" + winner + "\" leads by " + num(margin, 2) + " (on the scale " + num(scale[0]) + " to " +
      num(scale[1]) + ").";
    var flips = weights.filter(function (w) { return w.flip !== null; });
    if (!flips.length) {
      return ["robust", lead + " Robust: no change of any single weight makes another option win."];
    }
    var closest = null;
    flips.forEach(function (w) { if (closest === null || w.size < closest.size) { closest = w; } });
    var pct = closest.size, detail;
    if (closest.percent === null) {
      var ofTotal = closest.share !== null ? " (" + fine(closest.share, 1) + " % of the total)" : "";
      detail = "giving \"" + closest.criterion + "\" a weight of " + fine(closest.newWeight) + ofTotal +
        " brings \"" + closest.challenger + "\" level, and any more makes it win";
    } else {
      detail = "changing the weight of \"" + closest.criterion + "\" by " + signed(closest.percent) + " % (" +
        fine(closest.weight) + " → " + fine(closest.newWeight) + ") brings \"" + closest.challenger +
        "\" level, and any further change makes it win";
    }
    if (pct <= FRAGILE_PERCENT + 1e-9) { return ["fragile", lead + " Fragile: " + detail + "."]; }
    if (pct <= SENSITIVE_PERCENT + 1e-9) { return ["sensitive", lead + " Sensitive: " + detail + "."]; }
    return ["robust", lead + " Robust: no single weight change under " + num(SENSITIVE_PERCENT) +
      " % changes the winner; the closest call: " + detail + "."];
  }

  function sensitivity(t) {
    var m = matrix(t), weights = m.weights, rows = m.rows;
    var names = t.options.map(function (o) { return o.name; });
    if (!t.criteria.length || t.options.length < 2) {
      return { winner: null, tied: [], runnerUp: null, margin: 0.0, weights: [], verdict: "incomplete",
               summary: "Add at least two options and one criterion to rank them." };
    }
    var totalW = addUp(weights);
    var sums = rows.map(function (row) { return weightedSum(weights, row); });
    var r = rank(names, sums.map(function (a) { return a / totalW; }), tolerance(t.scale));
    if (r.tied) {
      return { winner: null, tied: r.winners, runnerUp: null, margin: 0.0, weights: [], verdict: "tied",
               summary: andList(r.winners) + " tie for first place: any change that favours one of them decides it." };
    }
    var win = names.indexOf(r.winner);
    var second = r.entries[1];
    var perWeight = [];
    t.criteria.forEach(function (crit, k) {
      var up = null, down = null;
      var wk = weights[k], sWin = rows[win][k], leadFloor = totalW * 1e-12;
      rows.forEach(function (row, i) {
        if (i === win) { return; }
        var diff = row[k] - sWin;
        if (diff === 0) { return; }
        var d = (sums[win] - sums[i]) / diff;
        if (diff > 0) {
          if (up === null || d < up.change) { up = { change: d, challenger: names[i] }; }
        } else if (wk + d > leadFloor) {
          if (down === null || d > down.change) { down = { change: d, challenger: names[i] }; }
        }
      });
      perWeight.push(weightSensitivity(crit.name, wk, up, down, totalW));
    });
    var margin = r.entries[0].total - second.total;
    var v = verdictOf(r.winner, margin, perWeight, t.scale);
    return { winner: r.winner, tied: [], runnerUp: second.name, margin: margin, weights: perWeight,
             verdict: v[0], summary: v[1] };
  }

  function mostSensitive(sens) {
    var best = null;
    sens.weights.forEach(function (w) {
      if (w.flip !== null && (best === null || w.size < best.size)) { best = w; }
    });
    return best;
  }

  function warnings(t, r) {
    if (t.chosen && r.winners.length && r.winners.indexOf(t.chosen) < 0) {
      var top = r.winners.map(function (n) { return "\"" + n + "\""; }).join(" and ");
      return ["The chosen option \"" + t.chosen + "\" is not the top-ranked one (" + top + "); " +
              "say why in the reason, or revisit the weights and scores."];
    }
    return [];
  }

  window.AdrkitTradeoff = {
    KINDS: KINDS, KIND_LABEL: KIND_LABEL, FRAGILE_PERCENT: FRAGILE_PERCENT, SENSITIVE_PERCENT: SENSITIVE_PERCENT,
    squash: squash, pyFixed: pyFixed, num: num, fine: fine, signed: signed, andList: andList, clip: clip,
    pos: pos, addUp: addUp, named: named, normalize: normalize, copyTable: copyTable, problem: problem, tolerance: tolerance,
    totals: function (t) { var m = matrix(t); return totalsOf(m.weights, m.rows); },
    ranking: ranking, pugh: pugh, sensitivity: sensitivity, describeWeight: describeWeight,
    mostSensitive: mostSensitive, warnings: warnings
  };
}());
