/* adrkit site: reading a long record. Everything here only improves a page that works
   without it.

   - A box that scrolls sideways (wide code, an output, a table, a diagram) says so
     with a hint and is a tab stop (so it can be scrolled with the keyboard); one that
     does not scroll is not a tab stop.
   - A diagram gets a "View full size" button that opens it at its natural size in a
     dialog (Escape or the Close button closes it).
   - Printing opens every collapsed part (pros and cons, tables in <details>) and closes
     them again afterwards.
   - Choosing an entry of the contents menu closes the menu.
   Text is only ever set with textContent. */
(function () {
  "use strict";

  var BOXES = ".adr-body .jp-OutputArea-output, .adr-body .jp-InputArea-editor, .adrkit-scroll, .adrkit-diagram, " +
              ".graph-scroll, .adr-body .jp-RenderedMarkdown table, " +
              ".whatif-scroll, .adr-changes .adrkit-scroll";

  function label(box) {
    if (box.classList.contains("jp-InputArea-editor")) { return "Code"; }
    if (box.querySelector("table")) { return "Table"; }
    if (box.querySelector("svg, img")) { return "Figure"; }
    return "Output";
  }

  function markScrolling() {
    Array.prototype.forEach.call(document.querySelectorAll(BOXES), function (box) {
      var wide = box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("is-scrollable", wide);
      if (wide) {
        box.setAttribute("tabindex", "0");
        if (!box.hasAttribute("role") && box.tagName !== "TABLE") {   // a table keeps its own role
          box.setAttribute("role", "region");
          box.setAttribute("aria-label", label(box) + ", scrolls sideways");
          box.setAttribute("data-adrkit-region", "");
        }
      } else {
        if (box.getAttribute("tabindex") === "0") { box.removeAttribute("tabindex"); }
        if (box.hasAttribute("data-adrkit-region")) {
          box.removeAttribute("role");
          box.removeAttribute("aria-label");
          box.removeAttribute("data-adrkit-region");
        }
      }
    });
  }

  var pending = false;
  function soon() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; markScrolling(); });
  }

  // --- full-size diagrams -----------------------------------------------------------------

  var dialog = null;

  function openFull(svg, title) {
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.className = "adr-full";
      dialog.setAttribute("aria-labelledby", "adr-full-title");
      var bar = document.createElement("div");
      bar.className = "adr-full-bar";
      var heading = document.createElement("h2");
      heading.id = "adr-full-title";
      var close = document.createElement("button");
      close.type = "button";
      close.textContent = "Close";
      close.addEventListener("click", function () { dialog.close(); });
      bar.appendChild(heading);
      bar.appendChild(close);
      var body = document.createElement("div");
      body.className = "adr-full-body";
      body.setAttribute("tabindex", "0");
      body.setAttribute("role", "region");
      body.setAttribute("aria-label", "Diagram at full size");
      dialog.appendChild(bar);
      dialog.appendChild(body);
      document.body.appendChild(dialog);
    }
    dialog.querySelector("h2").textContent = title;
    var holder = dialog.querySelector(".adr-full-body");
    var copy = svg.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll("[id]"), function (n) { n.removeAttribute("id"); });
    copy.removeAttribute("id");
    holder.replaceChildren(copy);
    dialog.showModal();
  }

  function addFullSize() {
    Array.prototype.forEach.call(document.querySelectorAll(".adrkit-diagram, .graph"), function (figure) {
      var svg = figure.querySelector("svg");
      if (!svg || figure.querySelector(".adr-full-open")) { return; }
      var caption = figure.querySelector("figcaption");
      var title = caption && caption.textContent.trim() ? caption.textContent.trim() :
        (figure.classList.contains("graph") ? "Decision graph" : "Diagram");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "adr-full-open";
      button.textContent = "View full size";
      button.setAttribute("aria-label", "View full size: " + title);
      button.addEventListener("click", function () { openFull(svg, title); });
      figure.insertBefore(button, figure.firstChild);
    });
  }

  // --- printing --------------------------------------------------------------------------------

  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details:not([open])"), function (d) {
      return !d.closest(".adr-toc-menu");
    });
    opened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });

  // --- the contents menu ------------------------------------------------------------------------

  Array.prototype.forEach.call(document.querySelectorAll(".adr-toc-menu"), function (menu) {
    menu.addEventListener("click", function (event) {
      if (event.target.closest && event.target.closest("a")) { menu.open = false; }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  });

  addFullSize();
  markScrolling();
  window.addEventListener("resize", soon);
  document.addEventListener("adrkit:redrawn", soon);
  document.addEventListener("toggle", soon, true);
}());
