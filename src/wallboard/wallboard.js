/* The wallboard: folds the daemon's event stream (GET /events, see src/ws/protocol.ts) into a picture
 * of the running conferences and calls and draws it, with people's names (GET wallboard/names) beside
 * their extensions. Plain browser JavaScript, no build step.
 * The browser sends the Basic credentials it used for this page with the WebSocket upgrade.
 * Every value from the stream is drawn with textContent, never as HTML: caller names are hostile. */
/* global document, location, WebSocket, fetch, setTimeout, clearTimeout, setInterval, requestAnimationFrame */
'use strict';

const state = {
  conferences: new Map(),
  calls: new Map(),
  unavailable: new Set(),
  heartbeatMs: 30000,
};

// ---- the stream ----

function apply(message) {
  switch (message.type) {
    case 'snapshot':
      state.conferences = new Map(message.conferences.map((c) => [c.name, c]));
      state.calls = new Map(message.calls.map((c) => [c.uuid, c]));
      state.unavailable = new Set(message.unavailableNodes);
      state.heartbeatMs = message.heartbeatMs || state.heartbeatMs;
      return;
    case 'conference.started':
    case 'conference.updated':
      state.conferences.set(message.conference.name, message.conference);
      return;
    case 'conference.ended':
      state.conferences.delete(message.conference);
      return;
    case 'node.unavailable':
      state.unavailable.add(message.node);
      return;
    case 'node.available':
      state.unavailable.delete(message.node);
      return;
    case 'heartbeat':
      return;
  }
  if (message.type.startsWith('call.')) {
    if (message.type === 'call.ended') state.calls.delete(message.call.uuid);
    else state.calls.set(message.call.uuid, message.call);
    return;
  }
  const conference = state.conferences.get(message.conference);
  if (conference === undefined) return;
  if (message.type.startsWith('member.')) {
    const members = conference.members.filter((m) => m.id !== message.member.id);
    if (message.type !== 'member.left') {
      const at = conference.members.findIndex((m) => m.id === message.member.id);
      members.splice(at === -1 ? members.length : at, 0, message.member);
    }
    conference.members = members;
    return;
  }
  if (message.type === 'conference.locked') conference.locked = true;
  if (message.type === 'conference.unlocked') conference.locked = false;
  if (message.type === 'conference.recording-started') conference.recording = true;
  if (message.type === 'conference.recording-stopped') conference.recording = false;
  if (message.type === 'conference.floor') conference.floor = message.member;
}

