/**
 * The seeds and scales the demo generator accepts: one set for DEMO_SEED / DEMO_SCALE (src/config.ts), db:seed's
 * --seed / --scale (cli-args.ts) and the generator's own check, so a value one of them takes the others take too.
 */

/** The PRNG is seeded with a 32-bit unsigned integer. */
export const DEMO_SEED_MAX = 2 ** 32 - 1;

/** Scale 1 is the real data's size (DOMAIN.md); 100 is ~100× that, about as far as one machine's memory goes. */
export const DEMO_SCALE_MIN = 0.001;
export const DEMO_SCALE_MAX = 100;
