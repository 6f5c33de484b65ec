// Secondment Ledger web page: the core. Signing in, the API client, hash routing, the
// navigation of each role, and the helpers the views share (elements, tables, forms, problems,
// downloads). Views register themselves with SL.route (lists.js, secondment.js, audit.js).
//
// Everything the server sends is put into the page as text (textContent), never as HTML.
'use strict';

(function () {
  const SL = (window.SL = {});

  // ---- Session ----------------------------------------------------------------------------
  const TOKEN_KEY = 'secondment.token';
  const ROLE_KEY = 'secondment.role';
  const state = (SL.state = { token: null, principal: null, roles: [], role: null });

  // ---- Elements ---------------------------------------------------------------------------
  // h('p', {class: 'x', onclick: f}, 'text', child...): children are nodes or text (never HTML).
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value == null || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key === 'text') el.textContent = value;
      else if (key.startsWith('on') && typeof value === 'function') {
        el.addEventListener(key.slice(2), value);
      } else if (value === true) el.setAttribute(key, '');
      else el.setAttribute(key, String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child == null || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }
  SL.h = h;
  const $ = (selector, root) => (root || document).querySelector(selector);
  SL.$ = $;

  let uid = 0;
  SL.uid = (prefix) => `${prefix || 'id'}-${++uid}`;

  // ---- Words ------------------------------------------------------------------------------
  const ROLE_NAMES = {
    hr: 'HR', home_manager: 'Home manager', host_manager: 'Host manager', secondee: 'Secondee',
    exception: 'Exception approver', auditor: 'Auditor', subscriber: 'Subscriber',
    system: 'System',
  };
  SL.roleName = (role) => ROLE_NAMES[role] || String(role);
  SL.words = (value) => {
    const text = String(value == null ? '' : value).replace(/_/g, ' ');
    return text.charAt(0).toUpperCase() + text.slice(1);
  };
  SL.KINDS = ['internal', 'external', 'international', 'non_profit', 'client'];
  SL.STATES = ['proposed', 'approved', 'active', 'returned', 'converted', 'rejected', 'withdrawn'];
  SL.COSTS = ['home_pays', 'host_reimburses', 'host_pays'];

  SL.badge = (stateName, extra) =>
    h('span', { class: `badge badge-${String(stateName).replace(/[^a-z_]/g, '')}` },
      SL.words(stateName), extra ? ` ${extra}` : '');

  // Dates: the ledger's business dates are UTC days.
  SL.today = () => new Date().toISOString().slice(0, 10);
  SL.addDays = (date, days) => {
    const d = new Date(`${date}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  };
  SL.dash = (value) => (value == null || value === '' ? '—' : String(value));

  // A UUID for Idempotency-Key; crypto.randomUUID exists only in secure contexts.
  SL.uuid = () => {
    if (window.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const x = Array.from(b, (v) => v.toString(16).padStart(2, '0')).join('');
    return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
  };

  // ---- Status messages (one polite live region) -------------------------------------------
  let keepStatus = false;
  SL.announce = (message, kind, keepOverNavigation) => {
    const box = $('#status');
    box.className = `status status-${kind || 'info'}`;
    box.textContent = message || '';
    keepStatus = Boolean(keepOverNavigation);
  };
  SL.clearStatus = () => SL.announce('');

  // ---- The API ----------------------------------------------------------------------------
  // SL.api(path, {method, body, headers, raw, noRole}) -> {ok, status, headers, data, problem}.
  // Throws an Error with .network = true when the server cannot be reached.
  SL.api = async (path, options = {}) => {
    const headers = new Headers(options.headers || {});
    if (state.token) headers.set('Authorization', `Bearer ${state.token}`);
    if (state.role && !options.noRole) headers.set('Secondment-Role', state.role);
    if (!headers.has('Accept')) headers.set('Accept', 'application/json');
    let body;
    if (options.body !== undefined) {
      headers.set('Content-Type', 'application/json');
      body = JSON.stringify(options.body);
    }
    let res;
    try {
      res = await fetch(path, {
        method: options.method || 'GET', headers, body, cache: 'no-store',
        credentials: 'omit', redirect: 'error',
      });
    } catch (e) {
      const error = new Error('The server could not be reached; check the connection and try again.');
      error.network = true;
      throw error;
    }
    const out = { ok: res.ok, status: res.status, headers: res.headers, response: res };
    if (!res.ok) {
      out.problem = await readProblem(res);
      if (res.status === 401 && !options.signingIn) sessionEnded(out.problem);
      return out;
    }
    if (options.raw) return out;
    const type = res.headers.get('Content-Type') || '';
    if (res.status === 204) out.data = null;
    else if (type.includes('json')) out.data = await res.json();
    else out.data = await res.text();
    return out;
  };

  async function readProblem(res) {
    let problem = null;
    try {
      const type = res.headers.get('Content-Type') || '';
      if (type.includes('json')) problem = await res.json();
      else problem = { detail: (await res.text()).trim().split('\n')[0] };
    } catch (e) {
      problem = null;
    }
    if (!problem || typeof problem !== 'object') problem = {};
    if (!problem.detail) problem.detail = `${res.status} ${res.statusText || 'error'}`.trim();
    if (!problem.status) problem.status = res.status;
    return problem;
  }

  SL.enc = encodeURIComponent;
  SL.query = (params) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v != null && v !== '') q.set(k, v);
    const text = q.toString();
    return text ? `?${text}` : '';
  };

  // Downloads an API answer as a file (the Authorization header cannot ride on a plain link).
  SL.download = async (path, filename, accept) => {
    let res;
    try {
      res = await SL.api(path, { raw: true, headers: { Accept: accept || 'application/json' } });
    } catch (e) {
      SL.announce(e.message, 'error');
      return false;
    }
    if (!res.ok) {
      SL.announce(`Could not download ${filename}: ${res.problem.detail}`, 'error');
      return false;
    }
    const blob = await res.response.blob();
    const url = URL.createObjectURL(blob);
    const link = h('a', { href: url, download: filename, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 30000);
    SL.announce(`Downloaded ${filename}.`, 'success');
    return true;
  };

  // A "Download CSV" button for a list route: the same URL with format=csv.
  SL.csvButton = (path, params, filename) =>
    h('button', {
      type: 'button', class: 'btn btn-secondary',
      onclick: () => SL.download(`${path}${SL.query({ ...params, format: 'csv' })}`, filename, 'text/csv'),
    }, 'Download CSV');

  // ---- Tables -----------------------------------------------------------------------------
  // columns: [{label, value(row) -> text or node}]; the first column heads each row.
  SL.table = ({ caption, columns, rows, empty }) => {
    const captionId = SL.uid('caption');
    const head = h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col' }, c.label))));
    const body = h('tbody');
    for (const row of rows) {
      body.append(h('tr', null, columns.map((c, i) => {
        const value = c.value(row);
        const content = value instanceof Node ? value : SL.dash(value);
        return i === 0 ? h('th', { scope: 'row' }, content) : h('td', { class: c.class }, content);
      })));
    }
    if (!rows.length) {
      body.append(h('tr', null, h('td', { colspan: columns.length, class: 'empty' }, empty || 'Nothing to show.')));
    }
    return h('div', { class: 'table-wrap', role: 'region', 'aria-labelledby': captionId, tabindex: 0 },
      h('table', null, h('caption', { id: captionId }, caption), head, body));
  };

  SL.idLink = (id) => h('a', { href: `#/secondment/${SL.enc(id)}`, class: 'id-link' }, id);

  // ---- Forms ------------------------------------------------------------------------------
  // spec: {name, label, type: text|date|number|textarea|lines|select, required, options:
  // [[value, label]], hint, value, min, max, maxlength, autocomplete}
  SL.field = (formId, spec) => {
    const id = `${formId}-${spec.name}`;
    const hintId = `${id}-hint`;
    const errorId = `${id}-error`;
    const common = {
      id, name: spec.name, required: spec.required || null,
      'aria-describedby': spec.hint ? `${hintId} ${errorId}` : errorId,
      autocomplete: spec.autocomplete || 'off',
    };
    let control;
    if (spec.type === 'select') {
      control = h('select', common, (spec.options || []).map(([value, label]) =>
        h('option', { value, selected: String(spec.value ?? '') === String(value) || null }, label)));
    } else if (spec.type === 'textarea' || spec.type === 'lines') {
      control = h('textarea', { ...common, rows: spec.rows || 3, maxlength: spec.maxlength || 2000 });
      if (spec.value) control.value = spec.value;
    } else {
      control = h('input', {
        ...common, type: spec.type || 'text', min: spec.min, max: spec.max,
        maxlength: spec.type === 'date' || spec.type === 'number' ? null : spec.maxlength || 200,
        inputmode: spec.type === 'number' ? 'numeric' : null, spellcheck: 'false',
      });
      if (spec.value != null) control.value = spec.value;
    }
    control.dataset.kind = spec.type || 'text';
    if (spec.numeric) control.dataset.numeric = 'true';
    return h('div', { class: `field field-${spec.type || 'text'}${spec.wide ? ' field-wide' : ''}` },
      h('div', { class: 'label-row' }, h('label', { for: id }, spec.label),
        spec.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, '*') : null),
      control,
      spec.hint ? h('p', { class: 'hint', id: hintId }, spec.hint) : null,
      h('p', { class: 'field-error', id: errorId, role: 'alert' }));
  };

  // A form: heading id names it; the top error line comes first.
  SL.form = (formId, { labelledby, fields, submit, danger, extra }) =>
    h('form', { id: formId, class: 'form', novalidate: true, 'aria-labelledby': labelledby },
      h('div', { class: 'form-error', role: 'alert', 'aria-live': 'assertive' }),
      h('div', { class: 'fields' }, fields.map((f) => SL.field(formId, f))),
      extra || null,
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: `btn ${danger ? 'btn-danger' : 'btn-primary'}` }, submit)));

  // The body of a form: empty optional fields are left out; numbers and lists converted.
  SL.formBody = (form) => {
    const body = {};
    for (const el of form.querySelectorAll('input[name], select[name], textarea[name]')) {
      const raw = el.value.trim();
      if (raw === '') continue;
      const kind = el.dataset.kind;
      if (kind === 'number' || el.dataset.numeric) body[el.name] = /^-?\d+$/.test(raw) ? Number(raw) : raw;
      else if (kind === 'lines') body[el.name] = raw.split('\n').map((s) => s.trim()).filter(Boolean);
      else body[el.name] = raw;
    }
    return body;
  };

  SL.clearErrors = (form) => {
    $('.form-error', form).replaceChildren();
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    for (const p of form.querySelectorAll('.field-error')) p.textContent = '';
  };

  // "home_org", "home-org" and "homeOrg" name the same field.
  const camel = (name) => String(name).replace(/[-_]([a-z])/g, (_, c) => c.toUpperCase());

  // Shows a problem: next to the field it names, else at the top of the form.
  SL.showProblem = (form, problem, onReload) => {
    SL.clearErrors(form);
    let detail = problem.detail;
    const top = $('.form-error', form);
    if (problem.status === 412) {
      top.append(h('span', null, 'This secondment changed since you opened it; reload. '),
        onReload ? h('button', { type: 'button', class: 'btn btn-small', onclick: onReload }, 'Reload') : null);
      return;
    }
    const name = problem.field ? camel(problem.field) : null;
    const control = name ? form.querySelector(`[name="${CSS.escape(name)}"]`) : null;
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      $(`#${CSS.escape(control.id)}-error`, form).textContent = detail;
      control.focus();
    } else {
      top.textContent = detail;
    }
  };

  // Submits a form as a POST with an Idempotency-Key: the same key while the same body is sent
  // again after a network error (or a 5xx), a new one once the server has answered.
  SL.post = async (form, path, body, headers = {}) => {
    const button = form.querySelector('button[type="submit"]');
    const bodyText = JSON.stringify(body);
    if (!form.dataset.idemKey || form.dataset.idemBody !== bodyText) {
      form.dataset.idemKey = SL.uuid();
      form.dataset.idemBody = bodyText;
    }
    SL.clearErrors(form);
    form.setAttribute('aria-busy', 'true');
    if (button) button.disabled = true;
    try {
      const res = await SL.api(path, {
        method: 'POST', body, headers: { ...headers, 'Idempotency-Key': form.dataset.idemKey },
      });
      if (res.status < 500) delete form.dataset.idemKey;
      return res;
    } catch (e) {
      $('.form-error', form).textContent =
        `${e.message} Submitting again is safe: it will not be recorded twice.`;
      return null;
    } finally {
      form.removeAttribute('aria-busy');
      if (button) button.disabled = false;
    }
  };

  // A list view's filter form: the values live in the hash, so back and forward keep them.
  SL.filterForm = (route, query, fields) => {
    const formId = `filters-${route}`;
    const form = h('form', { id: formId, class: 'filters', role: 'search', 'aria-label': 'Filters' },
      h('div', { class: 'fields' }, fields.map((f) => SL.field(formId, { ...f, value: query.get(f.name) || f.value || '' }))),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'btn btn-primary' }, 'Apply filters'),
        h('button', { type: 'button', class: 'btn btn-quiet', onclick: () => { location.hash = `#/${route}`; } }, 'Clear')));
    // Folded on a phone unless a filter is set; open on a wider screen.
    const set = fields.filter((f) => query.get(f.name)).length;
    const box = h('details', { class: 'filter-box', open: set > 0 || window.innerWidth > 560 },
      h('summary', null, 'Filters', set ? h('span', { class: 'active-filters' }, ` (${set} set)`) : null), form);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const params = {};
      for (const el of form.elements) if (el.name && el.value.trim()) params[el.name] = el.value.trim();
      const target = `#/${route}${SL.query(params)}`;
      if (location.hash === target) SL.refresh();
      else location.hash = target;
    });
    return box;
  };

  SL.FILTERS = [
    { name: 'hostOrg', label: 'Host organisation' },
    { name: 'hostUnit', label: 'Host unit' },
    { name: 'homeOrg', label: 'Home organisation' },
    { name: 'homeUnit', label: 'Home unit' },
    { name: 'kind', label: 'Kind', type: 'select', options: [['', 'Any kind'], ...SL.KINDS.map((k) => [k, SL.words(k)])] },
    { name: 'country', label: 'Country', maxlength: 2 },
    { name: 'employee', label: 'Employee' },
  ];
  SL.pick = (query, names) => {
    const out = {};
    for (const n of names) if (query.get(n)) out[n] = query.get(n);
    return out;
  };

  // A problem shown in place of a view's content.
  SL.problemBox = (problem) => h('p', { class: 'problem', role: 'alert' }, problem.detail);

  // ---- Routing ----------------------------------------------------------------------------
  const routes = {};
  SL.route = (name, render) => { routes[name] = render; };

  const NAV = {
    hr: [['placements', 'Placements'], ['alerts', 'Alerts'], ['secondments', 'Secondments'],
      ['todo', 'To do'], ['new', 'New proposal']],
    auditor: [['audit', 'Audit'], ['secondments', 'Secondments'], ['placements', 'Placements'],
      ['alerts', 'Alerts']],
    subscriber: [],
    other: [['todo', 'To do'], ['secondments', 'My secondments']],
  };
  const navOf = (role) => NAV[role] || NAV.other;
  SL.isHr = () => state.role === 'hr';
  SL.seesAll = () => state.role === 'hr' || state.role === 'auditor';

  let generation = 0;
  SL.current = (gen) => gen === generation;

  function parseHash() {
    const raw = location.hash.replace(/^#/, '') || '/';
    const at = raw.indexOf('?');
    const path = at < 0 ? raw : raw.slice(0, at);
    const query = new URLSearchParams(at < 0 ? '' : raw.slice(at + 1));
    let parts;
    try {
      parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    } catch (e) {
      parts = [];
    }
    return { path, parts, query };
  }

  async function render(focus) {
    const view = $('#view');
    const gen = ++generation;
    if (!keepStatus) SL.clearStatus();
    keepStatus = false;
    if (!state.token) {
      view.replaceChildren();
      return;
    }
    const route = parseHash();
    const allowed = navOf(state.role).map(([name]) => name).concat(['secondment']);
    let name = route.parts[0];
    if (!allowed.includes(name) || !routes[name]) {
      name = navOf(state.role)[0] ? navOf(state.role)[0][0] : null;
      if (name && route.parts[0] !== name) {
        history.replaceState(null, '', `#/${name}`);
        route.parts = [name];
        route.query = new URLSearchParams();
      }
    }
    for (const link of document.querySelectorAll('#nav-list a')) {
      if (link.dataset.route === name) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    view.replaceChildren();
    if (!name || !routes[name]) {
      view.append(h('h1', { tabindex: -1 }, 'Nothing here for this role'),
        h('p', null, `The role ${SL.roleName(state.role)} has no pages here.`));
      return;
    }
    view.setAttribute('aria-busy', 'true');
    try {
      await routes[name](view, route, gen);
    } catch (e) {
      if (SL.current(gen)) view.append(SL.problemBox({ detail: e.message || String(e) }));
    } finally {
      if (SL.current(gen)) view.removeAttribute('aria-busy');
    }
    if (focus && SL.current(gen)) {
      const heading = $('h1', view);
      if (heading) {
        heading.setAttribute('tabindex', '-1');
        heading.focus({ preventScroll: false });
      }
    }
  }
  SL.refresh = (focus) => render(Boolean(focus));
  SL.go = (hash) => {
    if (location.hash === hash) render(true);
    else location.hash = hash;
  };

  // ---- Signing in and out -----------------------------------------------------------------
  function showSignedIn() {
    $('#signin').hidden = true;
    $('#session').hidden = false;
    $('#nav').hidden = false;
    $('#principal').textContent = state.principal;
    const one = $('#role-one');
    const pick = $('#role-pick');
    const select = $('#role-select');
    if (state.roles.length > 1) {
      one.hidden = true;
      pick.hidden = false;
      select.replaceChildren(...state.roles.map((r) =>
        h('option', { value: r, selected: r === state.role || null }, SL.roleName(r))));
    } else {
      pick.hidden = true;
      one.hidden = false;
      one.textContent = SL.roleName(state.role);
    }
    $('#nav-list').replaceChildren(...navOf(state.role).map(([route, label]) =>
      h('li', null, h('a', { href: `#/${route}`, 'data-route': route }, label))));
  }

  function showSignIn(message) {
    $('#signin').hidden = false;
    $('#session').hidden = true;
    $('#nav').hidden = true;
    $('#view').replaceChildren();
    const form = $('#signin-form');
    SL.clearErrors(form);
    if (message) $('.form-error', form).textContent = message;
    $('#token').value = '';
    $('#token').focus();
  }

  function chooseRole(roles) {
    const stored = sessionStorage.getItem(ROLE_KEY);
    if (stored && roles.includes(stored)) return stored;
    return roles.find((r) => r === 'hr') || roles.find((r) => r === 'auditor') || roles[0] || null;
  }

  async function signIn(token) {
    state.token = token;
    const res = await SL.api('/api/v1/whoami', { noRole: true, signingIn: true });
    if (!res.ok) {
      state.token = null;
      return res.problem;
    }
    state.principal = res.data.principal;
    state.roles = Array.isArray(res.data.roles) ? res.data.roles : [];
    state.role = chooseRole(state.roles);
    sessionStorage.setItem(TOKEN_KEY, token);
    if (state.role) sessionStorage.setItem(ROLE_KEY, state.role);
    showSignedIn();
    return null;
  }

  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(ROLE_KEY);
    Object.assign(state, { token: null, principal: null, roles: [], role: null });
    generation++;
    history.replaceState(null, '', location.pathname);
    showSignIn(message);
    SL.announce(message ? '' : 'Signed out.', 'info');
  }

  function sessionEnded(problem) {
    if (!state.token) return;
    signOut(`Your token was refused (${problem.detail}); sign in again.`);
  }

  async function start() {
    $('#signin-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const form = event.currentTarget;
      const input = $('#token');
      const token = input.value.trim();
      SL.clearErrors(form);
      if (!token) {
        input.setAttribute('aria-invalid', 'true');
        $('#token-error').textContent = 'Enter your access token.';
        input.focus();
        return;
      }
      let problem;
      try {
        problem = await signIn(token);
      } catch (e) {
        problem = { detail: e.message };
      }
      if (problem) {
        input.setAttribute('aria-invalid', 'true');
        $('#token-error').textContent = problem.status === 401
          ? 'This token was not accepted. Check it and try again.' : problem.detail;
        input.focus();
        return;
      }
      input.value = '';
      render(true);
    });
    $('#sign-out').addEventListener('click', () => signOut());
    $('#role-select').addEventListener('change', (event) => {
      state.role = event.target.value;
      sessionStorage.setItem(ROLE_KEY, state.role);
      showSignedIn();
      SL.announce(`Now acting as ${SL.roleName(state.role)}.`, 'info', true);
      const here = parseHash().parts[0];
      if (here === 'secondment' || navOf(state.role).some(([r]) => r === here)) render(true);
      else location.hash = `#/${navOf(state.role)[0] ? navOf(state.role)[0][0] : ''}`;
    });
    window.addEventListener('hashchange', () => render(true));

    const stored = sessionStorage.getItem(TOKEN_KEY);
    if (!stored) {
      showSignIn();
      return;
    }
    try {
      const problem = await signIn(stored);
      if (problem) {
        sessionStorage.removeItem(TOKEN_KEY);
        showSignIn(problem.status === 401 ? 'Your session ended; sign in again.' : problem.detail);
        return;
      }
    } catch (e) {
      showSignIn(e.message);
      return;
    }
    render(false);
  }

  document.addEventListener('DOMContentLoaded', start);
})();
