/** A few lines instead of a framework: elements from tag, attributes and children. */
export type Child = Node | string | number | null | undefined | false;

export const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) node.setAttribute(k, v);
  append(node, children);
  return node;
};

export const append = (node: Node, children: Child[]): void => {
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
};

export const link = (href: string, ...children: Child[]): HTMLAnchorElement => el('a', { href }, ...children);

/** A table with a caption and a header row; rows of cells. */
export const table = (caption: string, headers: string[], rows: Child[][], attrs: Record<string, string> = {}): HTMLElement =>
  el(
    'div',
    { class: 'table-wrap' },
    el(
      'table',
      attrs,
      el('caption', {}, caption),
      el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c) => el('td', {}, c))))),
    ),
  );

/** Label/value pairs. */
export const facts = (pairs: Array<[string, Child]>, attrs: Record<string, string> = {}): HTMLElement =>
  el('dl', { class: 'facts', ...attrs }, ...pairs.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));

export const section = (title: string, ...children: Child[]): HTMLElement => el('section', {}, el('h2', {}, title), ...children);
