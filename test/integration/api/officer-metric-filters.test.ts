/**
 * Officers filtered on their §4.4 metrics (the Agent Performance filters upstream applied in the browser): risk
 * bands and a repayment delay rate bound, over every wave or one wave's loans, exactly the officers whose shown
 * metrics match — on every page, in every order, counted by totalCount — in the statements an unfiltered page costs.
 */
import { countStatements } from '../../support/databases';
import { createApiHarness, seedPortfolio, type ApiHarness } from './harness';

let api: ApiHarness;
beforeAll(async () => {
  api = await createApiHarness();
  await seedPortfolio(api.dbs, { officers: 8, loansPerOfficer: 10, customers: 20 });
  // Spread the officers over the bands: officer 2's loans deep in arrears (PORR 1), officer 3's wave 2 loans too,
  // officer 4 with a week's repayment delay; officer 5's loans moved to wave 1 (no wave 2 metrics beyond zeros).
  await api.dbs.metrics.pool.query(`
    UPDATE loans SET current_dpd = 40 WHERE officer_id = '2';
    UPDATE loans SET current_dpd = 40 WHERE officer_id = '3' AND wave = 'Wave 2';
    UPDATE loans SET days_since_last_repayment = 9 WHERE officer_id = '4';
    UPDATE loans SET wave = 'Wave 1' WHERE officer_id = '5'`);
});
afterAll(async () => {
  await api.dbs.drop();
});

interface Shown {
  id: string;
  all: { riskBand: string; repaymentDelayRate: string };
  wave2: { riskBand: string; repaymentDelayRate: string };
}

const SHOWN = 'id all: portfolio { riskBand repaymentDelayRate } wave2: portfolio(wave: WAVE_2) { riskBand repaymentDelayRate }';

async function everyOfficer(): Promise<Shown[]> {
  return (await api.data<{ officers: { nodes: Shown[] } }>(`{ officers(first: 100) { nodes { ${SHOWN} } } }`)).officers.nodes;
}

/** Exact comparison of two decimals of at most 2 places (the shown repaymentDelayRate and a bound). */
function hundredths(decimal: string): bigint {
  const [whole, fraction = ''] = decimal.split('.');
  const sign = whole!.startsWith('-') ? -1n : 1n;
  return sign * (BigInt(whole!.replace('-', '')) * 100n + BigInt(fraction.padEnd(2, '0')));
}

