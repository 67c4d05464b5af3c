// Assessment scope tree: ticking a section ticks all its subsections; unticking one subsection unticks the
// section (so only the ticked subsections are sent); ticking every subsection ticks the section again.
(function () {
  "use strict";
  var sections = document.querySelectorAll("input[data-scope-section]");
  Array.prototype.forEach.call(sections, function (section) {
    var code = section.getAttribute("data-scope-section");
    var children = document.querySelectorAll('input[data-scope-parent="' + code + '"]');
    if (!children.length) { return; }
    section.addEventListener("change", function () {
      Array.prototype.forEach.call(children, function (child) { child.checked = section.checked; });
    });
    Array.prototype.forEach.call(children, function (child) {
      child.addEventListener("change", function () {
        var all = Array.prototype.every.call(children, function (c) { return c.checked; });
        section.checked = all;
        var some = Array.prototype.some.call(children, function (c) { return c.checked; });
        section.indeterminate = some && !all;
      });
    });
  });
})();
