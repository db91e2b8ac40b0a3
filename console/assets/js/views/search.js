// Product search: instant suggestions, multi-select facets, price filters,
// sorting, highlighted matches, "did you mean" and paging by cursor.
import { api, qs } from '../api.js';
import { h, replace, errorBox, fmt, debounce } from '../dom.js';
import { productCard } from './products.js';

const facetNames = ['brand', 'category', 'color', 'size', 'gender'];
const sorts = [['relevance', 'Relevance'], ['price_asc', 'Price ↑'], ['price_desc', 'Price ↓'], ['newest', 'Newest'], ['popular', 'Popular']];

export async function searchView(main, { query }) {
  const state = { q: query.get('q') || '', sort: query.get('sort') || 'relevance', price_min: '', price_max: '', filters: {} };
  for (const f of facetNames) state.filters[f] = query.getAll(f);

  const input = h('input', { id: 'q', type: 'search', placeholder: 'Search products', value: state.q, autocomplete: 'off', 'aria-autocomplete': 'list' });
  const suggest = h('ul', { class: 'suggest', id: 'suggest', hidden: true, role: 'listbox' });
  const sortSel = h('select', { id: 'sort', name: 'sort' }, sorts.map(([v, t]) => h('option', { value: v, selected: v === state.sort ? true : null }, t)));
  const pmin = h('input', { id: 'price-min', type: 'number', min: 0, placeholder: 'min', size: 6 });
  const pmax = h('input', { id: 'price-max', type: 'number', min: 0, placeholder: 'max', size: 6 });
  const facets = h('aside', { class: 'facets', id: 'facets' });
  const results = h('div', { class: 'col', id: 'results' });
  const info = h('div', { id: 'search-info' });
  const more = h('button', { class: 'secondary', type: 'button', hidden: true }, 'More results');
  const form = h('form', { class: 'inline', id: 'search-form', onsubmit: e => { e.preventDefault(); hideSuggest(); run(); } },
    h('div', { class: 'search-box' }, input, suggest),
    h('label', null, 'Sort', sortSel), h('label', null, 'Price from', pmin), h('label', null, 'to', pmax),
    h('label', null, '\u00a0', h('button', { type: 'submit' }, 'Search')));
  replace(main, h('h1', null, 'Search'), form, info, h('div', { class: 'row' }, facets, h('div', { class: 'col' }, results, more)));

  let suggestCtl = null;
  const fetchSuggest = debounce(async () => {
    const prefix = input.value.trim();
    if (!prefix) return hideSuggest();
    if (suggestCtl) suggestCtl.abort();
    suggestCtl = new AbortController();
    try {
      const r = await api(`/v1/search/suggest${qs({ q: prefix, limit: 8 })}`, { signal: suggestCtl.signal });
      replace(suggest, r.suggestions.map(s => h('li', { role: 'option', onmousedown: e => {
        e.preventDefault();
        if (s.kind === 'product' && s.id) { location.hash = `#/product/${s.id}`; return; }
        input.value = s.text; hideSuggest(); run();
      } }, s.text, h('span', { class: 'kind' }, s.kind))));
      suggest.hidden = r.suggestions.length === 0;
    } catch (err) { if (err.name !== 'AbortError') hideSuggest(); }
  }, 120);
  function hideSuggest() { suggest.hidden = true; }
  input.addEventListener('input', fetchSuggest);
  input.addEventListener('blur', () => setTimeout(hideSuggest, 150));
  sortSel.addEventListener('change', () => run());

  let cursor = '';
  function params(withCursor) {
    return { q: input.value.trim() || undefined, sort: sortSel.value, price_min: pmin.value, price_max: pmax.value, limit: 20,
      cursor: withCursor ? cursor : '', ...state.filters };
  }

  async function run(append) {
    try {
      const r = await api(`/v1/search${qs(params(append))}`);
      const p = params(false);
      history.replaceState(null, '', `#/search${qs({ q: p.q, sort: p.sort === 'relevance' ? '' : p.sort, ...state.filters })}`);
      cursor = r.nextCursor || '';
      more.hidden = !cursor;
      if (!append) {
        replace(info,
          h('p', { class: 'muted', id: 'total' }, `${fmt(r.total)} products`, r.personalization && r.personalization.enabled ? ' · personalised for you' : ''),
          r.relaxed ? h('p', { id: 'relaxed' }, 'Nothing matched exactly; showing close matches', r.suggestions.length ? ` for “${r.suggestions[0]}”` : '', '.') : null,
          r.suggestions.length ? h('p', { id: 'did-you-mean' }, 'Did you mean: ', r.suggestions.map(s => h('a', { href: '#', onclick: e => { e.preventDefault(); input.value = s; run(); } }, s, ' '))) : null);
        drawFacets(r.facets);
        replace(results, h('div', { class: 'products' }));
      }
      const grid = results.firstChild;
      for (const hit of r.hits) {
        grid.append(productCard(hit.product, { highlight: hit.highlight,
          extra: (hit.boosts || []).length ? h('div', { class: 'muted' }, 'boosted: ', hit.boosts.join(', ')) : null }));
      }
      if (!r.hits.length && !append) replace(results, h('p', { class: 'muted' }, 'No products match.'));
    } catch (err) {
      replace(info, errorBox(err));
    }
  }

  function drawFacets(f) {
    replace(facets, facetNames.filter(n => (f[n] || []).length).map(n => h('fieldset', { dataset: { facet: n } },
      h('legend', null, n),
      f[n].slice(0, 12).map(v => h('label', { class: 'check' },
        h('input', { type: 'checkbox', value: v.value, checked: state.filters[n].includes(v.value), onchange: e => {
          const sel = new Set(state.filters[n]);
          if (e.target.checked) sel.add(v.value); else sel.delete(v.value);
          state.filters[n] = [...sel];
          run();
        } }),
        v.value, h('span', { class: 'muted' }, ` (${v.count})`))))),
    (f.price || []).length ? h('fieldset', { dataset: { facet: 'price' } }, h('legend', null, 'price'),
      f.price.filter(b => b.count > 0).map(b => h('a', { href: '#', class: 'check', onclick: e => {
        e.preventDefault(); pmin.value = b.from ?? ''; pmax.value = b.to ?? ''; run();
      } }, `${b.from ?? 0}–${b.to ?? '…'} (${b.count})`, h('br')))) : null);
  }

  more.addEventListener('click', () => run(true));
  await run();
}
