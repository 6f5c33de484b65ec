// Secondment Ledger web page: the lists (placements, alerts, secondments, to do) and the
// proposal form. Each list keeps its filters in the hash and downloads as CSV.
'use strict';

(function () {
  const SL = window.SL;
  const { h } = SL;

  const place = (org, unit) => [org, unit].filter(Boolean).join(' / ');

  // The heading, an introduction and a toolbar above a list.
  function header(view, title, intro) {
    view.append(h('div', { class: 'page-head' },
      h('h1', { tabindex: -1 }, title),
      intro ? h('p', { class: 'muted' }, intro) : null));
  }

  function toolbar(count, noun, csv) {
    return h('div', { class: 'toolbar' },
      h('p', { class: 'count' }, `${count} ${noun}${count === 1 ? '' : 's'}`),
      csv);
  }

  // Loads a list route; shows its problem in the view when refused. Returns the data or null.
  async function load(view, gen, path) {
    const slot = h('div', { class: 'loading' }, 'Loading…');
    view.append(slot);
    let res;
    try {
      res = await SL.api(path);
    } catch (e) {
      res = { ok: false, problem: { detail: e.message } };
    }
    if (!SL.current(gen)) return null;
    slot.remove();
    if (!res.ok) {
      view.append(SL.problemBox(res.problem));
      return null;
    }
    return res.data;
  }

  // ---- Placements -------------------------------------------------------------------------
  SL.route('placements', async (view, route, gen) => {
    const names = ['hostOrg', 'hostUnit', 'homeOrg', 'homeUnit', 'kind', 'country', 'employee', 'asOf'];
    const params = SL.pick(route.query, names);
    const on = params.asOf || SL.today();
    header(view, 'Placements', 'Who is on placement where, on one business date.');
    view.append(SL.filterForm('placements', route.query, [
      { name: 'asOf', label: 'As of', type: 'date', hint: 'Today when empty' },
      ...SL.FILTERS,
    ]));
    const data = await load(view, gen, `/api/v1/placements${SL.query(params)}`);
    if (!data) return;
    const rows = data.placements || [];
    view.append(
      toolbar(rows.length, 'placement', SL.csvButton('/api/v1/placements', params, `placements-${on}.csv`)),
      SL.table({
        caption: `Placements on ${on}`,
        empty: 'No placement matches these filters on that date.',
        columns: [
          { label: 'Secondment', value: (p) => SL.idLink(p.id) },
          { label: 'Employee', value: (p) => p.employeeId },
          { label: 'Role', value: (p) => p.roleTitle },
          { label: 'Home', value: (p) => place(p.homeOrg, p.homeUnit) },
          { label: 'Host', value: (p) => place(p.hostOrg, p.hostUnit) },
          { label: 'Kind', value: (p) => SL.words(p.kind) },
          { label: 'Country', value: (p) => p.country },
          { label: 'Started', value: (p) => p.start, class: 'date' },
          { label: 'Planned end', value: (p) => p.plannedEnd, class: 'date' },
          { label: 'Ended', value: (p) => p.end, class: 'date' },
        ],
        rows,
      }));
  });

  // ---- Alerts -----------------------------------------------------------------------------
  const ALERT_NAMES = {
    ending_soon: 'Ending soon', overdue: 'Overdue', return_not_recorded: 'Return not recorded',
    over_maximum: 'Over the maximum', erasure_due: 'Erasure due',
  };
  SL.alertBadge = (kind) =>
    h('span', { class: `alert-tag alert-${String(kind).replace(/[^a-z_]/g, '')}` }, ALERT_NAMES[kind] || SL.words(kind));

  SL.route('alerts', async (view, route, gen) => {
    const params = SL.pick(route.query, ['withinDays']);
    header(view, 'Alerts', 'Placements ending soon, overdue, over the policy maximum, or whose return was not recorded.');
    view.append(SL.filterForm('alerts', route.query, [
      { name: 'withinDays', label: 'Ending within (days)', type: 'number', min: 0, max: 3650, hint: '30 when empty' },
    ]));
    const data = await load(view, gen, `/api/v1/alerts${SL.query(params)}`);
    if (!data) return;
    const rows = data.alerts || [];
    view.append(
      toolbar(rows.length, 'alert', SL.csvButton('/api/v1/alerts', params, `alerts-${SL.today()}.csv`)),
      SL.table({
        caption: 'Alerts',
        empty: 'No alerts: every placement is on track.',
        columns: [
          // An erasure that is due names a person, who has no page of their own.
          { label: 'Secondment', value: (a) => (a.alert === 'erasure_due' ? h('span', null, a.id) : SL.idLink(a.id)) },
          { label: 'Alert', value: (a) => h('div', null, SL.alertBadge(a.alert), h('p', { class: 'why' }, a.why)), class: 'wrap' },
        ],
        rows,
      }));
  });

  // ---- Secondments ------------------------------------------------------------------------
  SL.route('secondments', async (view, route, gen) => {
    const names = ['state', 'hostOrg', 'hostUnit', 'homeOrg', 'homeUnit', 'kind', 'country', 'employee'];
    const params = SL.pick(route.query, names);
    const all = SL.seesAll();
    header(view, all ? 'Secondments' : 'My secondments',
      all ? 'Every secondment, in its state as of today.' : 'The secondments that name you, in their state as of today.');
    view.append(SL.filterForm('secondments', route.query, [
      { name: 'state', label: 'State', type: 'select', options: [['', 'Any state'], ...SL.STATES.map((s) => [s, SL.words(s)])] },
      ...SL.FILTERS,
    ]));
    const data = await load(view, gen, `/api/v1/secondments${SL.query(params)}`);
    if (!data) return;
    const rows = data.secondments || [];
    view.append(
      toolbar(rows.length, 'secondment', SL.csvButton('/api/v1/secondments', params, `secondments-${SL.today()}.csv`)),
      SL.table({
        caption: all ? 'Secondments' : 'My secondments',
        empty: 'No secondment matches.',
        columns: [
          { label: 'Secondment', value: (s) => SL.idLink(s.id) },
          { label: 'State', value: (s) => SL.badge(s.state, s.convertingOn ? `(converting ${s.convertingOn})` : '') },
          { label: 'Employee', value: (s) => s.employeeId },
          { label: 'Role', value: (s) => s.roleTitle },
          { label: 'Home', value: (s) => place(s.homeOrg, s.homeUnit) },
          { label: 'Host', value: (s) => place(s.hostOrg, s.hostUnit) },
          { label: 'Kind', value: (s) => SL.words(s.kind) },
          { label: 'Planned', value: (s) => `${SL.dash(s.plannedStart)} to ${SL.dash(s.plannedEnd)}`, class: 'date' },
          { label: 'Started', value: (s) => s.actualStart, class: 'date' },
        ],
        rows,
      }));
  });

  // ---- To do ------------------------------------------------------------------------------
  const TODO_NAMES = {
    approve: (t) => `Approve ${t.scope ? SL.words(t.scope).toLowerCase() : ''}`.trim(),
    sign: () => 'Sign the agreement',
    start: () => 'Record the start',
  };

  SL.route('todo', async (view, route, gen) => {
    header(view, 'To do', `What waits for you as ${SL.roleName(SL.state.role)}.`);
    const data = await load(view, gen, '/api/v1/todo');
    if (!data) return;
    const rows = data.todo || [];
    view.append(
      toolbar(rows.length, 'item', SL.csvButton('/api/v1/todo', {}, `todo-${SL.today()}.csv`)),
      SL.table({
        caption: 'To do',
        empty: 'Nothing waits for you.',
        columns: [
          { label: 'Secondment', value: (t) => SL.idLink(t.id) },
          { label: 'What', class: 'wrap', value: (t) => h('div', null,
            TODO_NAMES[t.kind] ? h('strong', null, TODO_NAMES[t.kind](t)) : SL.alertBadge(t.kind),
            h('p', { class: 'why' }, t.why)) },
        ],
        rows,
      }));
  });

  // ---- New proposal -----------------------------------------------------------------------
  const fieldset = (legend, ...fields) => ({ legend, fields });
  const PROPOSAL = [
    fieldset('Employee and role',
      { name: 'employee', label: 'Employee', required: true, hint: 'Employee id, such as emp-1' },
      { name: 'roleTitle', label: 'Role title', required: true },
      { name: 'kind', label: 'Kind', type: 'select', required: true, value: 'internal',
        options: SL.KINDS.map((k) => [k, SL.words(k)]) },
      { name: 'fte', label: 'Time at the host (% FTE)', type: 'number', min: 1, max: 100, hint: '100 when empty' },
      { name: 'objectives', label: 'Objectives', type: 'lines', hint: 'One per line', wide: true }),
    fieldset('Home: where the employee comes from',
      { name: 'homeOrg', label: 'Home organisation', required: true },
      { name: 'homeUnit', label: 'Home unit', required: true },
      { name: 'homeManager', label: 'Home manager', required: true, hint: 'Their id' }),
    fieldset('Host: where the employee goes',
      { name: 'hostOrg', label: 'Host organisation', required: true },
      { name: 'hostUnit', label: 'Host unit', required: true },
      { name: 'hostManager', label: 'Host manager', required: true, hint: 'Their id' },
      { name: 'country', label: 'Country', maxlength: 2, hint: 'ISO code, such as FR' },
      { name: 'location', label: 'Location' },
      { name: 'cost', label: 'Cost', type: 'select', options: [['', 'Not stated'], ...SL.COSTS.map((c) => [c, SL.words(c)])] }),
    fieldset('Dates',
      { name: 'start', label: 'Planned start', type: 'date', required: true },
      { name: 'end', label: 'Planned end', type: 'date', required: true },
      { name: 'date', label: 'Business date of the proposal', type: 'date', hint: 'Today when empty' }),
    fieldset('Optional',
      { name: 'backfill', label: 'Backfill plan', type: 'textarea', wide: true },
      { name: 'id', label: 'Secondment id', hint: 'Generated when empty (SEC-…)' }),
  ];

  SL.route('new', async (view) => {
    const formId = 'propose';
    header(view, 'New proposal', 'Propose a secondment. It then waits for the approvals the policy asks for.');
    const form = h('form', { id: formId, class: 'form proposal card', novalidate: true, 'aria-label': 'New proposal' },
      h('div', { class: 'form-error', role: 'alert', 'aria-live': 'assertive' }),
      PROPOSAL.map((group) => h('fieldset', null, h('legend', null, group.legend),
        h('div', { class: 'fields' }, group.fields.map((f) => SL.field(formId, f))))),
      h('p', { class: 'hint' }, 'Fields marked * are required.'),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Propose secondment')));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const body = SL.formBody(form);
      const missing = PROPOSAL.flatMap((g) => g.fields).find((f) => f.required && !(f.name in body));
      if (missing) {
        SL.showProblem(form, { status: 400, field: missing.name, detail: `${missing.label} is required.` });
        return;
      }
      const res = await SL.post(form, '/api/v1/secondments', body);
      if (!res) return;
      if (!res.ok) {
        SL.showProblem(form, res.problem);
        return;
      }
      const id = res.data.id || (res.data.secondment && res.data.secondment.id);
      SL.announce(`Proposed ${id}. It waits for approval.`, 'success', true);
      SL.go(`#/secondment/${SL.enc(id)}`);
    });
    view.append(form);
  });
})();
