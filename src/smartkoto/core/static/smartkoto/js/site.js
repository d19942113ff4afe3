// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // The error summary takes focus so screen-reader and keyboard users land on it (GOV.UK pattern).
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }
  // Links in the summary move focus to the field itself, not just scroll.
  document.querySelectorAll(".error-summary a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (target) { event.preventDefault(); target.focus(); target.scrollIntoView({ block: "center" }); }
    });
  });
  // Buttons that submit once: a double click does not post twice (the server is idempotent anyway).
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      }, 0);
    });
  });
});
