/**
 * bench/screen-load.ts against a stand-in server that answers each document by name: every user opens the screen
 * the given number of times with the documents in parallel, on keep-alive sockets of its own, and a document that
 * fails is counted as an error of its own and keeps its screen out of the whole-screen figures.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runScreenLoad } from './screen-load';

let server: http.Server;
let url: string;
const received: string[] = [];
const sockets = new Set<unknown>();
let failEveryOther = false;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    sockets.add(request.socket);
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const name = (JSON.parse(body) as { name: string }).name;
      received.push(name);
      const failing = failEveryOther && name === 'kpis' && received.filter((n) => n === 'kpis').length % 2 === 0;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(failing ? { data: null, errors: [{ message: 'busy', extensions: { code: 'DATABASE_UNAVAILABLE' } }] } : { data: { name } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  received.length = 0;
  sockets.clear();
});

const documents = [
  { name: 'kpis', body: JSON.stringify({ name: 'kpis' }) },
  { name: 'table', body: JSON.stringify({ name: 'table' }) },
];

it('sends every document of every opening, counts each screen loaded, and gives each document its figures', async () => {
  const stats = await runScreenLoad({ url, documents, users: 3, loadsPerUser: 4 });
  expect([...received].sort()).toEqual([...Array<string>(12).fill('kpis'), ...Array<string>(12).fill('table')]);
  expect(stats).toMatchObject({ users: 3, loadsPerUser: 4, screensLoaded: 12, errors: 0, firstError: null });
  expect(Object.keys(stats.documents)).toEqual(['kpis', 'table']);
  expect(stats.documents.kpis!.errors).toBe(0);
  // The whole screen waits for its slowest document.
  expect(stats.screen.maxMs).toBeGreaterThanOrEqual(Math.max(stats.documents.kpis!.p50Ms, stats.documents.table!.p50Ms));
  // Each user keeps its sockets: at most two (one per document in flight), never one per request.
  expect(sockets.size).toBeLessThanOrEqual(3 * documents.length);
});

it('counts a document answered with GraphQL errors against that document, and leaves its screen out', async () => {
  failEveryOther = true;
  try {
    const stats = await runScreenLoad({ url, documents, users: 1, loadsPerUser: 4 });
    expect(stats).toMatchObject({ screensLoaded: 2, errors: 2, documents: { kpis: { errors: 2 }, table: { errors: 0 } } });
    expect(stats.firstError).toBe('kpis: GraphQL errors: [{"message":"busy","extensions":{"code":"DATABASE_UNAVAILABLE"}}]');
  } finally {
    failEveryOther = false;
  }
});
