// The CPV picker: turns the plain "CPV-koder" text field into a combobox with a listbox of suggestions
// (WAI-ARIA combobox pattern) and a list of chosen codes. Without JavaScript the text field stays as it is.
(function () {
  "use strict";

  function element(tag, attributes) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    return node;
  }

  function enhance(input) {
    if (input.dataset.enhanced) return;
    var url = input.dataset.cpvPicker;
    var texts = input.dataset;
    var chosen = JSON.parse(input.dataset.selected || "[]"); // [[code, label], ...]
    var id = input.id;

    var value = element("input", { type: "hidden", name: input.name, id: id + "-value" });
    var wrapper = element("div", { class: "cpv-picker" });
    var chips = element("ul", { class: "cpv-chips", "aria-label": texts.labelSelected });
    var combo = element("input", {
      type: "text", id: id, class: input.className, role: "combobox", "aria-autocomplete": "list",
      "aria-expanded": "false", "aria-controls": id + "-listbox", autocomplete: "off",
      placeholder: texts.labelSearch, "data-enhanced": "1",
    });
    ["aria-describedby", "aria-invalid"].forEach(function (name) {
      if (input.hasAttribute(name)) combo.setAttribute(name, input.getAttribute(name));
    });
    var listbox = element("ul", { id: id + "-listbox", role: "listbox", class: "cpv-listbox", "aria-label": texts.labelSearch });
    listbox.hidden = true;
    var live = element("div", { role: "status", class: "visually-hidden" });
    input.replaceWith(wrapper);
    wrapper.append(chips, combo, listbox, live, value);

    var active = -1;
    var timer = null;
    var request = 0;

    function announce(text) {
      live.textContent = "";
      window.setTimeout(function () { live.textContent = text; }, 30);
    }

    function options() {
      return Array.prototype.slice.call(listbox.querySelectorAll("[data-code]"));
    }

    function renderChips() {
      chips.textContent = "";
      chosen.forEach(function (pair) {
        var item = element("li");
        item.append(document.createTextNode(pair[0] + " " + pair[1]));
        var remove = element("button", { type: "button", "aria-label": texts.labelRemove + " " + pair[0] + " " + pair[1] });
        remove.textContent = "×";
        remove.addEventListener("click", function () {
          chosen = chosen.filter(function (other) { return other[0] !== pair[0]; });
          renderChips();
          announce(texts.labelRemoved + " " + pair[0] + " " + pair[1]);
          combo.focus();
        });
        item.append(remove);
        chips.append(item);
      });
      chips.hidden = chosen.length === 0;
      value.value = chosen.map(function (pair) { return pair[0]; }).join(" ");
    }

    function close() {
      listbox.hidden = true;
      combo.setAttribute("aria-expanded", "false");
      combo.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var all = options();
      if (!all.length) return;
      active = (index + all.length) % all.length;
      all.forEach(function (option, i) { option.setAttribute("aria-selected", i === active ? "true" : "false"); });
      combo.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }

    function choose(option) {
      var code = option.dataset.code;
      if (!chosen.some(function (pair) { return pair[0] === code; })) chosen.push([code, option.dataset.label]);
      renderChips();
      combo.value = "";
      close();
      announce(texts.labelAdded + " " + code + " " + option.dataset.label);
    }
    // A proposed code's "Lägg till" button (networks/_cpv_proposals.html) chooses it in the picker of its form.
    wrapper.addEventListener("cpv:add", function (event) { choose({ dataset: event.detail }); });

    function search() {
      var query = combo.value.trim();
      if (query.length < 2) { close(); return; }
      var mine = ++request;
      fetch(url + "?q=" + encodeURIComponent(query), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          if (mine !== request) return; // a newer search has started
          listbox.innerHTML = html;
          listbox.hidden = false;
          combo.setAttribute("aria-expanded", "true");
          active = -1;
          announce(String(options().length));
        });
    }

    combo.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 200);
    });
    combo.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); if (listbox.hidden) search(); else highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Enter" && !listbox.hidden && active >= 0) { event.preventDefault(); choose(options()[active]); }
      else if (event.key === "Escape") { close(); }
    });
    combo.addEventListener("blur", function () { window.setTimeout(close, 150); });
    listbox.addEventListener("mousedown", function (event) {
      var option = event.target.closest("[data-code]");
      if (option) { event.preventDefault(); choose(option); }
    });
    renderChips();
  }

  function enhanceAll(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-cpv-picker]"), enhance);
    // Buttons that add a proposed code work only with the picker: shown once it is there.
    Array.prototype.forEach.call(root.querySelectorAll("[data-cpv-add]"), function (button) { button.hidden = false; });
  }
  enhanceAll(document);
  document.addEventListener("htmx:after:swap", function (event) { enhanceAll(event.target.parentNode || document); });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-cpv-add]");
    var picker = button && button.form ? button.form.querySelector(".cpv-picker") : null;
    if (!picker) return;
    picker.dispatchEvent(new CustomEvent("cpv:add", { detail: { code: button.dataset.cpvAdd, label: button.dataset.cpvLabel } }));
  });
})();
