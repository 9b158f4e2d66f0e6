// /my/conferences (the caller's conferences: owned or delegated) and /my/conferences/{name} (the
// `setting` document: GET, and PUT for owner, delegate or admin). The setting has exactly sipX's fields
// unless `?extended=true` (then also the extension and the seed-003 fields).
import type { Context, Hono } from 'hono';
import {
  applyConferenceChange,
  conferenceSetting,
  conferenceSummary,
  extendedConferenceSetting,
  type Conference,
} from '../../domain/conferences.js';
import { canManageDelegates } from '../../domain/ownership.js';
import type { AppDeps } from '../app-deps.js';
import { readDocument } from '../body.js';
import { controlledConference } from '../conference-access.js';
import { currentUser, type AppEnv } from '../context.js';
import { badRequest, forbidden } from '../errors.js';
import { wantsExtended } from '../extended.js';
import { respond } from '../represent.js';
import { SETTING_DOCUMENT, settingSchema } from '../schemas.js';

/** sipX's PUT left a field unchanged when its value was null: so does this one. */
function withoutNulls<T extends object>(doc: T): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== null)) as {
    [K in keyof T]?: Exclude<T[K], null>;
  };
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((v, i) => v === b[i]);

export function registerMyConferenceRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  const { store } = deps;

  const list = async (c: Context<AppEnv>) => {
    const user = currentUser(c);
    const mine = new Map<string, Conference>();
    for (const conf of await store.conferencesOwnedBy(user.userName)) mine.set(conf.name, conf);
    for (const conf of await store.conferencesDelegatedTo(user.userName)) mine.set(conf.name, conf);
    const sorted = [...mine.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return respond(c, 200, 'conferences', sorted.map(conferenceSummary));
  };
  app.get('/my/conferences', list);
  app.get('/my/conferences/', list);

  const setting = (c: Context<AppEnv>, conf: Conference, extended: boolean) =>
    respond(c, 200, 'setting', extended ? extendedConferenceSetting(conf) : conferenceSetting(conf), {
      headers: { 'Cache-Control': 'no-store' },
    });

  app.get('/my/conferences/:name', async (c) => {
    const extended = wantsExtended(c);
    const conf = await controlledConference(c, store, c.req.param('name'));
    return setting(c, conf, extended);
  });

  app.put('/my/conferences/:name', async (c) => {
    const user = currentUser(c);
    const extended = wantsExtended(c);
    const conf = await controlledConference(c, store, c.req.param('name'));
    const body = withoutNulls(await readDocument(c, settingSchema, SETTING_DOCUMENT));
    const { name, extension, moderatorCode, ...settings } = body;
    // The setting document names its conference; renaming or moving it is the admin API's job.
    if (name !== undefined && name !== conf.name)
      throw badRequest("invalid field 'name': cannot change", 'name');
    if (extension !== undefined && extension !== conf.extension)
      throw badRequest("invalid field 'extension': changed only through the admin API", 'extension');
    // sipX's moderatorCode is the moderator PIN; both names may come, but must then agree.
    if (moderatorCode !== undefined) {
      if (settings.moderatorPin !== undefined && settings.moderatorPin !== moderatorCode)
        throw badRequest("invalid field 'moderatorCode': differs from moderatorPin", 'moderatorCode');
      settings.moderatorPin = moderatorCode;
    }
    if (
      settings.delegates !== undefined &&
      !sameList(settings.delegates, conf.delegates) &&
      !canManageDelegates(user, conf)
    )
      throw forbidden('only the owner or an admin may change delegates');
    const saved = await store.updateConference(conf.name, (current) =>
      applyConferenceChange(current, settings),
    );
    deps.logger.info({ conference: saved.name, by: user.userName }, 'conference settings saved');
    return setting(c, saved, extended);
  });
}
