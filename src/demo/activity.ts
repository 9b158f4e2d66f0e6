// Life in the demo's simulated PBX: people dial into the conferences and talk now and then, and calls
// between users come and go, so every read API has something to show.
import type { SimulatedFreeswitch } from '../sim/start.js';
import { DEMO_CONFERENCES } from './sample-data.js';

/** Who sits in which conference at the start (user, display name). */
const ATTENDEES: Array<[user: string, name: string, conference: (typeof DEMO_CONFERENCES)[number]]> = [
  ['203', 'Dave Dunn', DEMO_CONFERENCES[0]],
  ['204', 'Erin Ellis', DEMO_CONFERENCES[0]],
  ['205', 'Frank Ford', DEMO_CONFERENCES[0]],
  ['201', 'Bob Baker', DEMO_CONFERENCES[1]],
];

const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(Math.random() * items.length)];

export class DemoActivity {
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(private readonly sim: SimulatedFreeswitch) {}

  async start(): Promise<void> {
    for (const [user, name, conf] of ATTENDEES) await this.dialIn(user, name, conf.extension);
    this.every(1500, () => this.someoneTalks());
    this.every(12_000, () => void this.aCallComesOrGoes());
    this.every(20_000, () => void this.refillConferences());
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  private every(ms: number, fn: () => void): void {
    const timer = setInterval(() => {
      if (!this.stopped) fn();
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private dialIn(user: string, name: string, extension: string): Promise<string> {
    return this.sim.fs.execute(
      'originate',
      `{origination_caller_id_number=${user},origination_caller_id_name=${name.replace(' ', '_')}}user/${user} ${extension} XML default`,
    );
  }

  private someoneTalks(): void {
    const members = this.sim.fs.snapshot().conferences.flatMap((c) => c.members);
    const member = pick(members);
    if (member === undefined) return;
    if (!this.sim.fs.setTalking(member, true)) return;
    const timer = setTimeout(() => this.sim.fs.setTalking(member, false), 800 + Math.random() * 2500);
    timer.unref();
  }

  private async aCallComesOrGoes(): Promise<void> {
    const channels = this.sim.fs.snapshot().channels;
    // Keep a handful of calls going: hang one up when there are many, else place one 204 -> 205.
    if (channels.length > 8) {
      const uuid = pick(channels);
      if (uuid) this.sim.fs.hangup(uuid);
      return;
    }
    await this.sim.fs.execute(
      'originate',
      '{origination_caller_id_number=204,origination_caller_id_name=Erin}user/204 205 XML default',
    );
  }

  private async refillConferences(): Promise<void> {
    const running = new Set(this.sim.fs.snapshot().conferences.map((c) => c.name));
    for (const [user, name, conf] of ATTENDEES)
      if (!running.has(conf.name)) await this.dialIn(user, name, conf.extension);
  }
}
