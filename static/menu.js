// On a phone the header's links fold behind one "Trình đơn" button, so the page starts near the
// top of the screen; without this script (or on a wide screen) every link stays in view.
(function () {
  "use strict";
  var toggle = document.querySelector(".menu-toggle");
  var nav = document.getElementById("site-nav");
  if (!toggle || !nav) return;
  var phone = window.matchMedia("(max-width: 47.99em)");

  function show(open) {
    toggle.setAttribute("aria-expanded", String(open));
    nav.classList.toggle("site-nav--folded", !open);
  }

  function fit() {
    toggle.hidden = !phone.matches;
    show(!phone.matches);
  }

  toggle.addEventListener("click", function () {
    show(toggle.getAttribute("aria-expanded") !== "true");
  });
  phone.addEventListener("change", fit);
  fit();
})();
