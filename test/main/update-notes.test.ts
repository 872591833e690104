import { describe, expect, it } from 'vitest';
import { releaseNotes } from '../../src/main/updates/notes';
import { problemLine, updateProblem } from '../../src/main/updates/problem';

describe('release notes by language (README "Release notes")', () => {
  it('splits Markdown notes at "## English" and "## 日本語"; what comes first goes to both', () => {
    const notes = ['Kaiwa 0.2.0', '', '## English', '- Faster barge-in', '', '## 日本語', '- 割り込みが速く'].join('\n');
    expect(releaseNotes(notes)).toEqual({ en: 'Kaiwa 0.2.0\n\n- Faster barge-in', ja: 'Kaiwa 0.2.0\n\n- 割り込みが速く' });
  });

  it('reads GitHub\'s HTML as text: headings still split, tags gone, entities decoded', () => {
    const html = '<h2>English</h2><ul><li>Fixes &amp; <a href="https://x">speed</a></li></ul><h2>日本語</h2><p>修正&#12290;<script>alert(1)</script></p>';
    const notes = releaseNotes(html);
    expect(notes.en).toBe('• Fixes & speed');
    expect(notes.ja).toBe('修正。alert(1)');
    expect(JSON.stringify(notes)).not.toMatch(/<|href/);
  });

  it('notes in one language only, or none at all', () => {
    expect(releaseNotes('Just fixes.')).toEqual({ any: 'Just fixes.' });
    expect(releaseNotes(null)).toEqual({});
    expect(releaseNotes([{ version: '0.2.0', note: '## English\nA' }, { version: '0.1.9', note: null }])).toEqual({ en: 'A' });
  });
});

describe('why a check failed', () => {
  const coded = (message: string, code: string) => Object.assign(new Error(message), { code });
  it('names the kind, and keeps one bounded line for the log', () => {
    expect(updateProblem(coded('sha512 checksum mismatch, expected a, got b', 'ERR_CHECKSUM_MISMATCH'))).toBe('hash');
    expect(updateProblem(coded('New version 1.0.0 is not signed by the application owner: x', 'ERR_UPDATER_INVALID_SIGNATURE'))).toBe('signature');
    expect(updateProblem(new Error('net::ERR_INTERNET_DISCONNECTED'))).toBe('network');
    expect(updateProblem(coded('connect ECONNREFUSED 127.0.0.1:9', 'ECONNREFUSED'))).toBe('network');
    expect(updateProblem(coded('503 Service Unavailable\nHeaders: {...}', 'HTTP_ERROR_503'))).toBe('feed');
    expect(updateProblem(new Error('something else'))).toBe('other');
    const line = problemLine(coded(`503 Service Unavailable\n${'x'.repeat(1000)}`, 'HTTP_ERROR_503'));
    expect(line).toBe('503 Service Unavailable (HTTP_ERROR_503)');
  });
});
