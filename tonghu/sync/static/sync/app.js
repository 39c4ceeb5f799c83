/* tonghu offline app (issue 16; docs/offline.md).
 *
 * The village's data and the queue of work recorded offline live in IndexedDB, encrypted with AES-GCM (WebCrypto)
 * under a key the server releases after login. A copy of that key is kept wrapped under a key derived from the
 * user's PIN (PBKDF2), so the app reopens with no connection after the PIN is entered. Every queued item carries a
 * UUID made here and the version it was based on; the server replays it through the same services as the forms and
 * answers accepted / duplicate / conflict / refused. Nothing is overwritten silently: a conflict waits for the
 * director's choice.
 */
(function () {
  "use strict";
  const CONFIG = JSON.parse(document.getElementById("tonghu-config").textContent);
  const T = JSON.parse(document.getElementById("tonghu-strings").textContent);
  const DB_NAME = "tonghu-offline";
  const PBKDF2_ROUNDS = 210000;
  const main = document.getElementById("main");
  let dbPromise = null;
  let dataKey = null; // CryptoKey (AES-GCM) while the app is open
  let bundle = null; // the decrypted village data
  let syncing = false;

  // ------------------------------------------------------------------------------------------ storage
  function db() {
    if (!dbPromise) {
      dbPromise = idb.openDB(DB_NAME, 1, {
        upgrade(d) {
          d.createObjectStore("meta");
          d.createObjectStore("queue", { keyPath: "uuid" });
        },
      });
    }
    return dbPromise;
  }
  const b64 = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)));
  const unb64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

  async function encrypt(value) {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = new TextEncoder().encode(JSON.stringify(value));
    const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, dataKey, data);
    return { iv: b64(iv), ct: b64(ct) };
  }
  async function decrypt(box) {
    const pt = await crypto.subtle.decrypt({ name: "AES-GCM", iv: unb64(box.iv) }, dataKey, unb64(box.ct));
    return JSON.parse(new TextDecoder().decode(pt));
  }
  async function pinKey(pin, salt) {
    const base = await crypto.subtle.importKey("raw", new TextEncoder().encode(pin), "PBKDF2", false, ["deriveKey"]);
    return crypto.subtle.deriveKey({ name: "PBKDF2", salt, iterations: PBKDF2_ROUNDS, hash: "SHA-256" }, base,
      { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  }
  async function importRaw(raw) {
    return crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
  }

  async function wipe(message) {
    dataKey = null;
    bundle = null;
    if (dbPromise) { (await dbPromise).close(); dbPromise = null; }
    await new Promise((resolve) => {
      const req = indexedDB.deleteDatabase(DB_NAME);
      req.onsuccess = req.onerror = req.onblocked = () => resolve();
    });
    if (message) toast(message, "warning");
  }

  // ------------------------------------------------------------------------------------------ the key
  async function askPin(prompt) {
    return new Promise((resolve) => {
      main.innerHTML = `<form class="card card-body" data-testid="pin-form">
        <label class="form-label" for="pin">${esc(prompt)}</label>
        <input id="pin" class="form-control mb-2" type="password" inputmode="numeric" pattern="[0-9]{4,8}" minlength="4" maxlength="8" required autocomplete="off">
        <button class="btn btn-primary" type="submit">${esc(T.pin_ok)}</button></form>`;
      main.querySelector("form").addEventListener("submit", (e) => {
        e.preventDefault();
        const pin = main.querySelector("#pin").value;
        if (/^[0-9]{4,8}$/.test(pin)) resolve(pin);
      });
      main.querySelector("#pin").focus();
    });
  }

  async function openKey() {
    const d = await db();
    const wrapped = await d.get("meta", "wrapped");
    if (navigator.onLine) {
      try {
        const r = await fetch(CONFIG.key_url, { credentials: "same-origin", cache: "no-store" });
        if (r.ok && (r.headers.get("content-type") || "").includes("json")) {
          const k = await r.json();
          const raw = unb64(k.key);
          if (wrapped && wrapped.generation !== k.generation) {
            // the server rotated the key (a logout elsewhere): nothing kept under the old one can be trusted
            await wipe();
            return openKey();
          }
          dataKey = await importRaw(raw);
          if (!wrapped) {
            const pin = await askPin(T.pin_set);
            const salt = crypto.getRandomValues(new Uint8Array(16));
            const iv = crypto.getRandomValues(new Uint8Array(12));
            const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await pinKey(pin, salt), raw);
            await (await db()).put("meta", { salt: b64(salt), iv: b64(iv), ct: b64(ct), generation: k.generation }, "wrapped");
          }
          return true;
        }
      } catch (e) { /* no connection after all: fall through to the PIN */ }
    }
    if (!wrapped) { main.innerHTML = `<div class="alert alert-warning">${esc(T.need_login)}</div>`; return false; }
    for (;;) {
      const pin = await askPin(T.pin_enter);
      try {
        const raw = await crypto.subtle.decrypt({ name: "AES-GCM", iv: unb64(wrapped.iv) }, await pinKey(pin, unb64(wrapped.salt)), unb64(wrapped.ct));
        dataKey = await importRaw(raw);
        return true;
      } catch (e) { toast(T.pin_wrong, "danger"); }
    }
  }

  // ------------------------------------------------------------------------------------------ data
  async function loadBundle() {
    const box = await (await db()).get("meta", "bundle");
    bundle = box ? await decrypt(box) : null;
  }
  async function saveBundle(b) {
    bundle = b;
    await (await db()).put("meta", await encrypt(b), "bundle");
  }
  async function queueAll() {
    const rows = await (await db()).getAll("queue");
    const out = [];
    for (const row of rows) out.push(Object.assign({ uuid: row.uuid, seq: row.seq, status: row.status, message: row.message || "", theirs: row.theirs || null }, { item: await decrypt(row.box) }));
    return out.sort((a, b) => a.seq - b.seq);
  }
  async function queuePut(item, status, extra) {
    const row = Object.assign({ uuid: item.uuid, seq: item.seq, status: status || "waiting", box: await encrypt(item) }, extra || {});
    await (await db()).put("queue", row);
  }
  async function queueDelete(uuid) { await (await db()).delete("queue", uuid); }

  // ------------------------------------------------------------------------------------------ sync
  function csrf() {
    const input = document.querySelector("#logout-form input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  const CHUNK = 5; // items per request: a dropped connection loses at most this much progress

  async function sync() {
    if (syncing || !dataKey) return;
    if (!navigator.onLine) { renderStatus(); return; }
    syncing = true;
    renderStatus();
    try {
      const pending = (await queueAll()).filter((q) => q.status === "waiting" || q.status === "discard");
      for (let i = 0; i < pending.length; i += CHUNK) {
        const part = pending.slice(i, i + CHUNK);
        const items = part.map((q) => (q.status === "discard" ? { uuid: q.uuid, kind: "discard" } : q.item));
        const r = await fetch(CONFIG.push_url, {
          method: "POST", credentials: "same-origin", cache: "no-store",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() }, body: JSON.stringify({ items }),
        });
        if (!r.ok || !(r.headers.get("content-type") || "").includes("json")) throw new Error("push " + r.status);
        const { results } = await r.json();
        for (const res of results) {
          const q = part.find((x) => x.uuid === res.uuid);
          if (!q) continue;
          if (res.status === "accepted" || res.status === "duplicate" || res.status === "discarded") await queueDelete(q.uuid);
          else await queuePut(q.item, res.status, { message: res.message, theirs: res.theirs || null });
        }
      }
      const r = await fetch(CONFIG.bundle_url, { credentials: "same-origin", cache: "no-store" });
      if (r.ok && (r.headers.get("content-type") || "").includes("json")) {
        await saveBundle(await r.json());
        await (await db()).put("meta", Date.now(), "last_sync");
        toast(T.synced, "success");
      }
    } catch (e) {
      toast(T.offline, "warning");
    } finally {
      syncing = false;
      await route();
    }
  }

  // ------------------------------------------------------------------------------------------ recording
  const HOME_FIELDS = ["people_met", "living_conditions", "guardianship", "schooling", "health", "psychology", "measures", "notes"];
  const REQUIRED_HOME = ["people_met", "living_conditions", "guardianship", "schooling", "health", "psychology"];

  async function compress(file) {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, 1280 / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.7));
    return { name: (file.name || "photo").replace(/\.[^.]*$/, "") + ".jpg", type: "image/jpeg", data: b64(await blob.arrayBuffer()) };
  }

  async function enqueue(kind, childId, data, extra) {
    const item = Object.assign({ uuid: crypto.randomUUID(), seq: Date.now() + Math.random(), kind, child: childId,
      recorded_at: new Date().toISOString(), data }, extra || {});
    await queuePut(item, "waiting");
    // the list shows the work as done (waiting to be sent) straight away
    const c = bundle && bundle.children.find((x) => x.id === childId);
    if (c && (kind === "contact" || kind === "home_visit")) {
      c.tasks[kind] = Object.assign({}, c.tasks[kind] || {}, { pending: data.date });
      await saveBundle(bundle);
    }
    toast(T.saved, "success");
    await renderStatus();
    if (navigator.onLine) sync();
  }

  // ------------------------------------------------------------------------------------------ views
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch]));
  }
  function options(map, selected) {
    return Object.entries(map).map(([v, l]) => `<option value="${esc(v)}"${v === selected ? " selected" : ""}>${esc(l)}</option>`).join("");
  }
  function toast(text, kind) {
    const el = document.getElementById("toast");
    el.className = `alert alert-${kind || "info"} position-fixed bottom-0 start-0 end-0 m-2`;
    el.textContent = text;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => el.classList.add("d-none"), 4000);
  }
  async function renderStatus() {
    const net = document.getElementById("net");
    net.textContent = syncing ? T.syncing : navigator.onLine ? T.online : T.offline;
    net.className = "badge " + (navigator.onLine ? "text-bg-success" : "text-bg-secondary");
    if (dataKey) {
      const q = await (await db()).count("queue");
      document.getElementById("qcount").textContent = q ? String(q) : "";
      const last = await (await db()).get("meta", "last_sync");
      document.querySelector("[data-testid=last-sync]").textContent = `${T.last_sync}: ${last ? new Date(last).toLocaleString() : T.never}`;
    }
  }
  function taskState(t, today) {
    if (!t) return "";
    if (t.pending) return "pending";
    if (t.due < today) return "overdue";
    if (t.opens <= today) return "due";
    return "";
  }

  function viewTasks() {
    const today = bundle.today;
    const rows = [];
    for (const c of bundle.children) {
      for (const kind of ["contact", "home_visit"]) {
        const t = c.tasks[kind];
        const state = taskState(t, today);
        if (state === "overdue" || state === "due") rows.push({ c, kind, t, state });
      }
    }
    rows.sort((a, b) => (a.t.due < b.t.due ? -1 : 1));
    main.innerHTML = `<h1 class="h5">${esc(T.tasks)} <small class="text-muted">${esc(bundle.today)}</small></h1>` +
      (rows.length ? rows.map(({ c, kind, t, state }) => `
        <div class="card mb-2 task-${state}" data-testid="task">
          <div class="card-body p-2 d-flex justify-content-between align-items-center gap-2">
            <div><a href="#child/${c.id}" class="fw-bold">${esc(c.name)}</a>
              <div class="small">${esc(bundle.choices.kind[kind])} · ${esc(state === "overdue" ? T.overdue : T.due)} ${esc(t.due)}</div></div>
            ${bundle.can_record ? `<a class="btn btn-primary btn-sm" href="#record/${c.id}/${kind}" data-testid="record-${kind}">${esc(kind === "contact" ? T.record_contact : T.record_visit)}</a>` : ""}
          </div></div>`).join("") : `<p class="text-muted">${esc(T.no_tasks)}</p>`);
  }

  function viewChildren() {
    main.innerHTML = `<h1 class="h5">${esc(T.children)} (${bundle.children.length})</h1><div class="list-group">` +
      bundle.children.map((c) => `<a class="list-group-item list-group-item-action" href="#child/${c.id}" data-testid="child-row">
        <span class="fw-bold">${esc(c.name)}</span> <span class="small text-muted">${esc(c.sex)} ${c.age == null ? "" : esc(c.age) + esc(T.age)} · ${esc(c.categories.join("、"))}</span></a>`).join("") + "</div>";
  }

  function viewChild(id) {
    const c = bundle.children.find((x) => x.id === id);
    if (!c) { location.hash = "#children"; return; }
    const task = (kind, label) => {
      const t = c.tasks[kind];
      if (!t) return "";
      return `<li>${esc(label)}：${esc(t.pending ? T.waiting + " " + t.pending : t.due)}${t.last ? ` <span class="text-muted small">(${esc(t.last)})</span>` : ""}</li>`;
    };
    main.innerHTML = `<p class="small"><a href="#children">← ${esc(T.back)}</a></p>
      <h1 class="h5" data-testid="child-name">${esc(c.name)}</h1>
      <p class="small">${esc(c.sex)} ${c.age == null ? "" : esc(c.age) + esc(T.age)} · ${esc(c.categories.join("、"))}<br>${esc(c.village)} ${esc(c.address)}</p>
      <ul class="small">${task("contact", T.next_contact)}${task("home_visit", T.next_visit)}</ul>
      <h2 class="h6">${esc(T.guardians)}</h2>
      <ul class="list-unstyled">${c.guardians.map((g) => `<li class="mb-1" data-testid="guardian">${esc(g.name)}（${esc(g.relation)}）
        ${g.phone ? `<a class="btn btn-outline-primary btn-sm" href="tel:${esc(g.phone)}">${esc(g.phone)}</a>` : ""}
        ${bundle.can_edit ? `<a class="btn btn-link btn-sm" href="#phone/${c.id}/${g.id}" data-testid="edit-phone">${esc(T.edit_phone)}</a>` : ""}</li>`).join("")}</ul>
      ${c.problems.length ? `<h2 class="h6">${esc(T.open_problems)}</h2><ul class="small">${c.problems.map((p) => `<li>${esc(p.category)}：${esc(p.description)}（${esc(p.due)}）</li>`).join("")}</ul>` : ""}
      ${bundle.can_record ? `<div class="d-flex gap-2"><a class="btn btn-primary" href="#record/${c.id}/contact" data-testid="child-record-contact">${esc(T.record_contact)}</a>
        <a class="btn btn-outline-primary" href="#record/${c.id}/home_visit" data-testid="child-record-visit">${esc(T.record_visit)}</a></div>` : ""}
      ${viewCensusFor(c)}`;
    main.querySelectorAll("[data-census]").forEach((btn) => btn.addEventListener("click", async () => {
      const [part, outcome] = btn.dataset.census.split(":");
      const campaign = bundle.census.find((x) => String(x.part) === part);
      await enqueue("census", c.id, { part: Number(part), outcome });
      if (campaign) { campaign.confirmed[String(c.id)] = outcome; await saveBundle(bundle); }
      route();
    }));
  }

  function viewCensusFor(c) {
    if (!bundle.census.length || !bundle.can_record) return "";
    return bundle.census.map((k) => `<div class="card card-body mt-3"><h2 class="h6">${esc(T.census)}：${esc(k.name)}</h2>
      ${k.confirmed[String(c.id)] ? `<p class="mb-0">${esc(bundle.choices.census_outcome[k.confirmed[String(c.id)]])}</p>` :
        `<div class="d-flex flex-wrap gap-2">${["present", "updated", "moved"].map((o) => `<button class="btn btn-outline-success btn-sm" type="button" data-census="${k.part}:${o}" data-testid="census-${o}">${esc(bundle.choices.census_outcome[o])}</button>`).join("")}</div>`}</div>`).join("");
  }

  function viewRecord(id, kind) {
    const c = bundle.children.find((x) => x.id === id);
    if (!c) { location.hash = "#tasks"; return; }
    const today = bundle.today;
    const text = (name, required) => `<div class="mb-2"><label class="form-label small mb-0" for="f-${name}">${esc(T[name])}${required ? ' <span class="text-danger">*</span>' : ""}</label>
      <textarea id="f-${name}" name="${name}" class="form-control" rows="2"${required ? " required" : ""}></textarea></div>`;
    main.innerHTML = `<p class="small"><a href="#child/${c.id}">← ${esc(c.name)}</a></p>
      <h1 class="h5">${esc(kind === "contact" ? T.record_contact : T.record_visit)}：${esc(c.name)}</h1>
      <form id="record" novalidate data-testid="record-form">
        <div class="mb-2"><label class="form-label small mb-0" for="f-date">${esc(T.date)}</label>
          <input id="f-date" name="date" type="date" class="form-control" value="${esc(today)}" max="${esc(today)}" required></div>
        ${kind === "contact" ? `
          <div class="mb-2"><label class="form-label small mb-0" for="f-method">${esc(T.method)}</label>
            <select id="f-method" name="method" class="form-select">${options(bundle.choices.method, "phone")}</select></div>
          <div class="mb-2"><label class="form-label small mb-0" for="f-contacted_person">${esc(T.contacted_person)} <span class="text-danger">*</span></label>
            <input id="f-contacted_person" name="contacted_person" class="form-control" required></div>
          ${text("notes")}` : `
          ${HOME_FIELDS.map((f) => text(f, REQUIRED_HOME.includes(f))).join("")}
          <div class="mb-2"><label class="form-label small mb-0" for="f-caregiver_performance">${esc(T.caregiver_performance)}</label>
            <select id="f-caregiver_performance" name="caregiver_performance" class="form-select"><option value=""></option>${options(bundle.choices.rating, "")}</select></div>
          <div class="mb-2"><label class="form-label small mb-0" for="f-photo">${esc(T.photo)}</label>
            <input id="f-photo" name="photo" type="file" accept="image/*" capture="environment" class="form-control" multiple></div>`}
        <fieldset class="border rounded p-2 mb-2"><legend class="fs-6 px-1 w-auto">${esc(T.problem)}</legend>
          <select name="problem_category" class="form-select mb-1" aria-label="${esc(T.problem_category)}"><option value="">${esc(T.none)}</option>${options(bundle.choices.problem_category, "")}</select>
          <textarea name="problem_description" class="form-control mb-1" rows="2" aria-label="${esc(T.problem)}"></textarea>
          <select name="severity" class="form-select" aria-label="${esc(T.severity)}">${options(bundle.choices.severity, "low")}</select></fieldset>
        <div class="form-check mb-2"><input class="form-check-input" type="checkbox" id="f-harm" name="harm_found"><label class="form-check-label" for="f-harm">${esc(T.harm_found)}</label></div>
        <div class="mb-2"><label class="form-label small mb-0" for="f-harm_description">${esc(T.harm_description)}</label>
          <textarea id="f-harm_description" name="harm_description" class="form-control" rows="2"></textarea></div>
        <div id="form-errors" class="text-danger small mb-2" role="alert"></div>
        <button class="btn btn-primary w-100" type="submit" data-testid="save-offline">${esc(T.save_offline)}</button>
      </form>`;
    main.querySelector("#record").addEventListener("submit", async (e) => {
      e.preventDefault();
      const f = e.target;
      const missing = [...f.querySelectorAll("[required]")].filter((el) => !el.value.trim());
      if (missing.length) {
        f.querySelector("#form-errors").textContent = missing.map((el) => f.querySelector(`label[for=${el.id}]`).textContent.replace("*", "").trim() + "：" + T.required).join("；");
        missing[0].focus();
        return;
      }
      const data = { date: f.date.value };
      if (kind === "contact") {
        data.method = f.method.value;
        data.contacted_person = f.contacted_person.value.trim();
        data.notes = f.notes.value.trim();
      } else {
        for (const name of HOME_FIELDS) data[name] = f[name].value.trim();
        data.caregiver_performance = f.caregiver_performance.value;
        data.photos = [];
        for (const file of f.photo.files) data.photos.push(await compress(file));
      }
      if (f.problem_category.value && f.problem_description.value.trim()) {
        data.problems = [{ category: f.problem_category.value, description: f.problem_description.value.trim(), severity: f.severity.value }];
      }
      if (f.harm_found.checked) {
        data.harm_found = true;
        data.harm_description = f.harm_description.value.trim();
      }
      await enqueue(kind, c.id, data);
      location.hash = "#tasks";
    });
  }

  function viewPhone(childId, guardianId) {
    const c = bundle.children.find((x) => x.id === childId);
    const g = c && c.guardians.find((x) => x.id === guardianId);
    if (!g) { location.hash = "#children"; return; }
    main.innerHTML = `<p class="small"><a href="#child/${c.id}">← ${esc(c.name)}</a></p>
      <h1 class="h5">${esc(T.edit_phone)}：${esc(g.name)}</h1>
      <form id="phone-form"><input name="phone" class="form-control mb-2" type="tel" value="${esc(g.phone)}" data-testid="phone-input">
      <button class="btn btn-primary w-100" type="submit" data-testid="phone-save">${esc(T.save_offline)}</button></form>`;
    main.querySelector("#phone-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const phone = e.target.phone.value.trim();
      await enqueue("guardian_phone", c.id, { guardian: g.id, phone }, { base_version: g.version });
      g.phone = phone;
      await saveBundle(bundle);
      location.hash = `#child/${c.id}`;
    });
  }

  async function viewQueue() {
    const rows = await queueAll();
    const name = (id) => { const c = bundle && bundle.children.find((x) => x.id === id); return c ? c.name : "#" + id; };
    const label = (q) => (bundle && bundle.choices.kind[q.item.kind]) || (q.item.kind === "guardian_phone" ? T.edit_phone : q.item.kind === "census" ? T.census : q.item.kind);
    main.innerHTML = `<h1 class="h5">${esc(T.queue)} (${rows.length})</h1>` + (rows.length ? rows.map((q) => `
      <div class="card mb-2 q-${esc(q.status)}" data-testid="queue-item" data-status="${esc(q.status)}"><div class="card-body p-2">
        <div class="fw-bold">${esc(name(q.item.child))} · ${esc(label(q))} <span class="badge text-bg-light">${esc(T[q.status] || T.waiting)}</span></div>
        <div class="small text-muted">${esc(q.item.data && q.item.data.date ? q.item.data.date : q.item.recorded_at.slice(0, 10))}</div>
        ${q.message ? `<div class="small">${esc(q.message)}</div>` : ""}
        ${q.status === "conflict" ? `<div class="small mt-1">${esc(T.my_value)}：${esc(JSON.stringify(q.item.data.phone || q.item.data.status || ""))} ·
           ${esc(T.server_value)}：${esc(JSON.stringify((q.theirs && (q.theirs.phone || q.theirs.status)) || ""))}</div>
          <div class="d-flex gap-2 mt-1"><button class="btn btn-primary btn-sm" data-mine="${esc(q.uuid)}" data-testid="keep-mine">${esc(T.keep_mine)}</button>
          <button class="btn btn-outline-secondary btn-sm" data-theirs="${esc(q.uuid)}" data-testid="keep-theirs">${esc(T.keep_theirs)}</button></div>` : ""}
      </div></div>`).join("") : `<p class="text-muted">${esc(T.empty_queue)}</p>`);
    main.querySelectorAll("[data-mine]").forEach((btn) => btn.addEventListener("click", async () => {
      const q = rows.find((x) => x.uuid === btn.dataset.mine);
      if (q.theirs && q.theirs.version != null) q.item.base_version = q.theirs.version;
      if (q.theirs && q.theirs.status) q.item.base_status = q.theirs.status;
      await queuePut(q.item, "waiting");
      sync();
    }));
    main.querySelectorAll("[data-theirs]").forEach((btn) => btn.addEventListener("click", async () => {
      const q = rows.find((x) => x.uuid === btn.dataset.theirs);
      await queuePut(q.item, "discard");
      sync();
    }));
  }

  async function route() {
    await renderStatus();
    if (!dataKey) return;
    if (!bundle) { main.innerHTML = `<div class="alert alert-warning">${esc(T.need_login)}</div>`; return; }
    const [view, a, b] = (location.hash.replace(/^#/, "") || "tasks").split("/");
    if (view === "children") viewChildren();
    else if (view === "child") viewChild(Number(a));
    else if (view === "record") viewRecord(Number(a), b === "home_visit" ? "home_visit" : "contact");
    else if (view === "phone") viewPhone(Number(a), Number(b));
    else if (view === "queue") await viewQueue();
    else viewTasks();
  }

  // ------------------------------------------------------------------------------------------ start
  async function start() {
    const last = await (await db()).get("meta", "last_sync");
    const limitDays = (await (await db()).get("meta", "wipe_after_days")) || 14;
    if (last && Date.now() - last > limitDays * 86400000) await wipe(T.wipe_expired.replace("%(n)s", limitDays));
    if (!(await openKey())) return;
    await loadBundle();
    if (bundle) await (await db()).put("meta", bundle.wipe_after_days, "wipe_after_days");
    window.addEventListener("hashchange", route);
    window.addEventListener("online", () => sync());
    window.addEventListener("offline", renderStatus);
    document.getElementById("sync").addEventListener("click", () => sync());
    document.getElementById("logout").addEventListener("click", async () => {
      await sync();
      const left = dataKey ? await (await db()).count("queue") : 0;
      if (left && !confirm(`${T.queue}: ${left}. ${T.logout}?`)) return;
      await wipe();
      document.getElementById("logout-form").submit();
    });
    if (navigator.onLine) await sync(); else await route();
    // the worker installs once the day's data is in (not while the first sync runs: one thing at a time on a weak link)
    await registerWorker();
  }

  async function registerWorker() {
    if ("serviceWorker" in navigator) {
      try {
        const reg = await navigator.serviceWorker.register(CONFIG.sw_url, { scope: CONFIG.scope });
        // a new release waits until the queue is empty, then takes over (never in the middle of a save)
        reg.addEventListener("updatefound", () => {
          const worker = reg.installing;
          worker && worker.addEventListener("statechange", async () => {
            if (worker.state === "installed" && navigator.serviceWorker.controller && !(await (await db()).count("queue"))) worker.postMessage("skipWaiting");
          });
        });
      } catch (e) { /* the app still works online without it */ }
    }
  }
  window.tonghuOffline = { sync, wipe, queueAll, enqueue };  // for the tests and the throttled benchmark
  start();
})();