function streamUrl() {
  // Served at /wallboard or /sipxconfig/rest/wallboard: the stream sits beside it.
  const base = location.pathname.replace(/\/wallboard\/?$/, '');
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${base}/events`;
}

let retryMs = 1000;
let watchdog;

function connect() {
  setStatus('connecting', 'connecting…');
  const socket = new WebSocket(streamUrl());
  // Heartbeats come every heartbeatMs: silence for much longer means a dead link.
  const arm = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => socket.close(), state.heartbeatMs * 2.5);
  };
  socket.onopen = () => {
    retryMs = 1000;
    setStatus('live', 'live');
    arm();
  };
  socket.onmessage = (event) => {
    arm();
    apply(JSON.parse(event.data));
    scheduleRender();
  };
  socket.onclose = (event) => {
    clearTimeout(watchdog);
    const why = event.code === 4001 ? 'signed out: reload the page' : 'disconnected, retrying…';
    setStatus('down', why);
    if (event.code === 4001) return;
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 30000);
  };
}

// ---- names beside extensions (GET wallboard/names) ----

const names = new Map();
/** Extensions asked about and not named: asked again only after a while. */
const unnamed = new Map();
let namesPending = false;
let namesAskedAt = 0;
const NAMES_EVERY_MS = 60000;
const NAMES_RETRY_MS = 3000;

function wantName(key) {
  if (!key || names.has(key)) return;
  const asked = unnamed.get(key);
  if (asked !== undefined && Date.now() - asked < NAMES_EVERY_MS) return;
  scheduleNames();
}

function scheduleNames() {
  if (namesPending) return;
  namesPending = true;
  const wait = Math.max(0, namesAskedAt + NAMES_RETRY_MS - Date.now());
  setTimeout(loadNames, wait);
}

async function loadNames() {
  namesAskedAt = Date.now();
  try {
    // beside the page: /wallboard/names, or under /sipxconfig/rest
    const res = await fetch('wallboard/names', { headers: { Accept: 'application/json' } });
    if (res.ok) {
      const body = await res.json();
      for (const [key, name] of Object.entries(body.names || {}))
        if (typeof name === 'string') names.set(key, name);
      const now = Date.now();
      for (const key of wantedKeys()) if (!names.has(key)) unnamed.set(key, now);
      scheduleRender();
    }
  } catch {
    // the next change asks again
  } finally {
    namesPending = false;
  }
}

function wantedKeys() {
  const keys = [];
  for (const call of state.calls.values()) keys.push(call.from, call.recipient || call.to);
  for (const conference of state.conferences.values())
    for (const member of conference.members) keys.push(member.name);
  return keys.filter(Boolean);
}

/** A person: their name, with the extension (or number) beside it; the extension alone if unnamed. */
function person(className, key, fallback) {
  const box = el('span', className);
  const name = key ? names.get(key) : undefined;
  wantName(key);
  box.append(el('span', 'person', name || key || fallback), el('span', 'ext', name ? key : ''));
  return box;
}

// ---- drawing ----

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function setStatus(kind, text) {
  const status = document.getElementById('status');
  status.dataset.state = kind;
  status.textContent = text;
}

let pending = false;
function scheduleRender() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    render();
  });
}

function memberItem(member) {
  const item = person('member', member.name, '(unknown)');
  const li = el('li', 'member');
  li.dataset.member = String(member.id);
  li.dataset.talking = String(member.talking);
  li.append(el('span', 'dot'), ...item.childNodes);
  const flags = [];
  if (!member.canSpeak) flags.push('muted');
  if (!member.canHear) flags.push('deaf');
  if (member.moderator) flags.push('moderator');
  if (flags.length > 0) li.append(el('span', 'flags', flags.join(' · ')));
  return li;
}

function conferenceCard(conference) {
  const card = el('article', 'conference');
  card.dataset.conference = conference.name;
  const title = el('h3', '', conference.name);
  if (conference.locked) title.append(el('span', 'badge locked', 'locked'));
  if (conference.recording) title.append(el('span', 'badge recording', 'recording'));
  const count = conference.members.length;
  const talking = conference.members.filter((m) => m.talking).length;
  const counts = el('div', 'counts');
  counts.append(
    el('span', 'member-count', String(count)),
    el('span', 'member-label', count === 1 ? 'member' : 'members'),
  );
  if (talking > 0) counts.append(el('span', 'talking-count', `${talking} talking`));
  const meta = [conference.description, `ext. ${conference.extension}`].filter(Boolean).join(' · ');
  const list = el('ul', 'members');
  for (const member of conference.members) list.append(memberItem(member));
  card.append(title, counts, el('div', 'meta', meta), list);
  return card;
}

function duration(startTime) {
  const seconds = Math.max(0, Math.floor((Date.now() - startTime) / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * A call into a conference names the conference as its far end: the conference whose extension it
 * dialled (a click-to-call to it), else the one its leg is a member of when nobody else answered.
 */
function conferenceOfCall(call) {
  const legs = new Set([call.uuid, ...(call.legs || []).map((leg) => leg.uuid)]);
  for (const conference of state.conferences.values())
    if (conference.members.some((m) => legs.has(m.uuid))) return conference.name;
  return '';
}

function conferenceWithExtension(extension) {
  for (const conference of state.conferences.values())
    if (extension !== '' && conference.extension === extension) return conference.name;
  return '';
}

/** How a call's state reads on the wall: a connected call is people talking. */
const STATE_LABELS = {
  ringing: ['◔', 'Ringing'],
  answered: ['◑', 'Answered'],
  bridged: ['●', 'Talking'],
  held: ['❚❚', 'On hold'],
  ending: ['○', 'Ending'],
};

function stateChip(callState) {
  const [icon, label] = STATE_LABELS[callState] || ['○', callState];
  const chip = el('span', 'state');
  chip.dataset.state = callState;
  chip.append(el('span', 'icon', icon), el('span', 'label', label));
  return chip;
}

function callCard(call) {
  const card = el('article', 'call');
  card.dataset.call = call.uuid;
  card.dataset.state = call.state;
  // a call to a conference's extension names the conference
  const conference =
    conferenceWithExtension(call.to) || (call.recipient || call.to ? '' : conferenceOfCall(call));
  const to = conference
    ? (() => {
        const box = el('span', 'party to');
        box.append(el('span', 'person', conference), el('span', 'ext', 'conference'));
        return box;
      })()
    : person('party to', call.recipient || call.to, '…');
  const time = el('span', 'duration', duration(call['start-time']));
  time.dataset.start = String(call['start-time']);
  card.append(
    stateChip(call.state),
    time,
    person('party from', call.from, '?'),
    el('span', 'arrow', '→'),
    to,
  );
  return card;
}

function render() {
  const conferences = [...state.conferences.values()].sort((a, b) => a.name.localeCompare(b.name));
  document.getElementById('conferences').replaceChildren(...conferences.map(conferenceCard));
  document.getElementById('conference-count').textContent = String(conferences.length);
  document.getElementById('no-conferences').hidden = conferences.length > 0;

  const calls = [...state.calls.values()].sort((a, b) => a['start-time'] - b['start-time']);
  document.getElementById('calls').replaceChildren(...calls.map(callCard));
  document.getElementById('call-count').textContent = String(calls.length);
  document.getElementById('no-calls').hidden = calls.length > 0;

  const down = [...state.unavailable];
  document.getElementById('nodes').textContent =
    down.length === 0
      ? ''
      : `Not in sync with FreeSWITCH ${down.join(', ')}: what is shown may be out of date.`;
}

function tick() {
  document.getElementById('clock').textContent = new Date().toLocaleTimeString();
  for (const cell of document.querySelectorAll('.duration[data-start]'))
    cell.textContent = duration(Number(cell.dataset.start));
}

render();
tick();
setInterval(tick, 1000);
// names change (a user renamed, a new caller): asked again now and then
setInterval(scheduleNames, NAMES_EVERY_MS);
connect();
