// A conference's recordings (owner, delegate or admin; deleting: owner or admin):
//   GET    /my/conferences/{name}/recordings          the list (`recordings/recording`): name, source,
//                                                     start-time, duration (ms), size, recording
//   GET    /my/conferences/{name}/recordings/{file}   the file, streamed, with `Range` support
//   DELETE /my/conferences/{name}/recordings/{file}   removes it (not while FreeSWITCH still records)
// The files are read from RECORDINGS_DIR when the daemon can read it (control/recordings.ts); when it
// cannot, the answer is 404 with the reason.
import { Readable } from 'node:stream';
import type { Context, Hono } from 'hono';
import { RecordingLedger } from '../../control/recording-ledger.js';
import { RecordingLibrary } from '../../control/recordings.js';
import { canDeleteRecordings } from '../../domain/ownership.js';
import { RECORDING_FILE_RE, recordingContentType } from '../../domain/recording-files.js';
import type { RouteDeps } from '../app.js';
import { byteRange } from '../byte-range.js';
import { controlledConference } from '../conference-access.js';
import { currentUser, type AppEnv } from '../context.js';
import { badRequest, forbidden, HttpError } from '../errors.js';
import { respond, respondError } from '../represent.js';

const NO_STORE = { 'Cache-Control': 'no-store' } as const;

export function registerRecordingRoutes(app: Hono<AppEnv>, deps: RouteDeps): void {
  const ledger = new RecordingLedger(deps.config.recordingsDir);
  if (deps.live) ledger.follow(deps.live);
  const library = new RecordingLibrary({
    recordingsDir: deps.config.recordingsDir,
    ledger,
    running: (name) => deps.live?.conference(name)?.conference.recordings ?? [],
  });

  const fileName = (c: Context<AppEnv>): string => {
    const name = c.req.param('file') ?? '';
    if (!RECORDING_FILE_RE.test(name)) throw badRequest('not a recording file name', 'file');
    return name;
  };

  app.get('/my/conferences/:name/recordings', async (c) => {
    const conf = await controlledConference(c, deps.store, c.req.param('name'));
    const listed = await library.list(conf.name);
    if (!listed.ok) throw new HttpError(listed.status, listed.error);
    return respond(c, 200, 'recordings', listed.value, { headers: NO_STORE });
  });

  app.get('/my/conferences/:name/recordings/:file', async (c) => {
    const conf = await controlledConference(c, deps.store, c.req.param('name'));
    const opened = await library.open(conf.name, fileName(c));
    if (!opened.ok) throw new HttpError(opened.status, opened.error);
    const { handle, entry, modified } = opened.value;
    const size = entry.size;
    const range = byteRange(c.req.header('range'), size);
    if (range.kind === 'unsatisfiable') {
      await handle.close();
      return respondError(c, 416, 'the range is outside the file', {
        headers: { 'Content-Range': `bytes */${size}` },
      });
    }
    const [start, end] = range.kind === 'part' ? [range.start, range.end] : [0, size - 1];
    const headers: Record<string, string> = {
      ...NO_STORE,
      'Content-Type': recordingContentType(entry.name),
      'Content-Length': String(Math.max(0, end - start + 1)),
      'Accept-Ranges': 'bytes',
      'Content-Disposition': `attachment; filename="${entry.name}"`,
      'Last-Modified': new Date(modified).toUTCString(),
      'X-Content-Type-Options': 'nosniff',
    };
    if (range.kind === 'part') headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
    const status = range.kind === 'part' ? 206 : 200;
    if (c.req.method === 'HEAD' || size === 0) {
      await handle.close();
      return new Response(null, { status, headers });
    }
    // exactly the bytes counted in Content-Length, even if FreeSWITCH is still writing the file
    const stream = handle.createReadStream({ start, end, autoClose: true });
    return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, { status, headers });
  });

  app.delete('/my/conferences/:name/recordings/:file', async (c) => {
    const conf = await controlledConference(c, deps.store, c.req.param('name'));
    const user = currentUser(c);
    if (!canDeleteRecordings(user, conf)) throw forbidden('only the owner or an admin may delete recordings');
    const removed = await library.remove(conf.name, fileName(c));
    if (!removed.ok) throw new HttpError(removed.status, removed.error);
    deps.logger.info(
      { conference: conf.name, file: removed.value.name, by: user.userName },
      'recording deleted',
    );
    return c.body(null, 204);
  });
}
