// What `play` may play, where `record` writes, and the last check before a line is built.
import { describe, expect, it } from 'vitest';
import { toEslLine, UnsafeEslLineError } from '../../src/domain/esl-line.js';
import {
  checkDaemonRecording,
  namedRecordingPath,
  recordingFileName,
  recordingPath,
  utcStamp,
} from '../../src/domain/recording.js';
import { checkRelativeSoundName, isSafeAbsoluteDir, resolveSound } from '../../src/domain/sounds.js';

const DIR = '/usr/share/freeswitch/sounds';

describe('sounds', () => {
  it.each([
    ['ivr/ivr-welcome.wav', `${DIR}/ivr/ivr-welcome.wav`],
    ['conference/8000/conf-pin.wav', `${DIR}/conference/8000/conf-pin.wav`],
    ['moh', `${DIR}/moh`],
    ['a_b-c.d.e', `${DIR}/a_b-c.d.e`],
    ['tone_stream://%(1500,0,800)', 'tone_stream://%(1500,0,800)'],
    ['tone_stream://%(251,0,1004);loops=-1', 'tone_stream://%(251,0,1004);loops=-1'],
    ['tone_stream://v=-7;%(100,0,941.0,1477.0)', 'tone_stream://v=-7;%(100,0,941.0,1477.0)'],
    ['tone_stream://L=2;%(100,100,350,440,480,620)', 'tone_stream://L=2;%(100,100,350,440,480,620)'],
    ['silence_stream://-1', 'silence_stream://-1'],
    ['silence_stream://500,1400', 'silence_stream://500,1400'],
  ])('plays %s as %s', (requested, resolved) => {
    expect(resolveSound(requested, DIR)).toEqual({ ok: true, value: resolved });
    expect(resolveSound(requested, `${DIR}/`)).toEqual({ ok: true, value: resolved });
  });

  it.each([
    ['', /empty/],
    ['/etc/passwd', /absolute/],
    ['\\windows\\x.wav', /absolute/],
    ['../x.wav', /\.\./],
    ['ivr/../../x.wav', /\.\./],
    ['ivr/..hidden', /\.\./],
    ['.x.wav', /letters/],
    ['ivr//x.wav', /letters/],
    ['ivr/', /letters/],
    ['a b.wav', /letters/],
    ['x.wav;rm', /letters/],
    ['{a=b}x.wav', /letters/],
    ['[a=b]x.wav', /letters/],
    ['$${sounds_dir}/x.wav', /letters/],
    ['x.wav!y.wav', /letters/],
    ['ivr/ivr\u00e9.wav', /letters/],
    ['a/b/c/d/e/f/g/h/i.wav', /deep/],
    ['x'.repeat(201), /longer/],
    ['http://evil.example.com/x.mp3', /only tone_stream/],
    ['shout://evil/x.mp3', /only tone_stream/],
    ['say:en:hello', /only tone_stream/],
    ['file_string://a.wav!b.wav', /only tone_stream/],
    ['local_stream://moh', /only tone_stream/],
    ['C:x.wav', /only tone_stream/],
    ['tone_stream://', /tone_stream/],
    ['tone_stream://L=3', /at least one tone/],
    ['tone_stream://%(1500,0)', /tone_stream/],
    ['tone_stream://%(1500,0,800);%(1,1,1', /tone_stream/],
    ['tone_stream://%(1500,0,800) x', /tone_stream/],
    ['tone_stream://{x=1}%(1500,0,800)', /tone_stream/],
    ['tone_stream://path=/etc/passwd', /tone_stream/],
    ['tone_stream://' + Array(17).fill('%(1,1,1)').join(';'), /at most 16/],
    ['tone_stream://%(1,1,1)' + ';v=1'.repeat(100), /longer/],
    ['silence_stream://', /silence_stream/],
    ['silence_stream://1000,1,1', /silence_stream/],
    ['silence_stream://99999999', /silence_stream/],
  ])('refuses %j', (requested, reason) => {
    const result = resolveSound(requested, DIR);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(reason);
  });

  it('checks the configured directory too, since it ends up on the line', () => {
    for (const dir of ['', 'sounds', '/', '/a/../b', '/a b', '/a/.b', '/a;b', '/x'.repeat(101)]) {
      expect(isSafeAbsoluteDir(dir), dir).toBe(false);
      expect(resolveSound('x.wav', dir)).toMatchObject({ ok: false });
    }
    expect(isSafeAbsoluteDir('/var/lib/fs-confd/sounds_en-US')).toBe(true);
  });

  it('keeps relative names relative', () => {
    expect(checkRelativeSoundName('ivr/x.wav')).toEqual({ ok: true, value: 'ivr/x.wav' });
  });
});

