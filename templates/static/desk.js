// guichet's desk: a scanner field (a USB scanner types the code and Enter), a camera reader
// (BarcodeDetector where the browser has it, else frames read by guichet), the result panel,
// recent scans with undo, search, and walk-ins. No library, nothing fetched from elsewhere.
"use strict";
(function () {
  const desk = document.getElementById("desk");
  const slug = desk.dataset.slug;
  // The session's CSRF token, sent with every request that changes something (guichet refuses
  // those without it).
  const csrf = document.querySelector("meta[name=csrf-token]").content;
  const text = desk.dataset;
  const api = "/api/v1/events/" + encodeURIComponent(slug);
  const scan = document.getElementById("scan");
  const panel = document.getElementById("panel");
  const recent = document.getElementById("recent");
  const colours = {
    ok: "ok",
    already_checked_in: "warn",
    too_early: "warn",
    closed: "warn",
    not_confirmed: "bad",
    cancelled: "bad",
    unknown: "bad",
    undone: "warn",
  };

  function headers() {
    return { "content-type": "application/json", "x-csrf-token": csrf };
  }

  function element(tag, className, content) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  function show(answer) {
    panel.className = colours[answer.outcome] || "bad";
    panel.replaceChildren();
    panel.dataset.outcome = answer.outcome;
    if (answer.participant) panel.append(element("div", "name", answer.participant.name));
    panel.append(element("div", "reason", answer.message));
    if (answer.participant) {
      const p = answer.participant;
      panel.append(element("div", "details", [p.organisation, p.category, p.country].join(" · ")));
    }
  }

  function showProblem(message) {
    panel.className = "bad";
    panel.dataset.outcome = "error";
    panel.replaceChildren(element("div", "reason", message));
  }

  async function checkIn(body) {
    body.nonce = (crypto.randomUUID && crypto.randomUUID()) || String(Date.now() + Math.random());
    panel.className = "";
    panel.replaceChildren(element("div", "reason", text.working));
    // One retry with the same nonce if the network drops: guichet answers as the first time.
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const response = await fetch(api + "/checkins", { method: "POST", headers: headers(), body: JSON.stringify(body) });
        const answer = await response.json();
        if (!response.ok) {
          showProblem(answer.message || (answer.errors && answer.errors.body) || response.statusText);
          return;
        }
        show(answer);
        refreshRecent();
        return;
      } catch (error) {
        if (attempt === 1) showProblem(text.offline);
      }
    }
  }

  document.getElementById("scan-form").addEventListener("submit", function (event) {
    event.preventDefault();
    const token = scan.value.trim();
    scan.value = "";
    scan.focus();
    if (token) checkIn({ token: token });
  });

  async function refreshRecent() {
    try {
      const response = await fetch(api + "/scans");
      if (!response.ok) return;
      const lines = await response.json();
      recent.replaceChildren(
        ...lines.map(function (line) {
          const item = element("li");
          const time = line.at.slice(11, 16);
          item.append(element("span", "", time + " " + (line.name || "—")));
          item.append(element("span", "tag " + (colours[line.outcome] || "bad"), line.outcome.replace(/_/g, " ")));
          if (line.outcome === "ok" && line.registration_id) {
            const undo = element("button", "secondary", text.undo);
            undo.type = "button";
            undo.addEventListener("click", async function () {
              const response = await fetch(api + "/checkins/" + line.registration_id, { method: "DELETE", headers: headers() });
              if (response.ok) {
                show({ outcome: "undone", message: text.undone, participant: line.name ? { name: line.name, organisation: "", category: "", country: "" } : null });
                refreshRecent();
              }
              scan.focus();
            });
            item.append(undo);
          }
          return item;
        })
      );
    } catch (error) {
      /* the list catches up at the next scan */
    }
  }

  // Search: a name, an email, an organisation; check in from a result.
  const search = document.getElementById("search");
  const results = document.getElementById("results");
  let searchTimer = null;
  search.addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(runSearch, 200);
  });
  async function runSearch() {
    const q = search.value.trim();
    if (q.length < 2) {
      results.replaceChildren();
      return;
    }
    const response = await fetch(api + "/search?q=" + encodeURIComponent(q));
    if (!response.ok) return;
    const found = await response.json();
    if (found.length === 0) {
      results.replaceChildren(element("li", "muted", text.none));
      return;
    }
    results.replaceChildren(
      ...found.map(function (r) {
        const item = element("li");
        const label = r.name + " — " + r.organisation + (r.checked_in_at ? " (" + r.checked_in_at.slice(11, 16) + ")" : "");
        item.append(element("span", "", label));
        const button = element("button", "secondary", text.checkIn);
        button.type = "button";
        button.addEventListener("click", async function () {
          await checkIn({ registration_id: r.registration_id });
          runSearch();
          scan.focus();
        });
        item.append(button);
        return item;
      })
    );
  }

  // Walk-ins: register, email the ticket, check in.
  const walkin = document.getElementById("walkin");
  walkin.addEventListener("submit", async function (event) {
    event.preventDefault();
    walkin.querySelectorAll(".field-error").forEach(function (e) { e.remove(); });
    walkin.querySelectorAll("[aria-invalid]").forEach(function (e) {
      e.removeAttribute("aria-invalid");
      e.removeAttribute("aria-describedby");
    });
    const data = new FormData(walkin);
    const body = {};
    data.forEach(function (value, key) { body[key] = value; });
    body.consent = data.get("consent") === "yes";
    const response = await fetch(api + "/walk-ins", { method: "POST", headers: headers(), body: JSON.stringify(body) });
    const answer = await response.json();
    if (response.ok) {
      show(answer.checkin);
      walkin.reset();
      refreshRecent();
      scan.focus();
      return;
    }
    // As on the registration form: each invalid field is marked and described by its message,
    // and the first one takes the focus (its label, state and message are read out).
    const errors = answer.errors || {};
    Object.keys(errors).forEach(function (field) {
      const input = walkin.querySelector("[name=" + field + "]");
      const message = element("p", "field-error", errors[field]);
      message.id = "w-" + field + "-error";
      if (input) {
        input.closest("div").append(message);
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", message.id);
      } else {
        message.setAttribute("role", "alert");
        walkin.prepend(message);
      }
    });
    const first = walkin.querySelector("[aria-invalid]");
    if (first) first.focus();
  });

  // The camera: BarcodeDetector where it exists; otherwise guichet reads the frames.
  const toggle = document.getElementById("camera-toggle");
  const video = document.getElementById("camera");
  let stream = null;
  let lastCode = "";
  let lastAt = 0;
  function found(code) {
    const now = Date.now();
    // The same code held in front of the camera is one scan, not ten.
    if (code === lastCode && now - lastAt < 3000) return;
    lastCode = code;
    lastAt = now;
    checkIn({ token: code });
  }
  async function loop(detector, canvas) {
    if (!stream) return;
    try {
      if (detector) {
        const codes = await detector.detect(video);
        if (codes.length) found(codes[0].rawValue);
      } else if (video.videoWidth) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        canvas.getContext("2d").drawImage(video, 0, 0);
        const blob = await new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", 0.8); });
        const response = await fetch("/api/v1/decode-qr", { method: "POST", headers: { "content-type": "image/jpeg", "x-csrf-token": csrf }, body: blob });
        if (response.ok) found((await response.json()).text);
      }
    } catch (error) {
      /* a frame that cannot be read: try the next one */
    }
    setTimeout(function () { loop(detector, canvas); }, detector ? 150 : 500);
  }
  toggle.addEventListener("click", async function () {
    if (stream) {
      stream.getTracks().forEach(function (t) { t.stop(); });
      stream = null;
      video.hidden = true;
      toggle.textContent = text.cameraStart;
      scan.focus();
      return;
    }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      showProblem(text.cameraUnavailable);
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch (error) {
      showProblem(text.cameraUnavailable);
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    toggle.textContent = text.cameraStop;
    let detector = null;
    if ("BarcodeDetector" in window) {
      try { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); } catch (error) { detector = null; }
    }
    loop(detector, document.createElement("canvas"));
  });

  // Keep the scanner field ready: a click elsewhere on the panel brings focus back.
  panel.addEventListener("click", function () { scan.focus(); });
  refreshRecent();
})();
