// The console's shell: sign-in, navigation and a hash router (#/feed,
// #/insights/trending, …). Screens live in views/; each renders into the main
// element and may return a function that stops what it started.
import { api, navigate, session } from './api.js';
import { h, replace, errorBox } from './dom.js';
import { feedView } from './views/feed.js';
import { searchView } from './views/search.js';
import { productView, recsView } from './views/products.js';
import { insightsView } from './views/insights.js';
import { explorerView } from './views/explorer.js';
import { previewView } from './views/preview.js';
import { auditView } from './views/audit.js';

const main = document.getElementById('view');
const nav = document.getElementById('nav');
const who = document.getElementById('who');

const screens = {
  feed: { title: 'Feed', view: feedView },
  search: { title: 'Search', view: searchView },
  recommendations: { title: 'For you', view: recsView },
  product: { view: productView },
  insights: { title: 'Insights', view: insightsView, staff: true },
  explorer: { title: 'Graph explorer', view: explorerView, staff: true },
  preview: { title: 'Shopper preview', view: previewView, staff: true },
  audit: { title: 'Audit log', view: auditView, admin: true },
};

const isStaff = me => me && (me.role === 'merchandiser' || me.role === 'admin');

let stop = null;

function drawNav(me, current) {
  const link = key => h('a', { href: `#/${key}`, class: key === current ? 'active' : null }, screens[key].title);
  const shopper = ['feed', 'search', 'recommendations'].map(link);
  const staff = isStaff(me) ? ['insights', 'explorer', 'preview'].map(link) : [];
  if (me && me.role === 'admin') staff.push(link('audit'));
  replace(nav, shopper, staff.length ? h('span', { class: 'sep' }, '|') : null, staff);
  replace(who, me ? `user ${me.userId} · ${me.role} ` : '',
    me ? h('button', { class: 'secondary', id: 'signout', onclick: signOut }, 'Sign out') : null);
}

function signOut() {
  session.clear();
  location.hash = '#/';
  route();
}

async function signIn(token) {
  session.set(token);
  try {
    const me = await api('/v1/me');
    if (me.role === 'service') throw new Error('service keys cannot use the console');
    session.setMe(me);
    // Staff land on the cheapest insight; the graph-wide ones run on demand.
    const target = isStaff(me) ? '#/insights/searches' : '#/feed';
    if (location.hash === target) route(); else location.hash = target; // hashchange routes

  } catch (err) {
    session.clear();
    throw err;
  }
}

async function signInView() {
  drawNav(null, '');
  let cfg = { devSignIn: false };
  try { cfg = await (await fetch('config.json', { cache: 'no-store' })).json(); } catch { /* offline page: token only */ }
  const msg = h('div');
  const fail = err => replace(msg, errorBox(err));
  const dev = cfg.devSignIn ? h('form', { id: 'dev-signin', class: 'card', onsubmit: async e => {
    e.preventDefault();
    const f = e.target;
    try {
      const res = await api('/console/dev-token', { method: 'POST', body: { userId: Number(f.userId.value), role: f.role.value } });
      await signIn(res.token);
    } catch (err) { fail(err); }
  } },
  h('h2', null, 'Development sign-in'),
  h('p', { class: 'muted' }, 'Only offered when STYLEGRAPH_ENV=dev: pick any user and role.'),
  h('div', { class: 'row' },
    h('label', null, 'User ID', h('input', { name: 'userId', type: 'number', min: 1, value: 1, required: true })),
    h('label', null, 'Role', h('select', { name: 'role' }, ['shopper', 'merchandiser', 'admin'].map(r => h('option', { value: r }, r)))),
    h('label', null, '\u00a0', h('button', { type: 'submit' }, 'Sign in')))) : null;
  const tokenForm = h('form', { id: 'token-signin', class: 'card', onsubmit: async e => {
    e.preventDefault();
    const t = e.target.token.value.trim();
    try { await signIn(t); } catch (err) { fail(err); }
  } },
  h('h2', null, 'Sign in with a token'),
  h('p', { class: 'muted' }, 'Paste the bearer token your shop\'s identity provider issued. It is kept for this tab only.'),
  h('textarea', { name: 'token', required: true, autocomplete: 'off', spellcheck: 'false' }),
  h('p', null, h('button', { type: 'submit' }, 'Sign in')));
  replace(main, h('div', { class: 'signin' }, h('h1', null, 'Sign in to the console'), msg, dev, tokenForm));
}

async function route() {
  if (stop) { try { stop(); } catch { /* already stopped */ } stop = null; }
  const signal = navigate();
  if (!session.token) return signInView();
  let me = session.me;
  if (!me) {
    try { me = await api('/v1/me'); session.setMe(me); } catch { if (signal.aborted) return; session.clear(); return signInView(); }
  }
  const [path, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const key = parts[0] || (isStaff(me) ? 'insights' : 'feed');
  const screen = screens[key];
  drawNav(me, key);
  if (!screen) { replace(main, errorBox(new Error('no such screen'))); return; }
  replace(main, h('p', { class: 'muted' }, 'Loading…'));
  try {
    const stopView = await screen.view(main, { parts: parts.slice(1), query: new URLSearchParams(query), me }) || null;
    // A screen left while it loaded is stopped at once.
    if (signal.aborted) { if (stopView) stopView(); } else stop = stopView;
  } catch (err) {
    // A screen left while it loaded says nothing: the next one owns the page.
    if (signal.aborted) return;
    replace(main, h('h1', null, screen.title || key), errorBox(err));
  }
}

window.addEventListener('hashchange', route);
window.addEventListener('signed-out', () => route());
route();
