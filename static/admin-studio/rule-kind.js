/* Show a rule's fields for its kind only (catalog/forms.py RULE_KIND_FIELDS).
 *
 * The kind's dropdown carries data-kind-fields, {kind: [field names]}. A field of
 * another kind is hidden unless it holds an error (the save refused it: it must be
 * seen to be emptied). Works on the rule's own page, in the product page's rules, and
 * on a rule row added with "Add another".
 */
"use strict";

(function () {
  function container(select) {
    return select.closest(".inline-related") || select.closest("form");
  }

  function apply(select) {
    const kinds = JSON.parse(select.dataset.kindFields);
    const wanted = kinds[select.value] || [];
    const all = new Set([].concat.apply([], Object.values(kinds)));
    const box = container(select);
    all.forEach(function (name) {
      box.querySelectorAll(".field-" + name).forEach(function (element) {
        const show = wanted.indexOf(name) !== -1 || element.querySelector(".errorlist") !== null;
        element.classList.toggle("studio-hidden", !show);
      });
    });
  }

  function applyAll(root) {
    root.querySelectorAll("select[data-kind-fields]").forEach(function (select) {
      if (!select.name.includes("__prefix__")) {
        apply(select);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    applyAll(document);
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-kind-fields]")) {
      apply(event.target);
    }
  });
  document.addEventListener("formset:added", function (event) {
    applyAll(event.target);
  });
})();
