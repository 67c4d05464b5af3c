// Questions workspace: autosave, conflicts, merges, and keyboard shortcuts: Alt+ArrowDown / Alt+ArrowUp next /
// previous question, Ctrl+Enter (Cmd+Enter) save now.
//
// Nothing typed is lost:
// - Every change not yet saved is kept in this browser's localStorage ("draft"), keyed by user, assessment and
//   question, with the answer version it was made on. It is removed once the server has the same values.
// - One save per question card at a time (htmx queues the next); when an older answer comes back, the fields
//   the user changed meanwhile keep the user's values and are saved again against the new version.
// - An expired session answers 401 (soma.accounts.sign_in.SignedOutMiddleware): nothing is swapped in, the page
//   says so and offers to sign in again in another tab; once signed in, kept changes are sent with a fresh
//   CSRF token (signing in rotates it), against the version they were made on: a stale one ends in the
//   conflict view, never in a silent overwrite.
// - After a reload, kept changes are put back on their card and offered to send or discard.
(function () {
  "use strict";

  var FIELDS = ["narrative", "de_jure", "de_facto", "classification"];
  var RETRY_MS = 5000;

  var root = document.querySelector("[data-autosave]");
  if (!root) {
    return; // read-only members: nothing is edited, nothing is kept
  }
  var prefix = root.getAttribute("data-draft-key");
  var banner = root.querySelector("[data-session-ended]");
  var signedOut = false;
  var resuming = false;
  var retryTimer = null;
  var inFlight = {}; // card id -> {values sent (or null for another form of the card), whether it was a save}
  var before = {}; // card id -> the answer form's values and draft just before a response replaces the card
  var saved = {}; // card id -> values as the server last rendered them (null when the card shows unsaved values)
  var resend = {}; // card id -> true when the new card must be saved again with the user's newer values

  function store() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; // storage disabled: autosave still works, only kept changes do not survive a reload
    }
  }

  function answerOf(element) {
    return element && element.closest ? element.closest(".answer") : null;
  }

  function formOf(card) {
    return card ? card.querySelector("form[data-answer-form]") : null;
  }

  function valuesOf(form) {
    var values = {};
    FIELDS.forEach(function (name) {
      var field = form.elements[name];
      if (field) {
        values[name] = field.value;
      }
    });
    return values;
  }

  function same(a, b) {
    return !!a && !!b && FIELDS.every(function (name) {
      return a[name] === b[name];
    });
  }

  function isConflict(form) {
    return form.hasAttribute("data-conflict");
  }

  function version(form) {
    return form.elements.expected_version.value;
  }

  function draftKey(form) {
    return prefix + form.getAttribute("data-question");
  }

  function readDraft(form) {
    var storage = store();
    try {
      var draft = storage && JSON.parse(storage.getItem(draftKey(form)));
      return draft && draft.values ? draft : null;
    } catch (error) {
      return null;
    }
  }

  function dropDraft(form) {
    var storage = store();
    if (storage) {
      storage.removeItem(draftKey(form));
    }
  }

  // Keep what the form holds if it differs from the saved answer. Its base is the version the changes were
  // made on: the form's own, except in the conflict view, whose form already carries the other person's version.
  function keep(form) {
    var card = answerOf(form);
    var values = valuesOf(form);
    if (same(values, saved[card.id])) {
      dropDraft(form);
      return;
    }
    var old = readDraft(form);
    var base = isConflict(form) && old ? old.base : version(form);
    var storage = store();
    if (storage) {
      try {
        storage.setItem(draftKey(form), JSON.stringify({ values: values, base: base, at: Date.now() }));
      } catch (error) {
        // storage full: the text stays in the box
      }
    }
  }

  function setValues(form, values) {
    FIELDS.forEach(function (name) {
      var field = form.elements[name];
      if (field && name in values && field.value !== values[name]) {
        var focused = document.activeElement === field && typeof field.selectionStart === "number";
        var start = focused ? field.selectionStart : 0;
        var end = focused ? field.selectionEnd : 0;
        field.value = values[name];
        if (focused) {
          field.setSelectionRange(start, end);
        }
      }
    });
  }

  function status(card, text) {
    var place = card && card.querySelector(".save-status");
    if (place) {
      place.textContent = text;
    }
  }

  function send(form) {
    if (form.requestSubmit) {
      form.requestSubmit();
    } else if (window.htmx) {
      window.htmx.trigger(form, "submit");
    }
  }

  // A card as the server rendered it: remember its saved values; on a page load, offer kept changes back.
  function adopt(card, offer) {
    var form = formOf(card);
    if (!form) {
      return;
    }
    saved[card.id] = isConflict(form) ? null : valuesOf(form);
    form.setAttribute("data-rendered-version", version(form));
    if (!offer) {
      return;
    }
    var draft = readDraft(form);
    if (!draft) {
      return;
    }
    if (same(draft.values, saved[card.id])) {
      dropDraft(form); // saved meanwhile (by another tab, or just before the page closed)
      return;
    }
    setValues(form, draft.values);
    form.elements.expected_version.value = draft.base;
    var notice = root.querySelector("template[data-kept-notice]").content.firstElementChild.cloneNode(true);
    var when = notice.querySelector("[data-kept-at]");
    when.textContent = new Date(draft.at).toLocaleString();
    when.setAttribute("datetime", new Date(draft.at).toISOString());
    card.insertBefore(notice, form);
  }

  document.querySelectorAll(".answer").forEach(function (card) {
    adopt(card, true);
  });

  // Every change is kept at once; it is sent by the form's own autosave trigger.
  function onEdit(event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-answer-form")) {
      keep(form);
      if (signedOut) {
        status(answerOf(form), root.getAttribute("data-kept-status"));
      }
    }
  }
  document.addEventListener("input", onEdit);
  document.addEventListener("change", onEdit);

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button") : null;
    if (!button) {
      return;
    }
    var card = answerOf(button);
    var form = formOf(card);
    if (button.hasAttribute("data-resend")) {
      resume();
    } else if (button.hasAttribute("data-kept-send") && form) {
      button.closest(".kept-notice").remove();
      send(form);
    } else if (button.hasAttribute("data-kept-discard") && form) {
      button.closest(".kept-notice").remove();
      setValues(form, saved[card.id] || {});
      form.elements.expected_version.value = form.getAttribute("data-rendered-version");
      dropDraft(form);
    } else if (button.hasAttribute("data-merge") && form) {
      // Merge buttons in the conflict view.
      var box = form.elements.narrative;
      var theirs = card.querySelector("[data-conflict-theirs]").textContent;
      var mine = card.querySelector("[data-conflict-mine]").textContent;
      var choice = button.getAttribute("data-merge");
      box.value = choice === "theirs" ? theirs : choice === "mine" ? mine : theirs + "\n\n" + mine;
      keep(form);
      box.focus();
    }
  });

  document.addEventListener("htmx:configRequest", function (event) {
    var card = event.detail.target && event.detail.target.classList.contains("answer") ? event.detail.target : null;
    if (!card) {
      return;
    }
    var isSave = event.detail.elt === formOf(card);
    if (signedOut && !resuming) {
      // Signed out: sending would only be refused. The change is kept and sent after signing in again.
      event.preventDefault();
      status(card, root.getAttribute("data-kept-status"));
      return;
    }
    inFlight[card.id] = { save: isSave, values: isSave ? valuesOf(event.detail.elt) : null };
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var card = event.detail.target;
    if (!card || !card.classList || !card.classList.contains("answer")) {
      return;
    }
    var xhr = event.detail.xhr;
    var code = xhr.status;
    if (code === 401) {
      event.detail.shouldSwap = false;
      event.detail.isError = false;
      signedOut = true;
      showSignedOut();
      status(card, root.getAttribute("data-kept-status"));
      delete inFlight[card.id];
      return;
    }
    // Conflicts (409), refusals (403) and input errors (400) come back as the card itself: show it. Anything
    // else that is not the card (a proxy's error page, a CSRF refusal) must not replace it.
    var isCard = (xhr.responseText || "").indexOf('id="' + card.id + '"') !== -1;
    if ((code === 400 || code === 403 || code === 409) && isCard) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    } else if (code >= 300 || !isCard) {
      event.detail.shouldSwap = false;
      status(card, root.getAttribute("data-failed-status"));
      delete inFlight[card.id];
      return;
    }
    var form = formOf(card);
    before[card.id] = form ? { values: valuesOf(form), draft: readDraft(form) } : null;
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var id = event.detail.target && event.detail.target.id;
    if (!id || !(id in before)) {
      return;
    }
    var was = before[id];
    var request = inFlight[id] || { save: false, values: null };
    var oldSaved = saved[id];
    delete before[id];
    delete inFlight[id];
    var card = document.getElementById(id);
    adopt(card, false);
    var form = formOf(card);
    if (!form || !was) {
      return;
    }
    // What the user changed while the request was on its way: fields that differ from what was sent (for
    // a save) or from the saved answer (for the card's other forms: review, citations).
    var reference = request.save ? request.values : oldSaved;
    var changed = {};
    var any = false;
    FIELDS.forEach(function (name) {
      if (!reference || was.values[name] !== reference[name]) {
        changed[name] = was.values[name];
        any = true;
      }
    });
    if (!any) {
      if (!isConflict(form) && event.detail.xhr.status === 200) {
        dropDraft(form);
      }
      return;
    }
    setValues(form, changed);
    if (isConflict(form) || event.detail.xhr.status !== 200) {
      keep(form); // the conflict or error view: the user decides; their newest values are in the form
      return;
    }
    if (!request.save && was.draft) {
      // Unsaved changes around another action: send them against the version they were made on.
      form.elements.expected_version.value = was.draft.base;
    }
    keep(form);
    resend[id] = true; // once htmx has set up the new card (htmx:load), or the browser would submit the page
  });

  document.addEventListener("htmx:load", function (event) {
    var card = event.detail.elt;
    if (card && card.id && resend[card.id]) {
      delete resend[card.id];
      var form = formOf(card);
      if (form) {
        send(form);
      }
    }
  });

  document.addEventListener("htmx:sendError", function (event) {
    var card = answerOf(event.detail.elt) || event.detail.target;
    if (card && card.classList && card.classList.contains("answer")) {
      delete inFlight[card.id];
      status(card, root.getAttribute("data-failed-status"));
    }
  });

  // --- Signed out: say so, and send the kept changes once the user has signed in again ---------------------------

  function showSignedOut() {
    banner.hidden = false;
    if (retryTimer === null) {
      retryTimer = window.setInterval(resume, RETRY_MS);
    }
  }

  function csrfToken(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var workspace = doc.querySelector("[data-autosave]");
    var token = doc.querySelector("input[name=csrfmiddlewaretoken]");
    return {
      sameUser: !!workspace && workspace.getAttribute("data-draft-key") === prefix,
      token: token ? token.value : null,
    };
  }

  // Ask this page again, as htmx would: 401 while signed out; once signed in, the page with a fresh CSRF token.
  function resume() {
    if (!signedOut || resuming) {
      return;
    }
    resuming = true;
    fetch(window.location.pathname, {
      headers: { "HX-Request": "true" },
      credentials: "same-origin",
      cache: "no-store",
      redirect: "manual",
    })
      .then(function (response) {
        return response.status === 200 ? response.text() : null;
      })
      .then(function (html) {
        var fresh = html ? csrfToken(html) : null;
        if (!fresh || !fresh.token) {
          resuming = false;
          return;
        }
        banner.querySelector("[data-other-user]").hidden = fresh.sameUser;
        if (!fresh.sameUser) {
          resuming = false;
          return;
        }
        document.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (input) {
          input.value = fresh.token;
        });
        signedOut = false;
        banner.hidden = true;
        window.clearInterval(retryTimer);
        retryTimer = null;
        document.querySelectorAll("form[data-answer-form]").forEach(function (form) {
          var draft = readDraft(form);
          if (draft && !isConflict(form)) {
            setValues(form, draft.values);
            form.elements.expected_version.value = draft.base;
            send(form);
          }
        });
        resuming = false;
      })
      .catch(function () {
        resuming = false;
      });
  }

  window.addEventListener("focus", resume);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) {
      resume();
    }
  });

  // --- Keyboard ---------------------------------------------------------------------------------------------------

  function revealTools(node) {
    (node || document).querySelectorAll(".conflict-tools[hidden]").forEach(function (tools) {
      tools.hidden = false;
    });
  }
  revealTools(document);
  document.addEventListener("htmx:load", function (event) {
    revealTools(event.detail.elt);
  });

  function textareas() {
    return Array.prototype.slice.call(document.querySelectorAll("textarea.answer-text"));
  }

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
    } else if (event.altKey && event.code === "KeyX") {
      // Alt+X: tick (or untick) this question for the bulk bar.
      var pick = document.getElementById(box.id.replace(/-narrative$/, "-select"));
      if (pick) {
        event.preventDefault();
        pick.checked = !pick.checked;
        openBulkBar(pick);
      }
    } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (box.form) {
        send(box.form);
      }
    }
  });

  // A card's tick for the bulk bar survives its autosave (the saved card brings the checkbox with the new version).
  var ticked = {};
  document.addEventListener("htmx:beforeSwap", function (event) {
    var card = event.detail.target;
    var pick = card && card.querySelector && card.querySelector("input.bulk-select");
    if (pick) {
      ticked[card.id] = pick.checked;
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var id = event.detail.target && event.detail.target.id;
    var card = id && document.getElementById(id);
    var pick = card && card.querySelector("input.bulk-select");
    if (pick && ticked[id]) {
      pick.checked = true;
    }
    delete ticked[id];
  });

  // The bulk bar is folded on narrow screens (the first answer box stays on the first screen): open it on wider
  // screens, and as soon as a question is ticked.
  function openBulkBar(pick) {
    var bar = document.querySelector("[data-bulk-details]");
    if (bar && pick && pick.checked) {
      bar.open = true;
    }
  }
  var bulkBar = document.querySelector("[data-bulk-details]");
  if (bulkBar && window.matchMedia && !window.matchMedia("(max-width: 40rem)").matches) {
    bulkBar.open = true;
  }
  document.addEventListener("change", function (event) {
    if (event.target.classList && event.target.classList.contains("bulk-select")) {
      openBulkBar(event.target);
    }
  });
})();
