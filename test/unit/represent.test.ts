import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { negotiateFormat, renderJson, renderXml, xmlSafeText } from '../../src/http/represent.js';

const parse = (xml: string) => new XMLParser({ parseTagValue: false, ignoreDeclaration: true }).parse(xml);

describe('negotiateFormat', () => {
  const cases: Array<[string | undefined, string | undefined, 'xml' | 'json']> = [
    [undefined, undefined, 'xml'],
    ['*/*', undefined, 'xml'],
    ['application/json', undefined, 'json'],
    ['application/json, text/plain, */*', undefined, 'json'],
    ['application/xml', undefined, 'xml'],
    ['text/xml;q=0.9, application/json;q=0.8', undefined, 'xml'],
    ['application/xml;q=0.5, application/json', undefined, 'json'],
    ['application/vnd.api+json', undefined, 'json'],
    ['application/json;q=0', undefined, 'xml'],
    ['text/html', undefined, 'xml'],
    ['application/xml', 'json', 'json'],
    ['application/json', 'xml', 'xml'],
    ['application/json', 'yaml', 'json'],
    ['application/json;q=abc', undefined, 'xml'],
  ];
  for (const [accept, format, expected] of cases) {
    it(`Accept ${String(accept)} + format=${String(format)} → ${expected}`, () => {
      expect(negotiateFormat(accept, format)).toBe(expected);
    });
  }
});

describe('renderXml', () => {
  it('renders lists as repeated item elements and scalars as text', () => {
    const xml = renderXml('conferences', [
      { enabled: true, name: 'a', maxMembers: 0, delegates: ['201', '202'] },
      { enabled: false, name: 'b', maxMembers: 5, delegates: [] },
    ]);
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<conferences>' +
        '<conference><enabled>true</enabled><name>a</name><maxMembers>0</maxMembers>' +
        '<delegates><delegate>201</delegate><delegate>202</delegate></delegates></conference>' +
        '<conference><enabled>false</enabled><name>b</name><maxMembers>5</maxMembers><delegates></delegates></conference>' +
        '</conferences>',
    );
  });

  it('an empty list is an empty root element; item names can be given', () => {
    expect(renderXml('conferences', [])).toMatch(/<conferences><\/conferences>$/);
    expect(renderXml('im-locations', [{ fqdn: 'x' }], { 'im-locations': 'im-location' })).toMatch(
      /<im-locations><im-location><fqdn>x<\/fqdn><\/im-location><\/im-locations>$/,
    );
  });

  it('escapes markup so hostile text round-trips and never breaks the document', () => {
    const hostile = `<a href="x">&amp;</a> ]]> ' " & < > </setting><x>`;
    const xml = renderXml('setting', { description: hostile, name: 'n' });
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ parseTagValue: false, processEntities: true, ignoreDeclaration: true }).parse(
      xml,
    );
    expect(doc.setting.description).toBe(hostile);
    expect(Object.keys(doc.setting)).toEqual(['description', 'name']);
  });

  it('replaces characters XML cannot carry (control characters, lone surrogates) instead of breaking', () => {
    const nasty = 'a\u0000b\u0001c\u001bd\u000be\ud800f\uffffg\th\ni';
    const xml = renderXml('member', { name: nasty });
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(parse(xml).member.name).toBe('a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf\ufffdg\th\ni');
    expect(xmlSafeText('plain')).toBe('plain');
  });

  it('omits undefined and null, renders numbers and booleans as text', () => {
    const xml = renderXml('login-details', {
      userName: '200',
      imId: undefined,
      x: null,
      ldapImAuth: false,
      n: 1.5,
    });
    expect(xml).toMatch(
      /<login-details><userName>200<\/userName><ldapImAuth>false<\/ldapImAuth><n>1.5<\/n><\/login-details>$/,
    );
  });

  it('refuses element names that are not XML names (a programming error, never user data)', () => {
    expect(() => renderXml('a b', {})).toThrow(/element name/);
    expect(() => renderXml('ok', { '@_attr': 1 })).toThrow(/element name/);
    expect(() => renderXml('ok', { '#text': 1 })).toThrow(/element name/);
    expect(() => renderXml('ok', { list: [[1]] })).toThrow(/nested arrays/);
  });
});

describe('renderJson', () => {
  it('wraps the value in its root name, as sipX did', () => {
    expect(JSON.parse(renderJson('setting', { enabled: true, maxMembers: 0 }))).toEqual({
      setting: { enabled: true, maxMembers: 0 },
    });
    expect(JSON.parse(renderJson('conferences', []))).toEqual({ conferences: [] });
  });
});
