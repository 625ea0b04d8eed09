// A page that follows a job in the background (console/import_job.html): while its [data-follow] element is
// there, fetch the same page every N seconds and put each of that element's parts (children with an id) in
// place, so nobody's reading is interrupted by a reload. The status part is an aria-live region, aria-busy
// while the job runs, so a screen reader announces the outcome once, not every count. When the page fetched
// no longer follows (the job ended), its parts are put in and the following stops. Served as a file: it runs
// under script-src 'self'.
(function () {
  "use strict";
  var root = document.querySelector("[data-follow]");
  if (!root || !window.fetch || !window.DOMParser) {
    return;
  }
  var every = 1000 * (Number(root.getAttribute("data-follow")) || 2);

  function put(next) {
    Array.prototype.forEach.call(root.children, function (part) {
      var fresh = part.id && next.querySelector("#" + part.id);
      if (!fresh) {
        return;
      }
      if (part.innerHTML !== fresh.innerHTML) {
        part.innerHTML = fresh.innerHTML;
      }
      if (fresh.hasAttribute("aria-busy")) {
        part.setAttribute("aria-busy", fresh.getAttribute("aria-busy"));
      }
    });
  }

  function step() {
    fetch(window.location.href, {credentials: "same-origin", cache: "no-store"})
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, "text/html").getElementById(root.id);
        if (!next) {
          return;
        }
        put(next);
        if (next.hasAttribute("data-follow")) {
          window.setTimeout(step, every);
        } else {
          root.removeAttribute("data-follow");
        }
      })
      .catch(function () {
        window.setTimeout(step, every * 5);  // the server is busy or away: try again, less often
      });
  }

  window.setTimeout(step, every);
})();
