// Questions workspace: autosave keeps what is typed during a save, shows conflicts and errors, merges,
// and keyboard shortcuts: Alt+ArrowDown / Alt+ArrowUp next / previous question, Ctrl+Enter (Cmd+Enter) save now.
(function () {
  "use strict";

  function answerOf(element) {
    return element && element.closest ? element.closest(".answer") : null;
  }

  function textareas() {
    return Array.prototype.slice.call(document.querySelectorAll("textarea.answer-text"));
  }

  // Conflicts (409), refusals (403) and input errors (400) come back as a question fragment: show it.
  var typed = {};
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.classList || !target.classList.contains("answer")) {
      return;
    }
    var status = event.detail.xhr.status;
    if (status === 400 || status === 403 || status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
    // Remember what is in the answer box now: the user may have typed while the request was on its way.
    var box = target.querySelector("textarea.answer-text");
    if (box) {
      typed[target.id] = box.value;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var id = event.detail.target && event.detail.target.id;
    if (!id || !(id in typed)) {
      return;
    }
    var value = typed[id];
    delete typed[id];
    var fresh = document.getElementById(id);
    var box = fresh && fresh.querySelector("textarea.answer-text");
    if (!box || box.value === value) {
      return;
    }
    var form = box.form;
    if (form && form.hasAttribute("data-conflict")) {
      return; // the conflict view already holds the user's text, shown beside theirs
    }
    box.value = value; // never drop what was typed; save it against the new version
    if (form && window.htmx) {
      window.htmx.trigger(form, "change");
    }
  });

  // Merge buttons in the conflict view.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-merge]") : null;
    if (!button) {
      return;
    }
    var answer = answerOf(button);
    var box = answer && answer.querySelector("textarea.answer-text");
    if (!box) {
      return;
    }
    var theirs = answer.querySelector("[data-conflict-theirs]").textContent;
    var mine = answer.querySelector("[data-conflict-mine]").textContent;
    var choice = button.getAttribute("data-merge");
    box.value = choice === "theirs" ? theirs : choice === "mine" ? mine : theirs + "\n\n" + mine;
    box.focus();
  });

  function revealTools(root) {
    (root || document).querySelectorAll(".conflict-tools[hidden]").forEach(function (tools) {
      tools.hidden = false;
    });
  }
  revealTools(document);
  document.addEventListener("htmx:load", function (event) {
    revealTools(event.detail.elt);
  });

  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (!box || !box.classList || !box.classList.contains("answer-text")) {
      return;
    }
    if (event.altKey && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      var all = textareas();
      var next = all[all.indexOf(box) + (event.key === "ArrowDown" ? 1 : -1)];
      if (next) {
        event.preventDefault();
        next.focus();
        next.scrollIntoView({ block: "center" });
      }
    } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (box.form) {
        if (box.form.requestSubmit) {
          box.form.requestSubmit();
        } else {
          box.form.submit();
        }
      }
    }
  });
})();
