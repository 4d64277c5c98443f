// Progressive enhancement only: the page is complete without this script. It makes the
// column headers of sortable tables buttons, and adds a filter box to the sections of
// findings and files. No network, no storage.
(function () {
  "use strict";
  var each = function (list, f) { Array.prototype.forEach.call(list, f); };
  // A cell's sort key: its data-v number when it has one, else its text.
  var key = function (row, i) {
    var c = row.cells[i];
    if (!c) return "";
    var v = c.getAttribute("data-v");
    return v === null ? c.textContent.trim().toLowerCase() : parseFloat(v);
  };
  var sortable = function (row) {
    return !row.classList.contains("g") && !row.classList.contains("more");
  };
  // Sorts every row group of the table by column i; a group's heading row stays first and
  // its "more" row last.
  var sort = function (table, th, i) {
    var asc = th.getAttribute("aria-sort") !== "ascending";
    each(table.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    each(table.tBodies, function (body) {
      var rows = Array.prototype.filter.call(body.rows, sortable);
      rows.sort(function (a, b) {
        var x = key(a, i), y = key(b, i);
        var d = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
        return asc ? d : -d;
      });
      var more = body.querySelector("tr.more");
      rows.forEach(function (r) { body.insertBefore(r, more); });
    });
  };
  each(document.querySelectorAll("table.sortable"), function (table) {
    if (!table.tHead) return;
    each(table.tHead.rows[0].cells, function (th, i) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = th.textContent;
      b.title = "Sort by " + th.textContent;
      th.textContent = "";
      th.appendChild(b);
      b.addEventListener("click", function () { sort(table, th, i); });
    });
  });
  // Filtering: a row stays when its text (or its group's heading) holds every word typed.
  var n = 0;
  each(document.querySelectorAll("section.filterable"), function (section) {
    var tables = section.querySelectorAll("table");
    if (!tables.length) return;
    n += 1;
    var p = document.createElement("p");
    p.className = "filter";
    var label = document.createElement("label");
    label.htmlFor = "filter-" + n;
    label.textContent = "Filter rows:";
    var input = document.createElement("input");
    input.type = "search";
    input.id = "filter-" + n;
    input.placeholder = "file, customerExtId, message…";
    var status = document.createElement("span");
    status.setAttribute("role", "status");
    p.appendChild(label);
    p.appendChild(input);
    p.appendChild(status);
    section.insertBefore(p, section.querySelector("h2").nextSibling);
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var holds = function (el) {
        var t = el.textContent.toLowerCase();
        return words.every(function (w) { return t.indexOf(w) >= 0; });
      };
      var shown = 0;
      each(tables, function (table) {
        each(table.tBodies, function (body) {
          var head = body.querySelector("tr.g");
          var all = !words.length || (head && holds(head));
          var any = false;
          each(body.rows, function (r) {
            if (!sortable(r)) return;
            var keep = all || holds(r);
            r.hidden = !keep;
            if (keep) { any = true; shown += 1; }
          });
          body.hidden = !any && !all;
        });
      });
      each(section.querySelectorAll("section.code"), function (code) {
        code.hidden = !!words.length && !code.querySelector("tbody:not([hidden])");
      });
      status.textContent = words.length ? shown + (shown === 1 ? " row shown" : " rows shown") : "";
    });
  });
})();
