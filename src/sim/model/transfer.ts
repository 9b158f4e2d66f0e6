// What `conference ... transfer` does to the member's call: an inline transfer to
// `conference:<name>@<profile>` gives the channel a second caller profile (Profile-Index 2, dialplan
// `inline`, a Transfer-Source, the old destination as RDNIS), exactly as the transcripts show it.
import type { Channel } from './channel.js';
import type { SimContext } from './context.js';

export function applyTransferProfile(ctx: SimContext, ch: Channel, toName: string, toProfile: string): void {
  const p = ch.profile;
  const target = `conference:${toName}@${toProfile}`;
  p.rdnis = p.destinationNumber;
  p.destinationNumber = target;
  p.dialplan = 'inline';
  p.logicalDirection = 'inbound';
  p.profileIndex = String(Number(p.profileIndex ?? '1') + 1);
  p.times.profileCreated = ctx.now();
  p.transferSource = `${Math.floor(ctx.now() / 1e6)}:${ctx.uuid()}:bl_xfer:${target}/${p.context}/inline`;
  // The session is routing again (state number CS_ROUTING) while its thread still reads CS_EXECUTE.
  ch.stateNumber = 2;
  ch.application = 'conference';
  ch.applicationData = `${toName}@${toProfile}`;
}

/** Back in CS_EXECUTE in the new conference; the destination reads as before, without RDNIS. */
export function restoreAfterTransfer(ch: Channel): void {
  const p = ch.profile;
  if (p.rdnis !== undefined) p.destinationNumber = p.rdnis;
  delete p.rdnis;
  ch.setState('CS_EXECUTE', 4);
}

/** An originated leg sent to `<ext> <dialplan> <context>`: a transfer to that extension. */
export function transferToExtension(
  ctx: SimContext,
  ch: Channel,
  extension: string,
  dialplan: string,
  context: string,
): void {
  const p = ch.profile;
  p.rdnis = p.destinationNumber;
  p.destinationNumber = extension;
  p.dialplan = dialplan;
  p.context = context;
  p.profileIndex = String(Number(p.profileIndex ?? '1') + 1);
  p.times.profileCreated = ctx.now();
  p.transferSource = `${Math.floor(ctx.now() / 1e6)}:${ctx.uuid()}:bl_xfer:${extension}/${context}/${dialplan}`;
}
