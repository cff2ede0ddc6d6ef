// The entity network: a small force-directed layout drawn in SVG. Nodes are entities (size by
// mentions, colour by type); solid edges are co-mentions (width by strength), dashed edges typed
// relations. Drag a node to move it; click it to open its dossier. No network, no library.
(function () {
  "use strict";
  var host = document.getElementById("network");
  var dataNode = document.getElementById("network-data");
  if (!host || !dataNode) return;
  var data = JSON.parse(dataNode.textContent || '{"nodes":[],"edges":[]}');
  var SVG = "http://www.w3.org/2000/svg";
  var COLORS = {person: "#2f6db5", organization: "#8a5a00", place: "#2e7d4f", event: "#8e3b8e", work: "#5a5a8a", other: "#777"};
  host.setAttribute("data-rendered", "0");
  if (!data.nodes.length) { host.textContent = "No entities to draw."; return; }

  var width = host.clientWidth || 900, height = host.clientHeight || 620;
  var byId = {};
  var center = host.getAttribute("data-center") || "";
  var maxMentions = Math.max.apply(null, data.nodes.map(function (n) { return n.mentions || 1; }));
  // Deterministic start: nodes on a spiral, so a reload draws the same picture.
  data.nodes.forEach(function (n, i) {
    var a = i * 2.399963, r = 18 * Math.sqrt(i + 1);
    n.x = width / 2 + r * Math.cos(a); n.y = height / 2 + r * Math.sin(a); n.vx = 0; n.vy = 0;
    n.r = 5 + 16 * Math.sqrt((n.mentions || 1) / maxMentions);
    byId[n.id] = n;
  });
  var edges = data.edges.filter(function (e) { return byId[e.source] && byId[e.target]; });
  if (center && !byId[center]) center = "";
  var maxCo = Math.max(1, Math.max.apply(null, edges.map(function (e) { return e.co; })));

  function visible(e) {
    var showCo = document.getElementById("show-co"), showRel = document.getElementById("show-rel");
    var min = document.getElementById("min-co");
    var relType = document.getElementById("rel-type");
    var only = relType ? relType.value : "";
    if (only) return e.relations.some(function (r) { return r.type === only; });
    var co = (!showCo || showCo.checked) && e.co >= (min ? +min.value : 0);
    var rel = (!showRel || showRel.checked) && e.relations.length > 0;
    return co || rel;
  }

  function step(alpha) {
    var nodes = data.nodes, i, j;
    for (i = 0; i < nodes.length; i++) {
      for (j = i + 1; j < nodes.length; j++) {
        var a = nodes[i], b = nodes[j], dx = b.x - a.x, dy = b.y - a.y, d2 = dx * dx + dy * dy + 0.01;
        var f = 14000 * alpha / d2, d = Math.sqrt(d2);
        a.vx -= f * dx / d; a.vy -= f * dy / d; b.vx += f * dx / d; b.vy += f * dy / d;
      }
    }
    edges.forEach(function (e) {
      if (!visible(e)) return;
      var a = byId[e.source], b = byId[e.target], dx = b.x - a.x, dy = b.y - a.y, d = Math.sqrt(dx * dx + dy * dy) + 0.01;
      var want = 110 + a.r + b.r, k = 0.008 * alpha * (0.3 + Math.log(1 + e.co) / Math.log(1 + maxCo) + (e.relations.length ? 0.5 : 0));
      var f = (d - want) * k;
      a.vx += f * dx / d; a.vy += f * dy / d; b.vx -= f * dx / d; b.vy -= f * dy / d;
    });
    // Collision: two discs never overlap (a label then has room beside its node).
    for (i = 0; i < nodes.length; i++) {
      for (j = i + 1; j < nodes.length; j++) {
        var p = nodes[i], q = nodes[j], cx = q.x - p.x, cy = q.y - p.y, dist = Math.sqrt(cx * cx + cy * cy) + 0.01;
        var gap = p.r + q.r + 6 - dist;
        if (gap > 0) { p.x -= cx / dist * gap / 2; p.y -= cy / dist * gap / 2; q.x += cx / dist * gap / 2; q.y += cy / dist * gap / 2; }
      }
    }
    nodes.forEach(function (n) {
      n.vx += (width / 2 - n.x) * 0.002 * alpha; n.vy += (height / 2 - n.y) * 0.003 * alpha;
      if (n.fixed) { n.vx = n.vy = 0; return; }
      n.x += Math.max(-20, Math.min(20, n.vx)); n.y += Math.max(-20, Math.min(20, n.vy));
      n.vx *= 0.6; n.vy *= 0.6;
      n.x = Math.max(n.r + 2, Math.min(width - n.r - 2, n.x)); n.y = Math.max(n.r + 2, Math.min(height - n.r - 2, n.y));
    });
  }

  function el(name, attrs, parent) {
    var n = document.createElementNS(SVG, name);
    for (var k in attrs) n.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(n);
    return n;
  }
  var svg = el("svg", {width: width, height: height, role: "img", "aria-label": "network of entities"}, host);
  var edgeLayer = el("g", {}, svg), nodeLayer = el("g", {}, svg);
  var lines = edges.map(function (e) {
    var line = el("line", {"class": e.co > 0 ? "co" : "rel", "stroke-width": e.co > 0 ? 0.6 + 4 * Math.log(1 + e.co) / Math.log(1 + maxCo) : 1.5}, edgeLayer);
    var t = el("title", {}, line);
    t.textContent = byId[e.source].name + " — " + byId[e.target].name + (e.co ? ": " + e.co + " co-mentions" : "") +
      e.relations.map(function (r) { return "; " + byId[r.from].name + " " + r.type.replace(/_/g, " ") + " " + byId[r.to].name; }).join("");
    if (e.co > 0 && e.relations.length) line.setAttribute("class", "co rel");
    // Around a centre, the links between its neighbours stay in the background.
    if (center && e.source !== center && e.target !== center) line.classList.add("aside");
    return line;
  });
  var groups = data.nodes.map(function (n) {
    var g = el("a", {href: "/entity/" + encodeURIComponent(n.id), "class": "node", "data-id": n.id}, nodeLayer);
    el("circle", {r: n.r, fill: COLORS[n.type] || COLORS.other}, g);
    n.label = el("text", {dx: n.r + 3, dy: 4}, g);
    n.label.textContent = n.name;
    el("title", {}, g).textContent = n.name + " (" + n.type + "), " + n.mentions + " mentions";
    n.el = g;
    return g;
  });

  function render() {
    edges.forEach(function (e, i) {
      var a = byId[e.source], b = byId[e.target], l = lines[i];
      l.setAttribute("x1", a.x); l.setAttribute("y1", a.y); l.setAttribute("x2", b.x); l.setAttribute("y2", b.y);
      l.style.display = visible(e) ? "" : "none";
    });
    data.nodes.forEach(function (n) { n.el.setAttribute("transform", "translate(" + n.x.toFixed(1) + "," + n.y.toFixed(1) + ")"); });
    placeLabels();
    host.setAttribute("data-rendered", String(groups.length));
    host.setAttribute("data-visible-edges", String(edges.filter(visible).length));
  }

  // Labels: the most important nodes first (the centre, then by mentions), each label put at
  // the first of right, left, above, below of its node where it overlaps no label already put
  // and no other node; a label with no free place is hidden (its node's tooltip still names it).
  function overlaps(a, b) { return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1; }
  function placeLabels() {
    var boxes = [], shown = 0;
    var discs = data.nodes.map(function (n) { return {x0: n.x - n.r, x1: n.x + n.r, y0: n.y - n.r, y1: n.y + n.r, id: n.id}; });
    var order = data.nodes.slice().sort(function (a, b) {
      return (b.id === center) - (a.id === center) || (b.mentions || 0) - (a.mentions || 0);
    });
    order.forEach(function (n) {
      var w = n.labelWidth || (n.labelWidth = n.label.getComputedTextLength() || 6.5 * n.name.length), h = 13;
      var spots = [[n.r + 3, 4, "start", n.x + n.r + 3, n.y - 9], [-n.r - 3, 4, "end", n.x - n.r - 3 - w, n.y - 9],
                   [0, -n.r - 4, "middle", n.x - w / 2, n.y - n.r - 4 - h], [0, n.r + 13, "middle", n.x - w / 2, n.y + n.r + 2]];
      var put = null;
      for (var s = 0; s < spots.length && !put; s++) {
        var b = {x0: spots[s][3] - 1, x1: spots[s][3] + w + 1, y0: spots[s][4], y1: spots[s][4] + h};
        if (b.x0 < 0 || b.x1 > width || b.y0 < 0 || b.y1 > height) continue;
        if (boxes.some(function (o) { return overlaps(b, o); })) continue;
        if (discs.some(function (d) { return d.id !== n.id && overlaps(b, d); })) continue;
        put = [spots[s], b];
      }
      if (put) {
        n.label.setAttribute("dx", put[0][0]); n.label.setAttribute("dy", put[0][1]);
        n.label.setAttribute("text-anchor", put[0][2]); n.label.style.display = "";
        n.label.setAttribute("data-box", [put[1].x0, put[1].y0, put[1].x1, put[1].y1].map(Math.round).join(","));
        boxes.push(put[1]); shown++;
      } else {
        n.label.style.display = "none"; n.label.removeAttribute("data-box");
      }
    });
    host.setAttribute("data-labels", String(shown));
  }

  // With a centre: a radial ego layout. The centre in the middle, its neighbours on rings in
  // order of how often they are named near it (the strongest on the inner ring), spread evenly
  // round each ring so that neither discs nor labels pile up.
  function radial() {
    var strength = {};
    edges.forEach(function (e) {
      if (e.source === center) strength[e.target] = e.co + 1; else if (e.target === center) strength[e.source] = e.co + 1;
    });
    var others = data.nodes.filter(function (n) { return n.id !== center; });
    others.sort(function (a, b) { return (strength[b.id] || 0) - (strength[a.id] || 0) || (b.mentions || 0) - (a.mentions || 0); });
    var c = byId[center], cx = width / 2, cy = height / 2, outer = Math.min(width, height) / 2 - 40;
    c.x = cx; c.y = cy; c.fixed = true;
    var rings = others.length <= 12 ? [others.length] : [12, others.length - 12];
    var k = 0;
    rings.forEach(function (count, ring) {
      var radius = rings.length === 1 ? outer * 0.7 : (ring === 0 ? outer * 0.45 : outer * 0.95);
      for (var i = 0; i < count; i++, k++) {
        var a = -Math.PI / 2 + 2 * Math.PI * i / count + (ring ? Math.PI / count : 0);
        others[k].x = cx + radius * Math.cos(a) * (width / height > 1.3 ? 1.35 : 1); others[k].y = cy + radius * Math.sin(a);
        others[k].x = Math.max(others[k].r + 2, Math.min(width - others[k].r - 2, others[k].x));
      }
    });
    render();
  }

  var ticks = 0;
  function run(n, alpha) { if (center) { render(); return; } for (var i = 0; i < n; i++) step(alpha * (1 - i / n)); render(); }
  if (center) radial(); else run(300, 1);

  // Dragging: a moved node stays where it is dropped; a click without movement follows the link.
  var dragging = null;
  groups.forEach(function (g, i) {
    g.addEventListener("mousedown", function (ev) { ev.preventDefault(); dragging = {node: data.nodes[i], moved: false}; });
    g.addEventListener("click", function (ev) { if (dragging && dragging.moved) ev.preventDefault(); });
  });
  window.addEventListener("mousemove", function (ev) {
    if (!dragging) return;
    var rect = svg.getBoundingClientRect();
    dragging.moved = true;
    dragging.node.x = ev.clientX - rect.left; dragging.node.y = ev.clientY - rect.top; dragging.node.fixed = true;
    if (++ticks % 2 === 0) run(3, 0.3); else render();
  });
  window.addEventListener("mouseup", function () { setTimeout(function () { dragging = null; }, 0); });
  ["show-co", "show-rel", "min-co", "rel-type"].forEach(function (id) {
    var input = document.getElementById(id);
    if (!input) return;
    input.addEventListener("input", function () {
      var out = document.getElementById("min-co-value");
      if (out && id === "min-co") out.textContent = input.value;
      run(60, 0.5);
    });
  });
})();
