// Chỉ đạo: small progressive enhancements; every page works without them.
// Unit pickers (select[multiple][data-filter]) get a search box that ignores diacritics and
// case, so "so kh lang son" finds "Sở Khoa học và Công nghệ tỉnh Lạng Sơn".
(function () {
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  }
  // Pickers (select[data-options]) arrive with only their chosen options; the page carries the
  // full list once, in a <template>, and each picker is filled from it keeping its choices.
  document.querySelectorAll("select[data-options]").forEach(function (select) {
    var source = document.getElementById(select.getAttribute("data-options"));
    if (!source) { return; }
    var chosen = Array.prototype.map.call(select.selectedOptions, function (o) { return o.value; });
    select.replaceChildren(source.content.cloneNode(true));
    Array.prototype.forEach.call(select.options, function (o) {
      o.selected = chosen.indexOf(o.value) >= 0;
    });
  });
  document.querySelectorAll("select[multiple][data-filter]").forEach(function (select) {
    var box = document.createElement("input");
    box.type = "search";
    box.placeholder = select.getAttribute("data-filter");
    box.setAttribute("aria-label", select.getAttribute("data-filter"));
    box.className = "picker-filter";
    select.parentNode.insertBefore(box, select);
    var options = Array.prototype.slice.call(select.options);
    var folded = options.map(function (o) { return fold(o.textContent); });
    box.addEventListener("input", function () {
      var terms = fold(box.value).split(/\s+/).filter(Boolean);
      options.forEach(function (o, i) {
        var match = terms.every(function (t) { return folded[i].indexOf(t) >= 0; });
        o.hidden = !(match || o.selected);
      });
    });
  });
  // Print buttons appear only where a script can press print for the person.
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
  });
})();
