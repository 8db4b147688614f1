import { startEmbeddedPostgres } from '../src/embedded';
(async () => { const s = await startEmbeddedPostgres({ dataDir: '.data/bench/scale1-seed42-2025-12-10/work', port: 54349, databases: ['django', 'seedsmetrics'] }); console.log('up'); process.on('SIGTERM', async () => { await s.stop(); process.exit(0); }); setInterval(() => {}, 1000); })();
