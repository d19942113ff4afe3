// Progressive enhancement: hide questions whose condition is not met. Without JavaScript every question
// shows, and the server ignores answers to questions whose condition is not met.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-conditional]");
  if (!form) { return; }
  function valueOf(name, prefix) {
    var inputs = form.querySelectorAll("[name='" + (prefix || "") + name + "']");
    var values = [];
    inputs.forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox")) { if (input.checked) { values.push(input.value); } }
      else { values.push(input.value); }
    });
    return values;
  }
  function update() {
    form.querySelectorAll("[data-show-if]").forEach(function (el) {
      var name = el.getAttribute("name") || "";
      var prefix = name.indexOf("-") > 0 ? name.slice(0, name.indexOf("-") + 1) : "";
      var controller = el.getAttribute("data-show-if");
      var values = valueOf(controller, prefix);
      if (!values.length && prefix) { values = valueOf(controller, ""); }
      var show = values.indexOf(el.getAttribute("data-show-if-value")) !== -1;
      var wrapper = el.closest(".form-field");
      if (wrapper) { wrapper.hidden = !show; }
    });
  }
  form.addEventListener("change", update);
  update();
});
