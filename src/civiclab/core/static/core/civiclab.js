/*
 * Progressive enhancement for the civiclab design system. Every page works without this file.
 *  - marks the document as script-capable (class "js" on <html>);
 *  - moves focus to the error summary on page load so screen-reader and keyboard users hear it;
 *  - error summary links focus the field (and scroll its label into view) rather than only jumping;
 *  - a polled progress bar is announced to screen readers when its state changes or it passes a
 *    quarter, through the page's one polite live region (a swapped-in element is not announced).
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

  var announced = {};

  function announceProgress(element) {
    var progress = element.closest ? element.closest("[data-progress-state]") : null;
    var region = document.getElementById("live-region");
    if (!progress || !region) {
      return;
    }
    var percent = parseInt(progress.dataset.progressPercent, 10) || 0;
    var step = progress.dataset.progressState + ":" + Math.floor(percent / 25);
    if (announced[progress.id] === step) {
      return;
    }
    var first = announced[progress.id] === undefined;
    announced[progress.id] = step;
    if (first) {
      return;
    }
    var label = progress.querySelector(".progress__label");
    var message = progress.querySelector(".progress__message");
    region.textContent = [label, message]
      .map(function (node) {
        return node ? node.textContent.replace(/\s+/g, " ").trim() : "";
      })
      .join(" ");
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-progress-state]").forEach(announceProgress);
    initErrorSummaries(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    initErrorSummaries(event.target);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    announceProgress(event.target);
  });
})();
