// Waiting room: count down, then post the kept choice again. Without JavaScript the button does the same.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-waiting-room]");
  if (!form) { return; }
  var left = parseInt(form.getAttribute("data-retry"), 10) || 3;
  var out = form.querySelector("[data-countdown]");
  var lang = document.documentElement.lang || "ja";
  var timer = setInterval(function () {
    left -= 1;
    if (out) { out.textContent = lang === "ja" ? "あと" + left + "秒で自動的にもう一度送ります。" : "Trying again in " + left + " s."; }
    if (left <= 0) { clearInterval(timer); form.submit(); }
  }, 1000);
});
