/* Gridbook photo galleries: a thumbnail opens the photo in a native <dialog>; the arrow keys
   (or the buttons) step through the photos of the same gallery, Escape or Close closes it and
   focus returns to the thumbnail. The original file is loaded only when a photo is opened;
   "Download the original" fetches it as a file. Without JavaScript the links open the photo. */
(function () {
  "use strict";
  function setup() {
    var dialog = document.getElementById("gallery-lightbox");
    if (!dialog || typeof dialog.showModal !== "function") return;
    var image = dialog.querySelector("img");
    var caption = dialog.querySelector("figcaption");
    var original = dialog.querySelector("a.original");
    var count = dialog.querySelector(".lightbox-count");
    var links = [], index = 0, opener = null;

    function show(at) {
      index = (at + links.length) % links.length;
      var link = links[index];
      image.src = link.href;
      image.alt = link.dataset.caption || "";
      caption.textContent = link.dataset.caption || "";
      original.href = link.dataset.download || link.href;
      count.textContent = (index + 1) + " / " + links.length;
      dialog.querySelectorAll("[data-step]").forEach(function (button) {
        button.hidden = links.length < 2;
      });
    }

    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[data-lightbox]");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button) return;
      event.preventDefault();
      links = Array.prototype.slice.call(
        document.querySelectorAll('a[data-lightbox="' + link.dataset.lightbox + '"]'));
      opener = link;
      show(links.indexOf(link));
      dialog.showModal();
    });
    dialog.addEventListener("click", function (event) {
      var step = event.target.closest("[data-step]");
      if (step) show(index + Number(step.dataset.step));
      if (event.target.closest("[data-close]") || event.target === dialog) dialog.close();
    });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "ArrowRight") { show(index + 1); event.preventDefault(); }
      if (event.key === "ArrowLeft") { show(index - 1); event.preventDefault(); }
    });
    dialog.addEventListener("close", function () {
      image.removeAttribute("src");
      if (opener) opener.focus();
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
