// Chỉ đạo: small progressive enhancements; every page works without them.
(function () {
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  }
  // Unit pickers (fieldset.picker): a checklist, so a plain click never drops another choice.
  // A long picker arrives with only its chosen boxes; the page carries every unit once, in a
  // <template>, and each picker is filled from it keeping its choices.
  document.querySelectorAll(".picker[data-options]").forEach(function (picker) {
    var source = document.getElementById(picker.getAttribute("data-options"));
    var list = picker.querySelector(".picker-list");
    if (!source || !list) { return; }
    var name = picker.getAttribute("data-name");
    var before = Array.prototype.slice.call(list.querySelectorAll("input:checked"));
    var fresh = source.content.cloneNode(true);
    var known = {};
    fresh.querySelectorAll("input").forEach(function (input) {
      input.name = name;
      known[input.value] = input;
    });
    var kept = [];
    before.forEach(function (input) {
      if (known[input.value]) { known[input.value].checked = true; }
      else { kept.push(input.closest("label")); } // chosen but no longer listed: stays chosen
    });
    list.replaceChildren(fresh);
    kept.forEach(function (label) { list.prepend(label); });
  });
  // Every picker: a search box that ignores diacritics and case ("so kh lang son" finds "Sở
  // Khoa học và Công nghệ tỉnh Lạng Sơn") and a line saying what is chosen.
  document.querySelectorAll(".picker[data-filter]").forEach(function (picker) {
    var list = picker.querySelector(".picker-list");
    if (!list) { return; }
    var box = document.createElement("input");
    box.type = "search";
    box.placeholder = picker.getAttribute("data-filter");
    box.setAttribute("aria-label", picker.getAttribute("data-filter"));
    box.className = "picker-filter";
    var chosen = document.createElement("p");
    chosen.className = "picker-chosen";
    chosen.setAttribute("aria-live", "polite");
    list.parentNode.insertBefore(chosen, list);
    list.parentNode.insertBefore(box, list);
    var labels = Array.prototype.slice.call(list.querySelectorAll("label.choice"));
    var folded = labels.map(function (l) { return fold(l.textContent); });
    function show() {
      var names = labels.filter(function (l) { return l.querySelector("input").checked; })
        .map(function (l) { return l.textContent.trim(); });
      chosen.textContent = names.length ? picker.getAttribute("data-chosen") + ": " + names.join("; ") : "";
    }
    box.addEventListener("input", function () {
      var terms = fold(box.value).split(/\s+/).filter(Boolean);
      labels.forEach(function (l, i) {
        var match = terms.every(function (t) { return folded[i].indexOf(t) >= 0; });
        l.hidden = !(match || l.querySelector("input").checked);
      });
      list.querySelectorAll(".picker-group").forEach(function (g) {
        g.hidden = !g.querySelector("label.choice:not([hidden])");
      });
    });
    list.addEventListener("change", show);
    show();
  });
  // On a phone the filters fold behind one button (without a script they simply show).
  if (window.matchMedia("(max-width: 700px)").matches) {
    document.querySelectorAll("form.filters[data-fold]").forEach(function (form) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary fold-button";
      button.textContent = form.getAttribute("data-fold");
      button.setAttribute("aria-expanded", "false");
      button.setAttribute("aria-controls", form.id);
      form.hidden = true;
      form.parentNode.insertBefore(button, form);
      button.addEventListener("click", function () {
        form.hidden = !form.hidden;
        button.setAttribute("aria-expanded", String(!form.hidden));
      });
    });
  }
  // A form that came back with errors: its summary takes the focus (and so scrolls into view).
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  // Print buttons appear only where a script can press print for the person.
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
  });
})();
