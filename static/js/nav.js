// The main menu stays on one line while it fits; when it does not (a phone, a narrow window,
// a long language), it folds behind the "Menu" button. Measured rather than guessed with a
// breakpoint, so every role's menu in every language gets the full bar whenever it fits.
// Loaded right after the header, before the first paint. Without JavaScript the menu wraps.
(function () {
  var bar = document.querySelector(".topbar");
  var toggle = bar && bar.querySelector(".menu-toggle");
  if (!toggle) return;
  var menu = document.getElementById(toggle.getAttribute("aria-controls"));
  var nav = menu.querySelector(".mainnav");
  bar.classList.add("js-menu");

  function setOpen(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    bar.classList.toggle("open", open);
  }

  function fit() {
    var wasCollapsed = bar.classList.contains("collapsed");
    bar.classList.remove("collapsed");
    var overflows =
      nav.scrollWidth > nav.clientWidth + 1 || bar.scrollWidth > bar.clientWidth + 1;
    bar.classList.toggle("collapsed", overflows);
    if (wasCollapsed && !overflows) setOpen(false);
  }

  var pending = false;
  window.addEventListener("resize", function () {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      fit();
    });
  });
  toggle.addEventListener("click", function () {
    setOpen(toggle.getAttribute("aria-expanded") !== "true");
  });
  // Escape folds the open menu only when the focus is in the menu bar: elsewhere (a form, a
  // dialog, the page's own shortcuts) Escape is not ours, nor is moving the focus away.
  bar.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && bar.classList.contains("open")) {
      setOpen(false);
      toggle.focus();
    }
  });
  fit();
  // Fonts can change the widths once loaded.
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(fit);
})();
