// Secondment Ledger web page: the form of each lifecycle step, as docs/http.md "Step bodies"
// lists their fields. Each form posts to /api/v1/secondments/{id}/{step} with If-Match (the
// ETag the page was loaded with) and an Idempotency-Key.
'use strict';

(function () {
  const SL = window.SL;
  const { h } = SL;

  const DATE = (label, hint) => ({
    name: 'date', label: label || 'Business date', type: 'date', hint: hint || 'Today (UTC) when empty',
  });
  const REASON = { name: 'reason', label: 'Reason', type: 'textarea', rows: 2, required: true };
  const SCOPES = ['placement', 'extension', 'conversion', 'correction'];

  // The scopes with an open request; the first one that still waits for approvals first.
  function scopeField(s) {
    const open = Object.entries(s.approvals || {});
    const waiting = open.filter(([, a]) => (a.outstanding || []).length).map(([scope]) => scope);
    const names = waiting.length ? waiting : open.length ? open.map(([scope]) => scope) : SCOPES;
    return {
      name: 'scope', label: 'Request', type: 'select', required: true, value: names[0],
      options: names.map((n) => [n, SL.words(n)]),
    };
  }

  // Correctable fields, with the value each now has.
  const CORRECTABLE = [
    ['planned_start', 'Planned start', 'plannedStart', 'date'],
    ['planned_end', 'Planned end', 'plannedEnd', 'date'],
    ['actual_start', 'Actual start', 'actualStart', 'date'],
    ['return_date', 'Return date', 'returnedOn', 'date'],
    ['host_org', 'Host organisation', 'hostOrg'],
    ['host_unit', 'Host unit', 'hostUnit'],
    ['host_manager', 'Host manager', 'hostManager'],
    ['home_org', 'Home organisation', 'homeOrg'],
    ['home_unit', 'Home unit', 'homeUnit'],
    ['home_manager', 'Home manager', 'homeManager'],
    ['role_title', 'Role title', 'roleTitle'],
    ['fte', 'FTE %', 'ftePercent'],
    ['location', 'Location', 'location'],
    ['country', 'Country', 'country'],
    ['cost', 'Cost', 'cost'],
  ];

  const VOIDABLE = ['started', 'returned', 'feedbackRecorded', 'handoverRecorded'];

  // The recorded steps a void may name: starts, returns, feedback and handovers not voided yet.
  SL.voidable = (events) => {
    const voided = new Set(events.filter((e) => e.type === 'voided')
      .map((e) => Number(SL.fieldsOf(e).position)));
    return events.filter((e) => VOIDABLE.includes(e.type) && !voided.has(Number(e.position)));
  };

  function voidField(events) {
    const candidates = SL.voidable(events);
    if (!candidates.length) {
      return { name: 'position', label: 'Event to void (position)', type: 'number', min: 1, required: true };
    }
    const names = { started: 'Start', returned: 'Return', feedbackRecorded: 'Feedback', handoverRecorded: 'Handover' };
    return {
      name: 'position', label: 'Event to void', type: 'select', required: true, numeric: true,
      value: String(candidates[candidates.length - 1].position),
      options: candidates.map((e) => [String(e.position), `#${e.position} ${names[e.type]}, ${e.effectiveDate} (${e.actor})`]),
    };
  }

  SL.STEP_ORDER = ['approve', 'sign', 'start', 'feedback', 'handover', 'return', 'request-extension',
    'propose-conversion', 'correct', 'refuse', 'withdraw', 'void'];

  const STEPS = {
    approve: {
      title: 'Approve', submit: 'Approve', done: 'approval recorded',
      fields: (s) => [scopeField(s), { name: 'conditions', label: 'Conditions', type: 'textarea', rows: 2, hint: 'Optional' }, DATE('Decision date')],
    },
    refuse: {
      title: 'Refuse', submit: 'Refuse', danger: true, done: 'refusal recorded',
      fields: (s) => [scopeField(s), REASON, DATE('Decision date')],
    },
    withdraw: {
      title: 'Withdraw', submit: 'Withdraw', danger: true, done: 'withdrawn',
      fields: () => [REASON, DATE()],
    },
    sign: {
      title: 'Sign the agreement', submit: 'Sign', done: 'agreement signed',
      fields: () => [
        { name: 'agreement', label: 'Agreement reference', required: true },
        { name: 'version', label: 'Agreement version', type: 'number', min: 1, hint: '1 when empty' },
        { name: 'sha256', label: 'Document SHA-256', maxlength: 64, hint: 'Optional: 64 hex digits' },
        DATE('Signature date')],
    },
    start: {
      title: 'Start', submit: 'Start', done: 'start recorded',
      fields: () => [DATE('Start date', 'The actual start; today when empty')],
    },
    handover: {
      title: 'Handover', submit: 'Record handover', done: 'handover recorded',
      fields: () => [
        { name: 'direction', label: 'Direction', type: 'select', required: true, value: 'outbound',
          options: [['outbound', 'Outbound (before leaving home)'], ['inbound', 'Inbound (at the host)'], ['return', 'Return (handed back)']] },
        { name: 'from', label: 'From', required: true, hint: 'Who hands over' },
        { name: 'to', label: 'To', required: true, hint: 'Who takes over' },
        { name: 'duties', label: 'Duties', type: 'lines', rows: 2, hint: 'One per line' },
        { name: 'notes', label: 'Notes', type: 'textarea', rows: 2 },
        DATE('Handover date')],
    },
    feedback: {
      title: 'Feedback', submit: 'Record feedback', done: 'feedback recorded',
      fields: () => [
        { name: 'text', label: 'Feedback', type: 'textarea', required: true },
        { name: 'rating', label: 'Rating', type: 'select', numeric: true,
          options: [['', 'No rating'], ['1', '1: poor'], ['2', '2'], ['3', '3: as expected'], ['4', '4'], ['5', '5: excellent']] },
        DATE('Feedback date')],
    },
    'request-extension': {
      title: 'Request an extension', submit: 'Request extension', done: 'extension requested',
      fields: (s) => [
        { name: 'until', label: 'New planned end', type: 'date', required: true, hint: `Now ${SL.dash(s.plannedEnd)}` },
        { name: 'rationale', label: 'Rationale', type: 'textarea', rows: 2, required: true },
        DATE('Request date')],
    },
    return: {
      title: 'Return', submit: 'Record return', done: 'return recorded',
      fields: () => [
        DATE('Return date', 'Today when empty'),
        { name: 'reason', label: 'Reason', hint: 'Optional' },
        { name: 'position', label: 'Position on return', type: 'select',
          options: [['', 'Not stated'], ['substantive', 'Substantive (same post)'], ['equivalent', 'Equivalent post']] }],
    },
    'propose-conversion': {
      title: 'Convert to a permanent post', submit: 'Propose conversion', done: 'conversion proposed',
      fields: () => [
        { name: 'effective', label: 'Effective date', type: 'date', required: true },
        { name: 'newRole', label: 'New role', required: true },
        { name: 'recruitmentRef', label: 'Recruitment reference', hint: 'Optional' },
        DATE('Proposal date')],
    },
    correct: {
      title: 'Correct a recorded value', submit: 'Correct', done: 'correction recorded',
      fields: () => [
        { name: 'field', label: 'Field', type: 'select', required: true,
          options: [['', 'Choose a field'], ...CORRECTABLE.map(([name, label]) => [name, label])] },
        { name: 'value', label: 'Correct value', hint: 'Choose a field first' },
        REASON, DATE()],
    },
    void: {
      title: 'Void a recorded step', submit: 'Void', danger: true, done: 'void recorded',
      fields: (s, events) => [voidField(events), REASON, DATE()],
    },
  };

  // The correct form shows the value the chosen field has now, and a date picker for dates.
  function wireCorrect(form, s) {
    const field = form.elements.namedItem('field');
    const value = form.elements.namedItem('value');
    const hint = form.querySelector(`#${CSS.escape(value.id)}-hint`);
    field.addEventListener('change', () => {
      const known = CORRECTABLE.find(([name]) => name === field.value);
      if (!known) {
        hint.textContent = 'Choose a field first';
        value.type = 'text';
        return;
      }
      const now = s[known[2]];
      value.type = known[3] === 'date' ? 'date' : 'text';
      hint.textContent = `Now: ${now == null || now === '' ? '(none)' : String(now)}`;
    });
  }

  // One step's card: a heading that names the form, and the form.
  SL.stepForm = (s, step, etag, events, reload, open) => {
    const def = STEPS[step] || { title: SL.words(step), submit: SL.words(step), done: `${step} recorded`, fields: () => [DATE()] };
    const formId = `step-${step}`;
    const titleId = `${formId}-toggle`;
    const fields = def.fields(s, events);
    const form = SL.form(formId, { labelledby: titleId, fields, submit: def.submit, danger: def.danger });
    if (step === 'correct') wireCorrect(form, s);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const body = SL.formBody(form);
      const missing = fields.find((f) => f.required && !(f.name in body));
      if (missing) {
        SL.showProblem(form, { status: 400, field: missing.name, detail: `${missing.label} is required.` });
        return;
      }
      const res = await SL.post(form, `/api/v1/secondments/${SL.enc(s.id)}/${step}`, body,
        etag ? { 'If-Match': etag } : {});
      if (!res) return;
      if (!res.ok) {
        SL.showProblem(form, res.problem, reload);
        return;
      }
      const after = res.data && res.data.secondment;
      const replay = res.headers.get('Idempotent-Replayed') === 'true' ? ' (already recorded)' : '';
      SL.announce(`${s.id}: ${def.done}${replay}${after && after.state ? `; now ${after.state}` : ''}.`, 'success', true);
      reload();
    });
    // A disclosure: the heading's button shows or hides the form, which it names.
    const panelId = `${formId}-panel`;
    const toggle = h('button', {
      type: 'button', class: 'step-toggle', id: titleId, 'aria-expanded': String(Boolean(open)), 'aria-controls': panelId,
    }, h('span', { class: 'chevron', 'aria-hidden': 'true' }), def.title);
    const panel = h('div', { class: 'step-panel', id: panelId, hidden: !open }, form);
    toggle.addEventListener('click', () => {
      const opening = toggle.getAttribute('aria-expanded') !== 'true';
      toggle.setAttribute('aria-expanded', String(opening));
      panel.hidden = !opening;
      if (opening) {
        const first = form.querySelector('input, select, textarea');
        if (first) first.focus();
      }
    });
    return h('section', { class: `step-card${def.danger ? ' step-danger' : ''}`, 'aria-labelledby': titleId },
      h('h3', null, toggle), panel);
  };

  // The steps shown open at first: the usual next step; the rest are one click away.
  SL.PRIMARY_STEPS = ['approve', 'sign', 'start', 'return', 'feedback'];
})();
