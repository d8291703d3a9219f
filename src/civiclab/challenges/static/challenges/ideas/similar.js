// The similar-ideas endpoint reads one query (`q`); the submission form sends its title and
// summary together under that name. Without JavaScript the form asks after the first submit.
document.addEventListener("htmx:configRequest", function (event) {
  var source = event.detail.elt;
  if (!source || !source.hasAttribute("data-similar-query")) {
    return;
  }
  var form = source.form;
  var parts = [];
  ["title", "summary"].forEach(function (name) {
    var field = form && form.elements.namedItem(name);
    if (field && field.value) {
      parts.push(field.value);
    }
  });
  event.detail.parameters = { q: parts.join("\n") };
});
