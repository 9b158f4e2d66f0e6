// The sipX "System" user services: /my/logindetails, /my/time, /my/keepalive.
import type { Hono } from 'hono';
import type { AppDeps } from '../app-deps.js';
import { currentUser, type AppEnv } from '../context.js';
import { respond } from '../represent.js';

const TIME_FORMAT = new Intl.DateTimeFormat('en-US', {
  month: 'short',
  day: 'numeric',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
});

/** sipX's server time, e.g. "May 16, 2014 11:19 AM" (Java's medium date, short time), local zone. */
export function formatServerTime(date: Date): string {
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    TIME_FORMAT.formatToParts(date).find((p) => p.type === type)?.value ?? '';
  return `${part('month')} ${part('day')}, ${part('year')} ${part('hour')}:${part('minute')} ${part('dayPeriod')}`;
}

export function registerMyAccountRoutes(app: Hono<AppEnv>, _deps: AppDeps): void {
  // The user's own SIP password is returned to them only (see the decision in domain/users.ts), as
  // sipX did for softphone provisioning; never cached by intermediaries.
  app.get('/my/logindetails', (c) => {
    const user = currentUser(c);
    const details = {
      userName: user.userName,
      imId: user.imId ?? '',
      ldapImAuth: false,
      sipPassword: user.sipPassword,
    };
    return respond(c, 200, 'login-details', details, { headers: { 'Cache-Control': 'no-store' } });
  });

  app.get('/my/time', (c) =>
    c.body(formatServerTime(new Date()), 200, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-store',
    }),
  );

  // Clients call this periodically to keep their session; authentication itself is the point.
  app.get('/my/keepalive', (c) => c.body(null, 200, { 'Cache-Control': 'no-store' }));
}
