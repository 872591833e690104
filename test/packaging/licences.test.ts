import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Kaiwa is MIT, and so must be what a build of it may be shipped under: everything the packaged app
 * contains is checked here. That is the production dependency tree (package-lock.json without its
 * dev-only packages), whether electron-builder copies a package into the app or electron-vite
 * bundles it into out/ (openai, react), and every platform's optional package, not only this
 * machine's, since a build for another platform packs those. A licence outside the lists below,
 * a GPL or AGPL one, or none found fails, naming the package.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Permissive licences (SPDX ids): ship them with their notices. A new one is added here on purpose, after reading it. */
const PERMISSIVE = new Set(['MIT', 'ISC', 'BSD-3-Clause', '0BSD', 'Apache-2.0', 'BlueOak-1.0.0', 'Python-2.0']);

/**
 * LGPL code Kaiwa may ship, each for its reason: the LGPL lets a program of any licence use a
 * library it loads at run time, unmodified, that the user can replace (or the package is never
 * installed for a platform Kaiwa builds for). Any other LGPL package fails.
 */
const LGPL_ALLOWED: ReadonlyArray<{ name: RegExp; reason: string }> = [
  {
    name: /^@img\/sharp-(libvips-[\w-]+|win32-[\w-]+)$/,
    reason: "libvips (pictures), the shared library sharp's addon loads at run time (.so, .dylib, .dll), shipped unmodified in its own package",
  },
  {
    // libvips compiled into sharp's WebAssembly build: not loaded separately, so not shippable under this rule.
    name: /^@img\/sharp-wasm32$/,
    reason: 'never installed for a Kaiwa build: only sharp-freebsd-wasm32 and sharp-webcontainers-wasm32 depend on it, and Kaiwa builds for Linux, macOS and Windows (electron-builder.yml)',
  },
  {
    name: /^codec-parser$/,
    reason: 'the Ogg/FLAC framing of the flac, opus and vorbis decoders: a separate JavaScript module loaded from node_modules at run time, unmodified, replaceable in the installed app',
  },
];

interface LockEntry {
  version?: string;
  license?: string;
  dev?: boolean;
  optional?: boolean;
}

interface ShippedPackage {
  name: string;
  version: string;
  license: string | undefined;
}

/** The packages of the production tree, from the lock (and a package's own package.json where the lock names no licence). */
function shippedPackages(lock: { packages: Record<string, LockEntry> }, root: string): ShippedPackage[] {
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path !== '' && !entry.dev)
    .map(([path, entry]) => ({
      name: path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length),
      version: entry.version ?? '?',
      license: entry.license ?? installedLicence(join(root, path)),
    }));
}

function installedLicence(dir: string): string | undefined {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as { license?: unknown; licenses?: Array<{ type?: string }> };
  if (typeof pkg.license === 'string') return pkg.license;
  const types = (pkg.licenses ?? []).map((l) => l.type).filter((t): t is string => typeof t === 'string');
  return types.length > 0 ? types.join(' OR ') : undefined;
}

/** Why `name` under `licence` (an SPDX expression) may not ship, or undefined when it may. */
function refusal(name: string, licence: string | undefined): string | undefined {
  if (!licence) return 'no licence found';
  let allowed: boolean;
  try {
    allowed = evaluate(licence, (id) => PERMISSIVE.has(id) || (/^LGPL-/.test(id) && LGPL_ALLOWED.some((a) => a.name.test(name))));
  } catch {
    return `a licence that is not an SPDX expression: ${licence}`;
  }
  if (allowed) return undefined;
  if (/\bA?GPL-/.test(licence.replace(/\bLGPL-/g, ''))) return `${licence}: the GPL would put every build under its terms`;
  if (/\bLGPL-/.test(licence)) return `${licence}: LGPL, and not one of the libraries loaded at run time, unmodified, that may ship`;
  return `${licence}: not a licence on the list`;
}

