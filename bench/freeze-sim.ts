// The simulated FreeSWITCH of `npm run bench:freeze`, run as a child process so the harness can stop
// it for real (SIGSTOP/SIGCONT: the kernel keeps accepting connections and buffering bytes, nothing
// in the process runs). Users 200-202 with phones, conference `team` on extension 3000. It tells the
// parent its port, and answers questions over IPC (never asked while stopped): join a member, the
// conference's members as FreeSWITCH lists them (`conference team json_list`), and the life of every
// channel (created, answered, hung up, with the cause) seen since it started.
import { startSimulatedFreeswitch } from '../src/sim/start.js';
import type { SimEvent } from '../src/sim/types.js';
import {
  CONFERENCE,
  DOMAIN,
  PHONE_ANSWERS_AFTER_MS,
  type ChannelLife,
  type SimRequest,
} from './freeze-shared.js';

const heartbeatMs = Number(process.env['SIM_HEARTBEAT_MS'] ?? '20000');
const users: Record<string, { contact: string }> = {};
const reachability: Record<string, { kind: 'answer'; afterMs: number }> = {};
for (const user of ['200', '201', '202']) {
  users[user] = { contact: `127.0.0.1:5${user}` };
  reachability[`127.0.0.1:5${user}`] = { kind: 'answer', afterMs: PHONE_ANSWERS_AFTER_MS };
}
const sim = await startSimulatedFreeswitch({
  domain: DOMAIN,
  users,
  reachability,
  dialplan: { [CONFERENCE.extension]: { kind: 'conference', name: CONFERENCE.name, profile: 'default' } },
  heartbeatMs,
});

// Every channel's life, observed on the way out to the ESL clients (Date.now(): the parent compares
// it with its own clock on the same machine).
const channels = new Map<string, ChannelLife>();
const publish = sim.server.publish.bind(sim.server);
sim.server.publish = (event: SimEvent) => {
  const get = (name: string) => event.headers.find(([n]) => n === name)?.[1];
  const uuid = get('Unique-ID');
  const name = get('Event-Name');
  if (uuid !== undefined) {
    const now = Date.now();
    if (name === 'CHANNEL_CREATE' && !channels.has(uuid))
      channels.set(uuid, { uuid, user: get('Caller-Destination-Number') ?? '', createdAt: now });
    const life = channels.get(uuid);
    if (life && name === 'CHANNEL_ANSWER') life.answeredAt ??= now;
    if (life && name === 'CHANNEL_HANGUP') {
      life.hungUpAt ??= now;
      life.cause ??= get('Hangup-Cause') ?? '';
    }
  }
  publish(event);
};

process.on('message', (raw: unknown) => {
  const msg = raw as SimRequest;
  const answer = (value: unknown) => process.send?.({ id: msg.id, value });
  if (msg.type === 'join') {
    const line = `{origination_caller_id_number=${msg.user}}user/${msg.user} ${CONFERENCE.extension} XML default`;
    void sim.fs.execute('originate', line).then(answer);
  } else if (msg.type === 'members') {
    void sim.fs.execute('conference', `${CONFERENCE.name} json_list`).then((json) => {
      const list = JSON.parse(json) as Array<{
        members: Array<{ id: number; flags: { can_speak: boolean } }>;
      }>;
      answer((list[0]?.members ?? []).map((m) => ({ id: m.id, canSpeak: m.flags.can_speak })));
    });
  } else answer([...channels.values()]);
});
process.on('disconnect', () => void sim.close().then(() => process.exit(0)));
process.send?.({ id: 0, value: { port: sim.port, eslUrl: sim.eslUrl } });
