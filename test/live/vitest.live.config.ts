// `npm run test:live`: the end-to-end suite against a real FreeSWITCH named by FS_ESL (set up from
// freeswitch/). Not part of `npm test`: its files end in .live.ts, which the default config ignores.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/live/**/*.live.ts'],
    globalSetup: ['test/live/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