/** Evaluates an SPDX expression (ids, AND, OR, WITH, parentheses) with `allowed` deciding each id. */
function evaluate(expression: string, allowed: (id: string) => boolean): boolean {
  const tokens = expression.replace(/[()]/g, (p) => ` ${p} `).trim().split(/\s+/);
  let at = 0;
  const take = (): string => {
    const token = tokens[at++];
    if (token === undefined) throw new Error('unexpected end');
    return token;
  };
  const factor = (): boolean => {
    const token = take();
    if (token === '(') {
      const value = or();
      if (take() !== ')') throw new Error('no closing parenthesis');
      return value;
    }
    if (['AND', 'OR', 'WITH', ')'].includes(token)) throw new Error(`unexpected ${token}`);
    if (tokens[at] === 'WITH') at += 2; // an exception only widens what the licence allows
    return allowed(token);
  };
  const and = (): boolean => {
    let value = factor();
    while (tokens[at] === 'AND') {
      at++;
      value = factor() && value;
    }
    return value;
  };
  function or(): boolean {
    let value = and();
    while (tokens[at] === 'OR') {
      at++;
      value = and() || value;
    }
    return value;
  }
  const value = or();
  if (at !== tokens.length) throw new Error(`unexpected ${tokens[at]}`);
  return value;
}

describe('licences of what the packaged app contains', () => {
  it('every production package is under a permissive licence, or an LGPL library on the list', () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
    const shipped = shippedPackages(lock, ROOT);
    expect(shipped.length).toBeGreaterThan(50);
    const refused = shipped.flatMap(({ name, version, license }) => {
      const why = refusal(name, license);
      return why ? [`${name}@${version}: ${why}`] : [];
    });
    expect(refused).toEqual([]);
  });

  it('refuses GPL, AGPL, no licence, and LGPL not on the list; takes the permissive ones and the listed LGPL libraries', () => {
    expect(refusal('@audio/decode-aac', 'GPL-2.0')).toMatch(/GPL would put every build under its terms/);
    expect(refusal('some-server', 'AGPL-3.0-only')).toMatch(/GPL would put every build/);
    expect(refusal('dual', 'GPL-3.0-or-later AND MIT')).toMatch(/GPL would put/);
    expect(refusal('mystery', undefined)).toBe('no licence found');
    expect(refusal('custom', 'SEE LICENSE IN LICENSE.txt')).toMatch(/not a licence on the list|not an SPDX expression/);
    expect(refusal('some-lgpl-lib', 'LGPL-3.0-or-later')).toMatch(/not one of the libraries/);
    expect(refusal('broken', 'MIT AND (ISC')).toMatch(/not an SPDX expression/);

    expect(refusal('react', 'MIT')).toBeUndefined();
    expect(refusal('@bufbuild/protobuf', '(Apache-2.0 AND BSD-3-Clause)')).toBeUndefined();
    expect(refusal('choose-one', 'GPL-2.0 OR MIT')).toBeUndefined();
    expect(refusal('@img/sharp-libvips-linux-x64', 'LGPL-3.0-or-later')).toBeUndefined();
    expect(refusal('@img/sharp-win32-x64', 'Apache-2.0 AND LGPL-3.0-or-later')).toBeUndefined();
    expect(refusal('codec-parser', 'LGPL-3.0-or-later')).toBeUndefined();
    // The list names libraries, not a prefix anyone may publish under.
    expect(refusal('@img/sharp-libvips-linux-x64-evil/extra', 'LGPL-3.0-or-later')).toMatch(/not one of the libraries/);
  });

  it('reads the production tree from the lock: dev-only packages are not shipped, optional ones are', () => {
    const lock = {
      packages: {
        '': { version: '0.1.0' },
        'node_modules/sharp': { version: '1.0.0', license: 'Apache-2.0' },
        'node_modules/@img/sharp-libvips-darwin-arm64': { version: '1.0.0', license: 'LGPL-3.0-or-later', optional: true },
        'node_modules/vitest': { version: '4.0.0', license: 'MIT', dev: true },
        'node_modules/a/node_modules/b': { version: '2.0.0' },
      },
    };
    expect(shippedPackages(lock, '/nonexistent')).toEqual([
      { name: 'sharp', version: '1.0.0', license: 'Apache-2.0' },
      { name: '@img/sharp-libvips-darwin-arm64', version: '1.0.0', license: 'LGPL-3.0-or-later' },
      { name: 'b', version: '2.0.0', license: undefined },
    ]);
  });
});