/** Every page of officers(filter, orderBy), two at a time, with the first page's totalCount. */
async function walk(filter: Record<string, unknown>, orderBy?: Record<string, unknown>): Promise<{ ids: string[]; totalCount: number }> {
  const ids: string[] = [];
  let totalCount = -1;
  let after: string | null = null;
  for (let pages = 0; pages < 20; pages += 1) {
    const data: { officers: { totalCount: number; nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await api.data(
      `query ($filter: OfficerFilterInput, $orderBy: OfficerOrder, $after: String) {
         officers(first: 2, after: $after, filter: $filter, orderBy: $orderBy) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } }`,
      { filter, orderBy, after },
    );
    if (totalCount < 0) totalCount = data.officers.totalCount;
    ids.push(...data.officers.nodes.map((n) => n.id));
    if (!data.officers.pageInfo.hasNextPage) return { ids, totalCount };
    after = data.officers.pageInfo.endCursor;
  }
  throw new Error('paging does not end');
}

const byName = (ids: string[]): string[] => [...ids].sort((a, b) => a.padStart(4, '0').localeCompare(b.padStart(4, '0')));

describe('officers filtered on their metrics', () => {
  it('by risk band over every wave: the officers whose portfolio shows one of the bands, paged and counted', async () => {
    const every = await everyOfficer();
    const bands = new Set(every.map((o) => o.all.riskBand));
    expect(bands.size).toBeGreaterThan(1);
    for (const band of bands) {
      const expected = every.filter((o) => o.all.riskBand === band).map((o) => o.id);
      expect(await walk({ riskBands: [band] })).toEqual({ ids: byName(expected), totalCount: expected.length });
    }
    const two = [...bands].slice(0, 2);
    const expected = every.filter((o) => two.includes(o.all.riskBand)).map((o) => o.id);
    expect(await walk({ riskBands: two })).toEqual({ ids: byName(expected), totalCount: expected.length });
    expect(await walk({ riskBands: [] })).toEqual({ ids: [], totalCount: 0 });
  });

  it("by risk band over one wave's loans, as portfolio(wave:) shows them, whatever wave the order sorts on", async () => {
    const every = await everyOfficer();
    const differ = every.filter((o) => o.all.riskBand !== o.wave2.riskBand);
    expect(differ.length).toBeGreaterThan(0);
    const band = differ[0]!.wave2.riskBand;
    const expected = every.filter((o) => o.wave2.riskBand === band).map((o) => o.id);
    expect(await walk({ riskBands: [band], metricsWave: 'WAVE_2' })).toEqual({ ids: byName(expected), totalCount: expected.length });
    // Sorted on every wave's risk score: the filter still reads wave 2's, the order every wave's.
    const sorted = await walk({ riskBands: [band], metricsWave: 'WAVE_2' }, { field: 'RISK_SCORE', direction: 'DESC' });
    expect(new Set(sorted.ids)).toEqual(new Set(expected));
    expect(sorted.totalCount).toBe(expected.length);
    const scores = await api.data<{ officers: { nodes: { id: string; portfolio: { riskScore: number } }[] } }>(
      `{ officers(first: 100, orderBy: { field: RISK_SCORE, direction: DESC }) { nodes { id portfolio { riskScore } } } }`,
    );
    expect(sorted.ids).toEqual(scores.officers.nodes.map((n) => n.id).filter((id) => expected.includes(id)));
  });

  it('by repayment delay rate below a bound (exact, on the 2 places shown), with the other filters', async () => {
    const every = await everyOfficer();
    const rates = every.map((o) => o.all.repaymentDelayRate);
    expect(new Set(rates).size).toBeGreaterThan(1);
    // A bound equal to an officer's shown rate leaves that officer out (strictly below).
    const bound = [...rates].sort((a, b) => (hundredths(a) < hundredths(b) ? 1 : hundredths(a) > hundredths(b) ? -1 : 0))[0]!;
    const below = every.filter((o) => hundredths(o.all.repaymentDelayRate) < hundredths(bound)).map((o) => o.id);
    expect(below.length).toBeGreaterThan(0);
    expect(below.length).toBeLessThan(every.length);
    expect(await walk({ repaymentDelayRateBelow: bound })).toEqual({ ids: byName(below), totalCount: below.length });
    const inRuby = await api.data<{ officers: { nodes: { id: string }[] } }>(`{ officers(first: 100, filter: { regions: ["Ruby"] }) { nodes { id } } }`);
    const ruby = inRuby.officers.nodes.map((n) => n.id);
    const both = below.filter((id) => ruby.includes(id));
    expect(await walk({ repaymentDelayRateBelow: bound, regions: ['Ruby'] })).toEqual({ ids: byName(both), totalCount: both.length });
  });

  it('costs the statements of an unfiltered page', async () => {
    const pools = { django: api.dbs.django.pool, metrics: api.dbs.metrics.pool };
    const page = (filter: string): Promise<unknown> =>
      api.data(`{ officers(first: 3, filter: ${filter}, orderBy: { field: RISK_SCORE, direction: DESC }) { totalCount nodes { id name portfolio { riskBand } } } }`);
    const plain = await countStatements(pools, () => page('{}'));
    const filtered = await countStatements(pools, () => page('{ riskBands: ["Green", "Watch", "Amber", "Red"], repaymentDelayRateBelow: "1000", metricsWave: WAVE_1 }'));
    expect(filtered.counts).toEqual(plain.counts);
  });

  it('refuses a band outside the four, and a wave with no metric condition to read it', async () => {
    const shape = (result: { errors?: readonly { message: string; extensions?: Record<string, unknown> }[] }) =>
      result.errors?.map((e) => ({ message: e.message, code: e.extensions?.code, argument: e.extensions?.argument }));
    expect(shape(await api.run(`{ officers(filter: { riskBands: ["Red", "RED"] }) { nodes { id } } }`))).toEqual([
      { message: 'filter.riskBands[1] must be one of Green, Watch, Amber, Red (exact spelling); got "RED"', code: 'BAD_USER_INPUT', argument: 'filter.riskBands[1]' },
    ]);
    expect(shape(await api.run(`{ officers(filter: { metricsWave: WAVE_2 }) { nodes { id } } }`))).toEqual([
      {
        message:
          'filter.metricsWave must be left out unless filter.riskBands or filter.repaymentDelayRateBelow is given (it picks the wave whose metrics they read); got "WAVE_2"',
        code: 'BAD_USER_INPUT',
        argument: 'filter.metricsWave',
      },
    ]);
    expect(shape(await api.run(`{ officers(filter: { repaymentDelayRateBelow: "1e3" }) { nodes { id } } }`))?.[0]?.code).toBe('BAD_USER_INPUT');
  });
});
