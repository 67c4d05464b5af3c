// Type-to-search choosers: every <select multiple data-picker> becomes a Tom Select chooser (vendored in
// static/vendor/tom-select). The plain select stays in the form and is what is sent, so the form works the same
// without JavaScript. The chooser's words come translated in the select's data-picker-* attributes.
// Suggestions (<input type="checkbox" data-offer-for="id of a picker">) stay in step with their chooser: ticking
// one adds the item to the chooser, removing it from the chooser unticks it.
(function () {
  "use strict";
  if (typeof window.TomSelect !== "function") { return; }  // the library did not load: the plain lists remain

  function offersFor(select, value) {
    return Array.prototype.filter.call(
      document.querySelectorAll('input[data-offer-for="' + select.id + '"]'),
      function (box) { return box.value === value; }
    );
  }

  function enhance(select) {
    if (select.tomselect) { return; }
    var data = select.dataset;
    var picker = new window.TomSelect(select, {
      plugins: { remove_button: { title: data.pickerRemove || "Remove" } },
      placeholder: data.pickerPlaceholder || "",
      hidePlaceholder: false,
      maxOptions: null,        // every match is listed, however long the list
      closeAfterSelect: false,
      render: {
        no_results: function (_data, escape) {
          return '<div class="no-results">' + escape(data.pickerEmpty || "") + "</div>";
        }
      }
    });
    // Tom Select moves the field's label to its own input and leaves the plain select, still sent, out of the tab
    // order: hidden from assistive technology too, or it is read as a second, unnamed list (axe select-name).
    select.setAttribute("aria-hidden", "true");
    var help = select.getAttribute("aria-describedby");
    if (help) { picker.control_input.setAttribute("aria-describedby", help); }
    var field = select.closest(".field");
    var hint = field && field.querySelector("[data-picker-hint]");
    if (hint) { hint.hidden = true; }  // "hold Ctrl" is for the plain list only
    picker.on("item_add", function (value) {
      offersFor(select, value).forEach(function (box) { box.checked = true; });
    });
    picker.on("item_remove", function (value) {
      offersFor(select, value).forEach(function (box) { box.checked = false; });
    });
  }

  function bindOffer(box) {
    var select = document.getElementById(box.getAttribute("data-offer-for"));
    var picker = select && select.tomselect;
    if (!picker || box.dataset.offerBound) { return; }
    box.dataset.offerBound = "1";
    // The chooser's select carries the choice: the box is sent no more (the same item would arrive twice).
    box.removeAttribute("name");
    box.checked = picker.items.indexOf(box.value) !== -1;
    box.addEventListener("change", function () {
      if (box.checked) { picker.addItem(box.value); } else { picker.removeItem(box.value); }
    });
  }

  function init(root) {
    var scope = root && root.querySelectorAll ? root : document;
    Array.prototype.forEach.call(scope.querySelectorAll("select[data-picker]"), enhance);
    Array.prototype.forEach.call(document.querySelectorAll("input[data-offer-for]"), bindOffer);
  }

  init(document);
  // Parts swapped in by htmx (the suggestions of another area) are bound as they arrive.
  document.body.addEventListener("htmx:load", function (event) { init(event.target); });
})();
