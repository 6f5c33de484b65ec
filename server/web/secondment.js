// Secondment Ledger web page: one secondment. Its details, the steps the caller's role may take
// on it (the "steps" of GET /api/v1/secondments/{id}), and its history as a timeline with each
// correction or void shown beside the event it corrects.
'use strict';

(function () {
  const SL = window.SL;
  const { h } = SL;

  // ---- Events -----------------------------------------------------------------------------
  const EVENT_NAMES = {
    proposed: 'Proposed', approvalGranted: 'Approval granted', approvalRefused: 'Approval refused',
    withdrawn: 'Withdrawn', agreementSigned: 'Agreement signed', started: 'Started',
    handoverRecorded: 'Handover', feedbackRecorded: 'Feedback', extensionRequested: 'Extension requested',
    extended: 'Extended', returned: 'Returned', conversionProposed: 'Conversion proposed',
    convertedToPermanent: 'Converted to a permanent post', periodClaimed: 'Period claimed',
    corrected: 'Corrected', correctionProposed: 'Correction proposed', voided: 'Voided',
    erasureRequested: 'Erasure requested', personalDataErased: 'Personal data erased',
  };
  const EVENT_TONE = {
    approvalRefused: 'bad', withdrawn: 'bad', voided: 'bad', started: 'good', returned: 'info',
    convertedToPermanent: 'good', approvalGranted: 'good', corrected: 'warn', correctionProposed: 'warn',
  };

  // The payload's fields: history answers {"payload":{...}} for the event's type; a payload
  // wrapped as {"<type>":{...}} is accepted too.
  function fieldsOf(event) {
    const p = event.payload || {};
    const keys = Object.keys(p);
    if (keys.length === 1 && keys[0] === event.type && p[keys[0]] && typeof p[keys[0]] === 'object') return p[keys[0]];
    return p;
  }
  SL.fieldsOf = fieldsOf;

  const shown = (v) => (v == null || v === '' ? '(none)' : String(v));

  function summary(event) {
    const p = fieldsOf(event);
    switch (event.type) {
      case 'proposed': {
        const home = p.home || {};
        const host = p.host || {};
        return `${p.employeeId} from ${home.org}/${home.unit} to ${host.org}/${host.unit} as ${p.roleTitle}, ${p.plannedStart} to ${p.plannedEnd}`;
      }
      case 'approvalGranted':
        return `${p.scope} approved by ${SL.roleName(p.approverRole)}${p.completesRequest ? ' (complete)' : ''}${p.conditions ? `; conditions: ${p.conditions}` : ''}`;
      case 'approvalRefused':
        return `${p.scope} refused by ${SL.roleName(p.approverRole)}: ${p.reason}`;
      case 'withdrawn': return `withdrawn: ${p.reason}`;
      case 'agreementSigned': return `agreement ${p.reference} v${p.version} signed`;
      case 'started': return `started ${p.actualStart}`;
      case 'handoverRecorded':
        return `${p.direction} handover ${p.from} -> ${p.to}${(p.duties || []).length ? `: ${p.duties.join('; ')}` : ''}`;
      case 'feedbackRecorded':
        return `feedback from ${SL.roleName(p.fromRole)}${p.rating ? `, rating ${p.rating}` : ''}: ${p.text}`;
      case 'extensionRequested': return `extension to ${p.newPlannedEnd} requested: ${p.rationale}`;
      case 'extended': return `extended ${p.previousEnd} -> ${p.newEnd} (${p.cumulativeDays} days in all)`;
      case 'returned':
        return `returned ${p.returnDate}${p.early ? ' (early)' : ''}${p.reason ? `: ${p.reason}` : ''}`;
      case 'conversionProposed': return `conversion to ${p.newRole} proposed from ${p.effectiveDate}`;
      case 'convertedToPermanent': return `converted to a permanent post as ${p.newRole} from ${p.effectiveDate}`;
      case 'periodClaimed': return `period of ${p.secondmentId} claimed: ${p.plannedStart} to ${p.plannedEnd}`;
      case 'corrected': return `corrected ${p.field}: ${shown(p.oldValue)} -> ${shown(p.newValue)} (${p.reason})`;
      case 'correctionProposed':
        return p.field === 'void'
          ? `void of #${p.newValue} proposed (${p.reason}), waiting for approval`
          : `correction of ${p.field} proposed: ${shown(p.oldValue)} -> ${shown(p.newValue)} (${p.reason}), waiting for approval`;
      case 'voided': return `#${p.position} (${p.voidedType}) void: ${p.reason}`;
      default: return JSON.stringify(p);
    }
  }

  // Notes for earlier events: position -> [{text, void}].
  function correctionNotes(events) {
    const notes = new Map();
    const add = (position, note) => {
      const key = Number(position);
      if (!notes.has(key)) notes.set(key, []);
      notes.get(key).push(note);
    };
    for (const event of events) {
      const p = fieldsOf(event);
      if (event.type === 'corrected' && Number(p.correctsPosition)) {
        add(p.correctsPosition, {
          text: `corrected by #${event.position}: ${p.field} ${shown(p.oldValue)} -> ${shown(p.newValue)} (${p.reason})`,
        });
      } else if (event.type === 'voided' && Number(p.position)) {
        add(p.position, { text: `void by #${event.position}: ${p.reason}`, void: true });
      }
    }
    return notes;
  }

  function timeline(events) {
    const notes = correctionNotes(events);
    const list = h('ol', { class: 'timeline' });
    for (const event of events) {
      const mine = notes.get(Number(event.position)) || [];
      const isVoid = mine.some((n) => n.void);
      const tone = EVENT_TONE[event.type] || 'plain';
      list.append(h('li', { class: `tl-item tl-${tone}${isVoid ? ' tl-void' : ''}`, id: `event-${event.position}`, 'data-position': event.position },
        h('div', { class: 'tl-dot', 'aria-hidden': 'true' }),
        h('div', { class: 'tl-body' },
          h('div', { class: 'tl-head' },
            h('span', { class: 'tl-pos' }, `#${event.position}`),
            h('strong', { class: 'tl-type' }, EVENT_NAMES[event.type] || event.type),
            isVoid ? h('span', { class: 'void-tag' }, 'void') : null,
            h('span', { class: 'tl-meta' },
              'effective ', h('time', { datetime: event.effectiveDate }, SL.dash(event.effectiveDate)),
              ' · by ', event.actor, ' (', SL.roleName(event.role), ')')),
          h('p', { class: 'tl-summary' }, summary(event)),
          mine.length ? h('ul', { class: 'tl-notes' }, mine.map((n) =>
            h('li', { class: n.void ? 'note-void' : 'note-corrected' }, n.text))) : null,
          h('details', { class: 'tl-raw' },
            h('summary', null, 'Recorded data'),
            h('dl', { class: 'raw-meta' },
              h('dt', null, 'Recorded at'), h('dd', null, event.recordedAt),
              h('dt', null, 'Version'), h('dd', null, String(event.streamVersion)),
              h('dt', null, 'Event id'), h('dd', { class: 'mono' }, event.eventId)),
            h('pre', { class: 'mono' }, JSON.stringify(fieldsOf(event), null, 2))))));
    }
    return list;
  }

  // ---- Details ----------------------------------------------------------------------------
  function details(s) {
    const items = [
      ['Employee', s.employeeId],
      ['Role title', s.roleTitle],
      ['Kind', `${SL.words(s.kind)}, ${s.ftePercent}% FTE`],
      ['Home', `${s.homeOrg} / ${s.homeUnit}`],
      ['Home manager', s.homeManager],
      ['Host', `${s.hostOrg} / ${s.hostUnit}`],
      ['Host manager', s.hostManager],
      ['Country', s.country],
      ['Location', s.location],
      ['Cost', s.cost && s.cost !== 'unspecified' ? SL.words(s.cost) : 'Not stated'],
      ['Planned', `${SL.dash(s.plannedStart)} to ${SL.dash(s.plannedEnd)} (${s.plannedDays} days)`],
      ['Actual start', s.actualStart ? `${s.actualStart}${s.actualDays != null ? ` (${s.actualDays} days${s.returnedOn || s.convertedOn ? '' : ' so far'})` : ''}` : 'Not started'],
      ['Cumulative', `${s.cumulativeDays} days`],
      ['Agreement', s.agreement ? `${s.agreement.reference} v${s.agreement.version}` : 'Not signed'],
      ['Feedback', `${s.feedbackCount} recorded`],
      ['Handovers', `${s.handoverCount} recorded`],
    ];
    if (s.returnedOn) items.push(['Returned', `${s.returnedOn}${s.returnedEarly ? ' (early)' : ''}`]);
    if (s.convertingOn) items.push(['Converts', `${s.convertingOn} as ${s.convertedRole}`]);
    else if (s.convertedOn) items.push(['Converted', `${s.convertedOn} as ${s.convertedRole}`]);
    if (s.closingReason) items.push(['Reason', s.closingReason]);
    if (s.backfillPlan) items.push(['Backfill plan', s.backfillPlan]);
    const dl = h('dl', { class: 'details' }, items.map(([k, v]) =>
      h('div', { class: 'detail' }, h('dt', null, k), h('dd', null, SL.dash(v)))));
    if ((s.objectives || []).length) {
      dl.append(h('div', { class: 'detail detail-wide' }, h('dt', null, 'Objectives'),
        h('dd', null, h('ul', null, s.objectives.map((o) => h('li', null, o))))));
    }
    return dl;
  }

  function approvals(s) {
    const rows = Object.entries(s.approvals || {}).map(([scope, a]) => ({ scope, ...a }));
    const roles = (list) => (list || []).map(SL.roleName).join(', ');
    const section = h('section', { class: 'card', 'aria-labelledby': 'approvals-title' },
      h('h2', { id: 'approvals-title' }, 'Approvals and requests'),
      SL.table({
        caption: 'Approvals by request',
        empty: 'No request.',
        columns: [
          { label: 'Request', value: (r) => SL.words(r.scope) },
          { label: 'Approved by', value: (r) => roles(r.granted) || 'nobody yet' },
          { label: 'Waiting for', value: (r) => (r.outstanding || []).length ? h('strong', null, roles(r.outstanding)) : 'complete' },
        ],
        rows,
      }));
    const waiting = [];
    if (s.extensionRequested) waiting.push(`Extension to ${s.extensionRequested.until} requested: ${s.extensionRequested.rationale}`);
    if (s.conversionProposed) {
      const c = s.conversionProposed;
      waiting.push(`Conversion to ${c.newRole} from ${c.effectiveDate}${c.recruitmentRef ? ` (${c.recruitmentRef})` : ''} proposed`);
    }
    if (s.correctionProposed) {
      const c = s.correctionProposed;
      waiting.push(c.field === 'void'
        ? `Void of #${c.newValue} proposed (${c.reason}); waits for approval`
        : `Correction of ${c.field}: ${shown(c.oldValue)} -> ${shown(c.newValue)} (${c.reason}); waits for approval`);
    }
    for (const x of s.extensions || []) {
      waiting.push(`Extended ${x.previousEnd} -> ${x.newEnd} (${x.cumulativeDays} days in all)`);
    }
    if (waiting.length) section.append(h('ul', { class: 'requests' }, waiting.map((w) => h('li', null, w))));
    return section;
  }

  // ---- The page ---------------------------------------------------------------------------
  SL.route('secondment', async (view, route, gen) => {
    const id = route.parts[1] || '';
    const base = `/api/v1/secondments/${SL.enc(id)}`;
    view.append(h('div', { class: 'loading' }, 'Loading…'));
    let one;
    let hist;
    try {
      [one, hist] = await Promise.all([SL.api(base), SL.api(`${base}/history`)]);
    } catch (e) {
      one = { ok: false, problem: { detail: e.message } };
    }
    if (!SL.current(gen)) return;
    view.replaceChildren();
    if (!one.ok) {
      view.append(h('h1', { tabindex: -1 }, `Secondment ${id}`), SL.problemBox(one.problem));
      return;
    }
    const s = one.data;
    const etag = one.headers.get('ETag') || (s.version != null ? `"${s.version}"` : null);
    const events = hist && hist.ok ? hist.data.events || [] : [];

    const reload = () => SL.refresh(true);
    const head = h('div', { class: 'page-head secondment-head' },
      h('p', { class: 'crumb' }, h('a', { href: '#/secondments' }, SL.seesAll() ? 'Secondments' : 'My secondments'), ' / ', s.id),
      h('div', { class: 'title-row' },
        h('h1', { tabindex: -1 }, `Secondment ${s.id}`),
        SL.badge(s.state, s.convertingOn ? `(converting on ${s.convertingOn})` : '')),
      h('p', { class: 'lead' }, `${s.employeeId} · ${s.roleTitle} · ${s.homeOrg}/${s.homeUnit} → ${s.hostOrg}/${s.hostUnit}`),
      h('div', { class: 'toolbar' },
        h('p', { class: 'muted' }, `Version ${s.version}, last event #${s.lastPosition}`),
        h('div', { class: 'buttons' },
          h('button', { type: 'button', class: 'btn btn-secondary', onclick: reload }, 'Reload'))));

    // A void needs a recorded start, return, feedback or handover to point at.
    const steps = (Array.isArray(s.steps) ? s.steps : []).filter((step) => step !== 'void' || SL.voidable(events).length);
    const auditor = SL.state.role === 'auditor';
    const actions = h('section', { class: 'card actions-card', 'aria-labelledby': 'actions-title' },
      h('h2', { id: 'actions-title' }, auditor ? 'Audit' : 'Actions'));
    if (auditor) {
      actions.append(
        h('p', { class: 'muted small' }, 'Its history within the latest stored checkpoint, each event with its inclusion proof, to check offline with ',
          h('code', null, 'secondment verify-proof'), '.'),
        h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'btn btn-primary', onclick: () => SL.downloadProof(s.id) }, 'Download proof')));
    } else if (!steps.length) {
      actions.append(h('p', { class: 'muted' }, `Nothing you may do on ${s.id} now, as ${SL.roleName(SL.state.role)}.`));
    } else {
      const grid = h('div', { class: 'step-grid' });
      const ordered = SL.STEP_ORDER.filter((name) => steps.includes(name))
        .concat(steps.filter((name) => !SL.STEP_ORDER.includes(name)));
      const primary = ordered.filter((name) => SL.PRIMARY_STEPS.includes(name));
      const rest = ordered.filter((name) => !primary.includes(name));
      for (const step of primary.concat(rest)) {
        grid.append(SL.stepForm(s, step, etag, events, reload, primary.includes(step) || ordered.length === 1));
      }
      actions.append(h('p', { class: 'muted small' }, `What you may do now, as ${SL.roleName(SL.state.role)}.`), grid);
    }

    const historySection = h('section', { class: 'card', 'aria-labelledby': 'history-title' },
      h('div', { class: 'section-head' },
        h('h2', { id: 'history-title' }, 'History'),
        h('button', {
          type: 'button', class: 'btn btn-secondary btn-small',
          onclick: () => SL.download(`${base}/history?format=csv`, `${s.id}-history.csv`, 'text/csv'),
        }, 'Download CSV')),
      hist && hist.ok ? timeline(events) : SL.problemBox(hist ? hist.problem : { detail: 'History not available.' }));

    view.append(head,
      h('div', { class: 'secondment-grid' },
        h('div', { class: 'col-main' },
          h('section', { class: 'card', 'aria-labelledby': 'details-title' },
            h('h2', { id: 'details-title' }, 'Details'), details(s)),
          approvals(s),
          historySection),
        h('div', { class: 'col-side' }, actions)));
  });

  SL.downloadProof = (id) =>
    SL.download(`/api/v1/secondments/${SL.enc(id)}/proof`, `${id}-proof.json`, 'application/json');
})();
