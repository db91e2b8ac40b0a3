// Product cards, the product page (with similar products) and the shopper's
// recommendations with their reasons.
import { api, qs } from '../api.js';
import { h, replace, img, money, highlighted } from '../dom.js';

// reasonLine says why a product was recommended, naming the people behind a
// social reason.
export function reasonLine(r) {
  // People the reason's text already names are not repeated after it.
  const who = (r.via || []).map(u => u.name || `user ${u.ID}`).filter(n => !String(r.text).includes(n));
  return h('li', { class: 'reason', dataset: { kind: r.kind } }, r.text, who.length ? ` — ${who.join(', ')}` : null);
}

// productCard draws a product; highlight (search) and reasons are optional.
export function productCard(p, { reasons, highlight, extra } = {}) {
  const title = highlight && highlight.title && highlight.title.length ? highlighted(highlight.title[0]) : p.title;
  return h('div', { class: 'product', dataset: { id: p.id } },
    h('a', { href: `#/product/${p.id}` }, img((p.images || [])[0] || p.imageURL, p.title, 'thumb'), h('div', { class: 'title' }, title)),
    h('div', { class: 'muted' }, [p.brand, money(p)].filter(Boolean).join(' · ')),
    reasons && reasons.length ? h('ul', { class: 'comments' }, reasons.map(reasonLine)) : null,
    extra || null);
}

export async function productView(main, { parts }) {
  const id = parts[0];
  const [p, similar] = await Promise.all([
    api(`/v1/products/${encodeURIComponent(id)}`),
    api(`/v1/products/${encodeURIComponent(id)}/similar${qs({ limit: 12 })}`),
  ]);
  replace(main,
    h('div', { class: 'card', id: 'product' },
      h('div', { class: 'row' },
        h('div', null, (p.images || []).length ? p.images.map(u => img(u, p.title, 'thumb')) : img('', p.title, 'thumb')),
        h('div', { class: 'col' },
          h('h1', null, p.title),
          h('p', null, h('strong', null, p.brand || ''), ' ', money(p)),
          h('p', { class: 'muted' }, (p.categoryPath || []).join(' › ')),
          h('p', null, p.description || ''),
          h('p', null, [p.color, p.gender, p.season, p.usage].filter(Boolean).join(' · ')),
          (p.sizes || []).length ? h('p', null, 'Sizes: ', p.sizes.join(', ')) : null,
          h('div', null, (p.tags || []).map(t => h('span', { class: 'tag' }, t)))))),
    h('h2', null, 'Similar products'),
    similar.items.length ? h('div', { class: 'products', id: 'similar' }, similar.items.map(r => productCard(r.product, { reasons: r.reasons })))
      : h('p', { class: 'muted' }, 'Nothing similar yet.'));
}

export async function recsView(main) {
  const r = await api(`/v1/recommendations${qs({ limit: 24 })}`);
  replace(main, h('h1', null, 'Recommended for you'),
    r.items.length ? h('div', { class: 'products', id: 'recs' }, r.items.map(x => productCard(x.product, { reasons: x.reasons })))
      : h('p', { class: 'muted' }, 'No recommendations yet: like, follow or browse a little.'));
}
