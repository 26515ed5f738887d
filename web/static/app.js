// Nahtstelle: a little plain JavaScript where it helps. Every page works without it.
(function () {
  "use strict";

  // Fields that apply only under a condition (requiredWhen): shown when it holds.
  function valueOf(form, name) {
    var els = form.querySelectorAll('[name="' + name.replace(/"/g, '') + '"]');
    var values = [];
    els.forEach(function (el) {
      if (el.disabled) return;
      if (el.type === "radio" || el.type === "checkbox") { if (el.checked) values.push(el.value); }
      else if (el.value.trim() !== "") values.push(el.value.trim());
    });
    return values;
  }

  function scopedName(field, name) {
    var kind = field.closest("[data-kind]");
    return kind ? kind.getAttribute("data-kind") + "." + name : name;
  }

  function conditionsHold(form, field) {
    var conditions;
    try { conditions = JSON.parse(field.getAttribute("data-when")); } catch (e) { return true; }
    return conditions.every(function (c) {
      var got = valueOf(form, scopedName(field, c.field));
      if (c.op === "filled") return got.length > 0;
      if (got.length === 0) return false;
      var hit = got.some(function (v) { return c.values.indexOf(v) >= 0; });
      return c.op === "notEquals" ? !hit : hit;
    });
  }

  function refreshConditional(form) {
    form.querySelectorAll(".field.conditional[data-when]").forEach(function (field) {
      var show = conditionsHold(form, field);
      field.hidden = !show;
      field.querySelectorAll("input, select, textarea").forEach(function (el) { el.disabled = !show; });
      var hint = field.querySelector(".when");
      if (hint) hint.hidden = true;
    });
  }

  // The hand-over: only the chosen receiver's conditions; live pre-check; consent gates submit.
  function kindOfReceiver(form) {
    var select = form.querySelector('select[name="receiverOffice"]');
    if (!select || select.selectedIndex < 0) return "";
    return select.options[select.selectedIndex].getAttribute("data-process") || "";
  }

  function refreshKinds(form) {
    var kind = kindOfReceiver(form);
    form.querySelectorAll("fieldset.kind[data-kind]").forEach(function (fs) {
      var active = fs.getAttribute("data-kind") === kind;
      fs.hidden = !active;
      fs.disabled = !active;
    });
  }

  function consentGiven(form) {
    var consent = valueOf(form, "consentHandover");
    return consent.length === 1 && consent[0] === "true";
  }

  function refreshSubmit(form) {
    var button = document.getElementById("submit-button");
    var hint = document.getElementById("consent-hint");
    if (!button) return;
    var ok = consentGiven(form) && kindOfReceiver(form) !== "";
    button.disabled = !ok;
    if (hint) hint.textContent = ok ? "Bereit zum Einreichen." :
      "Einreichen ist möglich, sobald eine aufnehmende Stelle gewählt ist und die Person der Übergabe zugestimmt hat (Einverständnis: ja).";
  }

  function applicationValues(form) {
    var values = {};
    var kind = kindOfReceiver(form);
    new FormData(form).forEach(function (value, name) {
      if (name.charAt(0) === "_" || name === "receiverOffice" || String(value).trim() === "") return;
      var dot = name.indexOf(".");
      if (dot > 0 && /^optima-/.test(name)) {
        if (name.slice(0, dot) !== kind) return;
        name = name.slice(dot + 1);
      }
      if (values[name] === undefined) values[name] = value;
      else if (Array.isArray(values[name])) values[name].push(value);
      else values[name] = [values[name], value];
    });
    var multi = form.querySelectorAll('input[type="checkbox"]');
    multi.forEach(function (el) {
      var name = el.name;
      if (values[name] !== undefined && !Array.isArray(values[name])) values[name] = [values[name]];
    });
    return values;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function showPrecheck(panel, data) {
    panel.textContent = "";
    var box = el("div", "ampel " + data.eligibility.trafficLight);
    var light = el("p", "light");
    light.appendChild(el("span", "dot"));
    light.appendChild(document.createTextNode(" Vorprüfung: "));
    light.appendChild(el("strong", "", data.eligibility.trafficLightLabel));
    light.appendChild(document.createTextNode(" (" + data.eligibility.processLabel + ")"));
    box.appendChild(light);
    if (data.handoverProblem) box.appendChild(el("p", "error", data.handoverProblem));
    var tg = el("p", "");
    tg.appendChild(document.createTextNode("Zielgruppe: "));
    tg.appendChild(el("strong", "", data.targetGroup.label));
    tg.appendChild(el("br"));
    tg.appendChild(el("span", "small", data.targetGroup.explanation));
    box.appendChild(tg);
    var list = el("ul", "conditions");
    data.eligibility.conditions.forEach(function (c) {
      var li = el("li", c.outcome);
      li.appendChild(el("span", "outcome", c.outcomeLabel));
      li.appendChild(document.createTextNode(": " + c.wording));
      if (c.explanation) { li.appendChild(el("br")); li.appendChild(el("span", "small muted", c.explanation)); }
      list.appendChild(li);
    });
    box.appendChild(list);
    box.appendChild(el("p", "small muted", "Die Vorprüfung ist ein Hinweis; entscheiden tut die aufnehmende Stelle."));
    panel.appendChild(box);
  }

  var timer = null, sequence = 0;
  function schedulePrecheck(form) {
    var panel = document.getElementById("precheck");
    var receiver = form.querySelector('select[name="receiverOffice"]');
    var token = document.querySelector('meta[name="csrf-token"]');
    if (!panel || !receiver || !receiver.value || !token || !window.fetch) return;
    clearTimeout(timer);
    timer = setTimeout(function () {
      var mine = ++sequence;
      fetch("/api/cases/precheck", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": token.getAttribute("content") },
        body: JSON.stringify({ receiverOffice: receiver.value, values: applicationValues(form) })
      }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
        if (data && mine === sequence) showPrecheck(panel, data);
      }).catch(function () { /* the button still shows it */ });
    }, 350);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(function (form) {
      if (!form.querySelector(".field.conditional, fieldset.kind")) return;
      var isApplication = form.id === "application";
      var update = function () {
        if (isApplication) refreshKinds(form);
        refreshConditional(form);
        if (isApplication) { refreshSubmit(form); schedulePrecheck(form); }
      };
      form.addEventListener("change", update);
      if (isApplication) form.addEventListener("input", function () { schedulePrecheck(form); });
      update();
    });
    var app = document.getElementById("application");
    if (app) {
      var pre = document.getElementById("precheck-button");
      if (pre) pre.hidden = true;
      refreshKinds(app);
      refreshSubmit(app);
      schedulePrecheck(app);
    }
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  });
})();
