/** A run never writes over an earlier run's result files: the name gets the first free -2, -3, ... suffix. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freeResultBase, writeResultFiles } from './results-file';

test('names a run after date, scale, mode and tag, and never reuses a taken name', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-results-'));
  try {
    const name = { date: '2026-11-25', scale: 1, quick: false, tag: 'final' };
    expect(freeResultBase(dir, name)).toBe(path.join(dir, '2026-11-25-scale1-final'));
    fs.writeFileSync(path.join(dir, '2026-11-25-scale1-final.json'), '{}');
    expect(freeResultBase(dir, name)).toBe(path.join(dir, '2026-11-25-scale1-final-2'));
    fs.writeFileSync(path.join(dir, '2026-11-25-scale1-final-2.md'), '');
    expect(freeResultBase(dir, name)).toBe(path.join(dir, '2026-11-25-scale1-final-3'));
    expect(freeResultBase(dir, { date: '2026-11-25', scale: 10, quick: true })).toBe(path.join(dir, '2026-11-25-scale10-quick'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('writes the result and its tables under the first free name, creating the directory', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-results-'));
  const dir = path.join(root, 'results');
  try {
    const name = { date: '2026-11-26', scale: 1, quick: false, tag: 'screens' };
    expect(writeResultFiles(dir, name, { p50: 1.5 }, '| a |')).toBe(path.join(dir, '2026-11-26-scale1-screens'));
    expect(JSON.parse(fs.readFileSync(path.join(dir, '2026-11-26-scale1-screens.json'), 'utf8'))).toEqual({ p50: 1.5 });
    expect(fs.readFileSync(path.join(dir, '2026-11-26-scale1-screens.md'), 'utf8')).toBe('| a |\n');
    expect(writeResultFiles(dir, name, {}, '')).toBe(path.join(dir, '2026-11-26-scale1-screens-2'));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
