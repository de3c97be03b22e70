// Photos open in a dialog, full size, only when asked for; without JavaScript the link
// opens the original. Escape or the close button closes it (native <dialog>).
(function () {
  "use strict";
  function setup() {
    var dialog = document.getElementById("lightbox");
    if (!dialog || typeof dialog.showModal !== "function") return;
    var image = dialog.querySelector("img");
    var caption = dialog.querySelector("figcaption");
    var original = dialog.querySelector("a.original");
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[data-lightbox]");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      image.src = link.href;
      image.alt = link.dataset.caption || "";
      caption.textContent = link.dataset.caption || "";
      original.href = link.href + (link.href.indexOf("?") < 0 ? "?" : "&") + "download=1";
      dialog.showModal();
    });
    dialog.addEventListener("close", function () { image.removeAttribute("src"); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
