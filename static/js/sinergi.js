// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", function () {
  var toggle = document.querySelector(".menu-toggle");
  var nav = document.getElementById("site-nav");
  if (toggle && nav) {
    nav.classList.add("collapsible");
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!open));
      nav.classList.toggle("open", !open);
    });
  }
  // Menus of the main bar: one open at a time; Escape or a click elsewhere closes it.
  var menus = document.querySelectorAll("details[data-menu]");
  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (!menu.open) { return; }
      menus.forEach(function (other) { if (other !== menu) { other.open = false; } });
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  });
  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) {
      if (menu.open && !menu.contains(event.target)) { menu.open = false; }
    });
  });
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.requestSubmit(); });
  });
  document.querySelectorAll("[data-all-present]").forEach(function (button) {
    button.addEventListener("click", function () {
      button.form.querySelectorAll("select[name^='status-']").forEach(function (select) {
        if (!select.value) { select.value = "present"; }
      });
    });
  });
  // "Tick everyone": every checkbox of the form named by data-check-all.
  document.querySelectorAll("[data-check-all]").forEach(function (button) {
    var name = button.getAttribute("data-check-all");
    button.addEventListener("click", function () {
      button.form.querySelectorAll("input[type=checkbox]").forEach(function (box) {
        if (box.name === name) { box.checked = true; }
      });
    });
  });
  // A search box that htmx answers as one types: Enter does not reload the page.
  document.querySelectorAll("form[data-no-submit]").forEach(function (form) {
    form.addEventListener("submit", function (event) { event.preventDefault(); });
  });
  // Counts that come after the page (form[data-counts-url]): the same form with its counts
  // is fetched, and each option's text, the labels and each [data-counts-part] are copied
  // into the page in place, so that a list the user has opened or changed keeps its state.
  // Without this (or when the fetch fails) the link data-counts-pending names shows them.
  document.querySelectorAll("form[data-counts-url]").forEach(function (form) {
    var pending = document.getElementById(form.getAttribute("data-counts-pending"));
    if (pending) { pending.hidden = true; }
    form.setAttribute("aria-busy", "true");
    fetch(form.getAttribute("data-counts-url"), {
      headers: { "HX-Request": "true" }, credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.text();
    }).then(function (html) {
      var found = new DOMParser().parseFromString(html, "text/html");
      form.querySelectorAll("select[id]").forEach(function (select) {
        var counted = found.getElementById(select.id);
        if (!counted) { return; }
        var texts = {};
        Array.prototype.forEach.call(counted.options, function (option) {
          texts[option.value] = option.textContent;
        });
        Array.prototype.forEach.call(select.options, function (option) {
          if (Object.prototype.hasOwnProperty.call(texts, option.value)) {
            option.textContent = texts[option.value];
          }
        });
      });
      form.querySelectorAll("label[for]").forEach(function (label) {
        var counted = found.querySelector("label[for='" + label.htmlFor + "']");
        if (counted) { label.textContent = counted.textContent; }
      });
      document.querySelectorAll("[data-counts-part][id]").forEach(function (part) {
        var counted = found.getElementById(part.id);
        if (counted) { part.innerHTML = counted.innerHTML; }
      });
      if (pending) { pending.remove(); }
    }).catch(function () {
      if (pending) { pending.hidden = false; }
    }).finally(function () {
      form.removeAttribute("aria-busy");
    });
  });
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var target = document.getElementById(button.getAttribute("data-copy"));
      if (target && navigator.clipboard) { navigator.clipboard.writeText(target.textContent.trim()); }
    });
  });
});
