// Turnabout local web chat. Plain JS, no build step, nothing fetched from elsewhere.
// Everything the bot or a person wrote is put on the page with textContent / DOM nodes,
// never innerHTML, so no message can inject markup.
"use strict";

(() => {
  const POLL_MS = 2000;
  const NEW_PERSON = "__new__";
  const STORE_KEY = "turnabout.webchat";
  const TOKEN_KEY = "turnabout.webchat.token";
  const USER_ID = /^[a-z0-9][a-z0-9._-]{0,39}$/;
  const TIMEZONE = (() => {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch { return ""; }
  })();

  const $ = (id) => document.getElementById(id);
  const ui = {
    program: $("program-name"), person: $("person"), newPerson: $("new-person"),
    newName: $("new-name"), newError: $("new-error"), who: $("who"), log: $("log"),
    say: $("say"), input: $("input"), clock: $("demo-clock"), clockNow: $("clock-now"),
    clockDate: $("clock-date"), clockNote: $("clock-note"),
  };
  const state = {
    people: [],          // {id, name, admin, unread}
    current: "",
    // person id -> {nodes: [li], lastId, seen: Set, loaded, polling, lastRead, rows: Map id -> li}
    chats: new Map(),
    queue: Promise.resolve(),  // requests go one at a time, so replies keep their order
    formCount: 0,
    demo: false,
    token: "",           // WEB_CHAT_TOKEN, when the service is on a network address
  };

  const { h, stamp, inline, richText } = window.TurnaboutMarkup;
  const { buildField, showErrors } = window.TurnaboutFields;

  function newRequestId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));  // pages served over plain http
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // ---------- chat log ----------
  function chatOf(id) {
    if (!state.chats.has(id)) {
      state.chats.set(id, { nodes: [], lastId: 0, seen: new Set(), loaded: false, polling: null,
        asking: 0, lastRead: 0, rows: new Map() });
    }
    return state.chats.get(id);
  }

  function append(id, node) {
    chatOf(id).nodes.push(node);
    if (id === state.current) {
      ui.log.append(node);
      node.scrollIntoView({ block: "end" });
    }
  }

  function entry(side, at, ...content) {
    return h("li", { class: `entry ${side}` }, h("div", { class: "bubble" }, content),
      h("span", { class: "time" }, stamp(at)));
  }

  const notice = (text) => h("li", { class: "entry notice", role: "status" }, text);

  // One rendering for history and fresh replies: an entry from the server becomes one <li>.
  function render(id, item, fresh) {
    if (item.kind === "typed") return entry("me", item.at, h("p", { class: "typed" }, item.text));
    if (item.kind === "form") return formEntry(id, item);
    const li = botMessage(id, item);
    if (item.kind === "proactive" && fresh) {
      li.classList.add("new");
      li.querySelector(".time").textContent = `${stamp(item.at)} · new`;
    }
    return li;
  }

  function replaceRow(id, item) {
    const chat = chatOf(id);
    const old = chat.rows.get(item.id);
    if (!old) return;
    const node = render(id, item, old.classList.contains("new"));
    if (old.classList.contains("new")) node.classList.add("new");
    chat.rows.set(item.id, node);
    chat.nodes[chat.nodes.indexOf(old)] = node;
    old.replaceWith(node);
  }

  // Buttons stay live only on the newest message of their kind that nobody answered: a
  // pressed one shows what was pressed, an older one (last week's prompt) shows as expired.
  function signature(buttons) {
    return buttons.map((b) => b.action_id).sort().join(" ");
  }

  function expireOlder(id, sign, keep) {
    for (const node of chatOf(id).nodes) {
      if (node === keep || node.dataset.buttons !== sign || node.dataset.state !== "live") continue;
      closeButtons(node, "Expired: a newer message took its place");
    }
  }

  function closeButtons(node, note, pressed) {
    node.dataset.state = pressed ? "done" : "expired";
    for (const button of node.querySelectorAll(".actions button")) {
      button.disabled = true;
      if (pressed && button.textContent === pressed) button.classList.add("pressed");
    }
    const row = node.querySelector(".actions");
    if (row) row.append(h("span", { class: "done-note" }, note));
  }

  function botMessage(id, item) {
    const message = item.message || {};
    const parts = [];
    if (message.title) parts.push(h("p", { class: "title" }, h("strong", {}, message.title)));
    parts.push(richText(message.text));
    if (message.facts && message.facts.length) {
      parts.push(h("table", { class: "facts" }, h("tbody", {}, message.facts.map((fact) =>
        h("tr", {}, h("th", { scope: "row" }, fact.label), h("td", {}, inline(fact.value)))))));
    }
    if (message.image && /^[A-Za-z0-9+/=]+$/.test(message.image.png_base64)) {
      parts.push(h("img", { class: "chart", alt: message.image.alt,
        src: `data:image/png;base64,${message.image.png_base64}` }));
    }
    if (message.attachment) parts.push(download(message.attachment));
    const buttons = message.buttons || [];
    let row = null;
    if (buttons.length) {
      row = h("div", { class: "actions", role: "group" });
      for (const button of buttons) {
        const node = h("button", { type: "button", class: `btn ${button.style || "default"}` },
          button.label);
        node.addEventListener("click", () => press(id, item.id, li, button));
        row.append(node);
      }
      parts.push(row);
    }
    const li = entry("bot", item.at, parts);
    if (buttons.length) {
      li.dataset.buttons = signature(buttons);
      li.dataset.state = "live";
      if (item.done) closeButtons(li, `Done ✓ · you chose “${item.done}”`, item.done);
    }
    return li;
  }

  // An export's one-time link. It opens in a new tab: the file downloads from there, and a
  // used or expired link shows its explanation there instead of replacing the chat.
  function download(file) {
    const href = file.download_url || `/exports/${encodeURIComponent(file.token)}`;
    const note = h("p", { class: "hint" }, `${file.filename}, ${sizeOf(file.size)}: ` +
      "the link works once, for 24 hours.");
    const link = h("a", { class: "btn primary", href, target: "_blank", rel: "noopener noreferrer" },
      "Download");
    link.addEventListener("click", (event) => {
      if (!state.token) {  // this machine's own address: the plain link works
        note.textContent = `${file.filename}: downloading. The link is used up now.`;
        return;
      }
      event.preventDefault();  // a plain link cannot carry the token header
      fetchFile(href, file, note);
    });
    return h("div", { class: "actions attachment" }, link, note);
  }

  async function fetchFile(href, file, note) {
    try {
      const reply = await call(href);
      if (!reply.ok) {
        note.textContent = reply.status === 410
          ? `${file.filename}: this link was already used or has expired. Type admin export for a fresh one.`
          : `${file.filename}: the download didn't work (HTTP ${reply.status}). Please try again.`;
        return;
      }
      const url = URL.createObjectURL(await reply.blob());
      const save = h("a", { href: url, download: file.filename, hidden: true });
      document.body.append(save);
      save.click();
      save.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      note.textContent = `${file.filename}: downloaded. The link is used up now.`;
    } catch {
      note.textContent = "Couldn't reach Turnabout. Is the service still running?";
    }
  }

  function sizeOf(bytes) {
    const size = Number(bytes) || 0;
    return size < 1024 ? `${size} bytes` : `${Math.round(size / 1024).toLocaleString()} kB`;
  }

  // ---------- talking to the service ----------
  // A networked web chat needs WEB_CHAT_TOKEN on every call. It comes from the address's
  // #token=… fragment (browsers never send a fragment to the server, so no log keeps it) or
  // from a prompt, stays in this tab's sessionStorage, and travels in the Authorization header.
  function loadToken() {
    const match = /(?:^#|&)token=([^&]*)/.exec(location.hash);
    if (match) {
      saveToken(decodeURIComponent(match[1]));
      history.replaceState(null, "", location.pathname + location.search);
    } else {
      try { state.token = sessionStorage.getItem(TOKEN_KEY) || ""; } catch { /* private mode */ }
    }
  }

  function saveToken(token) {
    state.token = token.trim();
    try { sessionStorage.setItem(TOKEN_KEY, state.token); } catch { /* kept in memory only */ }
  }

  // Asked only when the person did something (never from the poll timer).
  function askToken() {
    const given = window.prompt("This web chat needs its access token (WEB_CHAT_TOKEN):", "");
    if (!given || !given.trim()) return false;
    saveToken(given);
    return true;
  }

  async function call(path, options = {}, interactive = true) {
    const headers = { ...(options.headers || {}) };
    if (state.token) headers.Authorization = `Bearer ${state.token}`;
    const reply = await fetch(path, { ...options, headers });
    if (reply.status === 401 && interactive && askToken()) return call(path, options, interactive);
    return reply;
  }

  async function post(id, payload) {
    const person = state.people.find((p) => p.id === id);
    const body = { user: id, timezone: TIMEZONE, request_id: newRequestId(), ...payload };
    if (person) body.name = person.name;
    try {
      const reply = await call("/web/api/events", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      });
      const data = await reply.json().catch(() => ({}));
      if (!reply.ok) {
        append(id, notice(data.error || `The bot couldn't take that (HTTP ${reply.status}).`));
        return null;
      }
      return data;
    } catch {
      append(id, notice("Couldn't reach Turnabout. Is the service still running?"));
      return null;
    }
  }

  function enqueue(task) {
    state.queue = state.queue.then(task, task);
    return state.queue;
  }

  // While the person's own request is under way, what arrives answers it, whichever poll
  // brings it: the timer's poll can be on the wire when the request's welcome is written.
  async function asking(id, task) {
    const chat = chatOf(id);
    chat.asking += 1;
    try {
      await task();
    } finally {
      chat.asking -= 1;
    }
  }

  // What the person typed, the replies and any form arrive through the history (poll), in
  // the order the server stored them; the answer itself only updates rows acted on.
  function settle(id, result) {
    if (!result) return;
    if (result.changed) replaceRow(id, result.changed);
    if (result.forgotten) {  // their history is gone from the server: from the page too
      const chat = chatOf(id);
      chat.nodes = [];
      chat.rows.clear();
      if (id === state.current) ui.log.replaceChildren();
      for (const item of result.entries || []) append(id, render(id, item, false));
      loadPeople().catch(() => null);
    }
  }

  function command(text) {
    const id = state.current;
    if (!id || !text.trim()) return;
    enqueue(() => asking(id, async () => {
      settle(id, await post(id, { command: text }));
      await poll(id, true);
    }));
  }

  function press(id, rowId, li, button) {
    if (li.dataset.state !== "live") return;
    for (const other of li.querySelectorAll(".actions button")) other.disabled = true;
    enqueue(() => asking(id, async () => {
      const result = await post(id, { action_id: button.action_id, value: button.value || "",
        label: button.label, message_id: rowId });
      if (result) settle(id, result);
      else for (const other of li.querySelectorAll(".actions button")) other.disabled = false;
      await poll(id, true);
    }));
  }

  // `own`: this poll follows the person's own request, so what arrives answers it (a welcome
  // after the survey) rather than arriving later; only the latter is marked new.
  // A poll for the person's own request never skips: it runs after the one on the wire, so
  // it sees what the request left in the inbox. The timer's poll skips while one runs.
  function poll(id, own = false) {
    if (!id) return Promise.resolve();
    const chat = chatOf(id);
    if (chat.polling && !own) return chat.polling;
    const run = (chat.polling || Promise.resolve()).then(() => pollOnce(id, own));
    chat.polling = run;
    run.finally(() => {
      if (chat.polling === run) chat.polling = null;
    });
    return run;
  }

  async function pollOnce(id, own) {
    const chat = chatOf(id);
    try {
      const query = new URLSearchParams({ user: id, after: String(chat.lastId) });
      const reply = await call(`/web/api/inbox?${query}`, {}, false);
      if (!reply.ok) return;
      const data = await reply.json();
      if (!chat.loaded) chat.lastRead = data.last_read || 0;
      for (const item of data.entries || []) {
        chat.lastId = Math.max(chat.lastId, item.id);
        if (chat.seen.has(item.id)) continue;
        chat.seen.add(item.id);
        const node = render(id, item, !own && !chat.asking && item.id > chat.lastRead);
        chat.rows.set(item.id, node);
        append(id, node);
        if (node.dataset.buttons && node.dataset.state === "live") {
          expireOlder(id, node.dataset.buttons, node);
        }
      }
      chat.loaded = true;
      if (id === state.current && chat.lastId > chat.lastRead) await markRead(id, chat.lastId);
    } catch {
      // The service may be restarting; the next poll tries again.
    }
  }

  async function markRead(id, upto) {
    const chat = chatOf(id);
    chat.lastRead = upto;
    await call("/web/api/read", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ user: id, upto }),
    }, false).catch(() => null);
  }

  // ---------- forms ----------
  // A form is one entry: errors land on it in place, and once sent it becomes a read-only
  // summary of the answers. Only the newest open form can be sent.
  function formEntry(id, item) {
    const form = item.form || {};
    const li = h("li", { class: "entry bot wide" });
    li.dataset.form = "open";
    if (item.state !== "open") {
      li.dataset.form = item.state;
      li.append(formSummary(form, item), h("span", { class: "time" }, stamp(item.at)));
      return li;
    }
    for (const other of chatOf(id).nodes) {
      if (other.dataset.form === "open" && other.supersede) other.supersede();
    }
    const prefix = `f${++state.formCount}`;
    const node = h("form", { class: "card form", novalidate: true, "aria-label": form.title });
    const fields = new Map();
    node.append(h("h2", {}, form.title));
    if (form.intro) node.append(richText(form.intro));
    for (const field of form.fields) {
      // A people field picks among the web chat's people, never oneself.
      const shown = field.kind !== "people" ? field : {
        ...field, kind: "multi_choice",
        choices: state.people.filter((p) => p.id !== state.current)
          .map((p) => ({ value: p.id, label: p.name })),
      };
      const control = buildField(shown, form.values || {}, `${prefix}-${field.name}`);
      fields.set(field.name, control);
      node.append(control.wrapper);
    }
    const summary = h("p", { class: "form-error", role: "alert", hidden: true });
    const submit = h("button", { type: "submit", class: "btn primary" }, form.submit_label || "Submit");
    node.append(summary, h("div", { class: "form-actions" }, submit));
    node.addEventListener("submit", (event) => {
      event.preventDefault();
      if (li.dataset.form !== "open") return;
      submit.disabled = true;
      const values = {};
      for (const [name, control] of fields) values[name] = control.value();
      enqueue(() => asking(id, async () => {
        const result = await post(id, { form_id: form.form_id, values, context: form.context || "",
          message_id: item.id });
        submit.disabled = false;
        if (!result) return;
        showErrors(fields, summary, result.errors || {});
        settle(id, result);
        await poll(id, true);
      }));
    });
    li.supersede = () => replaceRow(id, { ...item, state: "superseded" });
    li.append(node, h("span", { class: "time" }, stamp(item.at)));
    return li;
  }

  function formSummary(form, item) {
    const saved = item.state === "saved";
    const box = h("div", { class: `card form collapsed ${saved ? "saved" : "superseded"}` },
      h("p", { class: "saved-title" }, h("strong", {}, form.title || "Form"), " · ",
        saved ? "Saved ✓ · your answers" : "Replaced by a newer form"));
    if (saved && item.answers && item.answers.length) {
      box.append(h("table", { class: "facts" }, h("tbody", {}, item.answers.map((a) =>
        h("tr", {}, h("th", { scope: "row" }, a.label), h("td", {}, a.value))))));
    }
    return box;
  }

  // ---------- people ----------
  function remembered() {
    try { return JSON.parse(localStorage.getItem(STORE_KEY) || "{}"); } catch { return {}; }
  }

  function remember() {
    try {
      localStorage.setItem(STORE_KEY, JSON.stringify({ current: state.current }));
    } catch { /* private mode: nothing is remembered, everything still works */ }
  }

  function label(person) {
    const name = person.admin && !/admin/i.test(person.name) ? `${person.name} (admin)` : person.name;
    return person.unread && person.id !== state.current ? `${name} · ${person.unread} new` : name;
  }

  function fillPeople() {
    ui.person.replaceChildren(
      ...state.people.map((p) => h("option", { value: p.id }, label(p))),
      h("option", { value: NEW_PERSON }, "Someone new…"));
    ui.person.value = state.current;
  }

  // Everyone under Act as, with how many messages each has not seen: from the server, so
  // people added in one browser are there in every other.
  async function loadPeople() {
    const reply = await call("/web/api/people", {}, false);
    const body = await reply.json().catch(() => ({}));
    if (!reply.ok) throw new Error(body.error || `HTTP ${reply.status}`);
    state.people = body.people || [];
    if (document.activeElement !== ui.person) fillPeople();
    return body;
  }

  function switchTo(id) {
    const person = state.people.find((p) => p.id === id) || state.people[0];
    if (!person) return;
    state.current = person.id;
    person.unread = 0;
    fillPeople();
    ui.newPerson.hidden = true;
    ui.who.textContent = `You're ${label(person)} · id “${person.id}”`;
    const chat = chatOf(person.id);
    ui.log.replaceChildren(...chat.nodes);
    const last = chat.nodes[chat.nodes.length - 1];
    if (last) last.scrollIntoView({ block: "end" });
    remember();
    if (!chat.loaded) {
      poll(person.id).then(() => {
        if (!chat.nodes.length) {
          append(person.id, notice("New here? Press join to sign up, or help to learn more."));
        }
      });
    }
    ui.input.focus();
  }

  function slug(name) {
    return name.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9._-]+/g, "-").replace(/^[^a-z0-9]+/, "").slice(0, 40).replace(/-+$/, "");
  }

  async function addPerson(event) {
    event.preventDefault();
    const name = ui.newName.value.trim().slice(0, 40);
    const id = slug(name);
    const problem = (text) => { ui.newError.textContent = text; ui.newError.hidden = false; };
    if (!USER_ID.test(id)) return problem("Please use a name with at least one letter or digit.");
    ui.newError.hidden = true;
    if (!state.people.some((p) => p.id === id)) {
      const reply = await call("/web/api/people", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ user: id, name }),
      }).catch(() => null);
      if (!reply || !reply.ok) return problem("Couldn't add them. Is the service still running?");
      await loadPeople();
    }
    ui.newName.value = "";
    switchTo(id);
  }

  // ---------- the demo clock (turnabout demo only) ----------
  async function showClock() {
    const reply = await call("/web/api/clock", {}, false).catch(() => null);
    if (!reply || !reply.ok) return;
    const data = await reply.json();
    ui.clockNow.textContent = stamp(data.now);
    ui.clockDate.min = data.now.slice(0, 10);
  }

  async function moveClock(body) {
    for (const b of ui.clock.querySelectorAll("button")) b.disabled = true;
    ui.clockNote.textContent = "Moving time; the program runs its jobs for each day…";
    try {
      const reply = await call("/web/api/clock", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      });
      const data = await reply.json().catch(() => ({}));
      if (!reply.ok) {
        ui.clockNote.textContent = data.error || `That didn't work (HTTP ${reply.status}).`;
        return;
      }
      ui.clockNote.textContent = `${data.days} ${data.days === 1 ? "day" : "days"} later: `
        + `${data.sent} ${data.sent === 1 ? "message" : "messages"} sent (prompts, nudges, polls…).`;
      await showClock();
      await loadPeople();
      await poll(state.current);
    } catch {
      ui.clockNote.textContent = "Couldn't reach Turnabout. Is the service still running?";
    } finally {
      for (const b of ui.clock.querySelectorAll("button")) b.disabled = false;
    }
  }

  async function start() {
    window.TurnaboutMarkup.onChip = (text) => { ui.input.value = text; ui.input.focus(); };
    loadToken();
    let data = { people: [], program: "Turnabout", demo: false };
    try {
      data = await loadPeople();
    } catch (error) {
      ui.who.textContent = `${error.message || "Couldn't reach Turnabout."} Reload the page to try again.`;
    }
    ui.program.textContent = data.program;
    document.title = `${data.program} web chat`;
    const saved = remembered();
    state.current = state.people.some((p) => p.id === saved.current) ? saved.current
      : (state.people[0] && state.people[0].id) || "";
    fillPeople();
    if (state.people.length) switchTo(state.current);
    else { ui.newPerson.hidden = false; ui.newName.focus(); }
    state.demo = Boolean(data.demo);
    ui.clock.hidden = !state.demo;
    if (state.demo) {
      showClock();
      $("clock-day").addEventListener("click", () => moveClock({ step: "day" }));
      $("clock-week").addEventListener("click", () => moveClock({ step: "week" }));
      $("clock-jump").addEventListener("submit", (event) => {
        event.preventDefault();
        if (ui.clockDate.value) moveClock({ to: ui.clockDate.value });
      });
    }

    ui.person.addEventListener("change", () => {
      if (ui.person.value !== NEW_PERSON) return switchTo(ui.person.value);
      ui.newPerson.hidden = false;
      ui.newName.focus();
    });
    ui.newPerson.addEventListener("submit", addPerson);
    $("new-cancel").addEventListener("click", () => switchTo(state.current));
    ui.say.addEventListener("submit", (event) => {
      event.preventDefault();
      command(ui.input.value);
      ui.input.value = "";
    });
    for (const quick of document.querySelectorAll("[data-command]")) {
      quick.addEventListener("click", () => command(quick.dataset.command));
    }
    setInterval(() => {
      if (document.hidden) return;
      poll(state.current);
      loadPeople().catch(() => null);
    }, POLL_MS);
  }

  document.addEventListener("DOMContentLoaded", start);
})();
