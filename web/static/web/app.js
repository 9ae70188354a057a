/* A little vanilla JavaScript for the pages (htmx does the partial updates). */
(function () {
  "use strict";

  function setupSteppers(root) {
    root.querySelectorAll("[data-stepper]").forEach(function (box) {
      if (box.dataset.ready) return;
      box.dataset.ready = "1";
      var input = box.querySelector("input");
      box.querySelectorAll("button[data-step]").forEach(function (button) {
        button.addEventListener("click", function () {
          var value = parseInt(input.value || "0", 10) || 0;
          input.value = Math.max(0, value + parseInt(button.dataset.step, 10));
        });
      });
    });
  }

  function setupFilters(root) {
    root.querySelectorAll("[data-filter-list]").forEach(function (input) {
      if (input.dataset.ready) return;
      input.dataset.ready = "1";
      var list = document.querySelector(input.dataset.filterList);
      if (!list) return;
      input.addEventListener("input", function () {
        var term = input.value.trim().toLowerCase();
        list.querySelectorAll("[data-filter-item]").forEach(function (item) {
          var hit = !term || item.textContent.toLowerCase().indexOf(term) !== -1;
          var box = item.querySelector("input");
          item.style.display = hit || (box && box.checked) ? "" : "none";
        });
      });
    });
  }

  // A radio group shows only the fields meant for its choice (fields with errors stay visible):
  // [data-next-step] drives [data-show-for] (outcome for "solve_on_site", department and deadline for "refer"),
  // [data-kind] drives [data-show-for-kind] (the dispute's parties and amount).
  function setupChoiceFields(root, groupSelector, fieldAttribute) {
    var datasetKey = fieldAttribute.replace(/^data-/, "").replace(/-([a-z])/g, function (_, c) { return c.toUpperCase(); });
    root.querySelectorAll(groupSelector).forEach(function (group) {
      var form = group.closest("form");
      function sync() {
        var checked = group.querySelector("input:checked");
        var choice = checked ? checked.value : "";
        form.querySelectorAll("[" + fieldAttribute + "]").forEach(function (field) {
          var show = field.dataset[datasetKey] === choice || field.classList.contains("has-error");
          field.style.display = show ? "" : "none";
        });
      }
      if (!group.dataset.ready) {
        group.dataset.ready = "1";
        group.addEventListener("change", sync);
      }
      sync();
    });
  }

  // Poll an export's status until its file is ready (used by the assessment page without htmx too).
  function setupPolling(root) {
    root.querySelectorAll("[data-poll-url]").forEach(function (box) {
      if (box.dataset.ready || window.htmx) return;
      box.dataset.ready = "1";
      var timer = setInterval(function () {
        fetch(box.dataset.pollUrl, { headers: { "HX-Request": "true" } })
          .then(function (r) { return r.text(); })
          .then(function (html) {
            box.outerHTML = html;
            if (html.indexOf("data-poll-url") === -1) clearInterval(timer);
          });
      }, 1500);
    });
  }

  function setup(root) {
    setupSteppers(root);
    setupFilters(root);
    setupChoiceFields(root, "[data-next-step]", "data-show-for");
    setupChoiceFields(root, "[data-kind]", "data-show-for-kind");
    setupPolling(root);
  }

  document.addEventListener("DOMContentLoaded", function () { setup(document); });
  document.addEventListener("htmx:afterSwap", function (event) { setup(event.target); });
})();

// A form marked data-confirm asks before it is sent (deleting a plan item...).
document.addEventListener("submit", (event) => {
  const message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});

// A button with data-copy="<selector>" copies that field's text (the event's link for workers).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const field = document.querySelector(button.dataset.copy);
  if (!field) return;
  field.select();
  const done = () => { button.dataset.copied = "1"; button.classList.add("copied"); };
  if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(field.value).then(done, () => document.execCommand("copy") && done());
  else if (document.execCommand("copy")) done();
});
