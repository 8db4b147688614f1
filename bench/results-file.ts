/**
 * Where a run's results go: bench/results/<date>-scale<N>[-quick][-<tag>].json and .md, never over the files of an
 * earlier run (committed results are history; a repeated tag gets -2, -3, ... instead).
 */
import fs from 'node:fs';
import path from 'node:path';

export interface ResultName {
  date: string;
  scale: number;
  quick: boolean;
  tag?: string;
}

/** The path without extension for a run's .json and .md, the first of name, name-2, name-3, ... not yet taken. */
export function freeResultBase(dir: string, name: ResultName): string {
  const stem = `${name.date}-scale${name.scale}${name.quick ? '-quick' : ''}${name.tag ? `-${name.tag}` : ''}`;
  const taken = (base: string): boolean => fs.existsSync(`${base}.json`) || fs.existsSync(`${base}.md`);
  let base = path.join(dir, stem);
  for (let n = 2; taken(base); n += 1) base = path.join(dir, `${stem}-${n}`);
  return base;
}

/**
 * Writes a run's result as `<base>.json` (everything) and `<base>.md` (its tables) under the first free name in
 * `dir` (created if missing); returns the base path.
 */
export function writeResultFiles(dir: string, name: ResultName, result: unknown, tables: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const base = freeResultBase(dir, name);
  fs.writeFileSync(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
  fs.writeFileSync(`${base}.md`, `${tables}\n`);
  return base;
}
