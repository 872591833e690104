import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  CATALOGUES,
  chooseLanguage,
  createI18n,
  formatDuration,
  languageFromEnv,
  languageOfLocale,
  LANGUAGES,
  type MessageKey,
} from '../../src/shared/i18n';

const ROOT = join(__dirname, '../..');
const CATALOGUE_DIR = 'src/shared/i18n/catalogues';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

/** Every source file but the catalogues themselves, which name every key by definition. */
const sources = sourceFiles(join(ROOT, 'src'))
  .filter((path) => !relative(ROOT, path).startsWith(CATALOGUE_DIR))
  .map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, 'utf8') }));

/** The string literals of a source file, as the TypeScript parser sees them (comments and JSX text excluded). */
function literals(path: string, text: string): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) found.push(node.text);
    node.forEachChild(visit);
  };
  visit(ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, path.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS));
  return found;
}

const PLURAL = /_(zero|one|two|few|many|other)$/;
const keys = Object.keys(CATALOGUES.en) as MessageKey[];

describe('catalogues', () => {
  it('have the same keys in every language', () => {
    for (const language of LANGUAGES) expect(Object.keys(CATALOGUES[language]).sort()).toEqual([...keys].sort());
  });

  it('list their keys sorted, so that additions from several people rebase cleanly', () => {
    for (const language of LANGUAGES) {
      const listed = Object.keys(CATALOGUES[language]);
      expect(listed, language).toEqual([...listed].sort());
    }
  });

  it('fill every key, with the same interpolations in every language', () => {
    const variables = (text: string) => [...text.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();
    for (const language of LANGUAGES) {
      for (const key of keys) {
        const text = CATALOGUES[language][key];
        expect(text.trim(), `${language} ${key}`).not.toBe('');
        expect(variables(text), `${language} ${key}`).toEqual(variables(CATALOGUES.en[key]));
      }
    }
  });

  it('hold no key that no source file uses (plural forms count as their base key)', () => {
    const used = new Set(sources.flatMap(({ path, text }) => literals(path, text)));
    const unused = keys.filter((key) => !used.has(key) && !used.has(key.replace(PLURAL, '')));
    expect(unused).toEqual([]);
  });

  it('hold every key the code asks for with t(...)', () => {
    const known = new Set<string>([...keys, ...keys.map((key) => key.replace(PLURAL, ''))]);
    const missing: string[] = [];
    for (const { path, text } of sources) {
      const visit = (node: ts.Node): void => {
        const [first] = ts.isCallExpression(node) ? node.arguments : [];
        const callee = ts.isCallExpression(node) ? node.expression : undefined;
        const named = callee && (ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '');
        if (named === 't' && first && ts.isStringLiteralLike(first) && !known.has(first.text)) missing.push(`${path}: ${first.text}`);
        node.forEachChild(visit);
      };
      visit(ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, path.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS));
    }
    expect(missing).toEqual([]);
  });
});

describe('language', () => {
  it('reads locale names of every shape', () => {
    expect(languageOfLocale('ja')).toBe('ja');
    expect(languageOfLocale('ja-JP')).toBe('ja');
    expect(languageOfLocale('ja_JP.UTF-8')).toBe('ja');
    expect(languageOfLocale('en_GB.UTF-8')).toBe('en');
    expect(languageOfLocale('fr-FR')).toBeUndefined();
    expect(languageOfLocale('C')).toBeUndefined();
    expect(languageOfLocale('')).toBeUndefined();
    expect(languageOfLocale(undefined)).toBeUndefined();
  });

  it('follows the POSIX order in the terminal: LC_ALL, LC_MESSAGES, LANG; LANGUAGE unless the locale is C', () => {
    expect(languageFromEnv({ LANG: 'ja_JP.UTF-8' })).toBe('ja');
    expect(languageFromEnv({ LANG: 'C' })).toBeUndefined();
    expect(languageFromEnv({ LANG: 'C.UTF-8' })).toBeUndefined();
    expect(languageFromEnv({ LANG: 'ja_JP.UTF-8', LC_ALL: 'C' })).toBeUndefined();
    expect(languageFromEnv({ LANG: 'en_US.UTF-8', LC_MESSAGES: 'ja_JP.UTF-8' })).toBe('ja');
    expect(languageFromEnv({ LANG: 'en_US.UTF-8', LC_ALL: 'ja_JP.UTF-8', LC_MESSAGES: 'en_US.UTF-8' })).toBe('ja');
    expect(languageFromEnv({ LANG: 'en_US.UTF-8', LANGUAGE: 'fr:ja:en' })).toBe('ja');
    expect(languageFromEnv({ LANG: 'C', LANGUAGE: 'ja' })).toBeUndefined();
    expect(languageFromEnv({ LANG: '', LC_ALL: '' })).toBeUndefined();
    expect(languageFromEnv({})).toBeUndefined();
  });

  it('lets the setting override the system, and falls back to English', () => {
    expect(chooseLanguage('system', 'ja')).toBe('ja');
    expect(chooseLanguage('system', undefined)).toBe('en');
    expect(chooseLanguage('en', 'ja')).toBe('en');
    expect(chooseLanguage('ja', undefined)).toBe('ja');
  });
});

describe('createI18n', () => {
  it('speaks the language asked for, interpolates, and switches at run time', () => {
    const i18n = createI18n('ja');
    expect(i18n.t('state.idle')).toBe('待機中');
    expect(i18n.t('state.reconnectingAttempt', { attempt: 3 })).toBe('再接続中（3 回目）…');
    void i18n.changeLanguage('en');
    expect(i18n.t('state.reconnectingAttempt', { attempt: 3 })).toBe('Reconnecting (attempt 3)…');
  });

  it('keeps instances apart', () => {
    const ja = createI18n('ja');
    const en = createI18n('en');
    expect([ja.t('state.idle'), en.t('state.idle')]).toEqual(['待機中', 'Ready']);
  });

  it('formats durations with Intl for the language', () => {
    expect(formatDuration('en', 1500)).toBe('1.5 sec');
    expect(formatDuration('ja', 1500)).toBe('1.5 秒');
  });
});
