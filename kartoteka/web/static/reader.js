// The reader: bring the cited span to the middle of the screen, also when the link that opened
// the page carried no #span fragment, and let it take the keyboard focus for screen readers.
(function () {
  "use strict";
  var span = document.getElementById("span");
  if (!span) return;
  span.setAttribute("tabindex", "-1");
  span.scrollIntoView({block: "center"});
  span.focus({preventScroll: true});
  document.body.setAttribute("data-cited-shown", "1");
})();
