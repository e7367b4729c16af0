// Turnabout web chat: building DOM nodes, the neutral markdown subset, dates and counting.
// Text always goes in as text nodes, never innerHTML, so no message can inject markup.
"use strict";

window.TurnaboutMarkup = (() => {
  const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const INLINE = /`([^`\n]+)`|\*([^*\n]+)\*|(?<![\p{L}\p{N}])_([^_\n]+)_(?![\p{L}\p{N}])/gu;
  const markup = { onChip: () => {} };  // the page decides what a command chip does

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

  // "Monday 14 Dec · 09:30" in the browser's timezone: every entry has its date, because in
  // the demo a week can pass between two messages.
  function stamp(iso) {
    const when = iso ? new Date(iso) : new Date();
    const two = (n) => String(n).padStart(2, "0");
    return `${WEEKDAYS[when.getDay()]} ${when.getDate()} ${MONTHS[when.getMonth()]} · `
      + `${two(when.getHours())}:${two(when.getMinutes())}`;
  }

  // Characters as people see them: an emoji or an accented letter counts once.
  const SEGMENTER = typeof Intl.Segmenter === "function"
    ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;
  function characters(text) {
    if (!SEGMENTER) return [...text].length;
    let n = 0;
    for (const _ of SEGMENTER.segment(text)) n += 1;
    return n;
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
    chip.addEventListener("click", () => markup.onChip(text));
    return chip;
  }

  function richText(text) {
    const box = h("div", { class: "text" });
    let list = null;
    let para = null;
    for (const line of String(text || "").split("\n")) {
      const bullet = /^(\s*)- (.*)$/.exec(line);
      if (bullet) {  // an indented "  - " is a sub-point of the bullet above it
        para = null;
        if (!list) box.append(list = h("ul"));
        list.append(h("li", { class: bullet[1] ? "sub" : undefined }, inline(bullet[2])));
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

  return Object.assign(markup, { h, stamp, characters, inline, richText });
})();
