// A file field's native button and caption speak the browser's language ("Choose File", "No
// file chosen"): each gets a Vietnamese button and the chosen file's name. The real field lies
// over them, transparent, so a tap anywhere on it opens the phone's picker and its label and
// keyboard focus work as before; without this script the native field stays as it is.
// A field with data-max-bytes refuses a larger file at once, saying so under it in its
// data-too-large message, before a phone sends megabytes the server would refuse.
(function () {
  "use strict";
  var NONE = "Chưa chọn tệp nào";
  document.querySelectorAll("input[type=file]").forEach(function (input) {
    var box = document.createElement("span");
    var button = document.createElement("span");
    var name = document.createElement("span");
    box.className = "file-field";
    button.className = "button file-field__button";
    button.textContent = input.multiple ? "Chọn các tệp…" : "Chọn tệp…";
    name.className = "file-field__name";
    name.textContent = NONE;
    button.setAttribute("aria-hidden", "true");
    name.setAttribute("aria-hidden", "true");
    input.classList.add("file-field__input");
    input.parentNode.insertBefore(box, input);
    box.appendChild(button);
    box.appendChild(name);
    box.appendChild(input);
    var limit = parseInt(input.dataset.maxBytes || "0", 10);
    var refusal = document.createElement("p");
    refusal.className = "flash flash--danger";
    refusal.setAttribute("role", "alert");
    refusal.hidden = true;
    box.parentNode.insertBefore(refusal, box.nextSibling);
    input.addEventListener("change", function () {
      var names = Array.prototype.map.call(input.files, function (file) { return file.name; });
      name.textContent = names.length ? names.join(", ") : NONE;
      var large = limit > 0 && Array.prototype.some.call(input.files, function (file) {
        return file.size > limit;
      });
      input.setCustomValidity(large ? input.dataset.tooLarge : "");
      refusal.textContent = large ? input.dataset.tooLarge : "";
      refusal.hidden = !large;
    });
  });
})();
