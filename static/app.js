// Chỉ đạo: small progressive enhancements; every page works without them.
// Unit pickers (select[multiple][data-filter]) get a search box that ignores diacritics and
// case, so "so kh lang son" finds "Sở Khoa học và Công nghệ tỉnh Lạng Sơn".
(function () {
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  }
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
