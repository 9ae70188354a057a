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

  // Show the outcome field for "solved on site", department and deadline for "refer".
  function setupNextStep(root) {
    root.querySelectorAll("[data-next-step]").forEach(function (group) {
      var form = group.closest("form");
      function sync() {
        var checked = group.querySelector("input:checked");
        var step = checked ? checked.value : "";
        form.querySelectorAll("[data-show-for]").forEach(function (field) {
          var show = field.dataset.showFor === step || field.classList.contains("has-error");
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

  // Show the dispute's parties and amount only for a labour dispute.
  function setupKind(root) {
    root.querySelectorAll("[data-kind]").forEach(function (group) {
      var form = group.closest("form");
      function sync() {
        var checked = group.querySelector("input:checked");
        var kind = checked ? checked.value : "";
        form.querySelectorAll("[data-show-for-kind]").forEach(function (box) {
          var show = box.dataset.showForKind === kind || box.classList.contains("has-error");
          box.style.display = show ? "" : "none";
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
    setupNextStep(root);
    setupKind(root);
    setupPolling(root);
  }

  document.addEventListener("DOMContentLoaded", function () { setup(document); });
  document.addEventListener("htmx:afterSwap", function (event) { setup(event.target); });
})();
