// GET /wallboard: a live page of the calls and conferences the logged-in user may see (an admin: all),
// drawn from the event stream. Plain HTML/CSS/JS from src/wallboard, read once at start-up from the
// wallboard/ folder beside http/: src/wallboard under tsx, dist/wallboard in the build (npm run build
// copies it there).
// Behind HTTP Basic like every resource: the browser asks for the login once and sends it with the
// page's assets and its WebSocket upgrade.
import { readFileSync } from 'node:fs';
import type { Hono } from 'hono';
import type { AppDeps } from '../app-deps.js';
import type { AppEnv } from '../context.js';

export const WALLBOARD_ASSET_DIR = new URL('../../wallboard/', import.meta.url);

const ASSETS = {
  '/wallboard': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/wallboard/wallboard.js': { file: 'wallboard.js', type: 'text/javascript; charset=utf-8' },
  '/wallboard/wallboard.css': { file: 'wallboard.css', type: 'text/css; charset=utf-8' },
  // the page links it, so the browser does not ask for a /favicon.ico nobody serves
  '/wallboard/favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
} as const;

/** Only our own script, style and stream: an injected caller name could not run or load anything. */
const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' ws: wss:; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

export function registerWallboardRoutes(app: Hono<AppEnv>, _deps: AppDeps): void {
  for (const [path, asset] of Object.entries(ASSETS)) {
    const body = readFileSync(new URL(asset.file, WALLBOARD_ASSET_DIR), 'utf8');
    app.get(path, (c) => c.body(body, 200, { ...SECURITY_HEADERS, 'Content-Type': asset.type }));
  }
}
