// Progressive enhancement: saves what is typed every few seconds, so a closed tab loses nothing.
// Without JavaScript the answers are saved each time the resident presses Continue or Save.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = form.querySelector("[data-autosave-status]");
  var timer = null;
  function save() {
    var data = new FormData(form);
    data.set("action", "autosave");
    data.delete("rows");
    form.querySelectorAll("input[type=file]").forEach(function (input) { data.delete(input.name); });
    fetch(form.action || window.location.href, { method: "POST", body: data, credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { if (response.ok && status) { status.textContent = status.getAttribute("data-saved-text") || "✓"; } })
      .catch(function () {});
  }
  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(save, 3000); });
});
