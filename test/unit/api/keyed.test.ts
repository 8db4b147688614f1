/** The DataLoader key contract, enforced in one helper: same length, same order, missing → null (or []). */
import { groupByKey, groupedLoader, keyedLoader, LoaderFamily, orderByKey, primeAll, stableKey } from '../../../loaders/keyed';

describe('orderByKey', () => {
  it('returns one result per key, in key order, null for a missing key, even when rows arrive shuffled', () => {
    const rows = [{ id: 'c', v: 3 }, { id: 'a', v: 1 }, { id: 'x', v: 9 }];
    expect(orderByKey(['a', 'b', 'c', 'a'], rows, (r) => r.id)).toEqual([{ id: 'a', v: 1 }, null, { id: 'c', v: 3 }, { id: 'a', v: 1 }]);
  });

  it('keeps the first row when the database returns a key twice', () => {
    expect(orderByKey(['a'], [{ id: 'a', v: 1 }, { id: 'a', v: 2 }], (r) => r.id)).toEqual([{ id: 'a', v: 1 }]);
  });
});

describe('groupByKey', () => {
  it('groups rows per key in key order, keeping row order, [] for a key without rows', () => {
    const rows = [{ k: 'b', n: 1 }, { k: 'a', n: 2 }, { k: 'b', n: 3 }, { k: 'z', n: 4 }];
    expect(groupByKey(['a', 'b', 'c'], rows, (r) => r.k)).toEqual([[{ k: 'a', n: 2 }], [{ k: 'b', n: 1 }, { k: 'b', n: 3 }], []]);
  });
});

describe('stableKey', () => {
  it('gives equal arguments one text whatever their key order, leaving out undefined keys, at any depth', () => {
    const a = { filter: { regions: ['Lagos'], dpdMin: 1, waves: undefined }, args: { first: 20, after: null } };
    const b = { args: { after: null, first: 20 }, filter: { dpdMin: 1, regions: ['Lagos'] } };
    expect(stableKey(a)).toBe(stableKey(b));
  });

  it('tells apart arguments that differ in a value, in list order or in null against undefined', () => {
    expect(stableKey({ regions: ['Lagos', 'Ogun'] })).not.toBe(stableKey({ regions: ['Ogun', 'Lagos'] }));
    expect(stableKey({ first: 20 })).not.toBe(stableKey({ first: 21 }));
    expect(stableKey({ after: null })).not.toBe(stableKey({}));
  });
});

describe('loaders built on the helpers', () => {
  it('batch the keys of one tick into one fetch and answer each key', async () => {
    const calls: (readonly string[])[] = [];
    const loader = keyedLoader(async (keys: readonly string[]) => {
      calls.push(keys);
      return keys.filter((k) => k !== 'missing').map((k) => ({ id: k })).reverse();
    }, (r) => r.id);
    const results = await Promise.all([loader.load('1'), loader.load('missing'), loader.load('2'), loader.load('1')]);
    expect(results).toEqual([{ id: '1' }, null, { id: '2' }, { id: '1' }]);
    expect(calls).toEqual([['1', 'missing', '2']]);
  });

  it('primed keys are not fetched again', async () => {
    const calls: (readonly string[])[] = [];
    const loader = keyedLoader(async (keys: readonly string[]) => {
      calls.push(keys);
      return keys.map((k) => ({ id: k, fresh: true }));
    }, (r) => r.id);
    primeAll(loader, [{ id: '7', fresh: false }], (r) => r.id);
    expect(await Promise.all([loader.load('7'), loader.load('8')])).toEqual([{ id: '7', fresh: false }, { id: '8', fresh: true }]);
    expect(calls).toEqual([['8']]);
  });

  it('grouped loaders answer [] for parents without rows', async () => {
    const loader = groupedLoader(async () => [{ parent: 'p1', n: 1 }], (r) => r.parent);
    expect(await Promise.all([loader.load('p1'), loader.load('p2')])).toEqual([[{ parent: 'p1', n: 1 }], []]);
  });

  it('a loader family shares one loader per argument signature', () => {
    let created = 0;
    const family = new LoaderFamily((limit: number) => {
      created += 1;
      return keyedLoader(async () => [] as { id: string }[], (r) => r.id + limit);
    });
    expect(family.forArgs('5', 5)).toBe(family.forArgs('5', 5));
    expect(family.forArgs('6', 6)).not.toBe(family.forArgs('5', 5));
    expect(created).toBe(2);
  });
});
