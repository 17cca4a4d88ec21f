/*
 * The site's page script (every page): figures that open enlarged, and the offline copy.
 *
 * Figures: nn7_site.images makes each figure a link to its full-resolution image holding one
 * <picture> per palette. A click, a tap or Enter on it opens a dialog (<dialog>, modal: focus
 * moves into it, Esc or 关闭 closes it and focus returns to the figure) with the figure of the
 * reader's palette at its natural size (wider than a phone: it scrolls both ways, and pinch
 * zoom works), labelled by the figure's caption. Without this script the link opens the PNG.
 *
 * Offline: the service worker (sw.js at the site's root, written by nn7_site.offline) is
 * registered once the page has loaded — not on the print edition (tools/pdf.py prints it) and
 * not under the development server (`make serve`: its live-reload script is on the page; an
 * earlier registration is removed there). When a new build has been installed in the
 * background, the reader is offered a refresh; accepting it activates the new version and
 * reloads the page (every other open page of the site reloads too, so no page of the old build
 * keeps running on the new build's files). The first time the copy is complete, a short note
 * says the site can now be read offline. Downloads of a page from the offline copy come from
 * it too (Chromium would send them to the network).
 *
 * Palette switch: while the reader switches between the light and the dark palette, <html> has
 * the class nn7-palette-switching (from the switch's change event, before Material applies the
 * palette, until the next task), under which Material's palette style sheet turns transitions
 * off, so that every colour changes at once. Material marked <body> itself, on every page load
 * too, which restyled the whole page twice per load (nn7_site.themefix rewrites its rule).
 *
 * TEXT holds every word a reader sees.
 */
