// The shopper's feed: posts with images, likes and comments, kept live by
// the SSE stream (new items slide in at the top).
import { api, qs, stream } from '../api.js';
import { h, replace, img, errorBox } from '../dom.js';
import { productCard } from './products.js';

function userName(u) { return (u && (u.name || `user ${u.ID}`)) || ''; }

function commentItem(c) {
  return h('li', null, h('strong', null, userName(c.user)), ' ', c.text);
}

// postCard draws one Feed object; recommended products (reason
// "recommended") draw as a product card.
export function postCard(item, { readOnly } = {}) {
  if (item.product) {
    return h('article', { class: 'card post recommended', dataset: { reason: item.reason } },
      h('p', { class: 'muted' }, 'Recommended for you'), productCard(item.product.product, { reasons: item.product.reasons }));
  }
  const p = item.post || {};
  const count = h('span', { class: 'like-count' }, String(item.likeCount || 0));
  const likeBtn = h('button', { type: 'button', class: `like${item.likedByMe ? ' on' : ''}`, 'aria-pressed': String(!!item.likedByMe), disabled: readOnly ? true : null }, item.likedByMe ? '♥ Liked' : '♡ Like');
  const comments = h('ul', { class: 'comments' }, (item.comment || []).map(commentItem));
  const commentCount = h('span', { class: 'comment-count' }, String(item.commentCount || 0));
  const msg = h('div');
  const el = h('article', { class: 'card post', id: `post-${p.id}`, dataset: { post: p.id, reason: item.reason } },
    h('header', null, img(item.user && item.user.imageURL, '', 'avatar'),
      h('div', null, h('strong', { class: 'author' }, userName(item.user)), h('div', { class: 'muted' },
        new Date(p.createdDate || item.createdDate).toLocaleString(), item.reason ? ` · ${item.reason}` : ''))),
    p.title ? h('h2', { class: 'post-title' }, p.title) : null,
    p.text ? h('p', { class: 'post-text' }, p.text) : null,
    (p.image || []).length ? h('div', { class: 'images' }, p.image.map(i => h('figure', null, img(i.imageURL, i.caption), i.caption ? h('figcaption', null, i.caption) : null))) : null,
    (p.tags || []).length ? h('div', null, p.tags.map(t => h('span', { class: 'tag' }, `#${t}`))) : null,
    (p.products || []).length ? h('div', { class: 'images' }, p.products.map(x => h('a', { href: `#/product/${x.id}`, class: 'product' }, img(x.imageURL, x.title, 'thumb small'), h('div', null, x.title)))) : null,
    h('div', { class: 'actions' }, likeBtn, count, h('span', { class: 'muted' }, 'likes'), commentCount, h('span', { class: 'muted' }, 'comments')),
    (item.like || []).length ? h('p', { class: 'muted likers' }, 'Liked by ', item.like.map(userName).join(', ')) : null,
    comments,
    readOnly ? null : h('form', { class: 'inline comment-form', onsubmit: async e => {
      e.preventDefault();
      const input = e.target.text;
      try {
        const c = await api(`/v1/posts/${p.id}/comments`, { method: 'POST', body: { text: input.value } });
        comments.prepend(commentItem(c));
        commentCount.textContent = String(Number(commentCount.textContent) + 1);
        input.value = '';
      } catch (err) { replace(msg, errorBox(err)); }
    } }, h('input', { name: 'text', placeholder: 'Add a comment', maxlength: 2000, required: true, size: 40 }), h('button', { type: 'submit' }, 'Comment')),
    msg);
  likeBtn.addEventListener('click', async () => {
    const liked = likeBtn.getAttribute('aria-pressed') === 'true';
    likeBtn.disabled = true;
    try {
      const f = await api(`/v1/posts/${p.id}/like`, { method: liked ? 'DELETE' : 'PUT' });
      count.textContent = String(f.likeCount);
      likeBtn.setAttribute('aria-pressed', String(f.likedByMe));
      likeBtn.classList.toggle('on', f.likedByMe);
      likeBtn.textContent = f.likedByMe ? '♥ Liked' : '♡ Like';
    } catch (err) { replace(msg, errorBox(err)); } finally { likeBtn.disabled = false; }
  });
  return el;
}

export async function feedView(main) {
  const list = h('div', { id: 'feed' });
  const live = h('span', { class: 'muted', id: 'live' }, 'connecting…');
  const more = h('button', { class: 'secondary', type: 'button', hidden: true }, 'Older posts');
  const msg = h('div');
  const composer = h('form', { class: 'card', id: 'composer', onsubmit: async e => {
    e.preventDefault();
    const f = e.target;
    const body = { title: f.title.value, text: f.text.value };
    if (f.image.value) body.images = [{ imageURL: f.image.value, caption: f.caption.value }];
    try {
      const item = await api('/v1/posts', { method: 'POST', body });
      addTop(item);
      f.reset();
    } catch (err) { replace(msg, errorBox(err)); }
  } },
  h('div', { class: 'row' },
    h('label', { class: 'col' }, 'Title', h('input', { name: 'title', maxlength: 200 })),
    h('label', { class: 'col' }, 'Image URL', h('input', { name: 'image', type: 'url', placeholder: 'https://…' })),
    h('label', { class: 'col' }, 'Caption', h('input', { name: 'caption', maxlength: 500 }))),
  h('label', null, 'Text', h('textarea', { name: 'text', maxlength: 5000 })),
  h('p', null, h('button', { type: 'submit' }, 'Post')));
  replace(main, h('div', { class: 'actions' }, h('h1', null, 'Your feed'), live), composer, msg, list, more);

  const seen = new Set();
  function addTop(item, isNew) {
    const key = item.post ? item.post.id : `rec-${item.ID}`;
    if (seen.has(key)) return;
    seen.add(key);
    const card = postCard(item);
    if (isNew) card.classList.add('new');
    list.prepend(card);
  }
  let cursor = '';
  async function page() {
    const r = await api(`/v1/feed${qs({ limit: 20, cursor })}`);
    for (const item of r.items) {
      const key = item.post ? item.post.id : `rec-${item.ID}-${cursor}`;
      if (seen.has(key)) continue;
      seen.add(key);
      list.append(postCard(item));
    }
    cursor = r.nextCursor || '';
    more.hidden = !cursor;
    if (!list.childElementCount) list.append(h('p', { class: 'muted empty' }, 'Nothing here yet: follow people and brands.'));
  }
  more.addEventListener('click', () => page().catch(err => replace(msg, errorBox(err))));
  await page();
  const ctl = new AbortController();
  stream('/v1/feed/stream', item => {
    const empty = list.querySelector('.empty');
    if (empty) empty.remove();
    addTop(item, true);
  }, ctl.signal, () => { live.textContent = '● live'; live.dataset.live = 'true'; });
  return () => ctl.abort();
}
