/** Parses `npm run db:seed` arguments; every error names the flag, what was expected and what arrived. */
import { futureDemoDayExpected, parseIsoDay } from './calendar';
import { DEMO_SCALE_MAX, DEMO_SCALE_MIN, DEMO_SEED_MAX } from './limits';

export interface SeedCliArgs {
  scale: number;
  seed: number;
  asOf: string | undefined;
  djangoUrl: string | undefined;
  hierarchyOut: string | undefined;
}

export const SEED_USAGE = 'usage: npm run db:seed -- [--scale N] [--seed N] [--as-of YYYY-MM-DD] [--django-url URL] [--hierarchy-out FILE]';

export function parseSeedArgs(argv: readonly string[], defaults: { scale: number; seed: number; asOf: string | undefined }): SeedCliArgs {
  const args: SeedCliArgs = { scale: defaults.scale, seed: defaults.seed, asOf: defaults.asOf, djangoUrl: undefined, hierarchyOut: undefined };
  for (let i = 0; i < argv.length; i += 1) {
    const raw = argv[i];
    const eq = raw.indexOf('=');
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    const value = (): string => {
      const v = eq > 0 ? raw.slice(eq + 1) : argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value; ${SEED_USAGE}`);
      return v;
    };
    switch (flag) {
      case '--scale': {
        const v = value();
        if (!/^\d+(\.\d+)?$/.test(v) || Number(v) < DEMO_SCALE_MIN || Number(v) > DEMO_SCALE_MAX) {
          throw new Error(`--scale must be a number from ${DEMO_SCALE_MIN} to ${DEMO_SCALE_MAX} such as 1, 0.05 or 10; got ${JSON.stringify(v)}`);
        }
        args.scale = Number(v);
        break;
      }
      case '--seed': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) > DEMO_SEED_MAX) throw new Error(`--seed must be an integer from 0 to ${DEMO_SEED_MAX}; got ${JSON.stringify(v)}`);
        args.seed = Number(v);
        break;
      }
      case '--as-of': {
        const v = value();
        parseIsoDay(v, '--as-of');
        const future = futureDemoDayExpected(v);
        if (future !== undefined) throw new Error(`--as-of must be ${future}; got ${JSON.stringify(v)}`);
        args.asOf = v;
        break;
      }
      case '--django-url': {
        const v = value();
        if (!/^postgres(ql)?:\/\/.+\/[^/]+/.test(v)) throw new Error(`--django-url must be a postgres:// URL naming a database; got ${JSON.stringify(v.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@'))}`);
        args.djangoUrl = v;
        break;
      }
      case '--hierarchy-out':
        args.hierarchyOut = value();
        break;
      default:
        throw new Error(`unknown argument ${JSON.stringify(raw)}; ${SEED_USAGE}`);
    }
  }
  return args;
}
