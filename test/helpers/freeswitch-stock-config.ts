// Small copies of FreeSWITCH's own stock configuration (repository signalwire/freeswitch), the
// reference the fsconfig answers are compared with element by element, and the tools to compare them.
import { parseXmlTree, type XmlElement } from '../../src/sim/xml-tree.js';

/** conf/directory/default/1000.xml (commit 5bd15dd66fbeb969fa138edfebaffdd26705f03b), verbatim. */
export const STOCK_DIRECTORY_USER = `<include>
  <user id="1000" mailbox="1000">
    <params>
      <param name="password" value="1234"/>
      <param name="vm-password" value="1000"/>
    </params>
    <variables>
      <variable name="toll_allow" value="domestic,international,local"/>
      <variable name="accountcode" value="1000"/>
      <variable name="user_context" value="default"/>
      <variable name="effective_caller_id_name" value="Extension 1000"/>
      <variable name="effective_caller_id_number" value="1000"/>
      <variable name="outbound_caller_id_name" value="Acme Corporation"/>
      <variable name="outbound_caller_id_number" value="5552566639"/>
    </variables>
  </user>
</include>
`;

/**
 * conf/vanilla/directory/default.xml (commit e87ea1790e8ae1f378b9e04aae50498271e172a6): the domain with
 * its params and the "default" group; the include of default/*.xml is shown by one user, the other
 * groups and the variables are left out.
 */
export const STOCK_DIRECTORY_DOMAIN = `<include>
  <domain name="$\${domain}">
    <params>
      <param name="dial-string" value="{^^:sip_invite_domain=\${dialed_domain}:presence_id=\${dialed_user}@\${dialed_domain}}\${sofia_contact(*/\${dialed_user}@\${dialed_domain})},\${verto_contact(\${dialed_user}@\${dialed_domain})}"/>
      <param name="jsonrpc-allowed-methods" value="verto"/>
    </params>
    <groups>
      <group name="default">
        <users>
          <user id="1000"/>
        </users>
      </group>
    </groups>
  </domain>
</include>
`;

/**
 * conf/vanilla/dialplan/default.xml (commit 69c3c7d8e2ba421c4259d6434cb430553092b423): the context with
 * the `unloop` extension (two conditions), the `global` extension (break="never") and `nb_conferences`
 * (answer, then the conference application), verbatim.
 */
export const STOCK_DIALPLAN = `<include>
  <context name="default">
    <extension name="unloop">
      <condition field="\${unroll_loops}" expression="^true$"/>
      <condition field="\${sip_looped_call}" expression="^true$">
        <action application="deflect" data="\${destination_number}"/>
      </condition>
    </extension>
    <extension name="global" continue="true">
      <condition field="\${call_debug}" expression="^true$" break="never">
        <action application="info"/>
      </condition>
    </extension>
    <extension name="nb_conferences">
      <condition field="destination_number" expression="^(30\\d{2})$">
        <action application="answer"/>
        <action application="conference" data="$1-\${domain_name}@default"/>
      </condition>
    </extension>
  </context>
</include>
`;

/**
 * conf/vanilla/autoload_configs/conference.conf.xml (commit 7ff9ae02a085e60ce6743ab04cd9a80a703e3bb7):
 * the `default` profile's active params verbatim, and the commented ones this daemon sets
 * (member-flags, pin, moderator-pin, auto-record, conference-flags) uncommented with their example values.
 */
export const STOCK_CONFERENCE_CONF = `<configuration name="conference.conf" description="Audio Conference">
  <profiles>
    <profile name="default">
      <param name="domain" value="$\${domain}"/>
      <param name="rate" value="8000"/>
      <param name="interval" value="20"/>
      <param name="energy-level" value="100"/>
      <param name="member-flags" value="waste"/>
      <param name="muted-sound" value="conference/conf-muted.wav"/>
      <param name="unmuted-sound" value="conference/conf-unmuted.wav"/>
      <param name="alone-sound" value="conference/conf-alone.wav"/>
      <param name="moh-sound" value="$\${hold_music}"/>
      <param name="enter-sound" value="tone_stream://%(200,0,500,600,700)"/>
      <param name="exit-sound" value="tone_stream://%(500,0,300,200,100,50,25)"/>
      <param name="kicked-sound" value="conference/conf-kicked.wav"/>
      <param name="locked-sound" value="conference/conf-locked.wav"/>
      <param name="is-locked-sound" value="conference/conf-is-locked.wav"/>
      <param name="is-unlocked-sound" value="conference/conf-is-unlocked.wav"/>
      <param name="pin-sound" value="conference/conf-pin.wav"/>
      <param name="bad-pin-sound" value="conference/conf-bad-pin.wav"/>
      <param name="pin" value="12345"/>
      <param name="moderator-pin" value="54321"/>
      <param name="caller-id-name" value="$\${outbound_caller_name}"/>
      <param name="caller-id-number" value="$\${outbound_caller_id}"/>
      <param name="comfort-noise" value="true"/>
      <param name="auto-record" value="$\${recordings_dir}/\${conference_name}_\${strftime(%Y-%m-%d-%H-%M-%S)}.wav"/>
      <param name="conference-flags" value="audio-always"/>
    </profile>
  </profiles>
</configuration>
`;

