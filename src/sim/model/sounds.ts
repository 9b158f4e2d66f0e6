// The sounds a conference profile plays and how long FreeSWITCH reports them to be. The lab profile the
// transcripts were recorded with uses tone streams instead of sound files.

export interface ConferenceSounds {
  enter: string;
  exit: string;
  alone: string;
  locked: string;
  unlocked: string;
  muted: string;
  unmuted: string;
  moh: string;
}

export const LAB_SOUNDS: ConferenceSounds = {
  enter: 'tone_stream://%(200,0,500,600,700)',
  exit: 'tone_stream://%(500,0,300,200,100,50,25)',
  alone: 'tone_stream://%(150,50,600);%(150,0,800)',
  locked: 'tone_stream://%(150,50,600);%(150,0,800)',
  unlocked: 'tone_stream://%(150,50,600);%(150,0,800)',
  muted: 'tone_stream://%(150,50,600);%(150,0,800)',
  unmuted: 'tone_stream://%(150,50,600);%(150,0,800)',
  moh: 'local_stream://moh',
};

/** Silence before a sound starts (CONF_DEFAULT_LEADIN: 20 frames of 20 ms). Enter/alone/lock sounds have it. */
export const CONF_DEFAULT_LEADIN_MS = 400;

/**
 * The length FreeSWITCH reports in play-file-done (`milliseconds`): for a tone stream twice the sum of
 * its on/off times (the transcripts show 400 ms for `%(200,0,...)`), for `silence_stream://N` N ms;
 * undefined for streams that never end (`silence_stream://-1`, `local_stream://`).
 */
export function fileDurationMs(file: string): number | undefined {
  if (file.startsWith('tone_stream://')) {
    let total = 0;
    for (const m of file.matchAll(/%\((\d+),(\d+)/g)) total += Number(m[1]) + Number(m[2]);
    return total > 0 ? total * 2 : 1000;
  }
  if (file.startsWith('silence_stream://')) {
    const ms = Number(file.slice('silence_stream://'.length).split(',')[0]);
    return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
  }
  if (file.startsWith('local_stream://')) return undefined;
  return 3000;
}

/** How long a file actually plays: a tone stream plays half what FreeSWITCH reports (it counts both channels). */
export function playbackMs(file: string): number | undefined {
  const reported = fileDurationMs(file);
  if (reported === undefined) return undefined;
  return file.startsWith('tone_stream://') ? reported / 2 : reported;
}
