// Linkwright's small page helpers (the pages work without them).
(function () {
  "use strict";

  // Keep focus on the control the user was on when htmx replaces the block around it
  // (e.g. choosing "Azure Key Vault" with the arrow keys refreshes the field block).
  var focused = null;

  function describe(element) {
    if (!element || element === document.body) return null;
    var checkable = element.type === "radio" || element.type === "checkbox";
    return {
      id: element.id || "",
      name: element.getAttribute("name") || "",
      value: checkable ? element.value : null,
      start: typeof element.selectionStart === "number" ? element.selectionStart : null,
    };
  }

  function find(saved) {
    if (saved.id) {
      var byId = document.getElementById(saved.id);
      if (byId) return byId;
    }
    if (!saved.name) return null;
    var candidates = document.getElementsByName(saved.name);
    for (var i = 0; i < candidates.length; i++) {
      if (saved.value === null || candidates[i].value === saved.value) return candidates[i];
    }
    return null;
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    // The portal answers a refused call to a server (400) or one past the rate or the
    // waiting places (429) with a fragment that says why: show it where the answer goes.
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 400 || status === 429) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
    var active = document.activeElement;
    var target = event.detail.target;
    focused = target && active && target.contains(active) ? describe(active) : null;
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!focused) return;
    var saved = focused;
    focused = null;
    var element = find(saved);
    if (!element || element === document.activeElement) return;
    element.focus({ preventScroll: true });
    if (saved.start !== null && typeof element.setSelectionRange === "function") {
      try {
        element.setSelectionRange(saved.start, saved.start);
      } catch (ignored) {
        // Not every input type has a caret (e.g. number).
      }
    }
  });

  // A connection test's result shows where the user is looking: when it first appears
  // (the "Test connection" button was pressed) focus moves to it, so a screen reader reads
  // it, and it is scrolled into view; so again when its verdict arrives. The polls in
  // between keep focus on it (see above) without moving the page.
  function reveal(element) {
    var box = element.getBoundingClientRect();
    var height = window.innerHeight || document.documentElement.clientHeight;
    if (box.top >= 0 && box.bottom <= height) return;
    element.scrollIntoView({ block: box.height > height || box.top < 0 ? "start" : "end" });
  }

  document.addEventListener("htmx:load", function (event) {
    var element = event.detail && event.detail.elt;
    if (!element || element.id !== "test_result") return;
    if (element.hasAttribute("data-first")) {
      element.focus({ preventScroll: true });
      reveal(element);
    } else if (element.hasAttribute("data-done")) {
      if (element.contains(document.activeElement) || document.activeElement === document.body) {
        element.focus({ preventScroll: true });
      }
      reveal(element);
    }
  });

  // After a failed save, move focus to the error summary (its items link to the fields).
  function focusErrors() {
    var summary = document.querySelector(".error-summary[data-focus]");
    if (summary) summary.focus();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusErrors);
  } else {
    focusErrors();
  }

  // A link in an error summary moves focus to its field, not only the scroll position.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".error-summary a[href^='#']") : null;
    if (!link) return;
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    target.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
    var line = parseInt(link.getAttribute("data-line") || "", 10);
    if (line > 0 && typeof target.setSelectionRange === "function") selectLine(target, line);
  });

  // In a JSON text area: select line N (1-based) and scroll it into view.
  function selectLine(area, line) {
    var lines = area.value.split("\n");
    var start = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) start += lines[i].length + 1;
    var end = start + (lines[line - 1] || "").length;
    area.setSelectionRange(start, end);
    var height = area.scrollHeight / Math.max(lines.length, 1);
    area.scrollTop = Math.max(0, (line - 3) * height);
  }

  // A parameter made a SecureString hides its default at once (typed, it is kept across
  // refreshes of the form by hx-preserve and stored encrypted on save).
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-secure-switch]")) return;
    var input = document.getElementById(select.getAttribute("data-secure-switch"));
    if (!input) return;
    var secure = select.value === "SecureString";
    input.type = secure ? "password" : "text";
    if (secure) {
      input.setAttribute("autocomplete", "new-password");
      input.placeholder = input.getAttribute("data-secure-placeholder") || "";
    } else {
      input.removeAttribute("autocomplete");
      input.placeholder = "";
    }
  });

  // Copy buttons: <button data-copy="ID"> copies the text of the element with that id.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-copy]") : null;
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) return;
    var status = button.parentNode.querySelector(".copy-done");
    var done = function (text) {
      if (status) status.textContent = text;
    };
    var text = source.textContent.trim();
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(
        function () { done("Copied."); },
        function () { selectText(source); done("Press Ctrl+C to copy."); }
      );
    } else {
      selectText(source);
      done("Press Ctrl+C to copy.");
    }
  });

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  // The factory switch in the top bar: choosing a factory opens its page.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.closest || !select.closest("[data-switch-factory]")) return;
    if (select.value && select.value.charAt(0) === "/") window.location.assign(select.value);
  });
  // <input data-enter-clicks="ID">: Enter presses that button instead of submitting the
  // form (a search box inside a form: each search is a call to a server, so not per key).
  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.key !== "Enter" || !input.getAttribute) return;
    var id = input.getAttribute("data-enter-clicks");
    if (!id) return;
    event.preventDefault();
    var button = document.getElementById(id);
    if (button) button.click();
  });
  // Table picker: <button data-pick-schema="S" data-pick-table="T"> fills the dataset
  // form's schema and table fields (typing in them stays possible: ADF's "Edit").
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-pick-schema]") : null;
    if (!button) return;
    var form = document.getElementById("dataset_form");
    if (!form) return;
    var schema = form.querySelector("[name='" + form.getAttribute("data-schema-field") + "']");
    var table = form.querySelector("[name='" + form.getAttribute("data-table-field") + "']");
    if (schema) schema.value = button.getAttribute("data-pick-schema");
    if (button.hasAttribute("data-pick-table")) {
      if (table) table.value = button.getAttribute("data-pick-table");
    } else {
      var browse = document.getElementById("browse_tables");
      if (browse) browse.click();
    }
  });

  // A wide table scrolls sideways in its own box, never the page (see linkwright.css).
  function boxTables(root) {
    var tables = (root || document).querySelectorAll("table.grid, table.params");
    for (var i = 0; i < tables.length; i++) {
      var table = tables[i];
      var parent = table.parentElement;
      if (!parent || parent.closest(".table-scroll, .scroll")) continue;
      var box = document.createElement("div");
      box.className = "table-scroll";
      parent.insertBefore(box, table);
      box.appendChild(table);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { boxTables(document); });
  } else {
    boxTables(document);
  }
  document.addEventListener("htmx:load", function (event) {
    boxTables(event.detail && event.detail.elt && event.detail.elt.parentElement || document);
  });

  // The transfer designer: the route chosen decides which fields show (see linkwright.css).
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select || select.id !== "id_route" || !select.form) return;
    select.form.setAttribute("data-route", select.value);
  });
})();
