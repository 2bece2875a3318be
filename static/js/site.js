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

/* A newer change replaces the configurator's request in flight (hx-sync "replace" on the form).
   htmx would abort it with xhr.abort(), and htmx 2 logs every aborted request as a console error
   (htmx:afterRequest, htmx:sendAbort) with no setting to turn that off: typing quickly filled the
   console with errors that were none. So the request in flight is left to finish and its answer
   is dropped, never drawn; htmx then sends the newer one (it queues it behind the one in flight).
   Real failures (network, 5xx, timeouts) still log as htmx logs them. */
let inFlight = null;
const replaced = new WeakSet();

function syncsOnForm(element) {
  // A click on an unavailable option ([data-asked]) is only told to the server: it replaces nothing.
  return element instanceof Element && Boolean(element.closest("#configurator")) && !element.hasAttribute("data-asked");
}

document.addEventListener("htmx:beforeSend", (event) => {
  if (syncsOnForm(event.detail.elt)) {
    inFlight = event.detail.xhr;
  }
});

document.addEventListener(
  "htmx:abort",
  (event) => {
    if (!(event.target instanceof Element) || event.target.id !== "configurator" || !inFlight) {
      return;
    }
    replaced.add(inFlight);
    event.stopPropagation(); // before htmx's own listener on <body> aborts it
  },
  true,
);

document.addEventListener("htmx:beforeSwap", (event) => {
  if (replaced.has(event.detail.xhr)) {
    event.detail.shouldSwap = false;
  }
});

document.addEventListener("htmx:afterRequest", (event) => {
  if (event.detail.xhr === inFlight) {
    inFlight = null;
  }
});

/* The language form carries the address to come back to ("next"). htmx changes the address
   without drawing the header again, so the form follows each address change: switching language
   then opens the same configuration. Without JavaScript every change loads a page whose header
   already carries its own address. */
function followAddress(path) {
  for (const next of document.querySelectorAll("form.language input[name='next']")) {
    next.value = path;
  }
}

for (const name of ["htmx:pushedIntoHistory", "htmx:replacedInHistory"]) {
  document.addEventListener(name, (event) => followAddress(event.detail.path));
}
document.addEventListener("htmx:historyRestore", () => followAddress(window.location.pathname + window.location.search));

/* Focus after the configurator is redrawn. An action the shopper asked for ("Finish for me",
   "Choose … anyway", a size to start from, "I have checked these", "This is right") moves focus to the notice saying what changed; a new step (Next, Back,
   Review, the stepper) moves it to the step's heading; anything else (an option, a field) leaves
   focus where htmx keeps it, on the control the shopper is using. Either target is scrolled into
   view: after Next from the bottom of a long step the heading was far above the screen. */
let before = null;

function currentStep() {
  const field = document.querySelector("#configurator input[type='hidden'][name='_step']");
  return field ? field.value : "";
}

function currentTotal() {
  const total = document.getElementById("price-total");
  return total ? total.textContent.trim() : "";
}

document.addEventListener("htmx:configRequest", (event) => {
  const target = event.detail.target;
  if (!(target instanceof Element) || target.id !== "configurator") {
    return;
  }
  const data = event.detail.formData;
  // A size filled in or an estimate confirmed redraws the buttons pressed: say what happened instead.
  const action = data && (data.get("_action") === "finish" || ["_want", "_fill", "_confirm"].some((n) => data.has(n)));
  before = { step: currentStep(), action: Boolean(action), anchor: null };
});

/* The control the shopper is using stays where it was on the screen. The form is replaced whole,
   and the browser's own scroll anchoring, seeing the new form arrive above the old one for an
   instant, scrolled the page down by a form's height (site.css sets overflow-anchor: none on the
   form for that); the panels above may also grow or shrink by a line. */
document.addEventListener("htmx:beforeSwap", (event) => {
  const active = document.activeElement;
  if (before && event.detail.target instanceof Element && event.detail.target.id === "configurator"
      && active && active.id && event.detail.target.contains(active)) {
    before.anchor = { id: active.id, top: active.getBoundingClientRect().top };
  }
});

