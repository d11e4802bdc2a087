/** Types of bundle.mjs, for the benchmark and the service that import it. */
export declare const bundleWeb: () => Promise<Record<'index.html' | 'app.css' | 'app.js', string>>;
