// guichet's desk: a scanner field (a USB scanner types the code and Enter), a camera reader
// (BarcodeDetector where the browser has it, else frames read by guichet), the result panel,
// recent scans with undo, search, and walk-ins. No library, nothing fetched from elsewhere.
//
// The desk keeps working when the network does not (issue 15):
//
// - a service worker (/desk/sw.js) serves the page and its files from a cache when the network is
//   gone, reload included;
// - the event's check-in list (token hashes, names, statuses, the days checked in; the days'
//   desk windows; the conflicts) lives in IndexedDB, fetched at load and every 30 s while online
//   (`?since=` the last cursor);
// - a scan the network cannot take is decided here, from that list, with guichet's own rules
//   (`decide`: domain::verdict, then one `ok` per ticket and day), shown in the same colours and
//   words marked "offline", and queued with its nonce, its time (the device's clock corrected by
//   the offset to guichet's, measured at the last sync) and the desk's name;
// - the queue is sent in order (`POST …/checkins/batch`, at most 500 at a time) as soon as the
//   network is back, with backoff; what guichet answered differently, and every double
//   admission, is shown; the desk's own conflicts are listed.
"use strict";
(function () {
  const desk = document.getElementById("desk");
  const slug = desk.dataset.slug;
  // The session's CSRF token, sent with every request that changes something (guichet refuses
  // those without it).
  const csrf = document.querySelector("meta[name=csrf-token]").content;
  const text = desk.dataset;
  const api = "/api/v1/events/" + encodeURIComponent(slug);
  const staffEmail = text.staff;
  const lang = text.lang || document.documentElement.lang || "en";
  const timeZone = text.timeZone || "UTC";
  // The event's days as the page's language writes them ("Monday 7 July 2008"), by ISO date.
  const dayNames = (function () {
    try { return JSON.parse(text.days || "{}"); } catch (error) { return {}; }
  })();
  const scan = document.getElementById("scan");
  const panel = document.getElementById("panel");
  const recent = document.getElementById("recent");
  const waitingList = document.getElementById("waiting");
  const colours = {
    ok: "ok",
    already_checked_in: "warn",
    too_early: "warn",
    closed: "warn",
    not_confirmed: "bad",
    cancelled: "bad",
    unknown: "bad",
    undone: "warn",
    queued: "warn",
  };
  // A check-in or a search that has no answer after this long is decided here instead: at 09:00
  // with a queue at the door, a desk does not wait for a network that routes nothing. A late
  // answer does no harm: the queued scan carries the same nonce, and guichet answers it as the
  // first time.
  const ONLINE_TIMEOUT_MS = 4000;
  const POLL_MS = 30000;
  const MAX_BACKOFF_MS = 30000;
  const BATCH = 500;
  const LIST_OLD_MS = 10 * 60 * 1000;
  const CLOCK_OFF_MS = 2 * 60 * 1000;

  function headers() {
    return { "content-type": "application/json", "x-csrf-token": csrf };
  }

  function element(tag, className, content) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  // A catalog message rendered by the page with `{name}` placeholders, filled in.
  function fill(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  // "09:31" in the event's time zone (what guichet's own messages show).
  const hhmm = (function () {
    let format = null;
    try {
      format = new Intl.DateTimeFormat("en-GB", { timeZone: timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    } catch (error) {
      format = null;
    }
    return function (instant) {
      const date = new Date(instant);
      if (isNaN(date)) return "";
      return format ? format.format(date) : date.toISOString().slice(11, 16);
    };
  })();

  // "7 July 2008 at 09:30", in the event's time zone (as guichet writes dates: en-GB, fr-FR, es-ES,
  // on the 24-hour clock).
  function dateAndTime(instant) {
    const locale = { en: "en-GB", fr: "fr-FR", es: "es-ES" }[lang] || lang;
    try {
      return new Intl.DateTimeFormat(locale, {
        timeZone: timeZone, day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
      }).format(new Date(instant));
    } catch (error) {
      return new Date(instant).toISOString();
    }
  }

  function ago(ms) {
    const minutes = Math.round(ms / 60000);
    try {
      const format = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
      return minutes < 60 ? format.format(-minutes, "minute") : format.format(-Math.round(minutes / 60), "hour");
    } catch (error) {
      return minutes + " min";
    }
  }

  function newNonce() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  // fetch, given up after `ms`.
  function fetchWithin(url, options, ms) {
    const controller = new AbortController();
    const timer = setTimeout(function () { controller.abort(); }, ms);
    return fetch(url, Object.assign({}, options, { signal: controller.signal })).finally(function () {
      clearTimeout(timer);
    });
  }

  // An answer that says the network (a gateway) failed, not guichet.
  function gatewayFailed(response) {
    return response.status === 502 || response.status === 503 || response.status === 504;
  }

  // ---------------------------------------------------------------------------------------------
  // IndexedDB, wrapped: one database per origin, keyed by event where it matters.
  //
  // - `lists`: one record per event: the cursor, the days and their windows, the conflicts, and
  //   the clock offset to guichet (ms to add to the device's clock) with when it was measured;
  // - `registrations`: [slug, id] → the list's line (token_sha256, name, organisation, category,
  //   status, checked_in days), indexed by [slug, token_sha256];
  // - `queue`: what waits to be sent, in order (autoincrement): scans and walk-ins.
  const store = (function () {
    let opening = null;

    function open() {
      if (opening) return opening;
      opening = new Promise(function (resolve, reject) {
        if (!window.indexedDB) {
          reject(new Error("no IndexedDB"));
          return;
        }
        const request = indexedDB.open("guichet-desk", 1);
        request.onupgradeneeded = function () {
          const db = request.result;
          db.createObjectStore("lists", { keyPath: "slug" });
          const registrations = db.createObjectStore("registrations", { keyPath: ["slug", "id"] });
          registrations.createIndex("slug", "slug");
          registrations.createIndex("hash", ["slug", "token_sha256"]);
          const queue = db.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
          queue.createIndex("slug", "slug");
        };
        request.onsuccess = function () {
          const db = request.result;
          // Another tab with a newer page wants to upgrade: let it.
          db.onversionchange = function () {
            db.close();
            opening = null;
          };
          resolve(db);
        };
        request.onerror = function () {
          opening = null;
          reject(request.error);
        };
      });
      return opening;
    }

    // Runs `body(tx, out)` in one transaction; resolves with `out.value` once it has committed.
    function run(names, mode, body) {
      return open().then(function (db) {
        return new Promise(function (resolve, reject) {
          const tx = db.transaction(names, mode);
          const out = { value: undefined };
          tx.oncomplete = function () { resolve(out.value); };
          tx.onerror = function () { reject(tx.error); };
          tx.onabort = function () { reject(tx.error || new Error("transaction aborted")); };
          body(tx, out);
        });
      });
    }

    function into(out, request) {
      request.onsuccess = function () { out.value = request.result; };
    }

    return {
      list: function (slug) {
        return run(["lists"], "readonly", function (tx, out) {
          into(out, tx.objectStore("lists").get(slug));
        });
      },
      // The server's answer to `checkin-list`: a full list replaces the event's lines, a list of
      // changes is upserted line by line (the cursor overlaps: a line may come twice).
      saveList: function (slug, answer, offset, measuredAt) {
        return run(["lists", "registrations"], "readwrite", function (tx, out) {
          const lines = tx.objectStore("registrations");
          const put = function () {
            (answer.registrations || []).forEach(function (r) {
              lines.put(Object.assign({}, r, { slug: slug }));
            });
          };
          if (answer.full) {
            const cursor = lines.index("slug").openKeyCursor(IDBKeyRange.only(slug));
            cursor.onsuccess = function () {
              const c = cursor.result;
              if (c) {
                lines.delete(c.primaryKey);
                c.continue();
              } else {
                put();
              }
            };
          } else {
            put();
          }
          const record = {
            slug: slug,
            cursor: answer.cursor,
            days: answer.days || [],
            conflicts: answer.conflicts || [],
            offset: offset,
            fetched_at: measuredAt,
          };
          tx.objectStore("lists").put(record);
          out.value = record;
        });
      },
      byHash: function (slug, hash) {
        return run(["registrations"], "readonly", function (tx, out) {
          into(out, tx.objectStore("registrations").index("hash").get([slug, hash]));
        });
      },
      byId: function (slug, id) {
        return run(["registrations"], "readonly", function (tx, out) {
          into(out, tx.objectStore("registrations").get([slug, id]));
        });
      },
      registrations: function (slug) {
        return run(["registrations"], "readonly", function (tx, out) {
          into(out, tx.objectStore("registrations").index("slug").getAll(IDBKeyRange.only(slug)));
        });
      },
      // A check-in guichet confirmed while the list was not refreshed yet.
      markCheckedIn: function (slug, id, day) {
        return run(["registrations"], "readwrite", function (tx) {
          const lines = tx.objectStore("registrations");
          const request = lines.get([slug, id]);
          request.onsuccess = function () {
            const line = request.result;
            if (!line) return;
            const days = line.checked_in || [];
            if (days.indexOf(day) === -1) {
              line.checked_in = days.concat([day]);
              lines.put(line);
            }
          };
        });
      },
      // The event's queue, oldest first (an index's entries of one key come in primary-key order).
      queue: function (slug) {
        return run(["queue"], "readonly", function (tx, out) {
          into(out, tx.objectStore("queue").index("slug").getAll(IDBKeyRange.only(slug)));
        });
      },
      queuedEverywhere: function () {
        return run(["queue"], "readonly", function (tx, out) {
          into(out, tx.objectStore("queue").count());
        });
      },
      enqueue: function (item) {
        return run(["queue"], "readwrite", function (tx, out) {
          into(out, tx.objectStore("queue").add(item));
        });
      },
      dequeue: function (seqs) {
        return run(["queue"], "readwrite", function (tx) {
          const queue = tx.objectStore("queue");
          seqs.forEach(function (seq) { queue.delete(seq); });
        });
      },
      // The lists (names, statuses, hashes), every event's, but not the queue: when guichet says
      // this session may no longer read them (signed out elsewhere, revoked, expired).
      forgetLists: function () {
        return run(["lists", "registrations"], "readwrite", function (tx) {
          tx.objectStore("lists").clear();
          tx.objectStore("registrations").clear();
        });
      },
      // Everything, every event's: at sign-out, once nothing waits to be sent.
      forget: function () {
        return run(["lists", "registrations", "queue"], "readwrite", function (tx) {
          tx.objectStore("lists").clear();
          tx.objectStore("registrations").clear();
          tx.objectStore("queue").clear();
        });
      },
    };
  })();

  // Hex SHA-256 of a ticket's text as guichet reads it (trimmed, uppercase): the list's
  // `token_sha256`. Browsers give `crypto.subtle` to secure contexts only (HTTPS, localhost).
  async function sha256(value) {
    const bytes = new TextEncoder().encode(value.trim().toUpperCase());
    const digest = await crypto.subtle.digest("SHA-256", bytes);
    return Array.from(new Uint8Array(digest), function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  }

  // ---------------------------------------------------------------------------------------------
  // State: the list's record (days, conflicts, offset), whether guichet answers.
  let list = null;
  let online = navigator.onLine !== false;
  let lastSync = null; // device ms of the last complete sync
  let sessionEnded = false;
  // Signed out of this browser before this page started (see `signedIn`).
  let signedOutHere = false;
  let syncProblem = false;

  // guichet's time now, as far as this device can tell: its own clock corrected by the offset
  // measured at the last sync.
  function correctedNow() {
    return Date.now() + (list && typeof list.offset === "number" ? list.offset : 0);
  }

  // An instant in whole seconds, as guichet records scans ("2008-07-07T07:31:02Z").
  function wholeSeconds(ms) {
    return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
  }

  function deskName() {
    try {
      return (localStorage.getItem("guichet-desk-name") || "").trim();
    } catch (error) {
      return "";
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The offline decision: guichet's rules (domain::verdict and the check-in's unique day), from
  // the list. `line` is the registration found by hash or id (or none), `at` the corrected scan
  // time (ms), `queued` this event's waiting scans (this device's own earlier admissions).
  function decide(line, at, days, queued) {
    if (!line) return { outcome: "unknown" };
    // The status before the clock: a cancelled ticket is `cancelled` at any hour.
    if (line.status === "cancelled") return { outcome: "cancelled" };
    if (line.status !== "confirmed") return { outcome: "not_confirmed" };
    const sorted = days.slice().sort(function (a, b) { return Date.parse(a.starts_at) - Date.parse(b.starts_at); });
    // The event day whose local calendar day holds the instant.
    const day = sorted.find(function (d) { return Date.parse(d.starts_at) <= at && at < Date.parse(d.ends_at); });
    if (!day) {
      // Not an event day: the next one's opening, or closed for good.
      const next = sorted.find(function (d) { return Date.parse(d.starts_at) > at; });
      return next ? { outcome: "too_early", opens_at: next.opens_at, date: next.date } : { outcome: "closed" };
    }
    if (at < Date.parse(day.opens_at)) return { outcome: "too_early", opens_at: day.opens_at, date: day.date };
    if (at >= Date.parse(day.closes_at)) return { outcome: "closed" };
    // One `ok` per ticket and day: from guichet (the list), or from this device while offline.
    const mine = queued.find(function (q) {
      return q.kind === "scan" && q.admitted && q.registration_id === line.id && q.day === day.date;
    });
    if (mine) return { outcome: "already_checked_in", day: day.date, at: mine.scanned_at, by: mine.desk || mine.staff };
    if ((line.checked_in || []).indexOf(day.date) !== -1) return { outcome: "already_checked_in", day: day.date };
    return { outcome: "ok", day: day.date };
  }

  // The decision in the words guichet would have used.
  function message(verdict) {
    switch (verdict.outcome) {
      case "ok":
        return text.outcomeOk;
      case "already_checked_in":
        return verdict.at
          ? fill(text.outcomeAlready, { time: hhmm(verdict.at), by: verdict.by })
          : text.outcomeAlreadyToday;
      case "too_early":
        return fill(text.outcomeTooEarly, { time: hhmm(verdict.opens_at), date: dayNames[verdict.date] || verdict.date });
      case "closed":
        return text.outcomeClosed;
      case "cancelled":
        return text.outcomeCancelled;
      case "not_confirmed":
        return text.outcomeNotConfirmed;
      default:
        return text.outcomeUnknown;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The panel.
  function show(answer, offline) {
    panel.className = colours[answer.outcome] || "bad";
    panel.replaceChildren();
    panel.dataset.outcome = answer.outcome;
    if (offline) {
      panel.dataset.offline = "true";
      const tag = element("div", "offline-tag");
      tag.append(element("strong", "", text.offlineTag), " " + text.offlineTagDetail);
      panel.append(tag);
    } else {
      delete panel.dataset.offline;
    }
    if (answer.participant) panel.append(element("div", "name", answer.participant.name));
    panel.append(element("div", "reason", answer.message));
    if (answer.participant) {
      const p = answer.participant;
      panel.append(element("div", "details", [p.organisation, p.category, p.country].filter(Boolean).join(" · ")));
    }
  }

  // A walk-in has no badge yet: one A6 page with theirs, to print at the desk.
  function printBadgeLink(answer) {
    // Only for someone let in: a walk-in put on the waiting list of a full event has no badge.
    if (!answer.participant || answer.outcome !== "ok") return;
    const link = element("a", "print-badge", text.printBadge);
    link.href = api + "/badges.pdf?layout=a6&registration=" + encodeURIComponent(answer.participant.registration_id);
    link.target = "_blank";
    link.rel = "noopener";
    panel.append(link);
  }

  function showProblem(message, offline) {
    panel.className = "bad";
    panel.dataset.outcome = "error";
    if (offline) panel.dataset.offline = "true";
    else delete panel.dataset.offline;
    panel.replaceChildren(element("div", "reason", message));
  }

  // ---------------------------------------------------------------------------------------------
  // Checking in: online first; when guichet cannot be reached, from the list.
  // The door this desk stands at: the entrance (decided offline too), or an agenda item's door
  // (a session's attendance, which needs the network). Kept per event on this device.
  const doorChoice = document.getElementById("door");
  const directionChoice = document.getElementById("direction");
  const doorKey = "guichet-door-" + slug;
  function showDirection() {
    directionChoice.disabled = !doorChoice.value;
  }
  try {
    const kept = localStorage.getItem(doorKey) || "";
    if ([].some.call(doorChoice.options, function (o) { return o.value === kept; })) doorChoice.value = kept;
  } catch (error) {
    /* no storage: the entrance */
  }
  showDirection();
  doorChoice.addEventListener("change", function () {
    try { localStorage.setItem(doorKey, doorChoice.value); } catch (error) { /* kept for this page only */ }
    showDirection();
    scan.focus();
  });
  directionChoice.addEventListener("change", function () { scan.focus(); });

  async function checkIn(body) {
    if (doorChoice.value) return checkInAtDoor(body);
    const nonce = newNonce();
    const scannedAt = wholeSeconds(correctedNow());
    const name = deskName();
    panel.className = "";
    delete panel.dataset.offline;
    panel.replaceChildren(element("div", "reason", text.working));
    if (navigator.onLine !== false) {
      try {
        const sent = Object.assign({}, body, { nonce: nonce });
        if (name) sent.desk = name;
        const response = await fetchWithin(api + "/checkins", { method: "POST", headers: headers(), body: JSON.stringify(sent) }, ONLINE_TIMEOUT_MS);
        if (!gatewayFailed(response)) {
          const answer = await response.json();
          setOnline(true);
          if (!response.ok) {
            showProblem(answer.message || (answer.errors && answer.errors.body) || response.statusText);
            return;
          }
          show(answer);
          rememberOnlineCheckin(answer);
          refreshRecent();
          if (waitingCount > 0) scheduleSync(0);
          return;
        }
      } catch (error) {
        /* no answer: decided here */
      }
    }
    setOnline(false);
    await decideOffline(body, nonce, scannedAt, name);
  }

  // A scan at an agenda item's door: online only (the offline list is the entrance's), retried
  // once with the same nonce when the network drops.
  async function checkInAtDoor(body) {
    const sent = Object.assign({}, body, {
      nonce: newNonce(),
      item: doorChoice.value,
      direction: directionChoice.value || "in",
    });
    const name = deskName();
    if (name) sent.desk = name;
    panel.className = "";
    delete panel.dataset.offline;
    panel.replaceChildren(element("div", "reason", text.working));
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const response = await fetchWithin(api + "/checkins", { method: "POST", headers: headers(), body: JSON.stringify(sent) }, ONLINE_TIMEOUT_MS);
        if (gatewayFailed(response)) continue;
        const answer = await response.json();
        setOnline(true);
        if (!response.ok) {
          showProblem(answer.message || (answer.errors && Object.values(answer.errors)[0]) || response.statusText);
          return;
        }
        show(answer);
        refreshRecent();
        return;
      } catch (error) {
        /* tried again once */
      }
    }
    showProblem(text.doorOffline, true);
  }

  // An online check-in, noted in the list at once: if the network goes a minute later, a second
  // scan of the same ticket is amber without waiting for the next refresh.
  function rememberOnlineCheckin(answer) {
    if (!list || !answer.participant) return;
    if (answer.outcome !== "ok" && answer.outcome !== "already_checked_in") return;
    const at = Date.parse(answer.checked_in_at || "") || correctedNow();
    const day = (list.days || []).find(function (d) { return Date.parse(d.starts_at) <= at && at < Date.parse(d.ends_at); });
    if (day) store.markCheckedIn(slug, answer.participant.registration_id, day.date).catch(function () {});
  }

  // Offline decisions one at a time: a ticket scanned twice in a row sees its first admission.
  let offlineChain = Promise.resolve();
  function decideOffline(body, nonce, scannedAt, name) {
    offlineChain = offlineChain.then(function () {
      return decideOfflineNow(body, nonce, scannedAt, name).catch(function () {
        showProblem(text.offlineNoList, true);
      });
    });
    return offlineChain;
  }

  async function decideOfflineNow(body, nonce, scannedAt, name) {
    if (!list) {
      showProblem(text.offlineNoList, true);
      return;
    }
    let line = null;
    if (body.registration_id) {
      line = await store.byId(slug, body.registration_id);
    } else {
      if (!(window.crypto && crypto.subtle)) {
        showProblem(text.offlineNoCrypto, true);
        return;
      }
      line = await store.byHash(slug, await sha256(body.token));
    }
    const queued = await store.queue(slug);
    const verdict = decide(line || null, Date.parse(scannedAt), list.days || [], queued);
    const words = message(verdict);
    const item = {
      slug: slug,
      kind: "scan",
      nonce: nonce,
      scanned_at: scannedAt,
      desk: name,
      staff: staffEmail,
      // Whether this desk showed green: guichet uses it to tell a double admission.
      admitted: verdict.outcome === "ok",
      registration_id: line ? line.id : null,
      day: verdict.day || null,
      name: line ? line.name : null,
      offline_outcome: verdict.outcome,
      offline_message: words,
    };
    if (body.registration_id) item.pick = body.registration_id;
    else item.token = body.token;
    await store.enqueue(item);
    show(
      {
        outcome: verdict.outcome,
        message: words,
        participant: line ? { name: line.name, organisation: line.organisation, category: line.category } : null,
      },
      true
    );
    await showQueue();
    retrySoon();
  }

  document.getElementById("scan-form").addEventListener("submit", function (event) {
    event.preventDefault();
    const token = scan.value.trim();
    scan.value = "";
    scan.focus();
    if (token) checkIn({ token: token });
  });

  // ---------------------------------------------------------------------------------------------
  // Last scans: guichet's, and below the heading those waiting on this device.
  function undoButton(line) {
    const undo = element("button", "secondary", text.undo);
    undo.type = "button";
    undo.addEventListener("click", async function () {
      try {
        const response = await fetch(api + "/checkins/" + line.registration_id, { method: "DELETE", headers: headers() });
        if (response.ok) {
          show({ outcome: "undone", message: text.undone, participant: line.name ? { name: line.name, organisation: "", category: "", country: "" } : null });
          refreshRecent();
          // The list learns of the undo now, not in 30 s: offline a minute later, this ticket is
          // green again.
          sync();
        }
      } catch (error) {
        showProblem(text.offline);
      }
      scan.focus();
    });
    return undo;
  }

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
          if (line.outcome === "ok" && line.registration_id) item.append(undoButton(line));
          return item;
        })
      );
    } catch (error) {
      /* the list catches up at the next scan */
    }
  }

  let waitingCount = 0;
  async function showQueue() {
    let queued = [];
    try {
      queued = await store.queue(slug);
    } catch (error) {
      queued = [];
    }
    waitingCount = queued.length;
    waitingList.hidden = queued.length === 0;
    waitingList.replaceChildren(
      ...queued
        .slice()
        .reverse()
        .map(function (q) {
          const item = element("li", "queued");
          item.dataset.nonce = q.nonce || "";
          item.dataset.outcome = q.offline_outcome || q.kind;
          if (q.registration_id) item.dataset.registrationId = String(q.registration_id);
          const when = element("time", "", hhmm(q.scanned_at || q.queued_at));
          when.dateTime = q.scanned_at || q.queued_at;
          const label = element("span");
          label.append(when, " " + (q.name || "—"));
          item.append(label);
          const outcome = q.kind === "walkin" ? "queued" : q.offline_outcome;
          item.append(element("span", "tag " + (colours[outcome] || "bad"), outcome.replace(/_/g, " ") + " · " + text.waitingTag));
          return item;
        })
    );
    updateStatus();
  }

  // ---------------------------------------------------------------------------------------------
  // Search: a name, an email, an organisation; check in from a result. Offline, from the list:
  // every word in the name or the organisation, case and accents aside.
  const search = document.getElementById("search");
  const results = document.getElementById("results");
  let searchTimer = null;
  search.addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(runSearch, 200);
  });

  function folded(value) {
    return String(value || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  async function searchHere(q) {
    const words = folded(q).split(/\s+/).filter(Boolean);
    const lines = await store.registrations(slug);
    const queued = await store.queue(slug);
    const at = correctedNow();
    const today = ((list && list.days) || []).find(function (d) { return Date.parse(d.starts_at) <= at && at < Date.parse(d.ends_at); });
    return lines
      .filter(function (line) {
        const haystack = folded(line.name + " " + (line.organisation || ""));
        return words.every(function (w) { return haystack.indexOf(w) !== -1; });
      })
      .sort(function (a, b) { return a.name.localeCompare(b.name, lang); })
      .slice(0, 20)
      .map(function (line) {
        const inToday = !!today && ((line.checked_in || []).indexOf(today.date) !== -1 ||
          queued.some(function (q) { return q.admitted && q.registration_id === line.id && q.day === today.date; }));
        return { registration_id: line.id, name: line.name, organisation: line.organisation, in_today: inToday };
      });
  }

  async function runSearch() {
    const q = search.value.trim();
    if (q.length < 2) {
      results.replaceChildren();
      return;
    }
    let found = null;
    let here = false;
    if (navigator.onLine !== false) {
      try {
        const response = await fetchWithin(api + "/search?q=" + encodeURIComponent(q), {}, ONLINE_TIMEOUT_MS);
        if (response.ok) {
          found = await response.json();
          setOnline(true);
        } else if (!gatewayFailed(response)) {
          return;
        }
      } catch (error) {
        found = null;
      }
    }
    if (found === null) {
      setOnline(false);
      try {
        found = await searchHere(q);
        here = true;
      } catch (error) {
        return;
      }
    }
    // A newer search started meanwhile: its answer wins.
    if (search.value.trim() !== q) return;
    const items = found.map(function (r) {
      const item = element("li");
      let label = r.name + " — " + r.organisation;
      if (r.checked_in_at) label += " (" + r.checked_in_at.slice(11, 16) + ")";
      else if (r.in_today) label += " (" + text.offlineInToday + ")";
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
    });
    if (here) items.unshift(element("li", "muted", text.offlineSearch));
    if (found.length === 0) items.push(element("li", "muted", text.none));
    results.replaceChildren(...items);
  }

  // ---------------------------------------------------------------------------------------------
  // Walk-ins: register, email the ticket, check in. Offline, the form is kept in the queue and
  // posted when the network is back (the check-in is then guichet's, at that time).
  const walkin = document.getElementById("walkin");

  function clearWalkInErrors() {
    walkin.querySelectorAll(".field-error").forEach(function (e) { e.remove(); });
    walkin.querySelectorAll("[aria-invalid]").forEach(function (e) {
      e.removeAttribute("aria-invalid");
      e.removeAttribute("aria-describedby");
    });
  }

  // As on the registration form: each invalid field is marked and described by its message, and
  // the first one takes the focus (its label, state and message are read out).
  function showWalkInErrors(errors, focus) {
    Object.keys(errors).forEach(function (field) {
      const input = walkin.querySelector('[name="' + CSS.escape(field) + '"]');
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
    if (first && focus) first.focus();
  }

  function walkInName(body) {
    return [body.given_name, body.family_name].filter(Boolean).join(" ");
  }

  walkin.addEventListener("submit", async function (event) {
    event.preventDefault();
    clearWalkInErrors();
    const data = new FormData(walkin);
    const body = {};
    data.forEach(function (value, key) { body[key] = value; });
    body.consent = data.get("consent") === "yes";
    if (navigator.onLine !== false) {
      try {
        const response = await fetchWithin(api + "/walk-ins", { method: "POST", headers: headers(), body: JSON.stringify(body) }, ONLINE_TIMEOUT_MS * 2);
        if (!gatewayFailed(response)) {
          const answer = await response.json();
          setOnline(true);
          if (response.ok) {
            show(answer.checkin);
            printBadgeLink(answer.checkin);
            walkin.reset();
            refreshRecent();
            scan.focus();
            // The new ticket in the list at once, should the network go right after.
            sync();
            return;
          }
          showWalkInErrors(answer.errors || {}, true);
          return;
        }
      } catch (error) {
        /* kept for later */
      }
    }
    setOnline(false);
    const name = walkInName(body);
    await store.enqueue({ slug: slug, kind: "walkin", body: body, name: name, queued_at: new Date(correctedNow()).toISOString(), staff: staffEmail });
    show({ outcome: "queued", message: fill(text.offlineWalkIn, { name: name }), participant: null }, true);
    walkin.reset();
    scan.focus();
    await showQueue();
    retrySoon();
  });

  // ---------------------------------------------------------------------------------------------
  // Syncing: the queue in order (runs of scans in batches, walk-ins one by one), then the list.
  const reportSection = document.getElementById("sync-report");
  const reportList = document.getElementById("sync-report-list");

  function report(line, kind) {
    reportSection.hidden = false;
    const item = element("li", kind, line);
    reportList.prepend(item);
    while (reportList.children.length > 50) reportList.lastElementChild.remove();
  }

  class Refused extends Error {
    constructor(status) {
      super("HTTP " + status);
      this.status = status;
    }
  }

  async function sendScans(items) {
    const scans = items.map(function (q) {
      const scan = { nonce: q.nonce, scanned_at: q.scanned_at, admitted: q.admitted };
      if (q.token !== undefined) scan.token = q.token;
      else scan.registration_id = q.pick;
      if (q.desk) scan.desk = q.desk;
      return scan;
    });
    const response = await fetchWithin(api + "/checkins/batch", { method: "POST", headers: headers(), body: JSON.stringify({ scans: scans }) }, 30000);
    if (response.status !== 200 && response.status !== 422) throw new Refused(response.status);
    const answer = await response.json();
    // A 422 without results (the batch itself refused): nothing was recorded; keep them all.
    if (!Array.isArray(answer.results)) throw new Refused(response.status);
    const byNonce = new Map(items.map(function (q) { return [q.nonce, q]; }));
    const done = [];
    const errors = answer.errors || {};
    answer.results.forEach(function (result, index) {
      const q = byNonce.get(result.nonce) || items[index];
      if (!q) return;
      done.push(q.seq);
      const time = hhmm(q.scanned_at);
      const name = q.name || (q.token || "—");
      if (result.outcome === null || result.outcome === undefined) {
        // Malformed: guichet will never take it; shown, and out of the queue.
        const prefix = "scans[" + index + "]";
        const field = Object.keys(errors).find(function (key) { return key.startsWith(prefix); });
        const problem = result.error || (field ? errors[field] : "");
        report(fill(text.syncError, { time: time, token: name, detail: problem }), "error");
        return;
      }
      if (result.registration_id && q.day && (result.outcome === "ok" || result.outcome === "already_checked_in")) {
        store.markCheckedIn(slug, result.registration_id, q.day).catch(function () {});
      }
      if (result.conflict) {
        report(fill(text.syncConflict, { time: time, name: name, detail: result.message || result.outcome }), "conflict");
      } else if (result.outcome !== q.offline_outcome) {
        report(fill(text.syncChanged, { time: time, name: name, first: q.offline_message, detail: result.message || result.outcome }), "changed");
      }
    });
    await store.dequeue(done);
  }

  async function sendWalkIn(q) {
    const response = await fetchWithin(api + "/walk-ins", { method: "POST", headers: headers(), body: JSON.stringify(q.body) }, 30000);
    if (response.ok) {
      const answer = await response.json();
      report(fill(text.syncWalkInDone, { name: q.name, detail: (answer.checkin && answer.checkin.message) || "" }), "changed");
      await store.dequeue([q.seq]);
      return;
    }
    if (response.status === 422) {
      const answer = await response.json().catch(function () { return {}; });
      const errors = answer.errors || {};
      const words = Object.keys(errors).map(function (k) { return errors[k]; }).join(" ") || answer.message || "";
      report(fill(text.syncWalkInError, { name: q.name, detail: words }), "error");
      // What was typed goes back into the form (if it is not in use), with its errors.
      if (isEmpty(walkin)) {
        Object.keys(q.body).forEach(function (key) {
          const input = walkin.querySelector("[name=" + key + "]");
          if (!input) return;
          if (input.type === "checkbox") input.checked = q.body[key] === true;
          else input.value = q.body[key];
        });
        walkin.closest("details").open = true;
        clearWalkInErrors();
        showWalkInErrors(errors, false);
      }
      await store.dequeue([q.seq]);
      return;
    }
    throw new Refused(response.status);
  }

  function isEmpty(form) {
    return Array.from(form.querySelectorAll("input:not([type=checkbox])")).every(function (i) { return !i.value; });
  }

  async function refreshList() {
    const current = list || (await store.list(slug).catch(function () { return null; }));
    const url = api + "/checkin-list" + (current && current.cursor ? "?since=" + encodeURIComponent(current.cursor) : "");
    const sent = Date.now();
    const response = await fetchWithin(url, { headers: { accept: "application/json" } }, 30000);
    const received = Date.now();
    if (response.status === 401 || response.status === 403) {
      // No longer this session's to read: the list goes (the queue stays, for whoever may send
      // it), and the page no longer decides from it; so do the cached pages and the marker, so
      // that a page opened from the cache later does not take the list back either.
      list = null;
      await store.forgetLists().catch(function () {});
      await dropCachedPages();
      document.cookie = "guichet_signed_in=; Max-Age=0; Path=/";
    }
    if (!response.ok) throw new Refused(response.status);
    const answer = await response.json();
    if (signedOutHere) {
      // guichet gave the list after all: the session is valid (the marker was missing for
      // another reason), so the page is the desk again, kept for offline use.
      signedOutHere = false;
      keepForOffline();
    }
    // guichet's clock minus the device's, at the middle of the round trip. guichet gives its time
    // in whole seconds: the true time was somewhere in that second, half a second on at best.
    let serverTime = Date.parse(answer.server_time);
    if (serverTime % 1000 === 0) serverTime += 500;
    const offset = serverTime - (sent + received) / 2;
    list = await store.saveList(slug, answer, offset, received);
    showConflicts();
  }

  let syncing = null;
  let sending = false;
  let retryTimer = null;
  let backoff = 1000;

  function scheduleSync(delay) {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(function () {
      retryTimer = null;
      sync();
    }, delay);
  }

  // After a scan decided here: try again soon, in case the network is back without the browser
  // saying so (no `online` event when only the venue's router failed).
  function retrySoon() {
    if (!retryTimer) scheduleSync(backoff);
  }

  function sync() {
    if (!syncing) {
      syncing = syncOnce().finally(function () { syncing = null; });
    }
    return syncing;
  }

  async function syncOnce() {
    if (navigator.onLine === false) {
      setOnline(false);
      return; // the `online` event starts the next one
    }
    try {
      let queued = await store.queue(slug);
      sending = queued.length > 0;
      if (sending) updateStatus();
      while (queued.length) {
        if (queued[0].kind === "walkin") {
          await sendWalkIn(queued[0]);
          queued = queued.slice(1);
          continue;
        }
        let run = 0;
        while (run < queued.length && run < BATCH && queued[run].kind === "scan") run++;
        await sendScans(queued.slice(0, run));
        queued = queued.slice(run);
      }
      await refreshList();
      if (sending) refreshRecent();
      lastSync = Date.now();
      backoff = 1000;
      sessionEnded = false;
      syncProblem = false;
      setOnline(true);
    } catch (error) {
      sessionEnded = error instanceof Refused && (error.status === 401 || error.status === 403);
      syncProblem = true;
      if (!(error instanceof Refused)) setOnline(false);
      scheduleSync(backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    } finally {
      sending = false;
      await showQueue();
    }
  }

  window.addEventListener("online", function () {
    backoff = 1000;
    scheduleSync(0);
  });
  window.addEventListener("offline", function () { setOnline(false); });
  setInterval(function () {
    if (navigator.onLine !== false) sync();
  }, POLL_MS);

  // ---------------------------------------------------------------------------------------------
  // Conflicts: the double admissions this desk took part in (by its name, or by this staff
  // member when the desk has no name).
  const conflictSection = document.getElementById("conflicts");
  const conflictList = document.getElementById("conflict-list");

  function mine(side) {
    const name = deskName();
    return !!side && ((name && side.desk === name) || side.by === staffEmail);
  }

  function showConflicts() {
    const conflicts = ((list && list.conflicts) || []).filter(function (c) { return mine(c.kept) || mine(c.other); });
    conflictSection.hidden = conflicts.length === 0;
    conflictList.replaceChildren(
      ...conflicts.map(function (c) {
        const item = element("li");
        item.dataset.registrationId = String(c.registration_id);
        item.append(element("strong", "", fill(text.conflictLine, { name: c.name, date: dayNames[c.day] || c.day })), " ");
        const side = function (template, s) {
          return fill(template, { detail: s.desk || s.by, time: hhmm(s.at), by: s.by });
        };
        // `kept` is null once the check-in that stood was undone.
        const kept = c.kept ? side(text.conflictKept, c.kept) + " " : "";
        item.append(kept + side(text.conflictOther, c.other) + " " + text.conflictAdvice);
        return item;
      })
    );
  }

  // ---------------------------------------------------------------------------------------------
  // The status bar: online or not, what waits, the last sync, the list's age, and a warning when
  // the list is old or the device's clock is off.
  const bar = document.getElementById("desk-sync");
  const stateText = document.getElementById("sync-state");
  const warning = document.getElementById("sync-warning");

  function setOnline(value) {
    const changed = online !== value;
    online = value;
    if (changed) updateStatus();
  }

  function setText(node, value) {
    if (node.textContent !== value) node.textContent = value;
  }

  function updateStatus() {
    const up = online && navigator.onLine !== false;
    bar.dataset.online = up ? "true" : "false";
    bar.dataset.waiting = String(waitingCount);
    stateText.className = "state " + (up ? "online" : "offline");
    setText(stateText, sending ? text.syncSending : up ? text.syncOnline : text.syncOffline);
    setText(document.getElementById("sync-waiting"), fill(text.syncWaiting, { number: waitingCount }));
    setText(document.getElementById("sync-last"), lastSync ? fill(text.syncLast, { time: hhmm(lastSync + (list ? list.offset : 0)) }) : text.syncNever);
    setText(document.getElementById("sync-age"), list ? fill(text.syncAge, { detail: ago(Date.now() - list.fetched_at) }) : "");
    const problems = [];
    if (!list) problems.push(text.syncNoList);
    else {
      if (Date.now() - list.fetched_at > LIST_OLD_MS) problems.push(text.syncListOld);
      if (Math.abs(list.offset) > CLOCK_OFF_MS) problems.push(fill(text.syncClockOff, { time: dateAndTime(correctedNow()) }));
    }
    if (signedOutHere) problems.push(text.signedOutHere);
    else if (sessionEnded) problems.push(text.syncSignedOut);
    else if (syncProblem && waitingCount && up) problems.push(text.syncFailed);
    const words = problems.join(" ");
    warning.hidden = problems.length === 0;
    setText(warning, words);
    bar.dataset.listOld = list && Date.now() - list.fetched_at > LIST_OLD_MS ? "true" : "false";
    bar.dataset.clockOff = list && Math.abs(list.offset) > CLOCK_OFF_MS ? "true" : "false";
    document.getElementById("sync-ready").hidden = !(list && offlineReady);
    bar.dataset.offlineReady = list && offlineReady ? "true" : "false";
  }
  setInterval(updateStatus, 15000);

  // The desk's name, kept on this device.
  const nameField = document.getElementById("desk-name");
  nameField.value = deskName();
  nameField.addEventListener("input", function () {
    try {
      localStorage.setItem("guichet-desk-name", nameField.value.trim());
    } catch (error) {
      /* private browsing without storage: the name lasts as long as the page */
    }
    showConflicts();
  });

  // ---------------------------------------------------------------------------------------------
  // The service worker, and this page and its files in its cache, so that a reload without the
  // network finds them (the worker only caches what it fetches itself after it is active).
  let offlineReady = false;
  const CACHE = "guichet-desk-v1";

  async function keepForOffline() {
    if (!("serviceWorker" in navigator) || !window.caches) return;
    try {
      await navigator.serviceWorker.register("/desk/sw.js", { scope: "/desk/" });
      await navigator.serviceWorker.ready;
      const cache = await caches.open(CACHE);
      const files = [location.pathname].concat(
        Array.from(document.querySelectorAll("link[rel=stylesheet], link[rel=manifest], link[rel=icon], script[src]"), function (node) {
          return node.getAttribute("href") || node.getAttribute("src");
        })
      );
      await Promise.all(
        files.map(async function (file) {
          const response = await fetch(file, { credentials: "same-origin" });
          // Not a sign-in page in the desk's place, nor an error.
          if (response.ok && !response.redirected) await cache.put(file, response);
        })
      );
      offlineReady = true;
    } catch (error) {
      /* offline already, or no worker: the page still works online, and offline until a reload */
    }
    updateStatus();
  }

  // ---------------------------------------------------------------------------------------------
  // Signing out drops the list, the queue and the cached pages: what the device holds about the
  // participants goes with the session. Only once nothing waits to be sent, though: the queue is
  // the only record of who came in while offline, so with scans waiting the page tries to send
  // them first and, if it cannot, refuses to sign out and says why (rather than losing them or
  // leaving them behind for whoever signs in next without saying so).
  const logout = document.getElementById("logout");
  const logoutWaiting = document.getElementById("logout-waiting");
  logout.addEventListener("submit", async function (event) {
    event.preventDefault();
    try {
      if ((await store.queuedEverywhere()) > 0) await sync();
      const waiting = await store.queuedEverywhere();
      if (waiting > 0) {
        logoutWaiting.hidden = false;
        logoutWaiting.textContent = fill(text.logoutWaiting, { number: waiting });
        return;
      }
      await store.forget();
    } catch (error) {
      /* no IndexedDB: nothing kept */
    }
    await dropCachedPages();
    logout.submit();
  });

  // The desk's pages and files kept for offline use.
  async function dropCachedPages() {
    try {
      if (window.caches) {
        const names = await caches.keys();
        await Promise.all(names.filter(function (n) { return n.startsWith("guichet-desk-"); }).map(function (n) { return caches.delete(n); }));
      }
    } catch (error) {
      /* nothing cached */
    }
  }

  // Whether this browser is still signed in, as far as the device can tell without guichet: the
  // marker cookie beside the session (SIGNED_IN_COOKIE in guichet's auth.rs) goes when the
  // browser signs out, from any page, and when the session's time is up. A page the worker
  // served from the cache with no network cannot ask guichet; it asks the cookie.
  function signedIn() {
    return document.cookie.split(";").some(function (c) { return c.trim() === "guichet_signed_in=1"; });
  }

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

  // Start: what this device already holds, then guichet's news.
  (async function start() {
    if (!signedIn()) {
      // Signed out since this page was kept: the participants' list and the cached pages go,
      // the queue stays (the only record of who came in offline) for whoever signs in next.
      signedOutHere = true;
      list = null;
      await store.forgetLists().catch(function () {});
      await dropCachedPages();
      await showQueue();
      updateStatus();
      return;
    }
    try {
      list = (await store.list(slug)) || null;
    } catch (error) {
      list = null;
    }
    showConflicts();
    await showQueue();
    refreshRecent();
    sync();
    keepForOffline();
  })();
})();
