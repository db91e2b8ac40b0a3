// A shopper's experience as merchandisers preview it: recommendations with
// their reasons (and the people behind them), the feed, and one search with
// and without the shopper's graph, side by side.
import { api, qs } from '../api.js';
import { h, replace, fmt } from '../dom.js';
import { productCard } from './products.js';
import { postCard } from './feed.js';

export async function previewView(main, { query }) {
  const uid = query.get('userId') || '1';
  const q = query.get('q') || '';
  const form = h('form', { class: 'inline', id: 'preview-form', onsubmit: e => {
    e.preventDefault();
    location.hash = `#/preview${qs({ userId: e.target.userId.value, q: e.target.q.value })}`;
  } },
  h('label', null, 'Shopper ID', h('input', { name: 'userId', type: 'number', min: 1, value: uid, size: 8 })),
  h('label', null, 'Search', h('input', { name: 'q', value: q, placeholder: 'e.g. black sneakers', size: 24 })),
  h('label', null, '\u00a0', h('button', { type: 'submit' }, 'Preview')));
  replace(main, h('h1', null, 'Shopper preview'), form, h('p', { class: 'muted' }, 'Loading…'));
  const p = await api(`/v1/admin/preview${qs({ userId: uid, q, limit: 10 })}`);
  const feed = (p.feed && p.feed.items) || [];
  const results = (label, r, id) => h('div', { class: 'col', id },
    h('h2', null, label),
    h('p', { class: 'muted' }, `${fmt(r.total)} matches`, r.personalization && r.personalization.applied && r.personalization.applied.length
      ? ` · boosts: ${r.personalization.applied.map(a => `${a.kind} ${a.value}`).join(', ')}` : ''),
    h('ol', null, r.hits.map(x => h('li', null, x.product.title, ' ', h('span', { class: 'muted' }, x.product.brand || ''),
      (x.boosts || []).length ? h('span', { class: 'tag' }, x.boosts.join(', ')) : null))));
  replace(main, h('h1', null, `Shopper preview: user ${p.userId}`), form,
    h('div', { class: 'row' },
      h('div', { class: 'col', id: 'preview-recs' }, h('h2', null, 'Recommendations'),
        p.recommendations.length ? h('div', { class: 'products' }, p.recommendations.map(x => productCard(x.product, { reasons: x.reasons })))
          : h('p', { class: 'muted' }, 'none')),
      h('div', { class: 'col', id: 'preview-feed' }, h('h2', null, 'Feed'),
        feed.length ? feed.map(item => postCard(item, { readOnly: true })) : h('p', { class: 'muted' }, 'empty'))),
    h('h2', null, `Search${q ? ` for “${q}”` : ' (browse)'}`),
    h('div', { class: 'row' },
      results('Personalised', p.search.personalised, 'preview-personalised'),
      results('Unpersonalised', p.search.unpersonalised, 'preview-unpersonalised')));
}
