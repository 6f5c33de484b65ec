// Secondment Ledger web page: the auditor's page. The tree head, a full verification, the stored
// checkpoints, and a secondment's proof to download.
'use strict';

(function () {
  const SL = window.SL;
  const { h } = SL;

  const scalar = (v) => v == null || ['string', 'number', 'boolean'].includes(typeof v);

  // A definition list of an object's plain values; lists and objects as counts or JSON.
  function facts(object, labels) {
    return h('dl', { class: 'details' }, Object.entries(object).map(([key, value]) => {
      const text = scalar(value) ? SL.dash(value)
        : Array.isArray(value) ? (value.length ? value.map((v) => (scalar(v) ? v : JSON.stringify(v))).join(', ') : 'none')
          : JSON.stringify(value);
      return h('div', { class: `detail${String(text).length > 24 ? ' detail-wide' : ''}` },
        h('dt', null, (labels && labels[key]) || SL.words(key.replace(/([A-Z])/g, ' $1').toLowerCase())),
        h('dd', { class: /root|hash|ledger|id$/i.test(key) ? 'mono' : null }, text));
    }));
  }

  async function loadInto(slot, path, render) {
    slot.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
    let res;
    try {
      res = await SL.api(path);
    } catch (e) {
      res = { ok: false, problem: { detail: e.message } };
    }
    slot.replaceChildren(res.ok ? render(res.data) : SL.problemBox(res.problem));
    return res;
  }

  SL.route('audit', async (view) => {
    view.append(h('div', { class: 'page-head' },
      h('h1', { tabindex: -1 }, 'Audit'),
      h('p', { class: 'muted' }, 'Check that the ledger is whole: its Merkle tree head, a full verification, and the signed checkpoints.')));

    // Tree head.
    const headSlot = h('div');
    const loadHead = () => loadInto(headSlot, '/api/v1/tree-head', (d) =>
      facts(d, { ledger: 'Ledger', size: 'Events (tree size)', root: 'Merkle root' }));
    view.append(h('section', { class: 'card', 'aria-labelledby': 'head-title' },
      h('div', { class: 'section-head' },
        h('h2', { id: 'head-title' }, 'Tree head'),
        h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: loadHead }, 'Refresh tree head')),
      headSlot));

    // Verify.
    const verifySlot = h('div', { 'aria-live': 'polite' });
    const verifyButton = h('button', { type: 'button', class: 'btn btn-primary' }, 'Verify the ledger');
    verifyButton.addEventListener('click', async () => {
      verifyButton.disabled = true;
      verifySlot.replaceChildren(h('p', { class: 'loading' }, 'Verifying every hash, chain, index and checkpoint…'));
      let res;
      try {
        res = await SL.api('/api/v1/verify');
      } catch (e) {
        res = { ok: false, problem: { detail: e.message } };
      }
      verifyButton.disabled = false;
      if (!res.ok) {
        verifySlot.replaceChildren(h('p', { class: 'verdict verdict-bad', role: 'alert' }, 'Verification failed: ', res.problem.detail));
        return;
      }
      const d = res.data || {};
      verifySlot.replaceChildren(
        h('p', { class: 'verdict verdict-good' }, `Verified ${SL.dash(d.events)} events, root `, h('code', null, SL.dash(d.root))),
        facts(d),
        h('details', null, h('summary', null, 'The full answer'), h('pre', { class: 'mono' }, JSON.stringify(d, null, 2))));
    });
    view.append(h('section', { class: 'card', 'aria-labelledby': 'verify-title' },
      h('h2', { id: 'verify-title' }, 'Verify'),
      h('p', { class: 'muted' }, 'Recomputes every leaf, the Merkle tree, every stream’s chain, the indexes and the stored checkpoints. On a large ledger this takes a while.'),
      h('div', { class: 'actions' }, verifyButton), verifySlot));

    // Checkpoints.
    const checkpointSlot = h('div');
    view.append(h('section', { class: 'card', 'aria-labelledby': 'checkpoints-title' },
      h('h2', { id: 'checkpoints-title' }, 'Checkpoints'), checkpointSlot));

    // Proof.
    const formId = 'proof';
    const proofForm = h('form', { id: formId, class: 'form inline-form', novalidate: true, 'aria-labelledby': 'proof-title' },
      h('div', { class: 'form-error', role: 'alert', 'aria-live': 'assertive' }),
      h('div', { class: 'fields' }, SL.field(formId, { name: 'id', label: 'Secondment id', required: true, hint: 'Such as SEC-000001' })),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Download proof')));
    proofForm.addEventListener('submit', async (event) => {
      event.preventDefault();
      const id = proofForm.elements.namedItem('id').value.trim();
      SL.clearErrors(proofForm);
      if (!id) {
        SL.showProblem(proofForm, { field: 'id', detail: 'Enter a secondment id.' });
        return;
      }
      let res;
      try {
        res = await SL.api(`/api/v1/secondments/${SL.enc(id)}/proof`, { raw: true });
      } catch (e) {
        SL.showProblem(proofForm, { detail: e.message });
        return;
      }
      if (!res.ok) {
        SL.showProblem(proofForm, { ...res.problem, field: 'id' });
        return;
      }
      const blob = await res.response.blob();
      const url = URL.createObjectURL(blob);
      const link = h('a', { href: url, download: `${id}-proof.json`, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 30000);
      SL.announce(`Downloaded ${id}-proof.json.`, 'success');
    });
    view.append(h('section', { class: 'card', 'aria-labelledby': 'proof-title' },
      h('h2', { id: 'proof-title' }, 'Proof of a secondment'),
      h('p', { class: 'muted' }, 'Its history within the latest stored checkpoint, each event with its inclusion proof; check it offline with ',
        h('code', null, 'secondment verify-proof'), '.'),
      proofForm));

    await Promise.all([
      loadHead(),
      loadInto(checkpointSlot, '/api/v1/checkpoints', (d) => SL.table({
        caption: 'Stored signed checkpoints',
        empty: 'No checkpoint is stored yet (secondment checkpoint --key KEY signs one).',
        columns: [
          { label: 'Size', value: (c) => String(c.size) },
          { label: 'Time', value: (c) => c.time, class: 'date' },
          { label: 'Key id', value: (c) => c.keyId, class: 'mono' },
          { label: 'Root', value: (c) => c.root, class: 'mono' },
          { label: 'Note', value: (c) => (c.note ? h('details', null, h('summary', null, 'Signed note'), h('pre', { class: 'mono' }, c.note)) : '') },
        ],
        rows: (d.checkpoints || []).slice().reverse(),
      })),
    ]);
  });
})();