/**
 * The profile params mod_conference reads (src/mod/applications/mod_conference/mod_conference.c,
 * conference_new) among those this daemon sets and vanilla leaves commented out.
 */
export const MOD_CONFERENCE_PARAMS = [
  'max-members',
  'member-flags',
  'conference-flags',
  'moderator-pin',
  'pin',
  'caller-controls',
];

/**
 * conf/vanilla/autoload_configs/conference.conf.xml at tag v1.11.2: the `caller-controls` section,
 * verbatim (the keys every member gets when its profile names no group).
 */
export const STOCK_CALLER_CONTROLS = `<configuration name="conference.conf" description="Audio Conference">
  <caller-controls>
    <group name="default">
      <control action="mute" digits="0"/>
      <control action="deaf mute" digits="*"/>
      <control action="energy up" digits="9"/>
      <control action="energy equ" digits="8"/>
      <control action="energy dn" digits="7"/>
      <control action="vol talk up" digits="3"/>
      <control action="vol talk zero" digits="2"/>
      <control action="vol talk dn" digits="1"/>
      <control action="vol listen up" digits="6"/>
      <control action="vol listen zero" digits="5"/>
      <control action="vol listen dn" digits="4"/>
      <control action="hangup" digits="#"/>
    </group>
  </caller-controls>
</configuration>
`;

/**
 * What mod_dialplan_xml reads (src/mod/dialplans/mod_dialplan_xml/mod_dialplan_xml.c, parse_exten):
 * per element, the attributes it looks at.
 */
export const DIALPLAN_XML_READS: Record<string, readonly string[]> = {
  context: ['name'],
  extension: ['name', 'continue'],
  condition: ['field', 'expression', 'break', 'require-nested', 'regex'],
  regex: ['field', 'expression'],
  action: ['application', 'data', 'inline', 'loop'],
  'anti-action': ['application', 'data', 'inline', 'loop'],
};

export type { XmlElement };

/** The root element of an XML text (the simulator's own tree reader; throws when it is not one element). */
export function parseXml(text: string): XmlElement {
  const root = parseXmlTree(text);
  if (root === undefined) throw new Error('expected one root element');
  return root;
}

/** Every element under `root` (itself included) whose tag is `tag`, in document order. */
export function findAll(root: XmlElement, tag: string): XmlElement[] {
  const found: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    if (e.tag === tag) found.push(e);
    e.children.forEach(walk);
  };
  walk(root);
  return found;
}

export function findOne(root: XmlElement, tag: string): XmlElement {
  const all = findAll(root, tag);
  if (all.length !== 1) throw new Error(`expected one <${tag}>, found ${all.length}`);
  return all[0]!;
}

/** Every path of tags below `root` (e.g. `user/params/param`), each once, sorted. */
export function elementPaths(root: XmlElement): string[] {
  const paths = new Set<string>();
  const walk = (e: XmlElement, prefix: string) => {
    const path = prefix === '' ? e.tag : `${prefix}/${e.tag}`;
    paths.add(path);
    for (const child of e.children) walk(child, path);
  };
  walk(root, '');
  return [...paths].sort();
}

/** For each tag below `root`, the attribute names it carries anywhere. */
export function attributesByTag(root: XmlElement): Record<string, string[]> {
  const byTag: Record<string, Set<string>> = {};
  const walk = (e: XmlElement) => {
    byTag[e.tag] ??= new Set();
    for (const a of Object.keys(e.attrs)) byTag[e.tag]!.add(a);
    e.children.forEach(walk);
  };
  walk(root);
  return Object.fromEntries(Object.entries(byTag).map(([t, s]) => [t, [...s].sort()]));
}

/** `<param name value/>` (or variable) children of `parent` as [name, value] pairs. */
export function namedValues(parent: XmlElement, tag: 'param' | 'variable'): Array<[string, string]> {
  return parent.children
    .filter((c) => c.tag === tag)
    .map((c) => [c.attrs['name'] ?? '', c.attrs['value'] ?? ''] as [string, string]);
}
