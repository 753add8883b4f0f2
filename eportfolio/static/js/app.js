// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Move focus to the error summary so screen-reader users hear what went wrong.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }

  // Suggest-as-you-type for inputs with data-suggest="<API URL>". Suggestions are links to the
  // concept (data-suggest-mode="link", default) or fill the input (data-suggest-mode="fill").
  function debounce(fn, ms) {
    var timer;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function setupSuggest(input) {
    var target = document.getElementById(input.getAttribute("data-suggest-target"));
    if (!target) { return; }
    var mode = input.getAttribute("data-suggest-mode") || "link";
    var kindField = input.getAttribute("data-suggest-kind-field");
    var conceptField = document.getElementById(input.getAttribute("data-suggest-concept-field") || "");
    var lastQuery = "";

    var update = debounce(function () {
      var q = input.value.trim();
      if (q === lastQuery) { return; }
      lastQuery = q;
      if (q.length < 2) { target.innerHTML = ""; return; }
      var kind = kindField ? (document.getElementById(kindField) || {}).value : input.getAttribute("data-suggest-kind");
      var url = input.getAttribute("data-suggest") + "?limit=8&q=" + encodeURIComponent(q) +
        (kind ? "&kind=" + encodeURIComponent(kind) : "");
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (items) {
          if (q !== lastQuery) { return; }
          render(items);
        })
        .catch(function () { target.innerHTML = ""; });
    }, 150);

    function render(items) {
      target.innerHTML = "";
      if (!items.length) { return; }
      var heading = document.createElement("p");
      heading.className = "suggestions-heading";
      heading.textContent = (document.documentElement.lang === "en" ? "Suggestions" : "Förslag") +
        " (" + items.length + ")";
      target.appendChild(heading);
      var list = document.createElement("ul");
      items.forEach(function (item) {
        var li = document.createElement("li");
        if (mode === "fill") {
          var button = document.createElement("button");
          button.type = "button";
          button.className = "link-button";
          button.textContent = item.label;
          button.addEventListener("click", function () {
            input.value = item.label;
            if (conceptField) {
              conceptField.value = item.id;
              var chosenFor = document.getElementById(conceptField.id + "_for");
              if (chosenFor) { chosenFor.value = item.label; }
            }
            target.innerHTML = "";
            lastQuery = item.label;
            input.focus();
          });
          li.appendChild(button);
        } else {
          var a = document.createElement("a");
          a.href = "/taxonomy/concepts/" + item.id;
          a.textContent = item.label;
          li.appendChild(a);
        }
        list.appendChild(li);
      });
      target.appendChild(list);
    }

    input.addEventListener("input", update);
  }

  Array.prototype.forEach.call(document.querySelectorAll("input[data-suggest]"), setupSuggest);
})();