document.addEventListener("htmx:afterSwap", () => {
  const anchor = before && !before.action && before.step === currentStep() ? before.anchor : null;
  const control = anchor ? document.getElementById(anchor.id) : null;
  if (control) {
    window.scrollBy(0, control.getBoundingClientRect().top - anchor.top);
    before.anchor = null;
  }
});

function focusOn(element) {
  if (!element.hasAttribute("tabindex")) {
    element.setAttribute("tabindex", "-1");
  }
  element.focus({ preventScroll: true });
  element.scrollIntoView({ block: "nearest" });
}

function placeFocus() {
  const asked = before;
  before = null;
  if (!asked) {
    return;
  }
  const notice = document.querySelector("#notices .notice");
  if (asked.action && notice) {
    focusOn(notice);
    return;
  }
  const heading = document.querySelector("#configurator h2");
  if ((asked.action || currentStep() !== asked.step) && heading) {
    focusOn(heading);
  }
}

/* The total is announced when it changes, politely. The price panel itself is redrawn by each
   answer, and a live region that is replaced rather than changed is not announced: this one
   stays, and only its words change. */
let announcedTotal = null;

function announceTotal() {
  const total = document.getElementById("price-total");
  const region = document.getElementById("price-announcement");
  if (!total || !region) {
    return;
  }
  const shown = currentTotal();
  if (announcedTotal !== null && shown !== announcedTotal) {
    const label = total.closest("tr")?.querySelector("th")?.textContent.trim() || "";
    region.textContent = label ? `${label}: ${shown}` : shown;
  }
  announcedTotal = shown;
}

document.addEventListener("DOMContentLoaded", () => {
  announcedTotal = currentTotal();
});

/* A text checked as it is typed gets only its message redrawn (the field itself is never
   replaced, so no keystroke is lost): whether it is invalid follows its message. */
function markTextFields() {
  for (const field of document.querySelectorAll("input.live-text")) {
    const ids = (field.getAttribute("aria-describedby") || "").split(/\s+/);
    const message = ids.map((id) => document.getElementById(id)).find((e) => e && e.classList.contains("field-error"));
    if (!message) {
      continue;
    }
    const invalid = message.textContent.trim() !== "";
    if (invalid) {
      field.setAttribute("aria-invalid", "true");
    } else {
      field.removeAttribute("aria-invalid");
    }
    field.closest(".field")?.classList.toggle("has-error", invalid);
  }
}

document.addEventListener("htmx:afterSettle", (event) => {
  if (event.detail.target instanceof Element && event.detail.target.id === "configurator") {
    placeFocus();
  }
  announceTotal();
  markTextFields();
});
document.addEventListener("htmx:oobAfterSwap", markTextFields);

/* Insights (docs/insights.md): the redirects after saving or an action and the "Order" link carry the
   visit (`_visit`) so that the page they open continues it. The address bar then drops it, and the
   one-time `saved` (a reload would say "Saved as" again): an address copied from here starts its own
   visit wherever it is opened. The server also continues a visit from an address only when the
   browser says it came from a page of this site (its Referer). */
(() => {
  const address = new URL(window.location.href);
  if (!address.searchParams.has("_visit") && !address.searchParams.has("saved")) {
    return;
  }
  address.searchParams.delete("_visit");
  address.searchParams.delete("saved");
  window.history.replaceState(window.history.state, "", address.pathname + address.search + address.hash);
})();

/* Every request of the configurator page carries the visit it belongs
   to and what the page showed, the form's hidden `_visit` and `_prev`, as the form's own requests
   do; the stepper's links, outside the form, get them here. Addresses never carry them: the page's
   pushed addresses are the server's canonical ones. */
document.addEventListener("htmx:configRequest", (event) => {
  const form = document.getElementById("configurator");
  const data = event.detail.formData;
  if (!(form instanceof HTMLFormElement) || !data) {
    return;
  }
  const action = new URL(form.action, window.location.href).pathname;
  if (new URL(event.detail.path, window.location.href).pathname !== action) {
    return;
  }
  for (const name of ["_visit", "_prev"]) {
    const field = form.querySelector(`input[type='hidden'][name='${name}']`);
    if (field && !data.has(name)) {
      data.set(name, field.value);
    }
  }
});
