// Progressive enhancement only: the staff progress bar updates itself while a load runs.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.querySelector("[data-od-progress][data-od-running]");
  if (!box || !window.fetch) { return; }
  var bar = box.querySelector("progress");
  var label = box.querySelector("[data-od-progress-label]");
  var rows = box.querySelector("[data-od-progress-rows]");
  function poll() {
    fetch(box.getAttribute("data-od-progress"), { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (s) {
      bar.value = s.percent; bar.textContent = s.percent + "%";
      label.textContent = s.label; rows.textContent = s.rows_loaded;
      if (s.state === "queued" || s.state === "loading") { setTimeout(poll, 1500); } else { window.location.reload(); }
    }).catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1500);
});
