// A date or time field is drawn in the browser's language: a phone set to English shows
// "12/10/2026, 09:57 AM", read in Vietnam as 12 October for 10 December. Under each one the
// chosen day is written out the Vietnamese way ("Thứ Năm, 10/12/2026 lúc 09:57"), and again
// whenever it changes.
(function () {
  "use strict";
  var DAYS = ["Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"];

  function written(value) {
    var parts = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}:\d{2}))?/.exec(value);
    if (!parts) return "";
    var day = new Date(Number(parts[1]), Number(parts[2]) - 1, Number(parts[3])).getDay();
    var text = DAYS[day] + ", " + parts[3] + "/" + parts[2] + "/" + parts[1];
    return parts[4] ? text + " lúc " + parts[4] : text;
  }

  document.querySelectorAll("input[type=date], input[type=datetime-local]").forEach(
    function (input) {
      var echo = document.createElement("span");
      echo.className = "date-echo";
      echo.setAttribute("aria-hidden", "true");  // the field itself says it to a screen reader
      input.insertAdjacentElement("afterend", echo);
      function update() {
        echo.textContent = written(input.value);
        echo.hidden = !echo.textContent;
      }
      input.addEventListener("input", update);
      input.addEventListener("change", update);
      update();
    }
  );
})();
