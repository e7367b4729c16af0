// Turnabout web chat: survey and poll fields, and their errors shown in place.
"use strict";

window.TurnaboutFields = (() => {
  const { h, characters } = window.TurnaboutMarkup;

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
      // A field that is needed only sometimes ("Junior mentors: pick at least one") says so in
      // its hint; calling it optional would contradict that.
      : field.hint ? [] : [h("span", { class: "optional" }, " (optional)")];
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
      // No maxLength: the browser would cut a paste silently (and count an emoji as 2). The
      // counter counts characters as people see them and says when the answer is too long;
      // the bot checks the same limit.
      const input = h(long ? "textarea" : "input", {
        ...common, id: fid, type: long ? undefined : "text", rows: long ? 4 : undefined,
        placeholder: field.placeholder || undefined,
        value: typeof prefilled === "string" ? prefilled : "",
      });
      const limit = field.max_length || 0;
      const counter = limit ? h("span", { class: "counter", "aria-live": "polite" }) : null;
      const count = () => {
        if (!counter) return;
        const used = characters(input.value);
        const over = used - limit;
        counter.hidden = !long && used < limit * 0.8;
        counter.classList.toggle("over", over > 0);
        counter.textContent = over > 0
          ? `${used} / ${limit}: ${over} ${over === 1 ? "character" : "characters"} too many`
          : `${used} / ${limit}`;
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

  return { buildField, showErrors };
})();
