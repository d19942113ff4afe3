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

// Map background tiles (GSI 地理院タイル by default): each tile is added only once it has loaded.
document.addEventListener("DOMContentLoaded", function () {
  var svgNS = "http://www.w3.org/2000/svg";
  document.querySelectorAll("svg[data-od-tiles]").forEach(function (svg) {
    var template = svg.getAttribute("data-od-tiles");
    var z = parseInt(svg.getAttribute("data-zoom"), 10);
    var left = parseFloat(svg.getAttribute("data-left"));
    var top = parseFloat(svg.getAttribute("data-top"));
    var box = svg.viewBox.baseVal;
    var layer = svg.querySelector("[data-od-tile-layer]");
    for (var tx = Math.floor(left / 256); tx <= Math.floor((left + box.width) / 256); tx++) {
      for (var ty = Math.floor(top / 256); ty <= Math.floor((top + box.height) / 256); ty++) {
        (function (tx, ty) {
          var href = template.replace("{z}", z).replace("{x}", tx).replace("{y}", ty);
          var probe = new Image();
          probe.onload = function () {
            var image = document.createElementNS(svgNS, "image");
            image.setAttribute("href", href);
            image.setAttribute("x", tx * 256 - left);
            image.setAttribute("y", ty * 256 - top);
            image.setAttribute("width", 256);
            image.setAttribute("height", 256);
            layer.appendChild(image);
          };
          probe.src = href;
        })(tx, ty);
      }
    }
  });
});
