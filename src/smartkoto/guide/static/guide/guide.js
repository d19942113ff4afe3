// Progressive enhancement: the guide panel shows answers in place. Without this file the panel is a plain
// GET form that opens the answers page.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-guide-panel]").forEach(function (panel) {
    var form = panel.querySelector("[data-guide-form]");
    var output = panel.querySelector("[data-guide-answers]");
    if (!form || !output || !window.fetch) { return; }
    form.addEventListener("submit", function (event) {
      var q = form.querySelector("input[name=q]").value.trim();
      if (!q) { return; }  // the answers page explains what is missing
      event.preventDefault();
      var url = form.action + "?" + new URLSearchParams({ q: q, fragment: "1" }).toString();
      output.setAttribute("aria-busy", "true");
      fetch(url, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
        .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.text(); })
        .then(function (html) { output.innerHTML = html; })
        .catch(function () { form.submit(); })
        .finally(function () { output.removeAttribute("aria-busy"); });
    });
  });
});
