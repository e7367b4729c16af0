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
  const INLINE = /`([^`\n]+)`|\*([^*\n]+)\*|(?<![\p{L}\p{N}])_([^_\n]+)_(?![\p{L}\p{N}])/gu;
  const TIMEZONE = (() => {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch { return ""; }
  })();

  const $ = (id) => document.getElementById(id);
  const ui = {
    program: $("program-name"), person: $("person"), newPerson: $("new-person"),
    newName: $("new-name"), newError: $("new-error"), who: $("who"), log: $("log"),
    say: $("say"), input: $("input"),
  };
  const state = {
    people: [],          // {id, name, admin, custom}
    current: "",
    chats: new Map(),    // person id -> {nodes: [li], lastId, seen: Set, loaded, polling}
    queue: Promise.resolve(),  // requests go one at a time, so replies keep their order
    formCount: 0,
    token: "",           // WEB_CHAT_TOKEN, when the service is on a network address
  };

  // ---------- small DOM helpers ----------
  function h(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key in node && !key.startsWith("aria") && !key.startsWith("data")) node[key] = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child !== null && child !== undefined) node.append(child);  // strings become text
    }
    return node;
  }

  function newRequestId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));  // pages served over plain http
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function clock(iso) {
    const when = iso ? new Date(iso) : new Date();
    return when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  // ---------- the neutral markdown subset: *bold*, _italic_, `code`, "- " bullets ----------
  function inline(text) {
    const parts = [];
    let last = 0;
    for (const match of text.matchAll(INLINE)) {
      if (match.index > last) parts.push(text.slice(last, match.index));
      if (match[1] !== undefined) parts.push(commandChip(match[1]));
      else if (match[2] !== undefined) parts.push(h("strong", {}, match[2]));
      else parts.push(h("em", {}, match[3]));
      last = match.index + match[0].length;
    }
    if (last < text.length) parts.push(text.slice(last));
    return parts;
  }

  function commandChip(text) {
    // Commands in replies are one click away from the input box (typed, not sent).
    const chip = h("button", { type: "button", class: "chip", title: "Put this in the box" },
      h("code", {}, text));
    chip.addEventListener("click", () => { ui.input.value = text; ui.input.focus(); });
    return chip;
  }

  function richText(text) {
    const box = h("div", { class: "text" });
    let list = null;
    let para = null;
    for (const line of String(text || "").split("\n")) {
      if (line.startsWith("- ")) {
        para = null;
        if (!list) box.append(list = h("ul"));
        list.append(h("li", {}, inline(line.slice(2))));
      } else if (!line.trim()) {
        list = para = null;
      } else {
        list = null;
        if (para) para.append(h("br"));
        else box.append(para = h("p"));
        para.append(...inline(line));
      }
    }
    return box;
  }

  // ---------- chat log ----------
  function chatOf(id) {
    if (!state.chats.has(id)) {
      state.chats.set(id, { nodes: [], lastId: 0, seen: new Set(), loaded: false, polling: false });
    }
    return state.chats.get(id);
  }

  function append(id, node) {
    chatOf(id).nodes.push(node);
    if (id === state.current) {
      ui.log.append(node);
      node.scrollIntoView({ block: "end", behavior: "smooth" });
    }
  }

  function entry(side, ...content) {
    return h("li", { class: `entry ${side}` }, h("div", { class: "bubble" }, content),
      h("span", { class: "time" }, clock()));
  }

  const mine = (text) => entry("me", h("p", { class: "typed" }, text));
  const notice = (text) => h("li", { class: "entry notice", role: "status" }, text);

  function botMessage(id, message, at) {
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
    if (message.buttons && message.buttons.length) {
      const row = h("div", { class: "actions", role: "group" });
      for (const button of message.buttons) {
        const node = h("button", { type: "button", class: `btn ${button.style || "default"}` },
          button.label);
        node.addEventListener("click", () => press(id, row, node, button));
        row.append(node);
      }
      parts.push(row);
    }
    const li = entry("bot", parts);
    if (at) li.querySelector(".time").textContent = clock(at);
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
    if (person && person.custom) body.name = person.name;
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

  function show(id, result) {
    for (const message of result.messages || []) append(id, botMessage(id, message));
    if (result.form) append(id, renderForm(id, result.form));
  }

  function enqueue(task) {
    state.queue = state.queue.then(task, task);
    return state.queue;
  }

  function command(text) {
    const id = state.current;
    if (!id || !text.trim()) return;
    append(id, mine(text));
    enqueue(async () => {
      const result = await post(id, { command: text });
      if (result) show(id, result);
      await poll(id);
    });
  }

  function press(id, row, node, button) {
    for (const other of row.querySelectorAll("button")) other.disabled = true;
    node.classList.add("pressed");
    append(id, mine(button.label));
    enqueue(async () => {
      const result = await post(id, { action_id: button.action_id, value: button.value || "" });
      if (result) show(id, result);
      else for (const other of row.querySelectorAll("button")) other.disabled = false;
      await poll(id);
    });
  }

  async function poll(id) {
    const chat = chatOf(id);
    if (!id || chat.polling) return;
    chat.polling = true;
    try {
      const query = new URLSearchParams({ user: id, after: String(chat.lastId) });
      const reply = await call(`/web/api/inbox?${query}`, {}, false);
      if (!reply.ok) return;
      const data = await reply.json();
      for (const item of data.messages || []) {
        chat.lastId = Math.max(chat.lastId, item.id);
        if (chat.seen.has(item.id)) continue;
        chat.seen.add(item.id);
        append(id, botMessage(id, item.message, item.at));
      }
      chat.loaded = true;
    } catch {
      // The service may be restarting; the next poll tries again.
    } finally {
      chat.polling = false;
    }
  }

  // ---------- forms ----------
  function renderForm(id, form) {
    const prefix = `f${++state.formCount}`;
    const node = h("form", { class: "card form", novalidate: true, "aria-label": form.title });
    const fields = new Map();
    node.append(h("h2", {}, form.title));
    if (form.intro) node.append(richText(form.intro));
    for (const field of form.fields) {
      const control = buildField(field, form.values || {}, `${prefix}-${field.name}`);
      fields.set(field.name, control);
      node.append(control.wrapper);
    }
    const summary = h("p", { class: "form-error", role: "alert", hidden: true });
    const submit = h("button", { type: "submit", class: "btn primary" }, form.submit_label || "Submit");
    node.append(summary, h("div", { class: "form-actions" }, submit));
    node.addEventListener("submit", (event) => {
      event.preventDefault();
      submit.disabled = true;
      const values = {};
      for (const [name, control] of fields) values[name] = control.value();
      enqueue(async () => {
        const result = await post(id, { form_id: form.form_id, values, context: form.context || "" });
        submit.disabled = false;
        if (!result) return;
        showErrors(fields, summary, result.errors || {});
        if (result.close_form) collapse(node, form.title);
        show(id, result);
        await poll(id);
      });
    });
    return h("li", { class: "entry bot wide" }, node);
  }

  // Each field answers value(), setError(text) and focus(); long lists of single choices
  // become a select, short ones radios, so the survey stays easy to scan.
  function buildField(field, values, fid) {
    const prefilled = values[field.name];
    const hint = field.hint ? h("p", { class: "hint", id: `${fid}-hint` }, field.hint) : null;
    const error = h("p", { class: "field-error", id: `${fid}-error`, hidden: true });
    const describedBy = [hint ? hint.id : "", error.id].filter(Boolean).join(" ");
    const marker = field.required
      ? [h("span", { class: "req", "aria-hidden": "true" }, " *"),
        h("span", { class: "visually-hidden" }, " (required)")]
      : [h("span", { class: "optional" }, " (optional)")];
    const common = { name: field.name, required: field.required, "aria-describedby": describedBy };
    let inputs;
    let value;
    let wrapper;
    const choices = field.kind === "rating" && !(field.choices || []).length
      ? ["1", "2", "3", "4", "5"].map((v) => ({ value: v, label: v })) : field.choices || [];
    const asList = field.kind === "multi_choice"
      || ((field.kind === "single_choice" || field.kind === "rating") && choices.length <= 5);

    if (field.kind === "text" || field.kind === "long_text") {
      const long = field.kind === "long_text";
      const input = h(long ? "textarea" : "input", {
        ...common, id: fid, type: long ? undefined : "text", rows: long ? 4 : undefined,
        maxLength: field.max_length || undefined, placeholder: field.placeholder || undefined,
        value: typeof prefilled === "string" ? prefilled : "",
      });
      const counter = long && field.max_length ? h("span", { class: "counter" }) : null;
      const count = () => {
        if (counter) counter.textContent = `${input.value.length} / ${field.max_length}`;
      };
      input.addEventListener("input", count);
      count();
      inputs = [input];
      value = () => input.value;
      wrapper = h("div", { class: "field" }, h("label", { for: fid }, field.label, marker),
        input, counter, hint, error);
    } else if (asList) {
      const multi = field.kind === "multi_choice";
      const chosen = new Set(Array.isArray(prefilled) ? prefilled : prefilled ? [prefilled] : []);
      inputs = choices.map((choice, i) => h("input", {
        type: multi ? "checkbox" : "radio", name: fid, id: `${fid}-${i}`,
        value: choice.value, checked: chosen.has(choice.value),
      }));
      const options = inputs.map((input, i) =>
        h("label", { class: "option", for: input.id }, input, " ", choices[i].label));
      value = multi ? () => inputs.filter((i) => i.checked).map((i) => i.value)
        : () => (inputs.find((i) => i.checked) || { value: "" }).value;
      wrapper = h("fieldset", { class: "field", "aria-describedby": describedBy },
        h("legend", {}, field.label, marker),
        h("div", { class: multi && choices.length > 5 ? "options grid" : "options" }, options),
        hint, error);
    } else {
      const select = h("select", { ...common, id: fid },
        h("option", { value: "" }, "Choose…"),
        choices.map((c) => h("option", { value: c.value, selected: c.value === prefilled }, c.label)));
      inputs = [select];
      value = () => select.value;
      wrapper = h("div", { class: "field" }, h("label", { for: fid }, field.label, marker),
        select, hint, error);
    }
    return {
      wrapper,
      value,
      focus: () => inputs[0] && inputs[0].focus(),
      setError(text) {
        error.textContent = text;
        error.hidden = !text;
        wrapper.classList.toggle("invalid", Boolean(text));
        for (const input of inputs) input.setAttribute("aria-invalid", text ? "true" : "false");
      },
    };
  }

  function showErrors(fields, summary, errors) {
    const stray = [];
    let first = null;
    for (const [name, control] of fields) control.setError(errors[name] || "");
    for (const [name, text] of Object.entries(errors)) {
      if (fields.has(name)) first = first || fields.get(name);
      else stray.push(text);
    }
    const count = Object.keys(errors).length;
    summary.hidden = count === 0;
    summary.textContent = stray.length ? stray.join(" ")
      : `Please check the ${count === 1 ? "highlighted answer" : `${count} highlighted answers`}.`;
    if (first) first.focus();
  }

  function collapse(node, title) {
    node.replaceChildren(h("p", { class: "saved" }, h("strong", {}, title), " · Saved ✓"));
    node.classList.add("collapsed");
  }

  // ---------- people ----------
  function remembered() {
    try { return JSON.parse(localStorage.getItem(STORE_KEY) || "{}"); } catch { return {}; }
  }

  function remember() {
    const custom = state.people.filter((p) => p.custom).map(({ id, name }) => ({ id, name }));
    try {
      localStorage.setItem(STORE_KEY, JSON.stringify({ current: state.current, custom }));
    } catch { /* private mode: nothing is remembered, everything still works */ }
  }

  function label(person) {
    return person.admin && !/admin/i.test(person.name) ? `${person.name} (admin)` : person.name;
  }

  function fillPeople() {
    ui.person.replaceChildren(
      ...state.people.map((p) => h("option", { value: p.id }, label(p))),
      h("option", { value: NEW_PERSON }, "Someone new…"));
    ui.person.value = state.current;
  }

  function switchTo(id) {
    const person = state.people.find((p) => p.id === id) || state.people[0];
    if (!person) return;
    state.current = person.id;
    ui.person.value = person.id;
    ui.newPerson.hidden = true;
    ui.who.textContent = `You're ${label(person)} · id “${person.id}”`;
    const chat = chatOf(person.id);
    ui.log.replaceChildren(...chat.nodes);
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

  function addPerson(event) {
    event.preventDefault();
    const name = ui.newName.value.trim().slice(0, 40);
    const id = slug(name);
    if (!USER_ID.test(id)) {
      ui.newError.textContent = "Please use a name with at least one letter or digit.";
      ui.newError.hidden = false;
      return;
    }
    ui.newError.hidden = true;
    if (!state.people.some((p) => p.id === id)) state.people.push({ id, name, admin: false, custom: true });
    ui.newName.value = "";
    fillPeople();
    switchTo(id);
  }

  async function start() {
    loadToken();
    let data = { people: [], program: "Turnabout" };
    try {
      const reply = await call("/web/api/people");
      const body = await reply.json().catch(() => ({}));
      if (reply.ok) data = body;
      else ui.who.textContent = `${body.error || `HTTP ${reply.status}`} Reload the page to try again.`;
    } catch {
      ui.who.textContent = "Couldn't reach Turnabout. Is the service running?";
    }
    ui.program.textContent = data.program;
    document.title = `${data.program} web chat`;
    const saved = remembered();
    state.people = (data.people || []).map((p) => ({ ...p, custom: false }));
    for (const p of saved.custom || []) {
      if (USER_ID.test(p.id) && !state.people.some((q) => q.id === p.id)) {
        state.people.push({ id: p.id, name: String(p.name).slice(0, 40), admin: false, custom: true });
      }
    }
    state.current = saved.current || (state.people[0] && state.people[0].id) || "";
    fillPeople();
    if (state.people.length) switchTo(state.current);
    else { ui.newPerson.hidden = false; ui.newName.focus(); }

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
    setInterval(() => { if (!document.hidden) poll(state.current); }, POLL_MS);
  }

  document.addEventListener("DOMContentLoaded", start);
})();
