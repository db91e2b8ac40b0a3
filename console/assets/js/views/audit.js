// The audit log (admins), filtered on the server by role, action, user and
// status, newest first.
import { api, qs } from '../api.js';
import { h, replace, table } from '../dom.js';

export async function auditView(main, { query }) {
  const f = Object.fromEntries(['role', 'action', 'userId', 'status'].map(k => [k, query.get(k) || '']));
  const body = h('div');
  const more = h('button', { class: 'secondary', type: 'button', hidden: true }, 'Older entries');
  const form = h('form', { class: 'inline', id: 'audit-filter', onsubmit: e => {
    e.preventDefault();
    const p = {};
    for (const [k, v] of new FormData(e.target)) if (v) p[k] = v;
    location.hash = `#/audit${qs(p)}`;
  } },
  h('label', null, 'Role', h('select', { name: 'role' }, ['', 'shopper', 'merchandiser', 'admin', 'service'].map(r => h('option', { value: r, selected: r === f.role ? true : null }, r || 'any')))),
  h('label', null, 'Action contains', h('input', { name: 'action', value: f.action, placeholder: 'insights', size: 16 })),
  h('label', null, 'User ID', h('input', { name: 'userId', type: 'number', value: f.userId, size: 8 })),
  h('label', null, 'Status', h('input', { name: 'status', value: f.status, placeholder: '403 or 4xx', size: 6 })),
  h('label', null, '\u00a0', h('button', { type: 'submit' }, 'Filter')));
  replace(main, h('h1', null, 'Audit log'), form, body, more);
  const rows = [];
  const cols = [{ key: 'at', render: e => new Date(e.at).toLocaleString() }, { key: 'role' },
    { key: 'who', render: e => e.userId ? `user ${e.userId}` : (e.keyId ? `key ${e.keyId}` : '') }, { key: 'action' },
    { key: 'params', render: e => Object.entries(e.params || {}).map(([k, v]) => `${k}=${v}`).join(' ') },
    { key: 'status', num: true }, { key: 'rows', num: true }, { key: 'requestId' }];
  let cursor = '';
  async function page() {
    const r = await api(`/v1/admin/audit${qs({ ...f, limit: 50, cursor })}`);
    rows.push(...r.entries);
    cursor = r.nextCursor || '';
    replace(body, rows.length ? table(cols, rows) : h('p', { class: 'muted' }, 'No entries match.'));
    body.firstChild.id = 'audit-table';
    more.hidden = !cursor;
  }
  more.addEventListener('click', page);
  await page();
}
