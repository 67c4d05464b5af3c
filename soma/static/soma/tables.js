// Tables that reflow on a narrow screen (soma.css, "Narrow screens"): each cell is given its column's heading
// (data-label, shown before the cell when the rows are stacked) and the table the class "reflow". Stacked rows are
// no longer laid out as a table, which makes browsers drop its semantics, so the table's parts get their ARIA
// roles back: a screen reader still reads a cell with its column's heading. A table without a header row, or
// marked data-no-reflow, is left as it is. Without JavaScript the tables stay tables (their wrappers scroll).
(function () {
  "use strict";

  function headings(table) {
    var head = table.tHead;
    var row = head && head.rows.length ? head.rows[head.rows.length - 1] : null;
    if (!row) { return null; }
    var labels = [];
    Array.prototype.forEach.call(row.cells, function (cell) {
      for (var span = 0; span < (cell.colSpan || 1); span++) { labels.push(cell.textContent.trim().replace(/\s+/g, " ")); }
    });
    return labels;
  }

  function reflow(table) {
    if (table.classList.contains("reflow") || table.hasAttribute("data-no-reflow")) { return; }
    var labels = headings(table);
    if (!labels) { return; }
    table.setAttribute("role", "table");
    Array.prototype.forEach.call(table.querySelectorAll(":scope > thead, :scope > tbody, :scope > tfoot"),
      function (group) { group.setAttribute("role", "rowgroup"); });
    Array.prototype.forEach.call(table.rows, function (row) {
      row.setAttribute("role", "row");
      var inHead = row.parentNode.tagName === "THEAD";
      var column = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        if (inHead) {
          cell.setAttribute("role", "columnheader");
        } else {
          cell.setAttribute("role", cell.tagName === "TH" ? "rowheader" : "cell");
          var label = labels[column];
          if (label && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", label); }
        }
        column += cell.colSpan || 1;
      });
    });
    table.classList.add("reflow");
  }

  function init(root) {
    var scope = root && root.querySelectorAll ? root : document;
    Array.prototype.forEach.call(scope.querySelectorAll("main table"), reflow);
    if (scope.tagName === "TABLE") { reflow(scope); }
  }

  init(document);
  // Parts swapped in by htmx (a table of results, a row saved) are handled as they arrive.
  document.body.addEventListener("htmx:load", function (event) {
    var table = event.target.closest && event.target.closest("table");
    if (table) { table.classList.remove("reflow"); reflow(table); } else { init(event.target); }
  });
})();
