// Accessible names for controls that third-party widgets render unnamed: the body
// editor's editable area (django-prose-editor) and the tag box's search field (the
// admin's select2). Both appear after page load, so an observer names them as they do.
(function () {
  "use strict";
  const NAMES = [
    [".ProseMirror[contenteditable]", "Body"],
    [".select2-search__field", "Search tags"],
  ];

  function nameControls() {
    for (const [selector, label] of NAMES) {
      document.querySelectorAll(selector + ":not([aria-label])").forEach(function (element) {
        element.setAttribute("aria-label", label);
      });
    }
  }

  // Only added and removed nodes are watched, so setting a label does not re-trigger it.
  new MutationObserver(nameControls).observe(document.documentElement, {
    childList: true,
    subtree: true,
  });
  document.addEventListener("DOMContentLoaded", nameControls);
})();
