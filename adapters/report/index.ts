/** A small kit for self-contained HTML reports: page shell, escaped tables, inline-SVG charts. */
export * from './html.ts';
export * from './scale.ts';
export * from './lineChart.ts';