(() => {
  "use strict";

  const TEXT = {
    close: "关闭",
    enlarged: "放大的图",
    enlarge: "（点按可放大）",
    updated: "本站有新版本。",
    refresh: "刷新",
    later: "稍后",
    ready: "本站已保存到这台设备上，没有网络时也能阅读。",
    ok: "知道了",
  };
  const SLATE = "slate";
  const SWITCHING = "nn7-palette-switching"; // nn7_site.themefix.SWITCHING_CLASS
  const READY_KEY = "nn7.offline-ready";

  // ------------------------------------------------------------------ figures

  function currentPicture(link) {
    const dark = document.body.getAttribute("data-md-color-scheme") === SLATE;
    return link.querySelector(dark ? ".nn7-fig--dark" : ".nn7-fig--light") || link.querySelector("picture");
  }

  let zoomCount = 0;

  function openZoom(link) {
    const picture = currentPicture(link);
    const shown = picture.querySelector("img");
    const source = picture.querySelector("source");
    const figure = link.closest("figure");
    const caption = figure && figure.querySelector("figcaption");
    const width = Number(link.getAttribute("data-nn7-width")) || shown.naturalWidth || 800;
    const id = `nn7-zoom-title-${++zoomCount}`;

    const dialog = document.createElement("dialog");
    dialog.className = "nn7-zoom-dialog";
    dialog.setAttribute("aria-labelledby", id);
    const bar = document.createElement("div");
    bar.className = "nn7-zoom-bar";
    const title = document.createElement("p");
    title.id = id;
    title.textContent = caption ? caption.textContent.trim() : TEXT.enlarged;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "md-button nn7-zoom-close";
    close.textContent = TEXT.close;
    close.addEventListener("click", () => dialog.close());
    bar.append(title, close);

    const view = document.createElement("div");
    view.className = "nn7-zoom-view";
    view.tabIndex = 0; // it scrolls: the keyboard reaches it (arrow keys scroll)
    view.setAttribute("role", "region");
    view.setAttribute("aria-labelledby", id);
    const img = document.createElement("img");
    img.alt = shown.alt;
    if (source) {
      img.srcset = source.srcset;
      img.sizes = `${width}px`;
    }
    img.src = link.getAttribute(picture.classList.contains("nn7-fig--dark") ? "data-nn7-dark" : "href");
    img.width = width;
    img.height = Math.round(width * (shown.height / shown.width || 0.5));
    view.append(img);
    dialog.append(bar, view);

    dialog.addEventListener("click", (event) => {
      if (event.target === dialog) dialog.close(); // a tap on the shaded backdrop
    });
    dialog.addEventListener("keydown", (event) => event.stopPropagation()); // not Material's shortcuts
    dialog.addEventListener("close", () => {
      dialog.remove();
      document.documentElement.classList.remove("nn7-zoomed");
      link.focus();
    });
    document.body.append(dialog);
    document.documentElement.classList.add("nn7-zoomed");
    dialog.showModal();
    close.focus();
  }

  function setupFigures() {
    for (const link of document.querySelectorAll("a.nn7-zoom")) {
      link.setAttribute("aria-haspopup", "dialog");
      const hint = document.createElement("span");
      hint.className = "nn7-sr-only";
      hint.textContent = TEXT.enlarge;
      link.append(hint);
    }
    document.addEventListener("click", (event) => {
      const link = event.target instanceof Element && event.target.closest("a.nn7-zoom");
      if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      openZoom(link);
    });
  }

  // ------------------------------------------------------------------ palette switch

  function setupPaletteSwitch() {
    document.addEventListener("change", (event) => {
      if (!(event.target instanceof Element) || !event.target.closest("[data-md-component=palette]")) return;
      const root = document.documentElement;
      root.classList.add(SWITCHING); // before Material's own listener (this one captures)
      setTimeout(() => root.classList.remove(SWITCHING), 0);
    }, {capture: true});
  }

  // ------------------------------------------------------------------ downloads

  // Chromium sends a download (<a download>) past the service worker, to the network: offline
  // it fails. When the page comes from the offline copy, a download is fetched from it instead
  // (the same build as the page) and saved from memory; if that fails, the browser downloads.
  function setupDownloads() {
    document.addEventListener("click", (event) => {
      const link = event.target instanceof Element && event.target.closest("a[download][href]");
      if (!link || link.dataset.nn7Native || event.defaultPrevented || event.button !== 0
          || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      if (!("serviceWorker" in navigator) || !navigator.serviceWorker.controller) return;
      const url = new URL(link.href, window.location.href);
      if (url.origin !== window.location.origin || !url.protocol.startsWith("http")) return;
      event.preventDefault();
      const native = () => {
        link.dataset.nn7Native = "1";
        link.click();
        delete link.dataset.nn7Native;
      };
      fetch(url).then((response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return response.blob();
      }).then((blob) => {
        const save = document.createElement("a");
        save.href = URL.createObjectURL(blob);
        save.download = link.getAttribute("download") || decodeURIComponent(url.pathname.split("/").pop());
        save.dataset.nn7Native = "1";
        document.body.append(save);
        save.click();
        save.remove();
        setTimeout(() => URL.revokeObjectURL(save.href), 60_000);
      }).catch(native);
    });
  }

  // ------------------------------------------------------------------ offline

  function notice(message, actions) {
    const old = document.querySelector(".nn7-notice");
    if (old) old.remove();
    const box = document.createElement("div");
    box.className = "nn7-notice";
    box.setAttribute("role", "status");
    document.body.append(box);
    const text = document.createElement("span");
    text.textContent = message;
    box.append(text);
    for (const [label, primary, act] of actions) {
      const button = document.createElement("button");
      button.type = "button";
      if (primary) button.className = "md-button--primary";
      button.textContent = label;
      button.addEventListener("click", () => {
        box.remove();
        if (act) act();
      });
      box.append(button);
    }
    return box;
  }

  function remember(key) {
    try {
      if (localStorage.getItem(key)) return false;
      localStorage.setItem(key, "1");
    } catch (err) {
      return false;
    }
    return true;
  }

  async function register(scope) {
    const sw = navigator.serviceWorker;
    const hadController = Boolean(sw.controller);
    let accepted = false;
    sw.addEventListener("controllerchange", () => {
      if (hadController || accepted) window.location.reload();
    });
    const registration = await sw.register(new URL("sw.js", scope).href, {scope: scope.href});

    const offer = (worker) => notice(TEXT.updated, [
      [TEXT.refresh, true, () => {
        accepted = true;
        worker.postMessage({type: "nn7-activate"});
      }],
      [TEXT.later, false, null],
    ]);
    const watch = (worker) => {
      if (!worker) return;
      worker.addEventListener("statechange", () => {
        if (worker.state === "installed" && sw.controller) offer(worker);
        if (worker.state === "activated" && !hadController && remember(scope.pathname + READY_KEY)) {
          notice(TEXT.ready, [[TEXT.ok, false, null]]);
        }
      });
    };
    if (registration.waiting && sw.controller) offer(registration.waiting);
    watch(registration.installing);
    registration.addEventListener("updatefound", () => watch(registration.installing));
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") registration.update().catch(() => {});
    });
  }

  async function standDown(scope) {
    for (const registration of await navigator.serviceWorker.getRegistrations()) {
      if (registration.scope === scope.href) await registration.unregister();
    }
  }

  function setupOffline() {
    if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
    if (document.getElementById("print-site-page")) return; // the print edition
    const scope = window.__md_scope instanceof URL ? window.__md_scope : new URL(".", window.location.href);
    const start = () => {
      const serving = typeof window.livereload === "function"; // `make serve`
      (serving ? standDown(scope) : register(scope)).catch(() => {});
    };
    if (document.readyState === "complete") start();
    else window.addEventListener("load", start, {once: true});
  }

  setupFigures();
  setupPaletteSwitch();
  setupDownloads();
  setupOffline();
})();
