import type { ReleaseNoteInfo } from 'builder-util-runtime';
import type { ReleaseNotes } from '../../shared/ipc';

/**
 * A release's notes as plain text by language. The convention (README "Release notes"): notes
 * written in both languages have a heading `## English` and a heading `## 日本語`; each part goes
 * to the window of that language, and what comes before the first heading goes to both. Notes
 * without those headings are shown as they are to everyone.
 *
 * GitHub hands the notes over as HTML, a generic feed as the Markdown of latest*.yml: either way
 * the window gets text, never markup (it shows text only, so nothing in the notes can run or link).
 */
const LANGUAGE_HEADING = /^#{1,3}[ \t]*(English|日本語)[ \t]*$/gim;
const MAX_CHARS = 20_000;

export function releaseNotes(notes: string | ReleaseNoteInfo[] | null | undefined): ReleaseNotes {
  const text = plainText(typeof notes === 'string' ? notes : (notes ?? []).map((n) => n.note ?? '').join('\n\n'));
  const headings = [...text.matchAll(LANGUAGE_HEADING)];
  if (headings.length === 0) return text ? { any: bounded(text) } : {};
  const shared = text.slice(0, headings[0]!.index).trim();
  const parts: ReleaseNotes = {};
  headings.forEach((heading, i) => {
    const language = heading[1]!.toLowerCase() === 'english' ? 'en' : 'ja';
    const body = text.slice(heading.index + heading[0].length, headings[i + 1]?.index ?? text.length).trim();
    parts[language] = bounded([shared, parts[language], body].filter(Boolean).join('\n\n'));
  });
  return parts;
}

/** Markup to text: headings kept as `## …` lines (the convention's markers), list items as bullets, tags dropped, entities decoded. */
function plainText(notes: string): string {
  return decodeEntities(
    notes
      .replace(/\r\n?/g, '\n')
      .replace(/<h[1-3][^>]*>([\s\S]*?)<\/h[1-3]>/gi, (_m, inner: string) => `\n## ${inner.replace(/<[^>]*>/g, '').trim()}\n`)
      .replace(/<li[^>]*>/gi, '\n• ')
      .replace(/<br\s*\/?>|<\/(p|div|li|ul|ol|h[4-6]|pre|blockquote)>/gi, '\n')
      .replace(/<[^>]*>/g, ''),
  )
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

const bounded = (text: string): string => (text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS)}…` : text);
