/* The product page in tabs (catalog/admin/products.py TABS).
 *
 * The server renders every section one after the other, with a list of links to them:
 * without JavaScript the page still shows everything. Here the links become tabs: one
 * section shows at a time, a section holding an error is marked and opened first,
 * otherwise the tab last used on this page (kept across "Save and continue") or the
 * one named in the address.
 */
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  const nav = document.querySelector(".studio-tabs");
  if (!nav) {
    return;
  }
  const links = Array.from(nav.querySelectorAll("a[data-tab]"));
  const panels = links.map(function (link) {
    return document.getElementById("tab-" + link.dataset.tab);
  });
  const key = "studio-tab:" + location.pathname;

  function hasError(panel) {
    return panel.querySelector(".errorlist, .errors, .errornote") !== null;
  }

  function open(slug, remember) {
    links.forEach(function (link, index) {
      const current = link.dataset.tab === slug;
      link.setAttribute("aria-selected", current ? "true" : "false");
      link.tabIndex = current ? 0 : -1;
      panels[index].hidden = !current;
    });
    if (remember) {
      sessionStorage.setItem(key, slug);
    }
  }

  nav.querySelector("ul").setAttribute("role", "tablist");
  links.forEach(function (link, index) {
    link.setAttribute("role", "tab");
    link.setAttribute("aria-controls", panels[index].id);
    panels[index].setAttribute("role", "tabpanel");
    panels[index].classList.add("js-tab");
    if (hasError(panels[index])) {
      link.classList.add("has-error");
      link.setAttribute("title", gettext("This tab has errors"));
    }
    link.addEventListener("click", function (event) {
      event.preventDefault();
      open(link.dataset.tab, true);
      history.replaceState(null, "", "#tab-" + link.dataset.tab);
    });
    link.addEventListener("keydown", function (event) {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (step) {
        const next = links[(index + step + links.length) % links.length];
        next.focus();
        next.click();
      }
    });
  });
  nav.classList.add("js-tabs");

  const errored = links.find(function (link, index) {
    return hasError(panels[index]);
  });
  const fromHash = links.find(function (link) {
    return location.hash === "#tab-" + link.dataset.tab;
  });
  const remembered = links.find(function (link) {
    return link.dataset.tab === sessionStorage.getItem(key);
  });
  open((errored || fromHash || remembered || links[0]).dataset.tab, false);
  if (errored) {
    const first = panels[links.indexOf(errored)].querySelector(".errorlist");
    if (first) {
      first.scrollIntoView({ block: "center" });
    }
  }
});
