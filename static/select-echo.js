// A select shows its chosen option on one line, cut off on a phone when it is long (a section's
// path "II. Nhiệm vụ trọng tâm › 2. …", an org's name): whenever it does not fit, the whole
// choice is written out under the select, and again when another is chosen.
(function () {
  "use strict";
  var measure = document.createElement("canvas").getContext("2d");

  function fits(select, text) {
    var style = getComputedStyle(select);
    measure.font = style.fontWeight + " " + style.fontSize + " " + style.fontFamily;
    var room = select.clientWidth - parseFloat(style.paddingLeft)
      - parseFloat(style.paddingRight) - 20;  // the drop-down arrow
    return room > 0 && measure.measureText(text).width <= room;
  }

  var echoes = [];
  document.querySelectorAll("select").forEach(function (select) {
    var echo = document.createElement("span");
    echo.className = "select-echo";
    echo.setAttribute("aria-hidden", "true");  // the select itself says it to a screen reader
    select.insertAdjacentElement("afterend", echo);
    function update() {
      var option = select.options[select.selectedIndex];
      var text = option ? option.text : "";
      echo.textContent = text;
      echo.hidden = !text || select.clientWidth === 0 || fits(select, text);
    }
    select.addEventListener("change", update);
    echoes.push(update);
    update();
  });
  function updateAll() { echoes.forEach(function (update) { update(); }); }
  window.addEventListener("resize", updateAll);
  document.addEventListener("toggle", updateAll, true);  // a select in a <details> just opened
})();
