// "Copier" next to a value shown once (a new API token): copies the field it names
// (data-copy="<input id>") and says so on the button for a moment. The button stays hidden
// without JavaScript (the field is selectable by hand) or without a clipboard.
(function () {
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field || !navigator.clipboard) return;
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        button.textContent = button.getAttribute("data-copied") || label;
        setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
    field.addEventListener("focus", function () { field.select(); });
  });
})();
