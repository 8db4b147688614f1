/** GRAPHQL_SLOW_OPERATION_MS reaches the running server's log: at 0 every operation over HTTP is logged. */
import { appForFile } from '../support/app';
import { memoryLogger } from '../support/memory-logger';

const memory = memoryLogger();
const t = appForFile({ GRAPHQL_SLOW_OPERATION_MS: '0', SYNC_ENABLED: 'false' }, memory.log);

it('logs a slow operation at warn with its name, signature and variable names', async () => {
  const response = await fetch(`${t.app.server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'query Page($n: Int) { loans(first: $n) { totalCount } }', variables: { n: 5 } }),
  });
  expect(await response.json()).toEqual({ data: { loans: { totalCount: 0 } } });
  expect(memory.lines.filter((line) => line['msg'] === 'slow GraphQL operation')).toEqual([
    expect.objectContaining({
      level: 40,
      component: 'graphql',
      operation: 'Page',
      type: 'query',
      signature: 'query Page($n:Int){loans(first:$n){totalCount}}',
      variables: ['n'],
      errors: [],
      viewer: 'anonymous',
      slowSinceLastLine: 0,
    }),
  ]);
});
