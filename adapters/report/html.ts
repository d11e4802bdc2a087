/**
 * A self-contained HTML page kit for reports (simulation now, audit later): escaping, the page
 * shell with inline styles, sections and tables. No scripts, fonts or assets from anywhere else,
 * so a report opens offline and renders the same everywhere.
 */

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or attribute value made safe for HTML. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** Markup that is already safe; anything else passed to the kit is escaped. */
export interface Html {
  readonly html: string;
}

export const raw = (html: string): Html => ({ html });
const render = (content: Html | string): string => (typeof content === 'string' ? escapeHtml(content) : content.html);
export const join = (parts: readonly (Html | string)[], separator = '\n'): Html => raw(parts.map(render).join(separator));

const STYLE = `
:root { color-scheme: light; --ink: #1d2430; --muted: #5b6575; --rule: #d9dee7; --panel: #f6f8fb; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 64px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 36px 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
h3 { font-size: 15px; margin: 20px 0 8px; }
p.lead { color: var(--muted); margin: 0 0 16px; max-width: 80ch; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr)); gap: 18px; }
figure { margin: 0; padding: 10px 12px; background: var(--panel); border: 1px solid var(--rule); border-radius: 6px; }
figcaption { font-weight: 600; margin-bottom: 4px; }
figure .note { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border: 1px solid var(--rule); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--panel); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.ok { color: #176f2c; } td.bad { color: #b3261e; font-weight: 600; }
.scroll { overflow-x: auto; }
pre { background: var(--panel); border: 1px solid var(--rule); padding: 8px; overflow-x: auto; font-size: 12px; }
svg text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; fill: var(--ink); }
`;

export interface PageOptions {
  readonly title: string;
  /** One paragraph under the title. */
  readonly lead?: string;
  readonly body: readonly (Html | string)[];
}

export const page = (o: PageOptions): string =>
  [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(o.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body><main>',
    `<h1>${escapeHtml(o.title)}</h1>`,
    o.lead ? `<p class="lead">${escapeHtml(o.lead)}</p>` : '',
    ...o.body.map(render),
    '</main></body>',
    '</html>',
    '',
  ].join('\n');

export const section = (title: string, ...content: (Html | string)[]): Html =>
  raw([`<section><h2>${escapeHtml(title)}</h2>`, ...content.map(render), '</section>'].join('\n'));

export const paragraph = (text: string): Html => raw(`<p>${escapeHtml(text)}</p>`);

export const preformatted = (text: string): Html => raw(`<pre>${escapeHtml(text)}</pre>`);

/** Charts side by side, wrapping on narrow screens. */
export const grid = (items: readonly (Html | string)[]): Html => raw(`<div class="grid">\n${items.map(render).join('\n')}\n</div>`);

export interface Cell {
  readonly text: string;
  /** Right-aligned tabular figures. */
  readonly numeric?: boolean;
  readonly tone?: 'ok' | 'bad';
}

export interface TableOptions {
  readonly caption?: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (Cell | string | number)[])[];
  /** `data-table` attribute, for tests and styling. */
  readonly id?: string;
}

const cell = (c: Cell | string | number): string => {
  const v: Cell = typeof c === 'object' ? c : { text: String(c), numeric: typeof c === 'number' };
  const classes = [v.numeric ? 'num' : '', v.tone ?? ''].filter(Boolean).join(' ');
  return `<td${classes ? ` class="${classes}"` : ''}>${escapeHtml(v.text)}</td>`;
};

export const table = (o: TableOptions): Html =>
  raw(
    [
      `<div class="scroll"><table${o.id ? ` data-table="${escapeHtml(o.id)}"` : ''}>`,
      o.caption ? `<caption>${escapeHtml(o.caption)}</caption>` : '',
      `<thead><tr>${o.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead>`,
      '<tbody>',
      ...o.rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`),
      '</tbody></table></div>',
    ].join('\n'),
  );
