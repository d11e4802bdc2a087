/**
 * The dashboard (issue 13), served by `cxt serve` at `/`. Hash routes, one module per page, plain
 * DOM and SVG: no framework, no CDN, works offline. Every number comes from the read API; nothing
 * here computes a reward.
 *
 *   #/                  overview          #/account/0x…   account (receipts, Claim)
 *   #/node/:id          node              #/task/:id      task
 *   #/distributions     distributions     #/epoch/:n      epoch
 */
import { ApiError } from './api.ts';
import { loadContext, type Context } from './context.ts';
import { el } from './dom.ts';
import { accountPage } from './pages/account.ts';
import { distributionsPage } from './pages/distributions.ts';
import { epochPage } from './pages/epoch.ts';
import { nodePage } from './pages/node.ts';
import { overview } from './pages/overview.ts';
import { taskPage } from './pages/task.ts';
import { connect, wallet } from './wallet.ts';

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

const route = (ctx: Context, hash: string): Promise<HTMLElement> => {
  const [, page = '', arg = ''] = hash.replace(/^#/, '').split('/');
  const value = decodeURIComponent(arg);
  switch (page) {
    case 'account':
      return accountPage(ctx, value.toLowerCase());
    case 'node':
      return nodePage(value);
    case 'task':
      return taskPage(ctx, value);
    case 'distributions':
      return distributionsPage(ctx);
    case 'epoch':
      return epochPage(ctx, Number(value));
    default:
      return overview(ctx);
  }
};

/** The search box: an address opens the account, a number the epoch, anything else a node (or a task, if no such node). */
const searchTarget = async (q: string): Promise<string> => {
  const text = q.trim();
  if (ADDRESS.test(text)) return `#/account/${text.toLowerCase()}`;
  if (/^\d+$/.test(text)) return `#/epoch/${text}`;
  const node = await fetch(`/v1/nodes/${encodeURIComponent(text)}`);
  return node.ok ? `#/node/${encodeURIComponent(text)}` : `#/task/${encodeURIComponent(text)}`;
};

const header = (): HTMLElement => {
  const input = el('input', { id: 'search', type: 'search', name: 'q', placeholder: '0x… address, node id, task id or epoch', autocomplete: 'off' });
  const form = el('form', { role: 'search', class: 'search' }, el('label', { for: 'search' }, 'Find'), input, el('button', { type: 'submit' }, 'Go'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    location.hash = await searchTarget(input.value);
  });
  const w = wallet();
  const connectButton = el('button', { type: 'button', 'data-testid': 'connect' }, w ? 'Connect wallet' : 'No wallet found');
  connectButton.disabled = !w;
  connectButton.addEventListener('click', async () => {
    if (!w) return;
    try {
      location.hash = `#/account/${await connect(w)}`;
    } catch (error) {
      connectButton.textContent = `Wallet: ${(error as Error).message}`;
    }
  });
  return el(
    'header',
    {},
    el('nav', { 'aria-label': 'Main' }, el('a', { href: '#/', class: 'brand' }, 'Corex'), el('a', { href: '#/distributions' }, 'Distributions'), el('a', { href: '/docs' }, 'API')),
    form,
    connectButton,
  );
};

const main = el('main', { id: 'main', tabindex: '-1' });

const render = async (): Promise<void> => {
  main.setAttribute('aria-busy', 'true');
  try {
    const ctx = await loadContext();
    const page = await route(ctx, location.hash);
    main.replaceChildren(page);
    document.title = `${page.querySelector('h1')?.textContent ?? 'Corex'} · Corex`;
  } catch (error) {
    const message = error instanceof ApiError ? `${error.message} (HTTP ${error.status})` : (error as Error).message;
    main.replaceChildren(el('div', { role: 'alert', class: 'error' }, el('h1', {}, 'Could not load this page'), el('p', {}, message)));
  } finally {
    main.setAttribute('aria-busy', 'false');
    main.focus({ preventScroll: true });
  }
};

document.body.append(el('a', { href: '#main', class: 'skip' }, 'Skip to content'), header(), main);
window.addEventListener('hashchange', () => void render());
void render();
