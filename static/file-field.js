// A file field's native button and caption speak the browser's language ("Choose File", "No
// file chosen"): each gets a Vietnamese button and the chosen file's name. The real field lies
// over them, transparent, so a tap anywhere on it opens the phone's picker and its label and
// keyboard focus work as before; without this script the native field stays as it is.
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
    input.addEventListener("change", function () {
      var names = Array.prototype.map.call(input.files, function (file) { return file.name; });
      name.textContent = names.length ? names.join(", ") : NONE;
    });
  });
})();
