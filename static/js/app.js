// Behaviour every page shares, out of the HTML so the Content-Security-Policy can refuse any
// inline script. Loaded at the end of <body>: the page is parsed when it runs.
(function () {
  // A select marked data-autosubmit (the language, a list's filter) sends its form on change.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches && select.matches("select[data-autosubmit]") && select.form) {
      select.form.submit();
    }
  });

  // After a refused save, take keyboard and screen-reader users straight to what needs attention.
  var target = document.querySelector("#conflict, #duplicates, #form-errors");
  if (target) { target.focus(); target.scrollIntoView({block: "start"}); }
})();