describe('recording files', () => {
  const REC = '/var/lib/fs-confd/recordings';
  const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6));

  it('are named by conference and UTC time to the millisecond', () => {
    expect(utcStamp(at)).toBe('20260102T030405.006Z');
    expect(recordingPath(REC, 'Conf400', at)).toEqual({
      ok: true,
      value: `${REC}/Conf400-20260102T030405.006Z.wav`,
    });
    expect(recordingPath(`${REC}/`, 'Conf400', at)).toEqual({
      ok: true,
      value: `${REC}/Conf400-20260102T030405.006Z.wav`,
    });
  });

  it('refuse unsafe directories, names and clocks', () => {
    expect(recordingPath('rec', 'Conf400', at)).toMatchObject({ ok: false });
    expect(recordingPath(REC, 'a/b', at)).toMatchObject({ ok: false });
    expect(recordingPath(REC, 'a b', at)).toMatchObject({ ok: false });
    expect(recordingPath(REC, 'Conf400', new Date(Number.NaN))).toMatchObject({ ok: false });
  });

  it('norecord accepts only a file the daemon names for this conference, or a name a client gave record', () => {
    const file = 'Conf400-20260102T030405.006Z.wav';
    expect(checkDaemonRecording(file, REC, 'Conf400')).toEqual({ ok: true, value: `${REC}/${file}` });
    expect(checkDaemonRecording(`${REC}/${file}`, REC, 'Conf400')).toEqual({
      ok: true,
      value: `${REC}/${file}`,
    });
    for (const other of [
      `/tmp/${file}`,
      `${REC}/../${file}`,
      `${REC}/x/${file}`,
      'Conf401-20260102T030405.006Z.wav',
      'Conf400-20260102T030405.006Z.wav.bak',
      'Conf4000-20260102T030405.006Z.wav',
      '/tmp/minutes.wav',
      `${REC}/../minutes.wav`,
      'minutes',
      'minutes.exe',
    ])
      expect(checkDaemonRecording(other, REC, 'Conf400'), other).toMatchObject({ ok: false });
    // A plain name is what `record&<name>` wrote; it stays in the recordings directory.
    for (const named of ['Conf400-2026.wav', 'minutes.wav', `${REC}/minutes.mp3`])
      expect(checkDaemonRecording(named, REC, 'Conf400'), named).toEqual({
        ok: true,
        value: `${REC}/${named.replace(`${REC}/`, '')}`,
      });
    // A conference name with regex characters is matched literally.
    expect(checkDaemonRecording('a.b-20260102T030405.006Z.wav', REC, 'a.b')).toMatchObject({ ok: true });
    expect(checkDaemonRecording('aXb-20260102T030405.006Z.wav', REC, 'a.b')).toMatchObject({ ok: false });
  });
});

describe('named recordings (record&<file name>)', () => {
  const REC = '/var/lib/fs-confd/recordings';
  it('are plain names in the recordings directory with a known audio extension (none: .wav)', () => {
    expect(namedRecordingPath(REC, 'minutes')).toEqual({ ok: true, value: `${REC}/minutes.wav` });
    expect(namedRecordingPath(`${REC}/`, 'Board_2026-01.05.MP3')).toEqual({
      ok: true,
      value: `${REC}/Board_2026-01.05.MP3`,
    });
    expect(recordingFileName('a.flac')).toEqual({ ok: true, value: 'a.flac' });
  });

  it('refuse directories, dot-dot, hidden files, odd characters, other formats and the daemon-shaped names', () => {
    for (const name of [
      '',
      '../x.wav',
      'x/y.wav',
      '..',
      'a..b.wav',
      '.wav',
      '.hidden.wav',
      'x.',
      '-x.wav',
      'x y.wav',
      'x\\y.wav',
      'x\ny.wav',
      'x\u0000.wav',
      'x$y.wav',
      'x{y}.wav',
      'x.exe',
      'x.wav.sh',
      'Conf400-20260102T030405.006Z.wav',
      'a'.repeat(125) + '.wav',
    ])
      expect(recordingFileName(name), JSON.stringify(name)).toMatchObject({ ok: false });
    expect(namedRecordingPath('relative', 'x.wav')).toMatchObject({ ok: false });
  });
});

describe('toEslLine', () => {
  it('joins arguments with single spaces', () => {
    expect(toEslLine(['conference', 'demo', 'say', 'hello world'])).toBe('conference demo say hello world');
    expect(toEslLine(['originate', '{origination_uuid=x}user/200@example.com', '&park()'])).toBe(
      'originate {origination_uuid=x}user/200@example.com &park()',
    );
  });

  it.each([
    [[]],
    [['conference', '']],
    [['conference', ' demo']],
    [['conference', 'demo\nlist']],
    [['conference', 'demo\rlist']],
    [['conference', 'de\u0000mo']],
    [['conference', 'demo\u2028']],
    [['conference', 'de\u0085mo']],
    [['originate', '{a=b user/1']],
    [['originate', '}{user/1']],
    [['originate', '[a=b}user/1']],
    [['say', 'x'.repeat(9000)]],
  ])('throws on %j', (args) => {
    expect(() => toEslLine(args)).toThrow(UnsafeEslLineError);
  });
});
