// "Assert a factoid here": the text selected in the reader fills the form's quote.
(function () {
  "use strict";
  var doc = document.getElementById("doc");
  var form = document.getElementById("assert-form");
  if (!doc || !form) { return; }
  doc.addEventListener("mouseup", function () {
    var sel = window.getSelection();
    var text = sel ? sel.toString().trim() : "";
    if (text && doc.contains(sel.anchorNode)) {
      form.elements.quote.value = text;
    }
  });
}());
