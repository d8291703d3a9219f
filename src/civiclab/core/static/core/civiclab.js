/*
 * Progressive enhancement for the civiclab design system. Every page works without this file.
 *  - marks the document as script-capable (class "js" on <html>);
 *  - moves focus to the error summary on page load so screen-reader and keyboard users hear it;
 *  - error summary links focus the field (and scroll its label into view) rather than only jumping.
 */
(function () {
  "use strict";

  document.documentElement.classList.remove("no-js");
  document.documentElement.classList.add("js");

  function labelFor(input) {
    if (!input.id) {
      return null;
    }
    var fieldset = input.closest("fieldset");
    if (fieldset) {
      var legend = fieldset.querySelector("legend");
      if (legend) {
        return legend;
      }
    }
    return document.querySelector('label[for="' + CSS.escape(input.id) + '"]');
  }

  function focusTarget(event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    var input = document.getElementById(link.getAttribute("href").slice(1));
    if (!input) {
      return;
    }
    event.preventDefault();
    var label = labelFor(input);
    (label || input).scrollIntoView();
    input.focus({ preventScroll: true });
  }

  function initErrorSummaries(root) {
    var summaries = root.querySelectorAll("[data-module='error-summary']");
    summaries.forEach(function (summary) {
      if (summary.dataset.ready) {
        return;
      }
      summary.dataset.ready = "true";
      summary.addEventListener("click", focusTarget);
    });
    if (root === document && summaries.length) {
      summaries[0].focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    initErrorSummaries(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    initErrorSummaries(event.target);
  });
})();
