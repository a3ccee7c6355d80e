// What the pages do in the browser, without inline script (the Content-Security-Policy allows
// scripts from this site only): each behaviour is a data- attribute.
//   data-autosubmit        a select or checkbox that sends its form when changed
//   data-print             a button that prints the page
//   data-select-on-click   a field whose text is selected when clicked (a link to copy)
//   data-tick-all="name"   a checkbox that ticks or unticks every checkbox of that name
//   data-geolocate         a form whose latitude/longitude fields are filled from the device
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches("[data-autosubmit]") && el.form) { el.form.submit(); }
    if (el.matches("[data-tick-all]")) {
      document.querySelectorAll("input[type=checkbox][name='" + el.dataset.tickAll + "']").forEach(function (box) {
        box.checked = el.checked;
      });
    }
  });
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-print], [data-select-on-click]");
    if (!el) { return; }
    if (el.matches("[data-print]")) { window.print(); }
    if (el.matches("[data-select-on-click]")) { el.select(); }
  });
  document.querySelectorAll("form[data-geolocate]").forEach(function (form) {
    if (!navigator.geolocation) { return; }
    navigator.geolocation.getCurrentPosition(function (p) {
      form.querySelector("[name=latitude]").value = p.coords.latitude;
      form.querySelector("[name=longitude]").value = p.coords.longitude;
    });
  });
}());
