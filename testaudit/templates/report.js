(function () {
  "use strict";
  // Reads the JSON block; builds every row with DOM calls and textContent (audited text never
  // becomes markup). Findings are rendered PAGE at a time.
  var D = JSON.parse(document.getElementById("ta-data").textContent);
  var PAGE = 200;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function $(id) { return document.getElementById(id); }
  function withCode(node, text) {  // `code` spans of a message as <code> elements (text nodes only)
    var parts = String(text).split("`");
    if (parts.length % 2 === 0) { node.textContent = text; return node; }
    parts.forEach(function (part, i) { if (part) node.appendChild(i % 2 ? el("code", null, part) : document.createTextNode(part)); });
    return node;
  }

  // -- directories: a listing of one directory at a time (its subdirectories, then its files) --
  var childDirs = {}, childFiles = {};
  D.dirs.forEach(function (d, i) { (childDirs[d[1]] = childDirs[d[1]] || []).push(i); });
  D.files.forEach(function (f, i) { (childFiles[f[1]] = childFiles[f[1]] || []).push(i); });
  var current = -1, sortKey = "name", sortDir = 1;
  var COLUMN = { name: 0, score: 2, modules: 3, failing: 4, findings: 5 };

  function dirRow(i) {
    var d = D.dirs[i], tr = el("tr", "dir");
    tr.dataset.dir = i;
    var td = el("td"), open = el("button", "link open", (d[1] === -1 ? d[0] : d[0].slice(d[0].lastIndexOf("/") + 1)) + "/");
    open.type = "button"; open.dataset.open = i; td.appendChild(open); tr.appendChild(td);
    tr.appendChild(el("td", "num score", d[2] || "\u2013"));
    tr.appendChild(el("td", "num", d[3]));
    tr.appendChild(el("td", "num", d[4]));
    var count = el("td", "num");
    if (d[5] && d[0] !== ".") {
      var b = el("button", "link", d[5]); b.type = "button"; b.dataset.filterPath = d[0] + "/";
      b.title = "Show the findings under " + d[0] + "/"; count.appendChild(b);
    } else count.textContent = d[5];
    tr.appendChild(count);
    return tr;
  }
  function fileRow(i) {
    var f = D.files[i], path = D.paths[f[0]], tr = el("tr", "file");
    tr.dataset.file = i;
    var td = el("td");
    td.appendChild(el("span", "mono", path.slice(path.lastIndexOf("/") + 1)));
    if (f[2]) td.appendChild(el("span", "muted", " " + f[2]));
    if (f[4]) td.appendChild(el("span", "failing", f[4]));
    if (!f[3] && f[5]) td.appendChild(el("span", "muted", " (support module)"));
    tr.appendChild(td);
    tr.appendChild(el("td", "num score", f[3] || "\u2013"));
    tr.appendChild(el("td", "num", f[3] ? 1 : 0));
    tr.appendChild(el("td", "num", f[4] ? 1 : 0));
    var count = el("td", "num");
    if (f[5]) {
      var b = el("button", "link", f[5]); b.type = "button"; b.dataset.filterPath = path;
      b.title = "Show the findings of " + path; count.appendChild(b);
    } else count.textContent = "0";
    tr.appendChild(count);
    return tr;
  }
  function value(row, isDir) {
    if (sortKey === "name") return isDir ? D.dirs[row][0] : D.paths[D.files[row][0]];
    if (isDir) { var v = D.dirs[row][COLUMN[sortKey]]; return sortKey === "score" ? (v === "" ? NaN : parseFloat(v)) : v; }
    var f = D.files[row];
    if (sortKey === "score") return f[3] === "" ? NaN : parseFloat(f[3]);
    if (sortKey === "modules") return f[3] ? 1 : 0;
    if (sortKey === "failing") return f[4] ? 1 : 0;
    return f[5];
  }
  function sorted(rows, isDir) {
    return rows.slice().sort(function (a, b) {
      var x = value(a, isDir), y = value(b, isDir);
      if (typeof x === "number" && isNaN(x)) return isNaN(y) ? 0 : 1;  // no score: always last
      if (typeof y === "number" && isNaN(y)) return -1;
      return (x < y ? -1 : x > y ? 1 : 0) * sortDir;
    });
  }
  function renderDirs() {
    var body = $("dir-rows"), frag = document.createDocumentFragment();
    sorted(childDirs[current] || [], true).forEach(function (i) { frag.appendChild(dirRow(i)); });
    if (current !== -1) sorted(childFiles[current] || [], false).forEach(function (i) { frag.appendChild(fileRow(i)); });
    body.replaceChildren(frag);
    var crumbs = $("crumbs"), trail = [], at = current;
    while (at !== -1) { trail.unshift(at); at = D.dirs[at][1]; }
    var all = el("button", "link", "all directories"); all.type = "button"; all.dataset.open = -1;
    crumbs.replaceChildren(all);
    trail.forEach(function (i) {
      crumbs.appendChild(el("span", "sep", "\u203A"));
      var name = D.dirs[i][0], b = el("button", "link", D.dirs[i][1] === -1 ? name : name.slice(name.lastIndexOf("/") + 1));
      b.type = "button"; b.dataset.open = i; crumbs.appendChild(b);
    });
    document.querySelectorAll("#dir-table button.sort").forEach(function (b) {
      if (b.dataset.sort === sortKey) b.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
      else b.removeAttribute("aria-sort");
    });
  }
  $("directories").addEventListener("click", function (e) {
    var t = e.target.closest("button");
    if (!t) return;
    if (t.dataset.open !== undefined) { current = parseInt(t.dataset.open, 10); renderDirs(); }
    else if (t.dataset.sort) {
      if (sortKey === t.dataset.sort) sortDir = -sortDir; else { sortKey = t.dataset.sort; sortDir = sortKey === "name" ? 1 : -1; if (sortKey === "score") sortDir = 1; }
      renderDirs();
    } else if (t.dataset.filterPath !== undefined) { showFindings({ path: t.dataset.filterPath }); }
  });

  // -- findings browser ------------------------------------------------------------------------
  var F = D.findings, matches = [], shown = 0;
  var pathsLower = D.paths.map(function (p) { return p.toLowerCase(); });
  var ruleSelect = $("f-rule"), categorySelect = $("f-category"), severitySelect = $("f-severity"), pathInput = $("f-path");

  function option(select, value, label) { var o = el("option", null, label); o.value = value; select.appendChild(o); }
  option(ruleSelect, "", "all rules (" + F.length + ")");
  D.rules.forEach(function (r, i) { if (r.findings) option(ruleSelect, String(i), r.code + " " + r.name + " (" + r.findings + ")"); });
  var perCategory = D.categories.map(function () { return 0; });
  F.forEach(function (f) { perCategory[f[8]] += 1; });
  option(categorySelect, "", "all");
  D.categories.forEach(function (c, i) { option(categorySelect, String(i), (c || "none") + " (" + perCategory[i] + ")"); });

  function applyFilters() {
    var rule = ruleSelect.value === "" ? -1 : parseInt(ruleSelect.value, 10);
    var category = categorySelect.value === "" ? -1 : parseInt(categorySelect.value, 10);
    var severity = severitySelect.value === "" ? -1 : parseInt(severitySelect.value, 10);
    var needle = pathInput.value.trim().toLowerCase(), pathOk = null;
    if (needle) pathOk = pathsLower.map(function (p) { return p.indexOf(needle) !== -1; });
    matches = [];
    for (var i = 0; i < F.length; i++) {
      var f = F[i];
      if ((rule === -1 || f[5] === rule) && (category === -1 || f[8] === category) &&
          (severity === -1 || f[6] === severity) && (pathOk === null || pathOk[f[0]])) matches.push(i);
    }
    shown = 0;
    $("finding-list").replaceChildren();
    $("match-count").textContent = matches.length === F.length ? F.length + " findings" :
      matches.length + " of " + F.length + " findings match";
    renderMore();
  }

  function frameOf(f) {
    var chunks = D.frames[f[0]], first = Math.max(1, f[1] - 1), last = Math.max(f[1], Math.min(f[3], f[1] + 3)) + 1;
    var pre = el("pre", "frame");
    if (!chunks) return null;
    for (var c = 0; c < chunks.length; c++) {
      var start = chunks[c][0], lines = chunks[c][1];
      if (f[1] < start || f[1] >= start + lines.length) continue;
      for (var n = Math.max(first, start); n <= Math.min(last, start + lines.length - 1); n++) {
        var text = lines[n - start], row = el("span", n === f[1] ? "row hit" : "row");
        row.appendChild(el("span", "ln", n));
        if (n === f[1]) {
          var from = Math.max(0, f[2] - 1), to = f[3] === f[1] ? Math.max(from + 1, f[4] - 1) : text.length;
          row.appendChild(document.createTextNode(text.slice(0, from)));
          row.appendChild(el("mark", null, text.slice(from, to)));
          row.appendChild(document.createTextNode(text.slice(to)));
        } else row.appendChild(document.createTextNode(text));
        pre.appendChild(row);
      }
      return pre.childNodes.length ? pre : null;
    }
    return null;
  }

  function findingItem(i) {
    var f = F[i], rule = D.rules[f[5]], li = el("li", "finding " + (f[6] === 0 ? "error" : "warning"));
    li.dataset.rule = rule.code;
    var head = el("div", "head");
    head.appendChild(el("span", "where mono", D.paths[f[0]] + ":" + f[1] + ":" + f[2]));
    head.appendChild(el("span", "code", rule.code));
    head.appendChild(el("span", "muted", rule.name + " \u00B7 " + (f[6] === 0 ? "error" : "warning")));
    var tags = [];
    if (D.categories[f[8]]) tags.push(D.categories[f[8]]);
    if (f[9] !== -1) tags.push(D.strings[f[9]]);
    if (tags.length) head.appendChild(el("span", "tags mono", tags.join(" \u00B7 ")));
    li.appendChild(head);
    li.appendChild(withCode(el("p", "msg"), D.strings[f[7]]));
    if (f[10]) {
      li.appendChild(el("p", "fix", (f[10] === 1 ? "Safe fix (testaudit check --fix): " :
        "Unsafe fix (testaudit check --fix --unsafe-fixes): ") + D.strings[f[11]]));
    }
    if (rule.hint) {
      var hint = el("details", "hint"), summary = el("summary", null, "How to fix " + rule.code);
      hint.appendChild(summary);
      hint.addEventListener("toggle", function once() {
        if (hint.open && hint.childNodes.length === 1) hint.appendChild(el("pre", null, rule.hint));
      });
      li.appendChild(hint);
    }
    var frame = frameOf(f);
    if (frame) li.appendChild(frame);
    return li;
  }

  function renderMore() {
    var list = $("finding-list"), frag = document.createDocumentFragment(), end = Math.min(matches.length, shown + PAGE);
    for (; shown < end; shown++) frag.appendChild(findingItem(matches[shown]));
    list.appendChild(frag);
    var more = $("more"), left = matches.length - shown;
    more.hidden = left <= 0;
    more.textContent = "show " + Math.min(PAGE, left) + " more (" + left + " left)";
  }

  function showFindings(filter) {
    $("filters").reset();
    if (filter.rule !== undefined) {
      D.rules.forEach(function (r, i) { if (r.code === filter.rule) ruleSelect.value = String(i); });
    }
    if (filter.path !== undefined) pathInput.value = filter.path;
    applyFilters();
    $("findings").scrollIntoView({ block: "start" });
  }

  var timer = null;
  pathInput.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(applyFilters, 150); });
  [ruleSelect, categorySelect, severitySelect].forEach(function (s) { s.addEventListener("change", applyFilters); });
  $("filters").addEventListener("reset", function () { setTimeout(applyFilters, 0); });
  $("filters").addEventListener("submit", function (e) { e.preventDefault(); applyFilters(); });
  $("more").addEventListener("click", renderMore);
  $("rules").addEventListener("click", function (e) {
    var t = e.target.closest("button[data-filter-rule]");
    if (t) showFindings({ rule: t.dataset.filterRule });
  });

  renderDirs();
  applyFilters();
  document.documentElement.dataset.ready = "1";
})();
