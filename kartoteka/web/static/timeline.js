// The zoomable timeline: dated factoids as bars on a time axis, from decades down to days.
// Data comes from the page's <script type="application/json" id="timeline-data">; no network.
(function () {
  "use strict";
  var host = document.getElementById("timeline");
  var dataNode = document.getElementById("timeline-data");
  if (!host || !dataNode) return;
  var items = JSON.parse(dataNode.textContent || "[]");
  var SVG = "http://www.w3.org/2000/svg";
  var DAY = 86400000, LANE = 22, AXIS = 24, PAD = 8, MIN_SPAN = 20 * DAY;
  var COLORS = {birth: "#2e7d4f", death: "#555", execution: "#8b0000", killing: "#b71c1c", suicide: "#6d4c41",
    arrest: "#c62828", trial: "#ad1457", sentence: "#880e4f", release: "#43a047", exile: "#6a1b9a",
    expulsion: "#7b1fa2", appointment: "#1565c0", removal: "#546e7a", membership: "#00838f", election: "#283593",
    defection: "#ef6c00", kidnapping: "#d84315", testimony: "#5d4037", meeting: "#00695c", founding: "#2e7d32",
    renaming: "#827717", count: "#757575"};

  function parse(iso) { var p = iso.split("-"); return Date.UTC(+p[0], (+p[1] || 1) - 1, +p[2] || 1); }
  items.forEach(function (it) { it.t0 = parse(it.start); it.t1 = parse(it.end) + DAY; });
  host.setAttribute("data-rendered", "0");
  if (!items.length) { host.textContent = "No dated factoids to draw."; host.classList.add("empty"); return; }

  // The opening range holds the bulk of the dates: one stray date centuries away (a founding, a
  // misread year) would otherwise squeeze everything else into one pixel. Fences at five
  // interquartile ranges (of at least ten years) beyond the quartiles; "everything" shows the rest.
  function padded(a, b) { var m = Math.max((b - a) * 0.04, 30 * DAY); return [a - m, b + m]; }
  var starts = items.map(function (i) { return i.t0; }).sort(function (a, b) { return a - b; });
  function quantile(q) { return starts[Math.min(starts.length - 1, Math.floor(q * (starts.length - 1) + 0.5))]; }
  var iqr = Math.max(quantile(0.75) - quantile(0.25), 10 * 365 * DAY);
  var fenceLo = quantile(0.25) - 5 * iqr, fenceHi = quantile(0.75) + 5 * iqr;
  var inside = items.filter(function (i) { return i.t0 >= fenceLo && i.t0 <= fenceHi; });
  var outliers = items.length - inside.length;
  var everything = padded(Math.min.apply(null, starts), Math.max.apply(null, items.map(function (i) { return i.t1; })));
  var full = padded(Math.min.apply(null, inside.map(function (i) { return i.t0; })),
                    Math.max.apply(null, inside.map(function (i) { return i.t1; })));
  var view = full.slice();
  host.setAttribute("data-outliers", String(outliers));
  host.setAttribute("data-range", new Date(full[0]).getUTCFullYear() + "-" + new Date(full[1]).getUTCFullYear());
  var outlierNote = document.getElementById("timeline-outliers");
  if (outlierNote && outliers) {
    outlierNote.hidden = false;
    outlierNote.querySelector("span").textContent = outliers + " dated factoid" + (outliers === 1 ? "" : "s") +
      " far outside the rest (" + items.filter(function (i) { return i.t0 < fenceLo || i.t0 > fenceHi; })
        .map(function (i) { return i.start.slice(0, 4); }).join(", ") + ") left out of this range.";
  }
  var scaleNote = document.getElementById("timeline-scale");

  function el(name, attrs, parent) {
    var n = document.createElementNS(SVG, name);
    for (var k in attrs) n.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(n);
    return n;
  }

  // Tick steps from decades to days; the first that gives at most ~12 ticks wins.
  var STEPS = [["decade", 3652 * DAY], ["year", 365 * DAY], ["quarter", 91 * DAY], ["month", 30 * DAY],
               ["week", 7 * DAY], ["day", DAY]];
  function ticks(a, b, width) {
    var want = Math.max(2, Math.floor(width / 90)), unit = "decade";
    for (var s = 0; s < STEPS.length; s++) { if ((b - a) / STEPS[s][1] <= want) { unit = STEPS[s][0]; } }
    var out = [], d = new Date(a), y = d.getUTCFullYear();
    var t;
    if (unit === "decade") { y = Math.floor(y / 10) * 10; for (t = y; Date.UTC(t, 0, 1) <= b; t += 10) out.push([Date.UTC(t, 0, 1), t + "s"]); }
    else if (unit === "year") { for (t = y; Date.UTC(t, 0, 1) <= b; t++) out.push([Date.UTC(t, 0, 1), String(t)]); }
    else if (unit === "quarter" || unit === "month") {
      var step = unit === "quarter" ? 3 : 1, m = d.getUTCMonth() - (d.getUTCMonth() % step);
      for (t = Date.UTC(y, m, 1); t <= b; ) {
        var dt = new Date(t);
        out.push([t, dt.toISOString().slice(0, 7)]);
        t = Date.UTC(dt.getUTCFullYear(), dt.getUTCMonth() + step, 1);
      }
    } else {
      var stepd = unit === "week" ? 7 : 1;
      for (t = Date.UTC(y, d.getUTCMonth(), d.getUTCDate()); t <= b; t += stepd * DAY) out.push([t, new Date(t).toISOString().slice(0, 10)]);
    }
    return {unit: unit, ticks: out.filter(function (x) { return x[0] >= a; })};
  }

  // Lanes: greedy by start in pixels, so labels do not overlap; a conflict's factoids take
  // neighbouring lanes at once, so the dates that disagree sit side by side.
  function layout(x) {
    var lanes = [], placed = [], groups = {}, order = [];
    items.forEach(function (it) {
      if (it.conflict) { (groups[it.conflict] = groups[it.conflict] || []).push(it); }
      else order.push([it]);
    });
    Object.keys(groups).forEach(function (k) { order.push(groups[k]); });
    order.sort(function (a, b) { return a[0].t0 - b[0].t0; });
    order.forEach(function (group) {
      var x0 = Math.min.apply(null, group.map(function (i) { return x(i.t0); }));
      var x1 = Math.max.apply(null, group.map(function (i) { return Math.max(x(i.t1), x(i.t0) + 8 + 6.2 * i.subject.length + 6.2 * i.type.length); }));
      var need = group.length, lane = 0;
      for (; ; lane++) {
        var free = true;
        for (var j = lane; j < lane + need; j++) if ((lanes[j] || -Infinity) > x0 - 4) { free = false; break; }
        if (free) break;
      }
      for (var k = 0; k < need; k++) { lanes[lane + k] = x1; placed.push([group[k], lane + k, group.length > 1 ? group : null]); }
    });
    return {placed: placed, lanes: lanes.length};
  }

  function draw() {
    var width = host.clientWidth || 900;
    var x = function (t) { return PAD + (t - view[0]) / (view[1] - view[0]) * (width - 2 * PAD); };
    var lay = layout(x);
    var height = AXIS + Math.max(3, lay.lanes) * LANE + PAD;
    while (host.firstChild) host.removeChild(host.firstChild);
    var svg = el("svg", {width: width, height: height, "aria-label": "timeline of dated factoids", role: "img"}, host);
    var axis = el("g", {"class": "axis"}, svg);
    var tk = ticks(view[0], view[1], width);
    tk.ticks.forEach(function (t) {
      var tx = x(t[0]);
      el("line", {x1: tx, x2: tx, y1: AXIS - 4, y2: height}, axis);
      el("text", {x: tx + 3, y: 12}, axis).textContent = t[1];
    });
    if (scaleNote) scaleNote.textContent = "scale: " + tk.unit + "s";
    var bands = {};
    lay.placed.forEach(function (p) {
      var it = p[0], lane = p[1];
      if (p[2]) {
        var b = bands[it.conflict] = bands[it.conflict] || {x0: Infinity, x1: -Infinity, l0: Infinity, l1: -Infinity};
        b.x0 = Math.min(b.x0, x(it.t0)); b.x1 = Math.max(b.x1, x(it.t1)); b.l0 = Math.min(b.l0, lane); b.l1 = Math.max(b.l1, lane);
      }
    });
    Object.keys(bands).forEach(function (k) {
      var b = bands[k];
      el("rect", {"class": "conflict-band", x: b.x0 - 4, y: AXIS + b.l0 * LANE - 2, width: Math.max(12, b.x1 - b.x0 + 8),
                  height: (b.l1 - b.l0 + 1) * LANE, rx: 4}, svg);
    });
    var shown = 0;
    lay.placed.forEach(function (p) {
      var it = p[0], lane = p[1];
      if (it.t1 < view[0] || it.t0 > view[1]) return;
      shown++;
      var x0 = x(it.t0), w = Math.max(6, x(it.t1) - x0), y = AXIS + lane * LANE;
      var link = el("a", {href: it.href, "class": "item" + (it.conflict ? " conflict" : ""), "data-id": it.id}, svg);
      el("rect", {x: x0, y: y, width: w, height: LANE - 6, rx: 2, fill: COLORS[it.type] || "#777", "fill-opacity": it.negated ? 0.3 : 0.85}, link);
      var title = el("title", {}, link);
      title.textContent = it.date + (it.said ? " (“" + it.said + "”)" : "") + " · " + it.type + (it.subject ? " · " + it.subject : "") + (it.voice !== "author" ? " (says " + it.voice + ")" : "") +
        (it.hedged ? " (hedged)" : "") + (it.negated ? " (negated)" : "") + "\n" + it.quote + "\n" + it.doc;
      el("text", {"class": "label", x: x0 + w + 3, y: y + LANE - 10}, link).textContent = it.type + (it.subject ? " " + it.subject : "");
    });
    host.setAttribute("data-rendered", String(shown));
  }

  function zoom(factor, at) {
    var span = view[1] - view[0], mid = at === undefined ? (view[0] + view[1]) / 2 : at;
    var next = Math.max(MIN_SPAN, Math.min(span * factor, Math.max(full[1] - full[0], everything[1] - everything[0]) * 4));
    var r = (mid - view[0]) / span;
    view = [mid - r * next, mid + (1 - r) * next];
    draw();
  }
  function timeAt(clientX) {
    var rect = host.getBoundingClientRect();
    return view[0] + (clientX - rect.left - PAD) / (rect.width - 2 * PAD) * (view[1] - view[0]);
  }
  host.addEventListener("wheel", function (ev) { ev.preventDefault(); zoom(ev.deltaY < 0 ? 0.8 : 1.25, timeAt(ev.clientX)); }, {passive: false});
  var drag = null;
  host.addEventListener("mousedown", function (ev) { drag = {x: ev.clientX, view: view.slice(), moved: false}; });
  window.addEventListener("mousemove", function (ev) {
    if (!drag) return;
    var dt = (ev.clientX - drag.x) / host.clientWidth * (drag.view[1] - drag.view[0]);
    if (Math.abs(ev.clientX - drag.x) > 3) drag.moved = true;
    view = [drag.view[0] - dt, drag.view[1] - dt];
    draw();
  });
  window.addEventListener("mouseup", function () { setTimeout(function () { drag = null; }, 0); });
  host.addEventListener("click", function (ev) { if (drag && drag.moved) ev.preventDefault(); }, true);
  document.querySelectorAll("[data-zoom]").forEach(function (b) {
    b.addEventListener("click", function () {
      var z = b.getAttribute("data-zoom");
      if (z === "in") zoom(0.5); else if (z === "out") zoom(2);
      else { view = (z === "everything" ? everything : full).slice(); draw(); }
    });
  });
  window.addEventListener("resize", draw);
  draw();
})();
