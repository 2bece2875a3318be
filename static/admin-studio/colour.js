/* A colour picker beside each colour's text field (catalog/forms.py ColourInput).
 *
 * The text stays the value sent (it may be empty where the colour is optional); the
 * picker fills it, and typing a colour moves the picker.
 */
"use strict";

(function () {
  const HEX = /^#[0-9a-fA-F]{6}$/;

  function text(picker) {
    return picker.parentElement.querySelector("input[type=text]");
  }

  document.addEventListener("input", function (event) {
    const target = event.target;
    if (target.matches("input[type=color][data-colour-picker]")) {
      const field = text(target);
      field.value = target.value;
      field.dispatchEvent(new Event("change", { bubbles: true }));
    } else if (target.matches(".colour-field input[type=text]")) {
      const picker = target.parentElement.querySelector("input[type=color]");
      const value = target.value.trim();
      picker.classList.toggle("is-empty", value === "");
      if (HEX.test(value)) {
        picker.value = value.toLowerCase();
      }
    }
  });
})();
