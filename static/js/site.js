/* The shop's own script, loaded from this origin: the Content-Security-Policy allows no
   inline script or handler. Listeners sit on the document, so content that htmx swaps in
   works without being set up again. */
"use strict";

document.documentElement.classList.replace("no-js", "js");

/* A share link selects itself when focused, for copying by hand. */
document.addEventListener("focusin", (event) => {
  const field = event.target;
  if (field instanceof HTMLInputElement && field.hasAttribute("data-select-on-focus")) {
    field.select();
  }
});

/* "Copy link": copies the field named by data-copy and says so with data-copied. */
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-copy]") : null;
  if (!button) {
    return;
  }
  const field = document.getElementById(button.getAttribute("data-copy"));
  if (field && navigator.clipboard) {
    navigator.clipboard.writeText(field.value);
  }
  button.textContent = button.getAttribute("data-copied");
});

/* A preview picture that fails to load was probably expired from the server while this
   page stayed open: asking for the page again stores its looks' recipes anew, then the
   picture is asked for once more (a new address, so the browser does not reuse the failure). */
const PREVIEW = /(\/preview\/[0-9a-f]{64}-[a-z]+\.[a-z]+)(\?r=\d+)?/g;

function retried(list) {
  return list.replace(PREVIEW, (match, address) => `${address}?r=${Date.now()}`);
}

document.addEventListener(
  "error",
  (event) => {
    const image = event.target;
    if (!(image instanceof HTMLImageElement) || !image.src.includes("/preview/") || image.dataset.previewRetried) {
      return;
    }
    image.dataset.previewRetried = "1";
    fetch(window.location.href, { credentials: "same-origin" }).then((response) => {
      if (!response.ok) {
        return;
      }
      const picture = image.parentElement instanceof HTMLPictureElement ? image.parentElement : null;
      if (picture) {
        for (const source of picture.querySelectorAll("source")) {
          source.srcset = retried(source.srcset);
        }
      }
      if (image.srcset) {
        image.srcset = retried(image.srcset);
      }
      image.src = retried(image.src);
    });
  },
  true,
);

/* A change the server refused (429, too many requests) left the form showing a choice that was
   never applied: tick again what the page last drew (each answer redraws the form, so those are
   its defaults), so that what is ticked is what is priced and clicking it again sends it again.
   Typed measurements and texts stay as typed. */
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt;
  if (!(form instanceof HTMLFormElement) || event.detail.xhr.status !== 429) {
    return;
  }
  for (const field of form.elements) {
    if (field instanceof HTMLInputElement && (field.type === "radio" || field.type === "checkbox")) {
      field.checked = field.defaultChecked;
    } else if (field instanceof HTMLSelectElement) {
      for (const option of field.options) {
        option.selected = option.defaultSelected;
      }
    }
  }
});
