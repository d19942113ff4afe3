// Live updates by polling with ETag/304: the server answers 304 (no body) until the queue changes.
// Without JavaScript each page has a "Refresh now" link and is complete on its own.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-live]").forEach(function (region) {
    var url = region.getAttribute("data-live-url");
    var seconds = parseInt(region.getAttribute("data-live-seconds"), 10) || 5;
    var etag = null;
    function poll() {
      var headers = { "X-Requested-With": "fetch" };
      if (etag) { headers["If-None-Match"] = etag; }
      fetch(url, { headers: headers, cache: "no-store", credentials: "same-origin" })
        .then(function (response) {
          if (response.status === 200) {
            etag = response.headers.get("ETag");
            return response.text().then(function (html) { region.innerHTML = html; });
          }
        })
        .catch(function () { /* offline for a moment: try again next time */ })
        .then(function () { setTimeout(poll, (document.hidden ? 4 : 1) * seconds * 1000); });
    }
    setTimeout(poll, seconds * 1000);
  });
});
